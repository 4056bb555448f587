"""Home Affairs edits an index set in the browser: items (add, edit, move, remove), bands and the
header with its issuing decision. Each write is atomic and audited (AuditAction.EDIT_INDEX_SET).

A set may be edited while no unit works with it, or while it is a draft version. An edit that
leaves a parent's maximum unequal to its children's sum is saved (the next edit balances it):
the editor shows every tree problem beside its item (index_sets.index_set_item_problems), and a
set with problems cannot be opened. A rule that cannot be read as its method is refused."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scoring.exceptions import Refused
from scoring.models import PARENT_LEVEL, Band, IndexItem, IndexSet, ItemLevel, ScoringMethod
from scoring.rules import RuleError, parse_rule
from scoring.workflow import PeriodStatus
from units.access import acts_for
from units.roles import Permission

from . import audit
from .audit import audit_snapshot
from .index_sets import index_set_in_use, period_sets_frozen_reason

ITEM_FIELDS = (
    "code",
    "name",
    "guidance",
    "max_points",
    "method",
    "rule",
    "evidence_required",
    "not_applicable_allowed",
    "data_source",
)
# What parse_rule reads out of the rule text (as index_items_refresh_rules stores it).
READ_FIELDS = ("method_params", "not_applicable_condition")
HEADER_FIELDS = (
    "name",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "bonus_cap",
    "penalty_cap",
    "points_step",
)
BAND_FIELDS = ("label", "min_percent")
TOP_LEVELS = (ItemLevel.AREA, ItemLevel.BONUS, ItemLevel.PENALTY)
# The level of an item added under a parent of each level: area → criterion → sub-criterion.
CHILD_LEVEL = {parent: level for level, parent in PARENT_LEVEL.items() if parent is not None}


# ---------------------------------------------------------------- may it be edited


def index_set_locked_reason(index_set: IndexSet) -> str | None:
    """Why the set cannot be edited now, in words for the officer; None when it can."""
    frozen = period_sets_frozen_reason(index_set.period)
    if frozen:
        return frozen
    if index_set.is_draft:
        return None
    if not index_set.is_current:
        return _(
            "This version has been replaced by a newer one; only the current version or a draft "
            "can be edited."
        )
    if index_set_in_use(index_set):
        return _(
            "Units already work with this index set, so it can no longer be edited. Prepare a "
            "new version (a draft) with the changes and apply it."
        )
    if index_set.period.status != PeriodStatus.SETUP:
        # Units see the current set from the moment the period opens: a half-done edit (a
        # parent left unbalanced) would be what they score. Changes go through a draft.
        return _(
            "The period is open: units see this index set now. Prepare a new version (a draft) "
            "with the changes and apply it."
        )
    return None


def _check_editable(index_set: IndexSet) -> None:
    reason = index_set_locked_reason(index_set)
    if reason:
        raise Refused(reason)


def _locked(index_set: IndexSet, by) -> IndexSet:
    """The set, locked for the rest of the transaction, and checked editable by `by`."""
    locked = IndexSet.objects.select_for_update().select_related("period").get(pk=index_set.pk)
    if not acts_for(by, Permission.MANAGE_PERIOD, locked.period.organiser_id):
        raise PermissionDenied(_("Only Home Affairs of this organiser edits its index sets."))
    _check_editable(locked)
    return locked


# ---------------------------------------------------------------- items


def index_item_add(
    *,
    index_set: IndexSet,
    parent: IndexItem | None,
    level: str | None = None,
    code: str,
    name: str,
    guidance: str = "",
    max_points: Decimal,
    method: str | None = None,
    rule: str = "",
    evidence_required: bool = True,
    not_applicable_allowed: bool = False,
    data_source: str = "",
    by,
) -> IndexItem:
    """Add an item under `parent` (its level follows the parent's: area → criterion →
    sub-criterion), or at the top (`level` area, bonus or penalty line). It comes last among
    its siblings."""
    with transaction.atomic():
        index_set = _locked(index_set, by)
        if parent is not None:
            if parent.index_set_id != index_set.pk:
                raise ValidationError({"parent": _("The parent belongs to another index set.")})
            level = CHILD_LEVEL.get(ItemLevel(parent.level))
            if level is None:
                raise ValidationError(
                    {"parent": _("A sub-criterion, bonus or penalty line has no sub-items.")}
                )
        elif level not in TOP_LEVELS:
            raise ValidationError({"level": _("Choose an area, a bonus line or a penalty line.")})
        item = IndexItem(index_set=index_set, parent=parent, level=level, position=0)
        _apply_fields(
            item,
            code=code,
            name=name,
            guidance=guidance,
            max_points=max_points,
            method=method,
            rule=rule,
            evidence_required=evidence_required,
            not_applicable_allowed=not_applicable_allowed,
            data_source=data_source,
        )
        siblings = _siblings(item)
        item.position = max((s.position for s in siblings), default=0) + 1
        item.save()
        audit.record(audit.index_set_part_added(actor=by, obj=item))
        _renumber(index_set, last=item)
    return item


def index_item_edit(
    *,
    item: IndexItem,
    code: str,
    name: str,
    guidance: str,
    max_points: Decimal,
    method: str | None,
    rule: str,
    evidence_required: bool,
    not_applicable_allowed: bool,
    data_source: str = "",
    by,
) -> IndexItem:
    """Change an item's text, points and rule; the rule is read again into the parameters
    the scoring uses (`method` None: the method the rule is written in). A `data_source`
    marks the item as fed from data: only a rule that scores a figure can be."""
    with transaction.atomic():
        _locked(item.index_set, by)
        before = audit_snapshot(item, ITEM_FIELDS + READ_FIELDS)
        _apply_fields(
            item,
            code=code,
            name=name,
            guidance=guidance,
            max_points=max_points,
            method=method,
            rule=rule,
            evidence_required=evidence_required,
            not_applicable_allowed=not_applicable_allowed,
            data_source=data_source,
        )
        item.save()
        audit.record(audit.index_set_edited(actor=by, obj=item, before=before))
    return item


def _apply_fields(item: IndexItem, *, code, name, guidance, max_points, method, rule, **flags):
    """Set and check an item's fields (raises ValidationError by field, nothing saved)."""
    item.code = (code or "").strip()
    item.name = (name or "").strip()
    item.guidance = guidance or ""
    item.max_points = max_points
    if item.is_scored:
        item.evidence_required = flags["evidence_required"]
        item.not_applicable_allowed = flags["not_applicable_allowed"]
    elif item.pk is None:  # areas and criteria are not scored: nothing to prove or waive
        item.evidence_required = item.not_applicable_allowed = False
    if item.code and (
        IndexItem.objects.filter(index_set_id=item.index_set_id, code=item.code)
        .exclude(pk=item.pk)
        .exists()
    ):
        raise ValidationError({"code": _("Another item of this set already has this code.")})
    if item.is_scored:
        item.rule = rule or ""
        if max_points is not None:
            try:
                parsed = parse_rule(item.rule, Decimal(max_points), method or None)
            except RuleError as exc:
                raise ValidationError(
                    {"rule": _("The rule cannot be read: %(error)s") % {"error": exc}}
                ) from exc
            item.method = parsed.method
            item.method_params = parsed.params
            item.not_applicable_condition = parsed.not_applicable_condition
        # Its figure comes from another system (a data set); the model refuses a rule that
        # scores no figure (data_source_problem).
        item.data_source = (flags.get("data_source") or "").strip()
    else:
        # Areas and criteria are not scored: their maximum is their children's sum.
        item.rule, item.method, item.method_params = "", ScoringMethod.MANUAL, {}
        item.not_applicable_condition = item.data_source = ""
    item.normalize_text_fields()
    item.full_clean(validate_unique=False, validate_constraints=False)


def index_item_move(*, item: IndexItem, direction: str, by) -> IndexItem:
    """Move an item one place up or down among its siblings (with its sub-items)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item up or down."))
    with transaction.atomic():
        index_set = _locked(item.index_set, by)
        siblings = _siblings(item, including=True)
        at = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
        other = at - 1 if direction == "up" else at + 1
        if not 0 <= other < len(siblings):
            return item  # already first or last: nothing changes
        before = audit_snapshot(item, ["position"])
        siblings[at], siblings[other] = siblings[other], siblings[at]
        for position, sibling in enumerate(siblings, start=1):
            sibling.position = position
        IndexItem.objects.bulk_update(siblings, ["position"])
        _renumber(index_set)
        item.refresh_from_db(fields=["position"])
        audit.record(
            audit.index_set_edited(
                actor=by,
                obj=item,
                before=before,
                reason=_("Moved up") if direction == "up" else _("Moved down"),
            )
        )
    return item


def index_item_reparent(*, item: IndexItem, parent: IndexItem, by) -> IndexItem:
    """Move an item (with its sub-items) under another parent of the right level. Codes that
    followed the old parent's ("1.2.3" under "1.2") follow the new one ("1.4.n")."""
    with transaction.atomic():
        index_set = _locked(item.index_set, by)
        expected = PARENT_LEVEL[ItemLevel(item.level)]
        if expected is None:
            raise ValidationError({"parent": _("Areas and bonus or penalty lines sit at the top.")})
        if parent.index_set_id != index_set.pk or parent.level != expected:
            raise ValidationError(
                {
                    "parent": _("A %(level)s cannot sit under a %(parent)s.")
                    % {"level": item.get_level_display(), "parent": parent.get_level_display()}
                }
            )
        if parent.pk == item.parent_id:
            return item
        old_parent = item.parent
        before = audit_snapshot(item, ["parent", "code", "position"])
        item.parent = parent
        item.position = max((s.position for s in _siblings(item)), default=0) + 1
        renamed = _recode(item, old_parent.code, parent)
        item.save(update_fields=["parent", "code", "position"])
        entries = audit.index_set_edited(actor=by, obj=item, before=before)
        for child, child_before in renamed:
            child.save(update_fields=["code"])
            entries += audit.index_set_edited(actor=by, obj=child, before=child_before)
        audit.record(entries)
        _renumber(index_set)
        item.refresh_from_db(fields=["position"])
    return item


def _recode(item: IndexItem, old_prefix: str, parent: IndexItem) -> list[tuple[IndexItem, dict]]:
    """Give `item` the next free code under `parent` when its code followed the old parent's;
    its sub-items' codes follow. Returns the sub-items renamed, with their snapshots."""
    if not item.code.startswith(old_prefix + "."):
        return []
    taken = set(
        IndexItem.objects.filter(index_set_id=item.index_set_id).values_list("code", flat=True)
    )
    number = 1 + sum(1 for s in _siblings(item) if s.code.startswith(parent.code + "."))
    while f"{parent.code}.{number}" in taken:
        number += 1
    old_code, item.code = item.code, f"{parent.code}.{number}"
    renamed = []
    for child in IndexItem.objects.filter(parent=item):
        if child.code.startswith(old_code + "."):
            child_before = audit_snapshot(child, ["code"])
            child.code = item.code + child.code[len(old_code) :]
            if child.code in taken:
                raise ValidationError(
                    {"parent": _("Code “%(code)s” is already used.") % {"code": child.code}}
                )
            renamed.append((child, child_before))
    if len(item.code) > IndexItem._meta.get_field("code").max_length or any(
        len(child.code) > IndexItem._meta.get_field("code").max_length for child, _b in renamed
    ):
        raise ValidationError({"parent": _("The new codes would be too long.")})
    return renamed


def index_item_remove(*, item: IndexItem, by) -> None:
    """Remove an item with all its sub-items; each removal is audited."""
    with transaction.atomic():
        index_set = _locked(item.index_set, by)
        removed = [item]
        frontier = [item]
        while frontier:
            children = list(IndexItem.objects.filter(parent__in=frontier))
            removed += children
            frontier = children
        reason = _("Removed with “%(code)s”") % {"code": item.code} if len(removed) > 1 else ""
        audit.record(
            audit.index_set_part_removed(
                actor=by, obj=part, reason=reason if part is not item else ""
            )
            for part in removed
        )
        item.delete()  # its sub-items go with it (CASCADE)
        _renumber(index_set)


def _siblings(item: IndexItem, *, including: bool = False) -> list[IndexItem]:
    """The items beside `item` (same parent; at the top, the same level), in position order."""
    query = IndexItem.objects.filter(index_set_id=item.index_set_id, parent_id=item.parent_id)
    if item.parent_id is None:
        query = query.filter(level=item.level)
    if not including and item.pk:
        query = query.exclude(pk=item.pk)
    return list(query.order_by("position", "pk"))


def _renumber(index_set: IndexSet, last: IndexItem | None = None) -> None:
    """Positions follow the tree (areas each followed by their criteria and sub-criteria, then
    bonus and penalty lines), as an import numbers them: flat lists sort by position."""
    items = list(IndexItem.objects.filter(index_set=index_set).order_by("position", "pk"))
    children: dict[int | None, list[IndexItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    ordered: list[IndexItem] = []

    def walk(node: IndexItem) -> None:
        ordered.append(node)
        for child in children.get(node.pk, []):
            walk(child)

    for level in TOP_LEVELS:
        for top in children.get(None, []):
            if top.level == level:
                walk(top)
    changed = []
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            changed.append(item)
    IndexItem.objects.bulk_update(changed, ["position"])
    if last is not None:
        last.position = next(i.position for i in ordered if i.pk == last.pk)


# ---------------------------------------------------------------- bands and header


def band_add(*, index_set: IndexSet, label: str, min_percent: Decimal, by) -> Band:
    with transaction.atomic():
        index_set = _locked(index_set, by)
        band = Band(index_set=index_set)
        _apply_band(band, label=label, min_percent=min_percent)
        band.save()
        audit.record(audit.index_set_part_added(actor=by, obj=band))
    return band


def band_edit(*, band: Band, label: str, min_percent: Decimal, by) -> Band:
    with transaction.atomic():
        _locked(band.index_set, by)
        before = audit_snapshot(band, BAND_FIELDS)
        _apply_band(band, label=label, min_percent=min_percent)
        band.save()
        audit.record(audit.index_set_edited(actor=by, obj=band, before=before))
    return band


def band_remove(*, band: Band, by) -> None:
    with transaction.atomic():
        _locked(band.index_set, by)
        audit.record(audit.index_set_part_removed(actor=by, obj=band))
        band.delete()


def _apply_band(band: Band, *, label: str, min_percent: Decimal) -> None:
    band.label = (label or "").strip()
    band.min_percent = min_percent
    others = Band.objects.filter(index_set_id=band.index_set_id).exclude(pk=band.pk)
    errors = {}
    if others.filter(label=band.label).exists():
        errors["label"] = _("Another band already has this label.")
    if min_percent is not None and others.filter(min_percent=min_percent).exists():
        errors["min_percent"] = _("Another band already starts at this index.")
    if errors:
        raise ValidationError(errors)
    band.normalize_text_fields()
    band.full_clean(validate_unique=False, validate_constraints=False)


def index_set_header_edit(
    *,
    index_set: IndexSet,
    name: str,
    decision_number: str,
    decision_date,
    decision_issuer: str,
    bonus_cap: Decimal | None,
    penalty_cap: Decimal | None,
    points_step: Decimal | None,
    by,
) -> IndexSet:
    """The set's name, the decision that issues it (number, date, issuer) and its caps."""
    with transaction.atomic():
        locked = _locked(index_set, by)
        before = audit_snapshot(locked, HEADER_FIELDS)
        locked.name = name or ""
        locked.decision_number = decision_number or ""
        locked.decision_date = decision_date
        locked.decision_issuer = decision_issuer or ""
        locked.bonus_cap = bonus_cap
        locked.penalty_cap = penalty_cap
        locked.points_step = points_step
        locked.normalize_text_fields()
        locked.full_clean(validate_unique=False, validate_constraints=False)
        locked.save(update_fields=list(HEADER_FIELDS))
        audit.record(audit.index_set_edited(actor=by, obj=locked, before=before))
    return locked
