"""What the public may read: periods that are published, the latest version of each, and nothing
but what was frozen with it. The portal's pages, the open-data API and the published documents
all read results through here, so "is this public?" has one answer.

Never here: a period in set-up, self-assessment or appraisal; a self-assessed score; the
council's notes and reasons; explanations; evidence. The frozen breakdown holds self-assessed
points and the council's reasons for the internal scorecard: they are dropped on the way out
(`PublicItem` has no field for them)."""

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Max

from parindex.text import vietnamese_sort_key
from scoring.display import code_key, rank_label
from scoring.engine.results import index_of
from scoring.models import AssessmentPeriod, Publication, PublishedUnitResult
from scoring.selectors.results import (
    GroupResults,
    PeriodResults,
    UnitRow,
    publication_results,
    publication_unit_row,
)
from scoring.workflow import PeriodStatus
from units.reorganisation import unit_lineage

from .models import Report, ReportStatus

LOST_ITEMS_SHOWN = 10


# ---------------------------------------------------------------- periods


def public_periods(*, organiser_code: str | None = None):
    """Published periods, newest year first; each has at least one publication. With
    `organiser_code`: that organiser's (province's) only."""
    periods = AssessmentPeriod.objects.filter(
        status=PeriodStatus.PUBLISHED, publications__isnull=False
    )
    if organiser_code is not None:
        periods = periods.filter(organiser__code=organiser_code)
    return (
        periods.distinct()
        .select_related("organiser")
        .annotate(latest_version=Max("publications__version"))
        .order_by("-year", "organiser__code", "name")
    )


def public_period(pk) -> AssessmentPeriod | None:
    """The period if the public may read it, else None (the view answers 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return public_periods().filter(pk=pk).first()


def public_publication(period: AssessmentPeriod, version: int | None = None) -> Publication | None:
    """The version the public reads (the latest), or a named earlier one of a public period."""
    if period.status != PeriodStatus.PUBLISHED:
        return None
    publications = period.publications.order_by("-version")
    if version is not None:
        publications = publications.filter(version=version)
    return publications.first()


# A publication never changes once written (scoring.models.AppendOnlyModel), so its decoded
# results are kept in each process: decoding a province's 657 frozen breakdowns costs ~0,4 s,
# and every ranking and unit page of the period reads them. A few publications at most.
_RESULTS_KEPT = 4
_results_memo: OrderedDict[tuple, PeriodResults] = OrderedDict()
_results_lock = threading.Lock()


def forget_results() -> None:
    """Empty the per-process memo (tests: ids repeat between test databases)."""
    with _results_lock:
        _results_memo.clear()


def _frozen_results(publication: Publication) -> PeriodResults:
    key = (publication.pk, publication.period_id, publication.version, publication.published_at)
    with _results_lock:
        if key in _results_memo:
            _results_memo.move_to_end(key)
            return _results_memo[key]
    # No unit has id -1: no unit's items are decoded.
    results = publication_results(publication, items_of=-1)
    with _results_lock:
        _results_memo[key] = results
        while len(_results_memo) > _RESULTS_KEPT:
            _results_memo.popitem(last=False)
    return results


def public_results(publication: Publication, *, items_of: int | None = None) -> PeriodResults:
    """The frozen results of a publication, items decoded only for `items_of` (one unit).
    Shared within the process: callers read it, never change it."""
    results = _frozen_results(publication)
    if items_of is None:
        return results
    row = publication_unit_row(publication, items_of)
    if row is None:
        return results
    groups = [
        GroupResults(
            code=group.code,
            name=group.name,
            rows=[row if r.unit_id == items_of else r for r in group.rows],
            rank_of=group.rank_of,
        )
        for group in results.groups
    ]
    return replace(results, groups=groups)


# ---------------------------------------------------------------- rankings


@dataclass(frozen=True)
class AreaColumn:
    code: str
    name: str


@dataclass(frozen=True)
class RankingLine:
    unit_id: int
    unit_code: str
    unit_name: str
    rank: int | None
    rank_of: int | None
    index: Decimal | None
    band: str
    rank_change: int | None  # positive: up that many places
    index_change: Decimal | None  # percentage points against last year
    previous_combined: bool  # last year adds up the units this one replaced
    areas: tuple[Decimal | None, ...]  # sub-index per GroupRanking.areas, in that order
    never_submitted: bool

    @property
    def rank_text(self) -> str:
        """The official form, "07/20"."""
        return rank_label(self.rank, self.rank_of, official=True)


@dataclass
class GroupRanking:
    code: str  # "" for the units outside every group (assessed, not ranked)
    name: str
    areas: list[AreaColumn]
    lines: list[RankingLine]
    average_index: Decimal | None
    area_averages: tuple[Decimal | None, ...]
    area_best: tuple[Decimal | None, ...]

    @property
    def ranked(self) -> bool:
        return bool(self.code)

    @property
    def size(self) -> int:
        return len(self.lines)


def _area_columns(group: GroupResults) -> list[AreaColumn]:
    areas: dict[str, str] = {}
    for row in group.rows:
        for area in row.result.areas:
            areas.setdefault(area.code, area.name)
    return [AreaColumn(code, areas[code]) for code in sorted(areas, key=code_key)]


def _line(row: UnitRow, columns: list[AreaColumn]) -> RankingLine:
    by_code = {area.code: area.index for area in row.result.areas}
    return RankingLine(
        unit_id=row.unit_id,
        unit_code=row.unit_code,
        unit_name=row.unit_name,
        rank=row.rank,
        rank_of=row.rank_of,
        index=row.index,
        band=row.result.band,
        rank_change=row.change.rank_change,
        index_change=row.change.index_change,
        previous_combined=bool(row.previous and row.previous.combined),
        areas=tuple(by_code.get(column.code) for column in columns),
        never_submitted=row.never_submitted,
    )


def group_ranking(group: GroupResults) -> GroupRanking:
    columns = _area_columns(group)
    return GroupRanking(
        code=group.code,
        name=group.name,
        areas=columns,
        lines=[_line(row, columns) for row in group.rows],
        average_index=group.average_index,
        area_averages=tuple(group.area_average(column.code) for column in columns),
        area_best=tuple(group.area_best(column.code) for column in columns),
    )


def group_rankings(results: PeriodResults) -> list[GroupRanking]:
    """Ranked groups in their order, then the unranked units (code "")."""
    return [group_ranking(group) for group in results.groups]


# The orders a ranking can be read in; the key names are the public query values (?sort=).
SORT_KEYS = ("rank", "-rank", "index", "-index", "name", "-name", "change", "-change")


def sorted_lines(ranking: GroupRanking, sort: str = "rank") -> list[RankingLine]:
    """The lines in one of SORT_KEYS, or by an area ("area:1", "-area:1"); unknown: by rank.
    Missing values go last whichever the direction; ties keep the rank order."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    lines = list(ranking.lines)  # already in rank order
    if key == "name":
        return sorted(
            lines, key=lambda line: vietnamese_sort_key(line.unit_name), reverse=descending
        )
    if key == "rank":
        return lines[::-1] if descending else lines
    getters = {
        "index": lambda line: line.index,
        "change": lambda line: line.index_change,
    }
    if key.startswith("area:"):
        codes = [column.code for column in ranking.areas]
        if key[5:] not in codes:
            return lines
        position = codes.index(key[5:])
        getters[key] = lambda line: line.areas[position]
    if key not in getters:
        return lines
    get = getters[key]
    present = [line for line in lines if get(line) is not None]
    missing = [line for line in lines if get(line) is None]
    # Sorting is stable: equal values stay in rank order in either direction.
    present.sort(key=get, reverse=descending)
    return present + missing


# ---------------------------------------------------------------- one unit


@dataclass(frozen=True)
class AreaComparison:
    code: str
    name: str
    max_points: Decimal
    points: Decimal
    index: Decimal | None
    group_average: Decimal | None
    group_best: Decimal | None


@dataclass(frozen=True)
class PublicItem:
    """A published sub-criterion: its final points only."""

    code: str
    name: str
    max_points: Decimal
    points: Decimal
    lost: Decimal


@dataclass(frozen=True)
class HistoryPoint:
    year: int
    period_id: int
    version: int
    group_name: str
    rank: int | None
    rank_of: int | None
    index: Decimal | None
    band: str
    # Whose result the year shows: empty for the unit's own; the predecessor's name when it
    # was renamed or re-coded; the names added up when it replaced several units (no rank).
    stands_for: tuple[str, ...] = ()
    combined: bool = False

    @property
    def rank_text(self) -> str:
        return rank_label(self.rank, self.rank_of, official=True)


@dataclass
class UnitPage:
    period: AssessmentPeriod
    publication: Publication
    row: UnitRow
    ranking: GroupRanking | None  # None: outside every group
    areas: list[AreaComparison]
    lost_items: list[PublicItem]
    history: list[HistoryPoint] = field(default_factory=list)

    @property
    def line(self) -> RankingLine | None:
        if self.ranking is None:
            return None
        return next((ln for ln in self.ranking.lines if ln.unit_id == self.row.unit_id), None)


def public_items(row: UnitRow) -> list[PublicItem]:
    """The unit's sub-criteria with their final points, in the index set's order."""
    return [
        PublicItem(item.code, item.name, item.max_points, item.points, item.lost)
        for item in row.result.items
        if item.level == "sub_criterion"
    ]


def lost_items(row: UnitRow, limit: int = LOST_ITEMS_SHOWN) -> list[PublicItem]:
    """The items with most points lost, most first (ties by code)."""
    items = [item for item in public_items(row) if item.lost > 0]
    items.sort(key=lambda item: (-item.lost, code_key(item.code)))
    return items[:limit]


def unit_page(publication: Publication, unit_code: str) -> UnitPage | None:
    """One unit's published result with its group's comparison and its history, or None."""
    unit_id = (
        publication.unit_results.filter(unit_code=unit_code)
        .values_list("unit_id", flat=True)
        .first()
    )
    if unit_id is None:
        return None
    results = public_results(publication, items_of=unit_id)
    row = results.row_for(unit_id)
    group = results.group_of(unit_id)
    ranking = group_ranking(group) if group is not None and group.code else None
    areas = [
        AreaComparison(
            code=area.code,
            name=area.name,
            max_points=area.max_points,
            points=area.points,
            index=area.index,
            group_average=group.area_average(area.code) if ranking else None,
            group_best=group.area_best(area.code) if ranking else None,
        )
        for area in sorted(row.result.areas, key=lambda a: code_key(a.code))
    ]
    return UnitPage(
        period=results.period,
        publication=publication,
        row=row,
        ranking=ranking,
        areas=areas,
        lost_items=lost_items(row),
        history=unit_history(
            unit_id,
            organiser_id=publication.period.organiser_id,
            up_to_year=publication.period.year,
        ),
    )


# ---------------------------------------------------------------- history across mergers


def latest_public_publications(organiser_id: int, *, up_to_year: int) -> list[Publication]:
    """The latest version of each published period of the organiser, oldest year first."""
    latest: dict[int, Publication] = {}
    for publication in (
        Publication.objects.filter(
            period__organiser_id=organiser_id,
            period__status=PeriodStatus.PUBLISHED,
            period__year__lte=up_to_year,
        )
        .select_related("period")
        .order_by("period__year", "version")
    ):
        latest[publication.period_id] = publication
    return sorted(latest.values(), key=lambda p: (p.period.year, p.period_id))


def unit_history(unit_id: int, *, organiser_id: int, up_to_year: int) -> list[HistoryPoint]:
    """The unit's index and rank over the organiser's published years, by the predecessor
    rule (scoring.engine.comparison): its own result where it has one; else its one
    predecessor's (renamed or re-coded); else the units it replaced added up, with no rank."""
    lineage = unit_lineage(unit_id)
    publications = latest_public_publications(organiser_id, up_to_year=up_to_year)
    by_publication: dict[int, list[PublishedUnitResult]] = defaultdict(list)
    for result in PublishedUnitResult.objects.filter(
        publication__in=publications, unit_id__in=lineage
    ).only(
        "publication_id",
        "unit_id",
        "unit_name",
        "group_name",
        "rank",
        "rank_of",
        "total_points",
        "max_points",
        "band",
    ):
        by_publication[result.publication_id].append(result)
    points = []
    for publication in publications:
        found = by_publication.get(publication.pk, [])
        own = next((r for r in found if r.unit_id == unit_id), None)
        if own is None and len(found) == 1:
            own = found[0]
        common = {
            "year": publication.period.year,
            "period_id": publication.period_id,
            "version": publication.version,
        }
        if own is not None:
            points.append(
                HistoryPoint(
                    **common,
                    group_name=own.group_name,
                    rank=own.rank,
                    rank_of=own.rank_of,
                    index=index_of(own.total_points, own.max_points),
                    band=own.band,
                    stands_for=() if own.unit_id == unit_id else (own.unit_name,),
                )
            )
        elif found:
            found.sort(key=lambda r: r.unit_name)
            points.append(
                HistoryPoint(
                    **common,
                    group_name="",
                    rank=None,
                    rank_of=None,
                    index=index_of(
                        sum((r.total_points for r in found), Decimal(0)),
                        sum((r.max_points for r in found), Decimal(0)),
                    ),
                    band="",
                    stands_for=tuple(r.unit_name for r in found),
                    combined=True,
                )
            )
    return points


# ---------------------------------------------------------------- published documents


def published_documents(publication: Publication, *, unit_id: int | None = None):
    """The ready documents kept with a publication: the period-wide ones (ranking, area
    breakdown, workbook), or with `unit_id` that unit's scorecard."""
    documents = Report.objects.filter(publication=publication, status=ReportStatus.DONE).exclude(
        file=""
    )
    if unit_id is None:
        return documents.exclude(params__has_key="unit_id").order_by("kind")
    return documents.filter(params__unit_id=unit_id)


def public_document(pk) -> Report | None:
    """A ready document of a public period's publication (any version), else None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Report.objects.select_related("publication__period")
        .filter(
            pk=pk,
            publication__isnull=False,
            publication__period__status=PeriodStatus.PUBLISHED,
            status=ReportStatus.DONE,
        )
        .exclude(file="")
        .first()
    )
