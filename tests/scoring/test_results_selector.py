"""Reading a period's results: the query count does not grow with the number of units, and
survey answers recorded per option are used."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.models import SurveyResult
from scoring.selectors.results import period_results
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    UnitFactory,
    small_tree,
    survey_branch,
)


def queries_for(period) -> int:
    with CaptureQueriesContext(connection) as queries:
        period_results(period=period)
    return len(queries)


def test_query_count_does_not_grow_with_units(personas):
    period = PeriodFactory(organiser=personas["organiser"])
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    small_tree(index_set)
    for unit in (personas["unit_a"], personas["unit_b"]):
        AssessmentFactory(period=period, unit=unit, index_set=index_set)
    few = queries_for(period)
    for number in range(8):
        unit = UnitFactory(
            code=f"X{number}", organiser=personas["organiser"], kind=personas["kind"]
        )
        AssessmentFactory(period=period, unit=unit, index_set=index_set)
    assert queries_for(period) == few


def test_survey_answers_per_option_give_the_points(personas):
    period = PeriodFactory(organiser=personas["organiser"])
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    survey = survey_branch(
        index_set,
        max_points=Decimal("10"),
        params={"basis": "weighted_answers", "weights": {"A": "1", "B": "0.5"}},
    )
    assessment = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    SurveyResult.objects.create(
        assessment=assessment, item=survey, answer_counts={"A": 3, "B": 1}, points=Decimal("0")
    )
    row = period_results(period=period).rows[0]
    assert row.result.survey_points == Decimal("8.75")  # 10 × (3 + 0,5) / 4
    assert row.result.max_points == Decimal("13")
    assert tree["1.1.1"].code == "1.1.1"


def test_a_publication_read_for_one_unit_decodes_only_its_items(period_with_scores, personas):
    """A scorecard needs its unit's items and its group's areas and ranks, not every item of
    a province (4 s → 1,6 s for a commune of 600 on PostgreSQL)."""
    from scoring.selectors.results import publication_results
    from scoring.services.publication import period_publish

    publication = period_publish(period=period_with_scores)
    whole = publication_results(publication)
    one = publication_results(publication, items_of=personas["unit_a"].pk)
    a, b = personas["unit_a"].pk, personas["unit_b"].pk
    assert one.row_for(a).result.items == whole.row_for(a).result.items != []
    assert one.row_for(b).result.items == []
    assert one.row_for(b).result.areas == whole.row_for(b).result.areas
    assert (one.row_for(b).rank, one.row_for(b).result.index) == (
        whole.row_for(b).rank,
        whole.row_for(b).result.index,
    )
