"""What the appraisal council's screens read: each appraiser's work queue, one unit's items side
by side with the appraisal input, the chair's view of the council's progress, the differences
between self and appraised scores, and the rounds Home Affairs may open next.

Every function runs a fixed number of queries, whatever the number of units or items; the rules
come from the domain: which round applies from scoring.workflow, what a stored value is worth
from scoring.policy (through scoring.entries), an item's area from the prepared index tree."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from parindex.parsing import ParseError, parse_decimal
from scoring.display import format_number
from scoring.engine.model import FIGURE_METHODS, Stage, UnitInput, UnitResult
from scoring.engine.policy import ITEM_FIELDS, StageValue, index_set_def, index_tree, score_entry
from scoring.engine.results import unit_result
from scoring.entries import (
    SelfEntry,
    earned,
    entry_of,
    figure_text,
    is_per_case,
    item_choices,
    per_case_text,
    stored_value,
)
from scoring.models import (
    SCORED_LEVELS,
    Assessment,
    AssessmentPeriod,
    Evidence,
    EvidenceStage,
    IndexItem,
    ItemLevel,
    ReviewRequest,
    Score,
    ScoringMethod,
)
from scoring.selectors.data_figures import FedFigure, fed_figures
from scoring.workflow import (
    APPRAISAL_PERIODS,
    REQUEST_PERIODS,
    AssessmentStatus,
    is_requested,
    item_closed_reason,
    item_round,
    period_round_targets,
)
from units.access import area_codes_for, has_permission, units_for
from units.roles import Permission

S = AssessmentStatus
ZERO = Decimal(0)
# The pseudo-area of bonus and penalty lines in filters and queue counts: they belong to no
# area, so only an appraiser of every area (or the chair) covers them.
EXTRA_AREA = "extra"


# ---------------------------------------------------------------- shared small rules


def is_appraised_item(item) -> bool:
    """Items the council appraises: self-scored sub-criteria and bonus/penalty lines (not the
    survey's, nor those fed from data: Home Affairs enters them)."""
    return item.level in SCORED_LEVELS and not item.is_entered_by_home_affairs


def needs_review(assessment: Assessment, score: Score | None) -> bool:
    """Whether an appraiser still has to act on the item now: not yet reviewed in round 1,
    asked about and without a final value in round 2, or returned by the chair."""
    round = item_round(assessment, score)
    if round is None:
        return False
    if score is not None and score.return_note:
        return True
    if round == 1:
        return score is None or score.appraised_at is None
    return score.final_at is None


def is_answered(score: Score | None, file_answers: set[int]) -> bool:
    """The unit answered the question: in words or with a file of the explanation round."""
    return bool(score and score.review_request) and (
        bool(score.explanation_text) or score.item_id in file_answers
    )


def _definition(assessment: Assessment, items: list[IndexItem]):
    """The unit's index set as the engine reads it, its tree prepared once for the page."""
    return index_set_def(
        set_id=assessment.index_set_id,
        items=items,
        bonus_cap=assessment.index_set.bonus_cap,
        penalty_cap=assessment.index_set.penalty_cap,
    )


def _stage_results(
    assessment: Assessment, definition, scores: dict[int, Score]
) -> tuple[UnitResult, UnitResult]:
    """The self-assessed part of the unit's result at the self stage and as appraised now
    (final values, else round 1, else the unit's): survey items are nobody's to appraise."""
    part = definition.self_assessed_part()
    entries = {item_id: score_entry(s) for item_id, s in scores.items()}
    return (
        unit_result(UnitInput(assessment.unit_id, part, entries), Stage.SELF),
        unit_result(UnitInput(assessment.unit_id, part, entries), Stage.FINAL),
    )


def _areas_of(items, trees=None) -> dict[int, IndexItem | None]:
    """Each scored item's area (None for bonus and penalty lines), from the prepared tree of
    its set (`trees` by set id when the caller has them)."""
    by_id = {item.pk: item for item in items}
    areas: dict[int, IndexItem | None] = {}
    for set_id in {item.index_set_id for item in items}:
        tree = (trees or {}).get(set_id) or index_tree(
            [i for i in items if i.index_set_id == set_id], set_id
        )
        for item in tree.scored:
            area = tree.area(item.id)
            areas[item.id] = by_id[area.id] if area is not None else None
    return areas


def _file_answers(assessment_ids) -> dict[int, set[int]]:
    """Items answered with a file of the explanation round, per assessment."""
    answers: dict[int, set[int]] = defaultdict(set)
    through = Evidence.items.through.objects.filter(
        evidence__assessment_id__in=assessment_ids, evidence__stage=EvidenceStage.EXPLANATION
    )
    for assessment_id, item_id in through.values_list("evidence__assessment_id", "indexitem_id"):
        answers[assessment_id].add(item_id)
    return answers


def stage_value_text(item: IndexItem, *, points, ratio, not_applicable: bool) -> str:
    """A stored value in words for messages: '0,25 points', 'ratio 95% → 1 points', 'N/A'."""
    if not_applicable:
        return _("not applicable")
    points_earned = earned(item, StageValue(points=points, ratio=ratio))
    if ratio is not None and is_per_case(item):
        return _("%(figure)s → %(points)s points") % {
            "figure": figure_text(item, ratio),
            "points": format_number(points_earned, None) if points_earned is not None else "—",
        }
    if ratio is not None:
        return _("ratio %(ratio)s%% → %(points)s points") % {
            "ratio": format_number(ratio, None),
            "points": format_number(points_earned, None) if points_earned is not None else "—",
        }
    if points is None:
        return _("empty")
    return _("%(points)s points") % {"points": format_number(points, None)}


# ---------------------------------------------------------------- the work queue


def queue_assessments(
    user, *, period_id: int | None = None, status: str = "", q: str = ""
) -> QuerySet[Assessment]:
    """Assessments the user appraises in periods where the council works: submitted units
    (from the self-assessment round on) of the units their grants cover."""
    assessments = (
        Assessment.objects.filter(
            unit__in=units_for(user, Permission.APPRAISE),
            period__status__in=APPRAISAL_PERIODS,
        )
        .taking_part()
        .exclude(status=S.DRAFT)
        .select_related("unit__kind", "period__organiser", "index_set")
        .order_by("-period__year", "period__organiser__name", "unit__kind__position", "unit__code")
    )
    if period_id:
        assessments = assessments.filter(period_id=period_id)
    if status in S.values:
        assessments = assessments.filter(status=status)
    if q:
        assessments = assessments.filter(Q(unit__name__icontains=q) | Q(unit__code__iexact=q))
    return assessments


def queue_periods(user) -> QuerySet[AssessmentPeriod]:
    return (
        AssessmentPeriod.objects.filter(
            status__in=APPRAISAL_PERIODS,
            assessments__unit__in=units_for(user, Permission.APPRAISE),
        )
        .select_related("organiser")
        .distinct()
        .order_by("-year", "organiser__name")
    )


@dataclass
class AreaWork:
    """One area (or the bonus/penalty lines) of one unit, as an appraiser's queue counts it."""

    code: str  # the area's code, or EXTRA_AREA
    name: str
    total: int = 0
    to_review: int = 0
    requests: int = 0
    answered: int = 0
    returned: int = 0


@dataclass
class QueueRow:
    assessment: Assessment
    areas: list[AreaWork]

    @property
    def to_review(self) -> int:
        return sum(area.to_review for area in self.areas)


def queue_rows(user, assessments: list[Assessment]) -> list[QueueRow]:
    """The counts of one page of the queue: three queries for the whole page."""
    set_ids = {a.index_set_id for a in assessments}
    items = list(
        IndexItem.objects.filter(index_set_id__in=set_ids).only(*ITEM_FIELDS, "index_set_id")
    )
    area_of = _areas_of(items)
    by_set: dict[int, list[IndexItem]] = defaultdict(list)
    for item in sorted(items, key=lambda item: item.position):
        by_set[item.index_set_id].append(item)
    scores: dict[int, dict[int, Score]] = defaultdict(dict)
    for score in Score.objects.filter(assessment__in=assessments).only(
        "id",
        "assessment_id",
        "item_id",
        "appraised_at",
        "final_at",
        "review_request",
        "return_note",
        "explanation_text",
    ):
        scores[score.assessment_id][score.item_id] = score
    file_answers = _file_answers([a.pk for a in assessments])

    rows = []
    for assessment in assessments:
        codes = area_codes_for(user, Permission.APPRAISE, unit=assessment.unit)
        works: dict[str, AreaWork] = {}
        for item in by_set[assessment.index_set_id]:
            if item.level == ItemLevel.AREA and (codes is None or item.code in codes):
                works[item.code] = AreaWork(code=item.code, name=item.name)
        if codes is None:
            works[EXTRA_AREA] = AreaWork(code=EXTRA_AREA, name="")
        for item in by_set[assessment.index_set_id]:
            if not is_appraised_item(item):
                continue
            area = area_of.get(item.pk)
            work = works.get(area.code if area is not None else EXTRA_AREA)
            if work is None:
                continue
            score = scores[assessment.pk].get(item.pk)
            work.total += 1
            work.to_review += needs_review(assessment, score)
            work.requests += bool(score and score.review_request)
            work.answered += is_answered(score, file_answers[assessment.pk])
            work.returned += bool(score and score.return_note)
        rows.append(QueueRow(assessment, [w for w in works.values() if w.total]))
    return rows


# ---------------------------------------------------------------- one unit's review page


@dataclass
class ReviewRow:
    """One item as the appraiser sees it: the unit's claim beside the appraisal input."""

    item: IndexItem
    area: IndexItem | None
    score: Score | None
    self_entry: SelfEntry
    self_points: Decimal | None
    evidence: list[Evidence]
    explanation_evidence: list[Evidence]
    choices: list[dict]
    round: int | None
    closed_reason: str
    may_write: bool
    may_request: bool
    to_review: bool
    answered: bool
    # What the input shows: the stored value of the round, or what the user just posted.
    input: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    conflict: dict | None = None  # the stored value that refused a stale save
    version_override: int | None = None

    @property
    def version(self) -> int:
        if self.version_override is not None:
            return self.version_override
        return self.score.version if self.score else 0

    @property
    def editable(self) -> bool:
        return self.may_write and self.round is not None

    @property
    def area_key(self) -> str:
        return self.area.code if self.area is not None else EXTRA_AREA

    @property
    def is_ratio(self) -> bool:
        return self.item.method in FIGURE_METHODS

    @property
    def is_per_case(self) -> bool:
        return is_per_case(self.item)

    @property
    def per_case_rule(self) -> str:
        """ "0,5 điểm mỗi trường hợp, tối đa 1,5 điểm" for a per-case line; empty otherwise."""
        if not self.is_per_case:
            return ""
        return per_case_text(self.item.method_params or {}, self.item.max_points)

    def _value(self, stage: Stage) -> StageValue:
        return stored_value(self.item, self.score, stage)

    @property
    def round_1_points(self) -> Decimal | None:
        """What round 1 gave (shown once an appraiser reviewed the item)."""
        if self.score is None or self.score.appraised_at is None:
            return None
        return earned(self.item, self._value(Stage.APPRAISAL))

    @property
    def round_1_differs(self) -> bool:
        if self.score is None or self.score.appraised_at is None:
            return False
        value = self._value(Stage.APPRAISAL)
        return (self.round_1_points, value.ratio) != (self.self_points, self.self_entry.ratio)

    @property
    def round_1_not_applicable(self) -> bool:
        return self._value(Stage.APPRAISAL).not_applicable

    @property
    def final_not_applicable(self) -> bool:
        return self._value(Stage.FINAL).not_applicable

    @property
    def final_points(self) -> Decimal | None:
        """What round 2 gave (shown once it set the item's final value)."""
        if self.score is None or self.score.final_at is None:
            return None
        return earned(self.item, self._value(Stage.FINAL))

    @property
    def is_requested(self) -> bool:
        return is_requested(self.score)

    @property
    def request_label(self) -> str:
        return ReviewRequest(self.score.review_request).label if self.is_requested else ""

    @property
    def self_choice(self) -> str:
        """The label of the rule's answer the unit picked, when it picked one."""
        entry = self.self_entry
        if entry.points is None or entry.ratio is not None or entry.not_applicable:
            return ""
        return next((c["label"] for c in self.choices if Decimal(c["points"]) == entry.points), "")

    @property
    def chosen(self) -> str | None:
        """The answer of the rule the input's points pick (levels, yes/no, another case)."""
        try:
            points = parse_decimal(self.input.get("points"), label="")
        except ParseError:  # shown as typed; the save reports the error
            return None
        if points is None:
            return None
        return next((c["points"] for c in self.choices if Decimal(c["points"]) == points), None)


@dataclass
class ReviewArea:
    item: IndexItem | None  # None: the bonus and penalty lines
    criteria: list[tuple[IndexItem | None, list[ReviewRow]]]
    self_points: Decimal = ZERO
    current_points: Decimal = ZERO
    max_points: Decimal = ZERO
    # Its data-fed items, read-only: the figure Home Affairs uploaded and what it earns.
    fed: list[FedFigure] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.item.code if self.item is not None else EXTRA_AREA

    @property
    def rows(self) -> list[ReviewRow]:
        return [row for _criterion, rows in self.criteria for row in rows]


@dataclass
class AppraisalReview:
    assessment: Assessment
    areas: list[ReviewArea]  # shown (after the filter)
    area_choices: list[tuple[str, str]]  # every area the user appraises, for the filter
    selected: str
    survey_only: list[IndexItem]  # the user's areas that hold nothing to appraise
    self_result: UnitResult
    current_result: UnitResult

    @property
    def rows(self) -> list[ReviewRow]:
        return [row for area in self.areas for row in area.rows]

    def row_for(self, item_id: int) -> ReviewRow | None:
        return next((row for row in self.rows if row.item.pk == item_id), None)

    @property
    def to_review(self) -> int:
        return sum(row.to_review for row in self.rows)

    @property
    def returned(self) -> int:
        return sum(bool(row.score and row.score.return_note) for row in self.rows)

    @property
    def closed_reason(self) -> str:
        """Why nothing on the page can be written now; empty while something can."""
        rows = self.rows
        if not rows or any(row.editable for row in rows):
            return ""
        return rows[0].closed_reason

    @property
    def unreviewed_round_1(self) -> list[ReviewRow]:
        """Items "accept every item not yet reviewed" takes: round 1, nobody reviewed them."""
        return [
            row
            for row in self.rows
            if row.editable
            and row.round == 1
            and (row.score is None or row.score.appraised_at is None)
        ]


def stored_input(row: ReviewRow) -> dict:
    """The input as stored for the round that applies (or, before anyone reviewed the item,
    the unit's own value: saving it unchanged accepts it)."""
    score = row.score
    reason = ""
    if row.round == 2 and score is not None and score.final_at is not None:
        stage, reason = Stage.FINAL, score.final_reason
    elif row.round == 2 or (score is not None and score.appraised_at is not None):
        stage = Stage.APPRAISAL
        reason = score.appraisal_reason if row.round == 1 else ""
    else:
        stage = Stage.SELF
    value = stored_value(row.item, score, stage)
    return {
        "points": format_number(value.points, None) if value.points is not None else "",
        "ratio": format_number(value.ratio, None) if value.ratio is not None else "",
        "not_applicable": value.not_applicable,
        "reason": reason,
        "request": score.review_request if score is not None and row.round == 1 else "",
        "question": score.review_question if score is not None and row.round == 1 else "",
    }


def appraisal_review_items(assessment: Assessment, user, *, area: str = "") -> AppraisalReview:
    """The items the user appraises in this unit (those of `area` when given, one of the user's
    areas or EXTRA_AREA), with the unit's claim, evidence and explanation, and the input of
    the round that applies. Five queries: items, scores, evidence, its links, and nothing else
    per item (a sixth for the figures of data-fed items, shown read-only, when there are any)."""
    codes = area_codes_for(user, Permission.APPRAISE, unit=assessment.unit)
    items = list(IndexItem.objects.filter(index_set_id=assessment.index_set_id))
    scores = {
        score.item_id: score
        for score in Score.objects.filter(assessment=assessment).select_related(
            "appraised_by", "final_by", "updated_by"
        )
    }
    definition = _definition(assessment, items)
    area_of = _areas_of(items, {assessment.index_set_id: definition})
    by_id = {item.pk: item for item in items}
    covered = [
        item
        for item in items
        if item.level == ItemLevel.AREA and (codes is None or item.code in codes)
    ]
    appraised_in = {
        area_of[item.pk].pk
        for item in items
        if is_appraised_item(item) and area_of.get(item.pk) is not None
    }
    choices = [(a.code, f"{a.code}. {a.name}") for a in covered if a.pk in appraised_in]
    has_extra = codes is None and any(
        is_appraised_item(i) and i.level != ItemLevel.SUB_CRITERION for i in items
    )
    if has_extra:
        choices.append((EXTRA_AREA, ""))
    selected = area if area in {code for code, _label in choices} else ""
    wanted = {selected} if selected else {code for code, _label in choices}

    evidence_by_item: dict[int, list[Evidence]] = defaultdict(list)
    explanation_by_item: dict[int, list[Evidence]] = defaultdict(list)
    library = {e.pk: e for e in Evidence.objects.filter(assessment=assessment)}
    through = Evidence.items.through.objects.filter(evidence__assessment=assessment)
    for evidence_id, item_id in through.values_list("evidence_id", "indexitem_id"):
        evidence = library[evidence_id]
        target = (
            explanation_by_item if evidence.stage == EvidenceStage.EXPLANATION else evidence_by_item
        )
        target[item_id].append(evidence)

    requests_open = assessment.period.status in REQUEST_PERIODS
    rows: dict[int, ReviewRow] = {}
    for item in items:
        if not is_appraised_item(item):
            continue
        area_item = area_of.get(item.pk)
        if (area_item.code if area_item is not None else EXTRA_AREA) not in wanted:
            continue
        score = scores.get(item.pk)
        entry = entry_of(score)  # the unit's own claim
        round = item_round(assessment, score)
        row = ReviewRow(
            item=item,
            area=area_item,
            score=score,
            self_entry=entry,
            self_points=earned(item, entry.value),
            evidence=evidence_by_item.get(item.pk, []),
            explanation_evidence=explanation_by_item.get(item.pk, []),
            choices=item_choices(item),
            round=round,
            closed_reason=item_closed_reason(assessment, score),
            # may_appraise's rule, with the area already known (it would walk up the tree).
            may_write=has_permission(
                user,
                Permission.APPRAISE,
                unit=assessment.unit,
                area_code=area_item.code if area_item is not None else None,
            ),
            may_request=round == 1 and requests_open,
            to_review=needs_review(assessment, score),
            answered=bool(score and score.review_request)
            and (bool(score.explanation_text) or bool(explanation_by_item.get(item.pk))),
        )
        row.input = stored_input(row)
        rows[item.pk] = row

    figures = fed_figures(assessment, items)
    self_result, current_result = _stage_results(assessment, definition, scores)
    self_levels = {level.item_id: level for level in self_result.areas}
    current_levels = {level.item_id: level for level in current_result.areas}
    areas = []
    for area_item in [a for a in covered if a.code in wanted]:
        criteria = []
        for criterion in definition.children(area_item.pk):
            shown = [rows[i.id] for i in definition.children(criterion.id) if i.id in rows]
            if shown:
                criteria.append((by_id[criterion.id], shown))
        if not criteria:
            continue
        fed = [
            figures[item.id]
            for item in definition.scored
            if item.id in figures and area_of.get(item.id) == area_item
        ]
        areas.append(
            ReviewArea(
                item=area_item,
                criteria=criteria,
                self_points=self_levels[area_item.pk].points,
                current_points=current_levels[area_item.pk].points,
                max_points=self_levels[area_item.pk].max_points,
                fed=fed,
            )
        )
    extra = [rows[i.pk] for i in items if i.pk in rows and area_of.get(i.pk) is None]
    if extra:
        areas.append(ReviewArea(item=None, criteria=[(None, extra)]))
    return AppraisalReview(
        assessment=assessment,
        areas=areas,
        area_choices=choices,
        selected=selected,
        survey_only=[a for a in covered if a.pk not in appraised_in],
        self_result=self_result,
        current_result=current_result,
    )


# ---------------------------------------------------------------- the chair: progress


@dataclass
class UnitProgress:
    assessment: Assessment
    total: int
    reviewed: int
    returned: int
    requests: int = 0
    answered: int = 0
    round_2_pending: int = 0

    @property
    def percent(self) -> int:
        return 100 * self.reviewed // self.total if self.total else 0


@dataclass
class CouncilProgress:
    rows: list[UnitProgress]
    statuses: list[tuple[str, str, int]]  # (status, label, units) in the workflow's order

    def total(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.rows)

    @property
    def totals(self) -> dict[str, int]:
        names = ("total", "reviewed", "returned", "requests", "answered", "round_2_pending")
        return {name: self.total(name) for name in names}


def council_progress_summary(
    period: AssessmentPeriod, *, status: str = "", kind: str = "", q: str = ""
) -> CouncilProgress:
    """Every unit of the period with the council's progress on it: four queries whatever the
    size of the province (the counts are aggregated by the database; requests are few)."""
    assessments = (
        Assessment.objects.taking_part()
        .filter(period=period)
        .select_related("unit__kind")
        .order_by("unit__kind__position", "unit__code")
        .annotate(
            reviewed=Count("scores", filter=Q(scores__appraised_at__isnull=False)),
            returned=Count("scores", filter=~Q(scores__return_note="")),
        )
    )
    if status in S.values:
        assessments = assessments.filter(status=status)
    if kind:
        assessments = assessments.filter(unit__kind__code=kind)
    if q:
        assessments = assessments.filter(Q(unit__name__icontains=q) | Q(unit__code__iexact=q))
    assessments = list(assessments)
    totals = dict(
        IndexItem.objects.filter(
            index_set__in={a.index_set_id for a in assessments}, level__in=SCORED_LEVELS
        )
        .exclude(method=ScoringMethod.SURVEY)
        .filter(data_source="")  # data-fed items: nobody appraises them
        .values("index_set_id")
        .annotate(n=Count("id"))
        .values_list("index_set_id", "n")
    )
    rows = {
        a.pk: UnitProgress(
            assessment=a,
            total=totals.get(a.index_set_id, 0),
            reviewed=a.reviewed,
            returned=a.returned,
        )
        for a in assessments
    }
    requested = Score.objects.filter(assessment__in=list(rows)).exclude(review_request="")
    file_answers = _file_answers(list(rows))
    fields = ("assessment_id", "item_id", "review_request", "explanation_text", "final_at")
    for score in requested.only(*fields):
        row = rows[score.assessment_id]
        row.requests += 1
        row.answered += is_answered(score, file_answers[score.assessment_id])
        if row.assessment.status == S.EXPLAINED and score.final_at is None:
            row.round_2_pending += 1
    counts: dict[str, int] = defaultdict(int)
    for a in assessments:
        counts[a.status] += 1
    statuses = [(value, label, counts[value]) for value, label in S.choices if counts[value]]
    return CouncilProgress(rows=list(rows.values()), statuses=statuses)


# ---------------------------------------------------------------- the chair: differences


@dataclass
class AreaDifference:
    code: str
    name: str
    max_points: Decimal
    self_points: Decimal
    final_points: Decimal

    @property
    def difference(self) -> Decimal:
        return self.final_points - self.self_points


@dataclass
class ItemDifference:
    item: IndexItem
    score: Score | None
    self_points: Decimal
    final_points: Decimal
    self_not_applicable: bool
    final_not_applicable: bool
    # A refused return keeps the chair's note and says why.
    return_note_kept: str = ""
    return_error: str = ""

    @property
    def difference(self) -> Decimal:
        return self.final_points - self.self_points

    @property
    def reason(self) -> str:
        if self.score is None:
            return ""
        return self.score.final_reason or self.score.appraisal_reason

    @property
    def appraiser(self):
        if self.score is None:
            return None
        return self.score.final_by or self.score.appraised_by

    @property
    def returnable(self) -> bool:
        return bool(self.score and self.score.appraised_at)


@dataclass
class Differences:
    areas: list[AreaDifference]
    items: list[ItemDifference]  # largest absolute difference first
    self_result: UnitResult
    final_result: UnitResult

    @property
    def changed(self) -> list[ItemDifference]:
        return [item for item in self.items if item.difference]


def appraisal_differences(assessment: Assessment) -> Differences:
    """The unit's self-assessed points against the appraised ones (final, else round 1), by
    area and by item, computed by the engine: two queries."""
    items = list(IndexItem.objects.filter(index_set_id=assessment.index_set_id))
    scores = {
        score.item_id: score
        for score in Score.objects.filter(assessment=assessment).select_related(
            "appraised_by", "final_by"
        )
    }
    self_result, final_result = _stage_results(assessment, _definition(assessment, items), scores)
    by_id = {item.pk: item for item in items}
    final_items = {result.item_id: result for result in final_result.items}
    differences = [
        ItemDifference(
            item=by_id[result.item_id],
            score=scores.get(result.item_id),
            self_points=result.points,
            final_points=final_items[result.item_id].points,
            self_not_applicable=result.not_applicable,
            final_not_applicable=final_items[result.item_id].not_applicable,
        )
        for result in self_result.items
    ]
    differences.sort(key=lambda d: (-abs(d.difference), d.item.position))
    final_areas = {level.item_id: level for level in final_result.areas}
    areas = [
        AreaDifference(
            code=level.code,
            name=level.name,
            max_points=level.max_points,
            self_points=level.points,
            final_points=final_areas[level.item_id].points,
        )
        for level in self_result.areas
        if level.max_points
    ]
    return Differences(
        areas=areas, items=differences, self_result=self_result, final_result=final_result
    )


# ---------------------------------------------------------------- Home Affairs: the rounds


def period_round_moves(period: AssessmentPeriod) -> list[tuple[str, str]]:
    """The rounds the period may move to from where it stands, in the order of the cycle."""
    return [(target.value, target.label) for target in period_round_targets(period.status)]
