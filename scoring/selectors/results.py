"""A period's results: computed live from the scores (for the officer's preview, the rankings
command and publication), or read back from a frozen publication (for everything public).

Both give the same shape — groups of ranked rows — so pages and reports do not care which.
The number of queries is fixed, whatever the number of units."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.engine.comparison import Change, PreviousResult, change_against, previous_for
from scoring.engine.model import (
    IndexSetDef,
    ItemDef,
    ItemResult,
    LevelResult,
    ScoreEntry,
    Stage,
    SurveyEntry,
    UnitInput,
    UnitResult,
)
from scoring.engine.policy import (
    ITEM_FIELDS,
    SCORE_REASON_FIELDS,
    SCORE_VALUE_FIELDS,
    SURVEY_FIELDS,
    index_set_def,
    score_entry,
    survey_entry,
)
from scoring.engine.ranking import Rankable, competition_ranks
from scoring.engine.results import index_of, unit_result
from scoring.models import (
    Assessment,
    AssessmentPeriod,
    Band,
    DataFigure,
    IndexItem,
    IndexSet,
    Publication,
    PublishedUnitResult,
    Score,
    SurveyResult,
)
from scoring.selectors.submission import never_submitted
from units.models import Unit


@dataclass
class UnitRow:
    unit_id: int
    unit_code: str
    unit_name: str
    kind_code: str
    group_code: str
    group_name: str
    result: UnitResult
    rank: int | None = None
    rank_of: int | None = None
    change: Change = field(default_factory=lambda: Change(None, None, None, None))
    previous: PreviousResult | None = None
    status: str = ""
    assessment_id: int | None = None
    index_set_id: int | None = None
    # The unit never submitted its self-assessment (scoring.selectors.submission): its result
    # is what the council entered.
    never_submitted: bool = False

    @property
    def index(self) -> Decimal | None:
        return self.result.index


@dataclass
class GroupResults:
    code: str  # "" for units outside every group
    name: str
    rows: list[UnitRow]
    rank_of: int = 0

    @property
    def average_index(self) -> Decimal | None:
        return _mean([row.index for row in self.rows])

    def area_average(self, area_code: str) -> Decimal | None:
        return _mean(
            [a.index for row in self.rows for a in row.result.areas if a.code == area_code]
        )

    def area_best(self, area_code: str) -> Decimal | None:
        values = [
            a.index
            for row in self.rows
            for a in row.result.areas
            if a.code == area_code and a.index is not None
        ]
        return max(values) if values else None

    def band_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in self.rows:
            counts[row.result.band] += 1
        return dict(counts)


@dataclass
class PeriodResults:
    period: AssessmentPeriod
    groups: list[GroupResults]  # ranked groups first (by position), then the unranked units
    previous_publication: Publication | None
    publication: Publication | None = None  # set when read from a publication
    index_sets: dict[int, IndexSetDef] = field(default_factory=dict)

    @property
    def rows(self) -> list[UnitRow]:
        return [row for group in self.groups for row in group.rows]

    def row_for(self, unit_id: int) -> UnitRow | None:
        return next((row for row in self.rows if row.unit_id == unit_id), None)

    def group_of(self, unit_id: int) -> GroupResults | None:
        return next((g for g in self.groups if any(r.unit_id == unit_id for r in g.rows)), None)


def _mean(values) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) / len(present) if present else None


# ---------------------------------------------------------------- live computation


def index_set_defs(index_set_ids) -> dict[int, IndexSetDef]:
    """The engine's view of these index sets: three queries, however many sets."""
    sets = {index_set.pk: index_set for index_set in IndexSet.objects.filter(pk__in=index_set_ids)}
    items: dict[int, list[dict]] = defaultdict(list)
    for row in IndexItem.objects.filter(index_set_id__in=sets).values(*ITEM_FIELDS, "index_set_id"):
        items[row["index_set_id"]].append(row)
    bands: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for set_id, label, minimum in Band.objects.filter(index_set_id__in=sets).values_list(
        "index_set_id", "label", "min_percent"
    ):
        bands[set_id].append((label, minimum))
    return {
        pk: index_set_def(
            set_id=pk,
            items=items[pk],
            bands=bands[pk],
            bonus_cap=index_set.bonus_cap,
            penalty_cap=index_set.penalty_cap,
        )
        for pk, index_set in sets.items()
    }


def _score_entries(period, *, with_reasons: bool) -> dict[int, dict[int, ScoreEntry]]:
    """Every score of the period. Reasons are read only when items are shown: ranking a whole
    province does not need them."""
    entries: dict[int, dict[int, ScoreEntry]] = defaultdict(dict)
    fields = [*SCORE_VALUE_FIELDS, *(SCORE_REASON_FIELDS if with_reasons else ())]
    rows = Score.objects.filter(assessment__period=period).values(
        "assessment_id", "item_id", *fields
    )
    for row in rows:
        entries[row["assessment_id"]][row["item_id"]] = score_entry(row)
    return entries


def _survey_entries(period) -> dict[int, dict[int, SurveyEntry]]:
    entries: dict[int, dict[int, SurveyEntry]] = defaultdict(dict)
    results = SurveyResult.objects.filter(assessment__period=period)
    # Answers per option are rare and costly to decode: read them only where there are some.
    answers = dict(
        ((assessment_id, item_id), counts)
        for assessment_id, item_id, counts in results.exclude(answer_counts={}).values_list(
            "assessment_id", "item_id", "answer_counts"
        )
    )
    fields = [name for name in SURVEY_FIELDS if name != "answer_counts"]
    for row in results.values("assessment_id", "item_id", *fields):
        key = (row["assessment_id"], row["item_id"])
        row["answer_counts"] = answers.get(key)
        entries[key[0]][key[1]] = survey_entry(row)
    return entries


def _data_figures(period) -> dict[int, dict[int, Decimal]]:
    figures: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for assessment_id, item_id, figure in DataFigure.objects.filter(
        assessment__period=period
    ).values_list("assessment_id", "item_id", "figure"):
        figures[assessment_id][item_id] = figure
    return figures


def latest_publication(period: AssessmentPeriod) -> Publication | None:
    return period.publications.order_by("-version").first()


def published_never_submitted(publication: Publication | None) -> list[str]:
    """The names of the units a publication marks as never submitted, in its order."""
    if publication is None:
        return []
    return list(
        publication.unit_results.filter(never_submitted=True)
        .order_by("position")
        .values_list("unit_name", flat=True)
    )


def previous_publication(period: AssessmentPeriod) -> Publication | None:
    """The publication year-on-year changes compare with: the latest version of the most recent
    earlier period of the same organiser that was published."""
    return (
        Publication.objects.filter(
            period__organiser=period.organiser_id, period__year__lt=period.year
        )
        .order_by("-period__year", "-version")
        .first()
    )


def _previous_results(publication: Publication | None) -> dict[int, PreviousResult]:
    if publication is None:
        return {}
    return {
        unit_id: PreviousResult(total, maximum, rank, group_code)
        for unit_id, total, maximum, rank, group_code in publication.unit_results.values_list(
            "unit_id", "total_points", "max_points", "rank", "group_code"
        )
    }


def period_results(
    *, period: AssessmentPeriod, stage: Stage = Stage.FINAL, with_items: bool = False
) -> PeriodResults:
    """Compute every assessment of the period, rank inside groups, compare with last year."""
    assessments = list(
        Assessment.objects.taking_part()
        .filter(period=period)
        .select_related("unit__kind", "ranking_group")
        .order_by("unit__code")
    )
    definitions = index_set_defs({a.index_set_id for a in assessments})
    scores = _score_entries(period, with_reasons=with_items)
    surveys = _survey_entries(period)
    figures = _data_figures(period)
    unsent = never_submitted(period)
    previous_pub = previous_publication(period)
    previous = _previous_results(previous_pub)
    predecessors: dict[int, list[int]] = defaultdict(list)
    # In the through table, from_unit lists to_unit among its predecessors.
    for unit_id, predecessor_id in Unit.predecessors.through.objects.filter(
        from_unit__in=[a.unit_id for a in assessments]
    ).values_list("from_unit_id", "to_unit_id"):
        predecessors[unit_id].append(predecessor_id)

    rows = []
    for assessment in assessments:
        # The group of this period (membership belongs to the period, not to the unit).
        unit, group = assessment.unit, assessment.ranking_group
        result = unit_result(
            UnitInput(
                unit.pk,
                definitions[assessment.index_set_id],
                scores.get(assessment.pk, {}),
                surveys.get(assessment.pk, {}),
                figures.get(assessment.pk, {}),
            ),
            stage,
            with_items=with_items,
        )
        rows.append(
            UnitRow(
                unit_id=unit.pk,
                unit_code=unit.code,
                unit_name=unit.name,
                kind_code=unit.kind.code,
                group_code=group.code if group else "",
                group_name=group.name if group else "",
                result=result,
                status=assessment.status,
                assessment_id=assessment.pk,
                index_set_id=assessment.index_set_id,
                never_submitted=assessment.pk in unsent,
                previous=previous_for(unit.pk, predecessors.get(unit.pk, []), previous),
            )
        )
    positions = {
        a.ranking_group.code: (a.ranking_group.position, a.ranking_group.code)
        for a in assessments
        if a.ranking_group
    }
    groups = _rank_groups(rows, period.tie_breaker, positions)
    return PeriodResults(
        period=period, groups=groups, previous_publication=previous_pub, index_sets=definitions
    )


def _rank_groups(rows: list[UnitRow], tie_breaker: str, positions: dict) -> list[GroupResults]:
    by_group: dict[str, list[UnitRow]] = defaultdict(list)
    for row in rows:
        by_group[row.group_code].append(row)
    groups = []
    for code in sorted((c for c in by_group if c), key=lambda c: positions.get(c, (0, c))):
        members = by_group[code]
        ranks = competition_ranks(
            [
                Rankable(row.unit_id, row.index, row.result.total_points, row.result.direct_points)
                for row in members
            ],
            tie_breaker,
        )
        rank_of = len(ranks)
        for row in members:
            row.rank = ranks.get(row.unit_id)
            row.rank_of = rank_of if row.rank is not None else None
            row.change = change_against(
                row.previous,
                rank=row.rank,
                group_code=code,
                index=row.index,
                total_points=row.result.total_points,
            )
        members.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit_code))
        groups.append(
            GroupResults(code=code, name=members[0].group_name, rows=members, rank_of=rank_of)
        )
    if by_group.get(""):
        unranked = sorted(by_group[""], key=lambda r: r.unit_code)
        for row in unranked:
            row.change = change_against(
                row.previous,
                rank=None,
                group_code="",
                index=row.index,
                total_points=row.result.total_points,
            )
        groups.append(GroupResults(code="", name="", rows=unranked))
    return groups


# ---------------------------------------------------------------- frozen publications


def publication_results(publication: Publication, *, items_of: int | None = None) -> PeriodResults:
    """A publication read back in the same shape as a live computation. Item codes, names and
    maxima come from the structure frozen with the publication, not from today's index sets.
    `items_of` (a unit id) decodes the items of that unit only: one unit's scorecard needs its
    group's areas and ranks, not 65,000 items."""
    structures = {
        int(set_id): {entry[0]: entry for entry in entries}
        for set_id, entries in publication.structure.get("sets", {}).items()
    }
    by_group: dict[str, list[UnitRow]] = defaultdict(list)
    names: dict[str, str] = {}
    for published in publication.unit_results.order_by("position"):
        row = _row_from_snapshot(
            published,
            structures.get(published.index_set_id, {}),
            with_items=items_of is None or published.unit_id == items_of,
        )
        by_group[row.group_code].append(row)
        names[row.group_code] = row.group_name
    groups = [
        GroupResults(
            code=code,
            name=names[code],
            rows=rows,
            rank_of=max((r.rank_of or 0 for r in rows), default=0),
        )
        for code, rows in by_group.items()
        if code
    ]
    if by_group.get(""):
        groups.append(GroupResults(code="", name="", rows=by_group[""]))
    return PeriodResults(
        period=publication.period,
        groups=groups,
        previous_publication=None,
        publication=publication,
        index_sets=frozen_index_sets(publication),
    )


def publication_unit_row(publication: Publication, unit_id: int) -> UnitRow | None:
    """One unit's published row with its items, read alone (one row's breakdown decoded)."""
    published = publication.unit_results.filter(unit_id=unit_id).first()
    if published is None:
        return None
    structure = {
        entry[0]: entry
        for entry in publication.structure.get("sets", {}).get(str(published.index_set_id), [])
    }
    return _row_from_snapshot(published, structure, with_items=True)


def frozen_index_sets(publication: Publication) -> dict[int, IndexSetDef]:
    """The index sets as they were published: the tree (parents included) and the bands. A
    publication made before parents and bands were frozen has neither: its trees are flat
    and its bands unknown — never read from today's sets."""
    bands = publication.structure.get("bands", {})
    return {
        int(set_id): index_set_def(
            set_id=int(set_id),
            items=[
                ItemDef(
                    id=entry[STRUCTURE_ID],
                    code=entry[STRUCTURE_CODE],
                    name=entry[STRUCTURE_NAME],
                    level=entry[STRUCTURE_LEVEL],
                    parent_id=entry[STRUCTURE_PARENT] if len(entry) > STRUCTURE_PARENT else None,
                    max_points=Decimal(entry[STRUCTURE_MAX]),
                    method=entry[STRUCTURE_METHOD],
                    params={},
                    position=position,
                )
                for position, entry in enumerate(entries)
            ],
            bands=[(label, Decimal(minimum)) for label, minimum in bands.get(set_id, [])],
        )
        for set_id, entries in publication.structure.get("sets", {}).items()
    }


# Layout of the frozen JSON (compact: 657 units × 150 items must publish in seconds).
# Publication.structure["sets"][set id] = [[id, code, name, level, max, method, parent id], …]
#   by position (publications before parents were frozen have 6 entries);
# Publication.structure["bands"][set id] = [[label, minimum %], …]
# PublishedUnitResult.breakdown = {"levels": [[id, max, points], …] (areas, criteria),
#   "items": [[id, self, appraisal, final, points, not applicable (0/1), appraisal reason,
#   final reason], …]} — reasons omitted when both are empty.
(
    STRUCTURE_ID,
    STRUCTURE_CODE,
    STRUCTURE_NAME,
    STRUCTURE_LEVEL,
    STRUCTURE_MAX,
    STRUCTURE_METHOD,
    STRUCTURE_PARENT,
) = range(7)


def _row_from_snapshot(
    published: PublishedUnitResult, structure: dict, *, with_items: bool = True
) -> UnitRow:
    breakdown = published.breakdown
    levels = [_level(entry, structure[entry[0]]) for entry in breakdown.get("levels", [])]
    result = UnitResult(
        unit_id=published.unit_id,
        max_points=published.max_points,
        direct_points=published.direct_points,
        survey_points=published.survey_points,
        bonus_points=published.bonus_points,
        penalty_points=published.penalty_points,
        total_points=published.total_points,
        index=index_of(published.total_points, published.max_points),
        band=published.band,
        areas=[level for level, kind in levels if kind == "area"],
        criteria=[level for level, kind in levels if kind == "criterion"],
        items=[_item(entry, structure[entry[0]]) for entry in breakdown.get("items", [])]
        if with_items
        else [],
    )
    previous = None
    if published.previous_total_points is not None:
        previous = PreviousResult(
            published.previous_total_points,
            published.previous_max_points,
            published.previous_rank,
            published.group_code if published.previous_rank else "",
            combined=published.previous_combined,
        )
    change = change_against(
        previous,
        rank=published.rank,
        group_code=published.group_code,
        index=result.index,
        total_points=result.total_points,
    )
    return UnitRow(
        unit_id=published.unit_id,
        unit_code=published.unit_code,
        unit_name=published.unit_name,
        kind_code=published.kind_code,
        group_code=published.group_code,
        group_name=published.group_name,
        result=result,
        rank=published.rank,
        rank_of=published.rank_of,
        change=change,
        previous=previous,
        index_set_id=published.index_set_id,
        never_submitted=published.never_submitted,
    )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _level(entry: list, definition: list) -> tuple[LevelResult, str]:
    item_id, maximum, points = entry[0], Decimal(entry[1]), Decimal(entry[2])
    level = LevelResult(
        item_id,
        definition[STRUCTURE_CODE],
        definition[STRUCTURE_NAME],
        maximum,
        points,
        index_of(points, maximum),
    )
    return level, definition[STRUCTURE_LEVEL]


def _item(entry: list, definition: list) -> ItemResult:
    item_id, self_points, appraisal, final, points, not_applicable, *reasons = entry
    appraisal_reason, final_reason = reasons if reasons else ("", "")
    return ItemResult(
        item_id=item_id,
        code=definition[STRUCTURE_CODE],
        name=definition[STRUCTURE_NAME],
        level=definition[STRUCTURE_LEVEL],
        max_points=Decimal(definition[STRUCTURE_MAX]),
        is_survey=definition[STRUCTURE_METHOD] == "survey",
        not_applicable=bool(not_applicable),
        self_points=_decimal(self_points),
        appraisal_points=_decimal(appraisal),
        final_points=_decimal(final),
        points=Decimal(points),
        appraisal_reason=appraisal_reason,
        final_reason=final_reason,
    )
