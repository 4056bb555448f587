"""Reads for Home Affairs' unit pages: the organiser's units across the years with their
predecessors and successors, the changes made, each period's ranking groups, and the work
units withdrawn by a reorganisation entered before they left (shown on their successors)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from scoring.display import code_key
from scoring.models import Assessment, AssessmentPeriod, Score
from scoring.workflow import AssessmentStatus
from units.models import RankingGroup, Unit, UnitChange


def setup_units(
    organisers, *, kind_id: int | None = None, year: int | None = None, q: str = ""
) -> QuerySet[Unit]:
    """The organisers' units, with what came before and after them; `year` keeps those that
    exist in that year."""
    units = (
        Unit.objects.filter(organiser__in=organisers)
        .select_related("kind", "organiser", "ranking_group")
        .prefetch_related(
            Prefetch("predecessors", queryset=Unit.objects.only("pk", "code", "name")),
            Prefetch("successors", queryset=Unit.objects.only("pk", "code", "name")),
        )
        .order_by("kind__position", "code")
    )
    if kind_id:
        units = units.filter(kind_id=kind_id)
    if year:
        units = units.filter(active=True).filter(
            Q(valid_from_year__isnull=True) | Q(valid_from_year__lte=year),
            Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=year),
        )
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return units


def recent_unit_changes(organisers) -> QuerySet[UnitChange]:
    return (
        UnitChange.objects.filter(organiser__in=organisers)
        .select_related("created_by")
        .prefetch_related("sources", "results")
    )


def units_by_codes(organisers, codes: list[str]) -> tuple[list[Unit], list[str], list[str]]:
    """The units with these codes among the organisers' (any case), the codes not found, and
    the codes more than one of the organisers uses (a code is unique within an organiser only:
    the caller asks which organiser is meant)."""
    wanted = {code.casefold() for code in codes}
    found: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(organiser__in=organisers).select_related(
        "organiser", "kind", "ranking_group"
    ):
        if unit.code.casefold() in wanted:
            found.setdefault(unit.code.casefold(), []).append(unit)
    units = [
        found[code.casefold()][0] for code in codes if len(found.get(code.casefold(), [])) == 1
    ]
    unknown = [code for code in codes if code.casefold() not in found]
    ambiguous = [code for code in codes if len(found.get(code.casefold(), [])) > 1]
    return units, unknown, ambiguous


# ---------------------------------------------------------------- ranking groups of a period


def period_group_rows(period: AssessmentPeriod, *, kind_id: int | None = None):
    """The period's assessments with the group each unit is ranked in this year."""
    rows = (
        Assessment.objects.taking_part()
        .filter(period=period)
        .select_related("unit__kind", "ranking_group")
        .order_by("unit__kind__position", "unit__code")
    )
    if kind_id:
        rows = rows.filter(unit__kind_id=kind_id)
    return rows


def period_group_choices(period: AssessmentPeriod) -> list[RankingGroup]:
    return list(RankingGroup.objects.filter(organiser=period.organiser_id).select_related("kind"))


# ---------------------------------------------------------------- the predecessors' work


@dataclass
class EnteredItem:
    code: str
    name: str
    points: Decimal | None
    not_applicable: bool
    note: str


@dataclass
class PredecessorWork:
    unit_name: str
    unit_code: str
    status_label: str
    items: list[EnteredItem] = field(default_factory=list)


def predecessors_work(assessment: Assessment) -> list[PredecessorWork]:
    """What the units merged or split into this one entered in the same period before they
    were withdrawn: read-only, for the successor to build on. Two queries."""
    earlier = list(
        Assessment.objects.filter(
            period_id=assessment.period_id,
            unit__in=assessment.unit.predecessors.all(),
            status=AssessmentStatus.WITHDRAWN,
        )
        .select_related("unit")
        .order_by("unit__code")
    )
    if not earlier:
        return []
    work = {
        a.pk: PredecessorWork(a.unit.name, a.unit.code, AssessmentStatus(a.status).label)
        for a in earlier
    }
    scores = (
        Score.objects.filter(assessment__in=earlier)
        .filter(Q(self_points__isnull=False) | Q(not_applicable=True) | ~Q(self_note=""))
        .select_related("item")
    )
    for score in scores:
        work[score.assessment_id].items.append(
            EnteredItem(
                score.item.code,
                score.item.name,
                score.self_points,
                score.not_applicable,
                score.self_note,
            )
        )
    for entry in work.values():
        entry.items.sort(key=lambda item: code_key(item.code))
    return list(work.values())
