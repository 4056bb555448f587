"""A unit's self-assessment as its form shows it: the index tree with each item's entry, points
and evidence, running totals per area and overall, progress, and what blocks submission.

Five queries whatever the size of the set: the items, the scores, the evidence and its links,
and the assessment itself (loaded by the caller); a sixth for the figures of data-fed items
when the set has any."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.engine.model import Stage, UnitInput, UnitResult
from scoring.engine.policy import index_set_def, score_entry
from scoring.engine.results import unit_result
from scoring.entries import (
    ItemProblem,
    SelfEntry,
    chosen_answer,
    earned,
    entry_of,
    is_per_case,
    item_choices,
    item_problems,
    lacks_evidence,
    per_case_text,
)
from scoring.models import Assessment, Evidence, IndexItem, ItemLevel, Score
from scoring.workflow import self_assessment_closed_reason

from .data_figures import FedFigure, fed_figures


@dataclass
class ItemRow:
    item: IndexItem
    score: Score | None
    entry: SelfEntry
    points: Decimal | None  # what the entry earns (ratio rules apply the bands)
    evidence: list[Evidence]
    problems: list[str]
    choices: list[dict]
    lacks_evidence: bool
    fed: FedFigure | None = None  # a data-fed item: its figure, shown read-only

    @property
    def version(self) -> int:
        return self.score.version if self.score else 0

    @property
    def is_survey(self) -> bool:
        return self.item.is_survey

    @property
    def is_entered_by_home_affairs(self) -> bool:
        return self.item.is_entered_by_home_affairs

    @property
    def chosen(self) -> str | None:
        """The points of the answer picked (levels, yes/no, a ratio rule's other case)."""
        answer = chosen_answer(self.choices, self.entry.value)
        return answer["points"] if answer else None

    @property
    def is_extra(self) -> bool:
        """A bonus or penalty line: it may stay empty, and what was entered can be cleared."""
        return self.item.level in (ItemLevel.BONUS, ItemLevel.PENALTY)

    @property
    def per_case_rule(self) -> str:
        """ "0,5 điểm mỗi trường hợp, tối đa 1,5 điểm" for a per-case line; empty otherwise."""
        if not is_per_case(self.item):
            return ""
        return per_case_text(self.item.method_params or {}, self.item.max_points)


@dataclass
class CriterionNode:
    item: IndexItem
    rows: list[ItemRow] = field(default_factory=list)


@dataclass
class AreaNode:
    item: IndexItem
    criteria: list[CriterionNode] = field(default_factory=list)
    points: Decimal = Decimal(0)
    max_points: Decimal = Decimal(0)
    index: Decimal | None = None
    scored: int = 0
    required: int = 0

    @property
    def survey_only(self) -> bool:
        return all(row.is_survey for c in self.criteria for row in c.rows)


@dataclass
class SelfAssessment:
    assessment: Assessment
    areas: list[AreaNode]
    extra_rows: list[ItemRow]  # bonus and penalty lines
    result: UnitResult  # self-assessed part only: survey items are not the unit's to score
    library: list[Evidence]  # every document of the assessment, to attach again
    closed_reason: str
    survey_max: Decimal
    data_max: Decimal = Decimal(0)  # data-fed sub-criteria: Home Affairs uploads their figures

    @property
    def rows(self) -> list[ItemRow]:
        return [r for a in self.areas for c in a.criteria for r in c.rows] + self.extra_rows

    @property
    def required(self) -> int:
        return sum(area.required for area in self.areas)

    @property
    def scored(self) -> int:
        return sum(area.scored for area in self.areas)

    @property
    def lacking_evidence(self) -> int:
        return sum(1 for row in self.rows if row.lacks_evidence)

    @property
    def problems(self) -> list[ItemProblem]:
        return [
            ItemProblem(row.item.pk, row.item.code, row.item.name, message)
            for row in self.rows
            for message in row.problems
        ]

    @property
    def deadline(self):
        return self.assessment.self_assessment_deadline


def self_assessment(assessment: Assessment, *, with_evidence: bool = True) -> SelfAssessment:
    """Everything the form, the review page and the autosave answer show. Without evidence
    details (autosave), only which items have some is read."""
    items = list(IndexItem.objects.filter(index_set_id=assessment.index_set_id))
    scores = {
        score.item_id: score
        for score in Score.objects.filter(assessment=assessment).select_related("updated_by")
    }
    through = Evidence.items.through.objects.filter(evidence__assessment=assessment)
    evidence_by_item: dict[int, list] = defaultdict(list)
    library: list[Evidence] = []
    if with_evidence:
        library = list(Evidence.objects.filter(assessment=assessment).order_by("uploaded_at"))
        by_id = {evidence.pk: evidence for evidence in library}
        for evidence_id, item_id in through.values_list("evidence_id", "indexitem_id"):
            evidence_by_item[item_id].append(by_id[evidence_id])
    else:
        for item_id in through.values_list("indexitem_id", flat=True):
            evidence_by_item[item_id].append(None)

    definition = index_set_def(
        set_id=assessment.index_set_id,
        items=items,
        bonus_cap=assessment.index_set.bonus_cap,
        penalty_cap=assessment.index_set.penalty_cap,
    )
    entries = {item_id: score_entry(score) for item_id, score in scores.items()}
    result = unit_result(
        UnitInput(assessment.unit_id, definition.self_assessed_part(), entries), Stage.SELF
    )

    figures = fed_figures(assessment, items)
    rows: dict[int, ItemRow] = {}
    for item in items:
        if not item.is_scored:
            continue
        score = scores.get(item.pk)
        entry = entry_of(score)
        points = earned(item, entry.value)
        has_evidence = bool(evidence_by_item.get(item.pk))
        rows[item.pk] = ItemRow(
            item=item,
            score=score,
            entry=entry,
            points=points,
            evidence=evidence_by_item.get(item.pk, []) if with_evidence else [],
            problems=item_problems(item, score, has_evidence=has_evidence, points=points),
            choices=item_choices(item),
            lacks_evidence=lacks_evidence(item, points=points, has_evidence=has_evidence),
            fed=figures.get(item.pk),
        )

    areas = _tree(definition, items, rows, result)
    extra_rows = [
        rows[item.pk] for item in items if item.level in (ItemLevel.BONUS, ItemLevel.PENALTY)
    ]
    survey_max = sum((item.max_points for item in items if item.is_survey), Decimal(0))
    data_max = sum(
        (
            item.max_points
            for item in items
            if item.is_data_fed and item.level == ItemLevel.SUB_CRITERION
        ),
        Decimal(0),
    )
    return SelfAssessment(
        assessment=assessment,
        areas=areas,
        extra_rows=extra_rows,
        result=result,
        library=library,
        closed_reason=self_assessment_closed_reason(assessment),
        survey_max=survey_max,
        data_max=data_max,
    )


def _tree(definition, items, rows, result: UnitResult) -> list[AreaNode]:
    """Areas → criteria → sub-criteria as the prepared tree of the set says, in position
    order at each level (whatever order a hand-edited set numbers parents and children)."""
    by_id = {item.pk: item for item in items}
    area_results = {level.item_id: level for level in result.areas}
    areas = []
    for area_def in definition.areas:
        level = area_results.get(area_def.id)
        area = AreaNode(
            item=by_id[area_def.id],
            points=level.points if level else Decimal(0),
            max_points=level.max_points if level else Decimal(0),
            index=level.index if level else None,
        )
        for criterion_def in definition.children(area_def.id):
            if criterion_def.level != ItemLevel.CRITERION:
                continue
            node = CriterionNode(item=by_id[criterion_def.id])
            for child in definition.children(criterion_def.id):
                if child.level != ItemLevel.SUB_CRITERION:
                    continue
                row = rows[child.id]
                node.rows.append(row)
                if not child.is_entered_by_home_affairs:
                    area.required += 1
                    area.scored += 0 if row.entry.is_empty else 1
            area.criteria.append(node)
        areas.append(area)
    return areas
