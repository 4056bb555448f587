"""Index-set versions: checking an edited tree, replacing the current version, cloning last
year's set into a new period."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parindex.tabular import ImportProblem
from scoring.models import AssessmentPeriod, Band, IndexItem, IndexSet, ItemLevel, Score
from scoring.rules import parse_rule
from units.models import UnitKind

from .audit import audit_record
from .index_tree import ItemSpec, check_tree


def index_set_problems(
    items: list[IndexItem], overrides: dict[int, dict] | None = None
) -> list[str]:
    """Check a set's items as they would be after `overrides` ({item pk: {field: value}}) with
    the tree rules of an import. Returns messages naming the item codes."""
    overrides = overrides or {}
    by_pk = {item.pk: item for item in items}
    specs = []
    for item in items:
        values = {
            "max_points": item.max_points,
            "rule": item.rule,
            "method": item.method,
            **overrides.get(item.pk, {}),
        }
        parent = by_pk.get(item.parent_id)
        specs.append(
            ItemSpec(
                row=0,
                code=item.code,
                name=item.name,
                level=item.level,
                max_points=None if values["max_points"] is None else Decimal(values["max_points"]),
                method=values["method"],
                rule=values["rule"],
                parent_code=parent.code if parent else None,
            )
        )
    problems: list[ImportProblem] = []
    check_tree(specs, problems)
    return [problem.message for problem in problems]


def index_set_refresh_rules(index_set: IndexSet) -> None:
    """Re-read every scored item's rule into its parameters after the rule text was edited."""
    for item in index_set.items.filter(
        level__in=[ItemLevel.SUB_CRITERION, ItemLevel.BONUS, ItemLevel.PENALTY]
    ):
        parsed = parse_rule(item.rule, item.max_points, item.method)
        item.method_params = parsed.params
        # A tick set by hand in the admin survives a rule that does not mention N/A.
        item.not_applicable_allowed = item.not_applicable_allowed or parsed.not_applicable_allowed
        item.not_applicable_condition = (
            parsed.not_applicable_condition or item.not_applicable_condition
        )
        item.save(
            update_fields=["method_params", "not_applicable_allowed", "not_applicable_condition"]
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
        return 1, None
    if Score.objects.filter(item__index_set=current).exists():
        raise ValidationError(
            _(
                "Units have already scored the current index set for %(kind)s in %(year)s; it "
                "cannot be replaced."
            )
            % {"kind": unit_kind, "year": period.year}
        )
    current.is_current = False
    current.save(update_fields=["is_current"])
    return current.version + 1, current


def index_set_finish_version(
    *, new: IndexSet, retired: IndexSet | None, by, action: str, reason: str
) -> None:
    """Point the period's assessments at the new version and record the change."""
    if retired is not None:
        retired.assessments.update(index_set=new)
    audit_record(
        actor=by,
        obj=new.period,
        action=action,
        field="index_set",
        old=retired.pk if retired else None,
        new=new.pk,
        reason=reason,
    )


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
        )
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
                    index_set=clone,
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
                    position=item.position,
                )
                for item in batch
            ]
            for old, new in zip(batch, IndexItem.objects.bulk_create(copies), strict=True):
                new_by_old[old.pk] = new
        Band.objects.bulk_create(
            Band(index_set=clone, label=band.label, min_percent=band.min_percent)
            for band in source.bands.all()
        )
        index_set_finish_version(
            new=clone,
            retired=retired,
            by=by,
            action="clone_index_set",
            reason=_("Copied from %(set)s") % {"set": source},
        )
    return clone
