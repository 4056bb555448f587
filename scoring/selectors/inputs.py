"""What Home Affairs still has to enter for a period: each unit's survey items and data-fed
items, expected against entered. The one owner of "an input is missing", read by the dashboard's
completeness table and by publication (which refuses while any is missing, unless the officer
names it as an exception)."""

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q

from scoring.models import (
    SCORED_LEVELS,
    Assessment,
    AssessmentPeriod,
    DataFigure,
    IndexItem,
    ScoringMethod,
    SurveyResult,
)


class InputKind(StrEnum):
    SURVEY = "survey"
    DATA = "data"


@dataclass(frozen=True)
class MissingInput:
    assessment_id: int
    unit_code: str
    unit_name: str
    item_id: int
    item_code: str
    item_name: str
    kind: InputKind

    @property
    def key(self) -> str:
        """How a publication exception names it (stable across requests)."""
        return f"{self.assessment_id}:{self.item_id}"


@dataclass
class UnitInputs:
    assessment: Assessment
    survey_expected: int = 0
    survey_entered: int = 0
    data_expected: int = 0
    data_fed: int = 0
    missing: list[MissingInput] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class PeriodInputs:
    units: list[UnitInputs]

    @property
    def missing(self) -> list[MissingInput]:
        return [gap for unit in self.units for gap in unit.missing]

    @property
    def survey_expected(self) -> int:
        return sum(unit.survey_expected for unit in self.units)

    @property
    def survey_entered(self) -> int:
        return sum(unit.survey_entered for unit in self.units)

    @property
    def data_expected(self) -> int:
        return sum(unit.data_expected for unit in self.units)

    @property
    def data_fed(self) -> int:
        return sum(unit.data_fed for unit in self.units)


def _entered_survey() -> Q:
    """A survey result counts once it holds answers, a rate, points or "không áp dụng"."""
    return (
        Q(points__isnull=False)
        | Q(ratio__isnull=False)
        | Q(not_applicable=True)
        | ~Q(answer_counts={})
    )


def period_inputs(*, period: AssessmentPeriod) -> PeriodInputs:
    """Every taking-part unit's survey and data items, entered or missing (four queries)."""
    assessments = list(
        Assessment.objects.taking_part()
        .filter(period=period)
        .select_related("unit")
        .order_by("unit__code")
    )
    expected: dict[int, list[tuple[IndexItem, InputKind]]] = defaultdict(list)
    items = IndexItem.objects.filter(
        index_set_id__in={a.index_set_id for a in assessments}, level__in=SCORED_LEVELS
    ).filter(Q(method=ScoringMethod.SURVEY) | ~Q(data_source=""))
    for item in items.only("id", "code", "name", "index_set_id", "method", "data_source"):
        kind = InputKind.SURVEY if item.is_survey else InputKind.DATA
        expected[item.index_set_id].append((item, kind))
    surveyed = set(
        SurveyResult.objects.filter(assessment__period=period)
        .filter(_entered_survey())
        .values_list("assessment_id", "item_id")
    )
    fed = set(
        DataFigure.objects.filter(assessment__period=period).values_list("assessment_id", "item_id")
    )
    units = []
    for assessment in assessments:
        row = UnitInputs(assessment=assessment)
        for item, kind in expected.get(assessment.index_set_id, []):
            key = (assessment.pk, item.pk)
            if kind == InputKind.SURVEY:
                row.survey_expected += 1
                entered = key in surveyed
                row.survey_entered += entered
            else:
                row.data_expected += 1
                entered = key in fed
                row.data_fed += entered
            if not entered:
                row.missing.append(
                    MissingInput(
                        assessment_id=assessment.pk,
                        unit_code=assessment.unit.code,
                        unit_name=assessment.unit.name,
                        item_id=item.pk,
                        item_code=item.code,
                        item_name=item.name,
                        kind=kind,
                    )
                )
        units.append(row)
    return PeriodInputs(units=units)
