"""Reads for setting up a period: which periods an officer may start a year from, and what the
period's review page shows — the index sets by unit kind, the ranking groups with their units,
and how many units will get an assessment when it opens."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from scoring.models import Assessment, AssessmentPeriod, IndexSet, ItemLevel
from scoring.workflow import PeriodStatus
from units.access import organisers_for
from units.models import RankingGroup, UnitKind
from units.roles import Permission

from .council import units_in_year


def setup_periods_for_user(user) -> QuerySet[AssessmentPeriod]:
    """Periods of the organisers the user sets up (Home Affairs, the system admin)."""
    return (
        AssessmentPeriod.objects.filter(
            organiser__in=organisers_for(user, Permission.MANAGE_PERIOD)
        )
        .select_related("organiser")
        .order_by("-year", "organiser__name")
    )


def setup_period_defaults(
    periods: QuerySet[AssessmentPeriod],
) -> tuple[AssessmentPeriod | None, int]:
    """What a new period starts from: the latest period already opened (else the latest), and
    the first year after it that its organiser has no period for."""
    source = periods.exclude(status=PeriodStatus.SETUP).first() or periods.first()
    if source is None:
        return None, timezone.localdate().year
    taken = set(
        AssessmentPeriod.objects.filter(organiser_id=source.organiser_id).values_list(
            "year", flat=True
        )
    )
    year = source.year + 1
    while year in taken:
        year += 1
    return source, year


@dataclass
class KindLine:
    kind: UnitKind
    units: int  # the kind's units assessed in the period's year
    index_set: IndexSet | None  # the current version, with item counts annotated


@dataclass
class GroupLine:
    group: RankingGroup | None  # None: units assessed but not ranked
    kind: UnitKind | None
    units: int


def period_kind_lines(period: AssessmentPeriod) -> list[KindLine]:
    """Every unit kind that has units this year or an index set in the period."""
    units = units_in_year(period.organiser, period.year)
    unit_counts = dict(units.values("kind_id").annotate(n=Count("pk")).values_list("kind_id", "n"))
    index_sets = {
        index_set.unit_kind_id: index_set
        for index_set in IndexSet.objects.filter(period=period, is_current=True)
        .select_related("cloned_from__period")
        .annotate(
            item_count=Count("items", distinct=True),
            sub_criteria=Count(
                "items", filter=Q(items__level=ItemLevel.SUB_CRITERION), distinct=True
            ),
            band_count=Count("bands", distinct=True),
        )
    }
    kinds = UnitKind.objects.filter(pk__in=set(unit_counts) | set(index_sets))
    return [
        KindLine(kind=kind, units=unit_counts.get(kind.pk, 0), index_set=index_sets.get(kind.pk))
        for kind in kinds
    ]


def period_group_lines(period: AssessmentPeriod) -> list[GroupLine]:
    """The organiser's ranking groups with how many units each ranks this year, then the units
    outside every group, by kind: before opening, from the units' groups (what opening will
    copy); once open, from the period's own memberships (Assessment.ranking_group)."""
    if period.status == PeriodStatus.SETUP:
        units = units_in_year(period.organiser, period.year)
        group_field, kind_field = "ranking_group", "kind"
    else:
        units = Assessment.objects.taking_part().filter(period=period)
        group_field, kind_field = "ranking_group", "unit__kind"
    counts = dict(
        units.filter(**{f"{group_field}__isnull": False})
        .values(f"{group_field}_id")
        .annotate(n=Count("pk"))
        .values_list(f"{group_field}_id", "n")
    )
    lines = [
        GroupLine(group=group, kind=group.kind, units=counts.get(group.pk, 0))
        for group in RankingGroup.objects.filter(organiser=period.organiser).select_related("kind")
    ]
    unranked = (
        units.filter(**{f"{group_field}__isnull": True})
        .values(f"{kind_field}_id")
        .annotate(n=Count("pk"))
        .order_by(f"{kind_field}__position", f"{kind_field}__code")
    )
    kinds = UnitKind.objects.in_bulk([row[f"{kind_field}_id"] for row in unranked])
    lines += [
        GroupLine(group=None, kind=kinds[row[f"{kind_field}_id"]], units=row["n"])
        for row in unranked
    ]
    return lines


def period_units_to_open(period: AssessmentPeriod) -> int:
    """How many units get an assessment when the period opens: those assessed this year whose
    kind has a current index set, and that have none yet (period_open_assessments)."""
    kinds = IndexSet.objects.filter(period=period, is_current=True).values("unit_kind_id")
    return (
        units_in_year(period.organiser, period.year)
        .filter(kind_id__in=kinds)
        .exclude(assessments__period=period)
        .count()
    )
