"""Index-set versions: checking an edited tree, replacing the current version, cloning last
year's set into a new period."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parindex.tabular import ImportProblem
from scoring.models import (
    AssessmentPeriod,
    AuditAction,
    Band,
    Evidence,
    IndexItem,
    IndexSet,
    ItemLevel,
    Score,
    SurveyResult,
)
from scoring.rules import parse_rule
from scoring.workflow import PeriodStatus
from units.models import UnitKind

from . import audit
from .audit import audit_snapshot
from .index_tree import ItemSpec, check_tree

# What units score against: once the set is in use these no longer change (text still can).
SCORING_FIELDS = ("max_points", "method", "rule", "not_applicable_allowed", "data_source")


def period_sets_frozen_reason(period: AssessmentPeriod) -> str | None:
    """Why no index set of the period may change any more (its results are published); None
    while they may. The editor, the upload and the replacement all ask this."""
    if period.status == PeriodStatus.PUBLISHED:
        return _(
            "The results of %(year)s are published: the index sets of that period can no longer "
            "change."
        ) % {"year": period.year}
    return None


def index_set_draft_pending_reason(*, period: AssessmentPeriod, unit_kind: UnitKind) -> str | None:
    """One draft at a time per period and unit kind: a second would make "the replacement"
    ambiguous. None when a draft may be started."""
    existing = IndexSet.objects.filter(period=period, unit_kind=unit_kind, is_draft=True).first()
    if existing is None:
        return None
    return _("Draft version %(version)s of this index set is already being prepared.") % {
        "version": existing.version
    }


def index_set_current(*, period: AssessmentPeriod, unit_kind: UnitKind) -> IndexSet | None:
    """The version units of `unit_kind` score in `period` now (None before any)."""
    return IndexSet.objects.filter(period=period, unit_kind=unit_kind, is_current=True).first()


def index_set_in_use(index_set: IndexSet) -> bool:
    """Units have scored it, Home Affairs has entered survey results, or evidence cites it."""
    return (
        Score.objects.filter(item__index_set=index_set).exists()
        or SurveyResult.objects.filter(item__index_set=index_set).exists()
        or Evidence.items.through.objects.filter(indexitem__index_set=index_set).exists()
    )


def index_set_in_use_message(period: AssessmentPeriod, unit_kind: UnitKind) -> str:
    return _(
        "Units have already scored the current index set for %(kind)s in %(year)s; it "
        "cannot be replaced."
    ) % {"kind": unit_kind, "year": period.year}


def index_set_problems(
    items: list[IndexItem], overrides: dict[int, dict] | None = None, *, in_use: bool = False
) -> list[str]:
    """Check a set's items as they would be after `overrides` ({item pk: {field: value}}) with
    the tree rules of an import, and — for a set in use — refuse changes to how it scores.
    Returns messages naming the item codes."""
    overrides = overrides or {}
    problems: list[ImportProblem] = []
    if in_use:
        frozen = [
            item.code
            for item in items
            if any(
                name in overrides.get(item.pk, {})
                and overrides[item.pk][name] != getattr(item, name)
                for name in SCORING_FIELDS
            )
        ]
        if frozen:
            problems.append(
                ImportProblem(
                    None,
                    _(
                        "Units already work with this index set: the points, methods, rules and "
                        "not-applicable options of %(codes)s can no longer change (names and "
                        "guidance still can)."
                    )
                    % {"codes": ", ".join(frozen)},
                )
            )
    check_tree(_item_specs(items, overrides), problems)
    return [problem.message for problem in problems]


def index_set_item_problems(items: list[IndexItem]) -> dict[int | None, list[str]]:
    """The tree problems of a set's items (index_set_problems' rules) by the id of the item
    each concerns, for the editor to show beside it."""
    problems: list[ImportProblem] = []
    check_tree(_item_specs(items, {}), problems)
    by_item: dict[int | None, list[str]] = {}
    for problem in problems:
        by_item.setdefault(problem.row or None, []).append(problem.message)
    return by_item


def _item_specs(items: list[IndexItem], overrides: dict[int, dict]) -> list[ItemSpec]:
    """The items as check_tree reads them; each spec's row is the item's id."""
    by_pk = {item.pk: item for item in items}
    specs = []
    for item in items:
        values = {
            "max_points": item.max_points,
            "rule": item.rule,
            "method": item.method,
            "data_source": item.data_source,
            **overrides.get(item.pk, {}),
        }
        parent = by_pk.get(item.parent_id)
        specs.append(
            ItemSpec(
                row=item.pk,
                code=item.code,
                name=item.name,
                level=item.level,
                max_points=None if values["max_points"] is None else Decimal(values["max_points"]),
                method=values["method"],
                rule=values["rule"],
                data_source=values["data_source"] or "",
                parent_code=parent.code if parent else None,
            )
        )
    return specs


def index_items_refresh_rules(*, items: list[IndexItem], by) -> None:
    """Re-read edited rules into their parameters (what the scoring engine uses), audited.
    The not-applicable tick stays as the admin set it; only its condition text follows the rule."""
    for item in items:
        if not item.is_scored:
            continue
        parsed = parse_rule(item.rule, item.max_points, item.method)
        before = audit_snapshot(item, ["method_params", "not_applicable_condition"])
        item.method_params = parsed.params
        item.not_applicable_condition = parsed.not_applicable_condition
        item.save(update_fields=["method_params", "not_applicable_condition"])
        audit.record(
            audit.field_changes(
                action=AuditAction.UPDATE,
                actor=by,
                obj=item,
                before=before,
                reason=_("Read again from the rule"),
            )
        )


def index_set_start_version(
    *, period: AssessmentPeriod, unit_kind: UnitKind
) -> tuple[int, IndexSet | None]:
    """Retire the current set of period × kind (call inside a transaction) and return the next
    version number with the retired set. Scored work is never re-pointed, so a current set that
    units have already scored cannot be replaced."""
    current = (
        IndexSet.objects.select_for_update()
        .filter(period=period, unit_kind=unit_kind, is_current=True)
        .first()
    )
    if current is None:
        return index_set_next_version(period=period, unit_kind=unit_kind), None
    if index_set_in_use(current):
        raise ValidationError(index_set_in_use_message(period, unit_kind))
    current.is_current = False
    current.save(update_fields=["is_current"])
    # Past the latest version, drafts included.
    return index_set_next_version(period=period, unit_kind=unit_kind), current


def index_set_finish_version(
    *, new: IndexSet, retired: IndexSet | None, by, action: AuditAction, reason: str
) -> None:
    """Point the period's assessments at the new version and record the change."""
    if retired is not None:
        retired.assessments.update(index_set=new)
    audit.record(
        audit.index_set_versioned(
            action=action,
            actor=by,
            period=new.period,
            old_id=retired.pk if retired else None,
            new_id=new.pk,
            reason=reason,
        )
    )


def index_set_copy(*, source: IndexSet, into: IndexSet) -> IndexSet:
    """Copy the items (tree, rules, parameters), the bands and the caps of `source` into the new
    set `into` (already saved). The one copy both a clone and a draft use."""
    new_by_old: dict[int, IndexItem] = {}
    items = list(source.items.order_by("position"))
    # Parents before children: areas and lines, then criteria, then sub-criteria.
    for levels in (
        (ItemLevel.AREA, ItemLevel.BONUS, ItemLevel.PENALTY),
        (ItemLevel.CRITERION,),
        (ItemLevel.SUB_CRITERION,),
    ):
        batch = [item for item in items if item.level in levels]
        copies = [
            IndexItem(
                index_set=into,
                parent=new_by_old.get(item.parent_id),
                level=item.level,
                code=item.code,
                name=item.name,
                guidance=item.guidance,
                max_points=item.max_points,
                method=item.method,
                method_params=item.method_params,
                rule=item.rule,
                evidence_required=item.evidence_required,
                not_applicable_allowed=item.not_applicable_allowed,
                not_applicable_condition=item.not_applicable_condition,
                data_source=item.data_source,
                position=item.position,
            )
            for item in batch
        ]
        for old, new in zip(batch, IndexItem.objects.bulk_create(copies), strict=True):
            new_by_old[old.pk] = new
    Band.objects.bulk_create(
        Band(index_set=into, label=band.label, min_percent=band.min_percent)
        for band in source.bands.all()
    )
    return into


def index_set_clone(*, source: IndexSet, period: AssessmentPeriod, by=None) -> IndexSet:
    """Copy `source` (typically last year's) into `period` as the new current version for the
    same unit kind: items, rules, bands and caps. The organiser then edits what changed."""
    with transaction.atomic():
        version, retired = index_set_start_version(period=period, unit_kind=source.unit_kind)
        clone = IndexSet.objects.create(
            period=period,
            unit_kind=source.unit_kind,
            version=version,
            # "Bộ chỉ số … năm 2025" becomes "… năm 2026" in the new period.
            name=source.name.replace(str(source.period.year), str(period.year)),
            source=_("Copied from %(set)s") % {"set": source},
            cloned_from=source,
            bonus_cap=source.bonus_cap,
            penalty_cap=source.penalty_cap,
            # The typing step carries over; the decision does not: a new year needs its own.
            points_step=source.points_step,
        )
        index_set_copy(source=source, into=clone)
        index_set_finish_version(
            new=clone,
            retired=retired,
            by=by,
            action=AuditAction.CLONE_INDEX_SET,
            reason=_("Copied from %(set)s") % {"set": source},
        )
    return clone


def index_set_next_version(*, period: AssessmentPeriod, unit_kind: UnitKind) -> int:
    """The version number a new set of period × kind takes (drafts included)."""
    latest = (
        IndexSet.objects.filter(period=period, unit_kind=unit_kind)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (latest or 0) + 1
