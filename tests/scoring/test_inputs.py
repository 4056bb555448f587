"""scoring.selectors.inputs: which survey and data items Home Affairs still has to enter."""

from datetime import date
from decimal import Decimal

from scoring.models import DataFigure, DataSet, SurveyResult
from scoring.selectors.inputs import InputKind, period_inputs
from scoring.workflow import AssessmentStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    data_item,
    small_tree,
    survey_branch,
)

D = Decimal


def test_each_unit_lists_its_missing_survey_and_data_items_until_they_are_entered(personas):
    period = PeriodFactory(organiser=personas["organiser"], year=2026)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    survey = survey_branch(index_set, max_points=D("4"))
    fed = data_item(index_set, tree["criterion"])
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    b = AssessmentFactory(period=period, unit=personas["unit_b"], index_set=index_set)

    inputs = period_inputs(period=period)
    assert (inputs.survey_expected, inputs.survey_entered) == (2, 0)
    assert (inputs.data_expected, inputs.data_fed) == (2, 0)
    assert {(gap.unit_code, gap.item_code, gap.kind) for gap in inputs.missing} == {
        ("A", "2.1.1", InputKind.SURVEY),
        ("A", "1.1.3", InputKind.DATA),
        ("B", "2.1.1", InputKind.SURVEY),
        ("B", "1.1.3", InputKind.DATA),
    }

    # An empty survey row is not an entry; answers, a rate, points or N/A are.
    SurveyResult.objects.create(assessment=a, item=survey)
    SurveyResult.objects.create(assessment=b, item=survey, answer_counts={"A": 3})
    data_set = DataSet.objects.create(period=period, source="766", as_of=date(2026, 11, 30))
    DataFigure.objects.create(assessment=a, item=fed, data_set=data_set, figure=D("87.5"))

    inputs = period_inputs(period=period)
    by_unit = {row.assessment.unit.code: row for row in inputs.units}
    assert [(g.item_code, g.kind) for g in by_unit["A"].missing] == [("2.1.1", "survey")]
    assert [(g.item_code, g.kind) for g in by_unit["B"].missing] == [("1.1.3", "data")]
    assert (by_unit["B"].survey_entered, by_unit["A"].data_fed) == (1, 1)


def test_a_withdrawn_unit_is_expected_to_have_nothing(personas):
    period = PeriodFactory(organiser=personas["organiser"], year=2026)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    small_tree(index_set)
    survey_branch(index_set, max_points=D("4"))
    AssessmentFactory(
        period=period,
        unit=personas["unit_a"],
        index_set=index_set,
        status=AssessmentStatus.WITHDRAWN,
    )
    assert period_inputs(period=period).missing == []
