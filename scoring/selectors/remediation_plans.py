"""Reads for improvement after publication: how far a published unit is from a target rank
(scoring.engine.targets over the frozen results), the lines a new plan proposes from the points
lost, and a plan's tasks for its pages."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from scoring.display import code_key, format_number, format_percent, rank_label
from scoring.engine.model import ItemResult
from scoring.engine.targets import Contender, TargetGap, points_to_reach, recoverable_items
from scoring.models import (
    AssessmentPeriod,
    IndexItem,
    ItemLevel,
    Publication,
    PublishedUnitResult,
    RemediationPlan,
    RemediationTask,
)
from scoring.remediation import task_is_overdue
from scoring.selectors.results import (
    UnitRow,
    publication_results,
    publication_unit_row,
)
from units.access import organisers_for, units_for
from units.roles import Permission

ZERO = Decimal(0)
# The sub-criteria a target page lists as where the points can come from.
TARGET_ITEMS_SHOWN = 10


# ---------------------------------------------------------------- targets


@dataclass
class UnitTarget:
    """A published unit and, when it is ranked, what a target rank asks of it."""

    row: UnitRow
    recoverable: Decimal  # every point lost on sub-criteria it can still earn
    items: list[ItemResult]  # those sub-criteria, most points lost first
    gap: TargetGap | None = None  # None without a target (or when not ranked)

    @property
    def ranked(self) -> bool:
        return bool(self.row.group_code) and self.row.rank is not None

    @property
    def rank_of(self) -> int:
        return self.row.rank_of or 0 if self.ranked else 0

    @property
    def text(self) -> str:
        return target_text(self.gap) if self.gap is not None else ""


def target_text(gap: TargetGap) -> str:
    """ "Từ hạng 04/05 lên 02/05: cần thêm 3,00 điểm", or why the target cannot be reached —
    ranks written as official documents write them."""

    def label(rank):
        return rank_label(rank, gap.ranked, official=True)

    if gap.reached:
        return _("Rank %(target)s is already reached (rank %(current)s now).") % {
            "target": label(gap.target_rank),
            "current": label(gap.current_rank),
        }
    if not gap.reachable:
        return _(
            "Rank %(target)s cannot be reached: even with all %(points)s points still missing "
            "regained, the unit only reaches rank %(best)s."
        ) % {
            "target": label(gap.target_rank),
            "points": format_number(gap.recoverable),
            "best": label(gap.best_rank),
        }
    return _("From rank %(current)s to %(target)s: %(points)s more points needed.") % {
        "current": label(gap.current_rank),
        "target": label(gap.target_rank),
        "points": format_number(gap.needed),
    }


def default_target_rank(row: UnitRow) -> int | None:
    """One place up, or the first place kept."""
    if row.rank is None:
        return None
    return max(1, row.rank - 1)


def unit_target(
    publication: Publication, unit_id: int, target_rank: int | None = None
) -> UnitTarget | None:
    """The unit's published row and, with `target_rank`, the points it needs to reach it in its
    group against the others' published results (ties broken as the publication broke them).
    None when the unit is not in the publication; ValidationError for a rank outside the
    group."""
    row = publication_unit_row(publication, unit_id)
    if row is None:
        return None
    items = recoverable_items(row.result)
    recoverable = sum((item.lost for item in items), ZERO)
    target = UnitTarget(row=row, recoverable=recoverable, items=items)
    if target_rank is None or not target.ranked:
        return target
    # The others as published: their totals only, read as columns (a commune's group is
    # 600 units; decoding their breakdowns would cost 30 times more than the answer).
    others = [
        Contender.of_published(columns)
        for columns in PublishedUnitResult.objects.filter(
            publication=publication, group_code=row.group_code
        )
        .exclude(unit_id=unit_id)
        .values(*Contender.PUBLISHED_FIELDS)
    ]
    me = Contender.of(row.unit_id, row.result)
    try:
        target.gap = points_to_reach(
            me,
            others,
            target_rank,
            tie_breaker=publication.tie_breaker,
            recoverable=recoverable,
        )
    except ValueError:
        raise ValidationError(
            _("The target rank is a whole number from 1 to %(count)s.") % {"count": target.rank_of}
        ) from None
    return target


# ---------------------------------------------------------------- what a new plan proposes


@dataclass
class ProposedTask:
    """A line a new plan starts with: drafted from the points lost, edited by people after."""

    owner_unit_id: int
    title: str
    measurable_target: str
    lost_points: Decimal
    item_ids: list[int] = field(default_factory=list)


def unit_plan_proposals(publication: Publication, unit_id: int) -> list[ProposedTask]:
    """One line per sub-criterion the unit lost points on, most points first."""
    target = unit_target(publication, unit_id)
    if target is None:
        return []
    return [
        ProposedTask(
            owner_unit_id=unit_id,
            title=_("Remedy sub-criterion %(code)s – %(name)s (%(lost)s points lost)")
            % {"code": item.code, "name": item.name, "lost": format_number(item.lost)},
            measurable_target=_("Reach the full %(max)s points on sub-criterion %(code)s")
            % {"max": format_number(item.max_points), "code": item.code},
            lost_points=item.lost,
            item_ids=[item.item_id],
        )
        for item in target.items
    ]


def province_plan_proposals(publication: Publication) -> list[ProposedTask]:
    """One line per ranked unit per weak area: an area whose index is below its group's
    average for that area. The lines name the area's sub-criteria the unit lost points on.
    Units outside every group have no average to fall below: they get none."""
    results = publication_results(publication)
    year = publication.period.year
    proposals = []
    for group in results.groups:
        if not group.code:
            continue
        averages = {}
        for row in group.rows:
            index_set = results.index_sets.get(row.index_set_id)
            lost_items = recoverable_items(row.result)
            for area in sorted(row.result.areas, key=lambda a: code_key(a.code)):
                if area.code not in averages:
                    averages[area.code] = group.area_average(area.code)
                average = averages[area.code]
                if area.index is None or average is None or area.index >= average:
                    continue
                lost = [
                    item
                    for item in lost_items
                    if index_set is not None and index_set.area_code(item.item_id) == area.code
                ]
                proposals.append(
                    ProposedTask(
                        owner_unit_id=row.unit_id,
                        title=_(
                            "Raise the results of area %(code)s – %(name)s (index %(index)s, "
                            "group average %(average)s)"
                        )
                        % {
                            "code": area.code,
                            "name": area.name,
                            "index": format_percent(area.index),
                            "average": format_percent(average),
                        },
                        measurable_target=_(
                            "An index of at least %(average)s in area %(code)s (the group's "
                            "average of %(year)s)"
                        )
                        % {"average": format_percent(average), "code": area.code, "year": year},
                        lost_points=area.max_points - area.points,
                        item_ids=[item.item_id for item in lost],
                    )
                )
    return proposals


def publication_item_choices(publication: Publication, unit_id: int | None = None):
    """The sub-criteria a task may name: those of the publication's index sets (of the unit's
    own set, for a unit that has a published row), in the sets' order."""
    set_ids = [int(pk) for pk in publication.structure.get("sets", {})]
    if unit_id is not None:
        row = publication.unit_results.filter(unit_id=unit_id).values("index_set_id").first()
        if row is not None:
            set_ids = [row["index_set_id"]]
    return IndexItem.objects.filter(
        index_set_id__in=set_ids, level=ItemLevel.SUB_CRITERION
    ).order_by("index_set_id", "position", "pk")


# ---------------------------------------------------------------- a plan's pages


@dataclass
class OwnerTasks:
    unit: object
    tasks: list[RemediationTask]


def plan_tasks(plan: RemediationPlan) -> list[RemediationTask]:
    """The plan's tasks in order, with their owners and items (a fixed number of queries)."""
    return list(
        plan.tasks.select_related("owner_unit").prefetch_related("items").order_by("position", "pk")
    )


def plan_tasks_by_owner(plan: RemediationPlan, today) -> list[OwnerTasks]:
    """The tasks grouped by owner unit, in the order the plan first names each unit; each task
    marked `overdue` (scoring.remediation)."""
    groups: dict[int, OwnerTasks] = {}
    for task in plan_tasks(plan):
        task.overdue = task_is_overdue(task, today)
        task.item_codes = ", ".join(sorted((item.code for item in task.items.all()), key=code_key))
        groups.setdefault(task.owner_unit_id, OwnerTasks(task.owner_unit, [])).tasks.append(task)
    return list(groups.values())


def plan_for(period, unit=None) -> RemediationPlan | None:
    """The period's plan of `unit` (None: the province's), if one was drafted."""
    return RemediationPlan.objects.filter(period=period, unit=unit).first()


@dataclass
class DraftOffer:
    """A plan the user may start: the province's (`unit` None) or one unit's."""

    period: object
    unit: object = None


def plan_draft_offers(user, *, periods_shown: int = 3) -> list[DraftOffer]:
    """The plans not drafted yet that the user may start, for the latest published periods
    of their organisers: the province's for Home Affairs, their own unit's for unit staff
    (when the unit has a published result)."""
    managed = set(organisers_for(user, Permission.MANAGE_IMPROVEMENT).values_list("pk", flat=True))
    own_units = list(units_for(user, Permission.DRAFT_UNIT_PLAN).select_related("organiser"))
    organiser_ids = managed | {unit.organiser_id for unit in own_units}
    if not organiser_ids:
        return []
    periods = list(
        AssessmentPeriod.objects.filter(organiser_id__in=organiser_ids, publications__isnull=False)
        .distinct()
        .select_related("organiser")
        .order_by("-year", "pk")[: periods_shown * max(1, len(organiser_ids))]
    )
    drafted = set(
        RemediationPlan.objects.filter(period__in=periods).values_list("period_id", "unit_id")
    )
    published = set(
        PublishedUnitResult.objects.filter(
            publication__period__in=periods, unit__in=own_units
        ).values_list("publication__period_id", "unit_id")
    )
    offers = []
    for period in periods:
        if period.organiser_id in managed and (period.pk, None) not in drafted:
            offers.append(DraftOffer(period))
        for unit in own_units:
            key = (period.pk, unit.pk)
            if unit.organiser_id == period.organiser_id and key in published and key not in drafted:
                offers.append(DraftOffer(period, unit))
    return offers
