"""Fixtures shared by the scoring tests."""

from decimal import Decimal

import pytest

from scoring.models import Score
from scoring.workflow import AssessmentStatus
from tests.factories import AssessmentFactory, IndexSetFactory, PeriodFactory, small_tree

D = Decimal


@pytest.fixture
def period_with_scores(personas):
    """Two ranked units of the personas' organiser, both appraised."""
    period = PeriodFactory(organiser=personas["organiser"], year=2025)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    group = personas["unit_a"].organiser.ranking_groups.create(code="so", name="Sở, ngành")
    for key, points in (("unit_a", ("1", "1.5")), ("unit_b", ("0", "2"))):
        unit = personas[key]
        unit.ranking_group = group
        unit.save()
        assessment = AssessmentFactory(
            period=period, unit=unit, index_set=index_set, status=AssessmentStatus.APPRAISED
        )
        Score.objects.create(assessment=assessment, item=tree["1.1.1"], final_points=D(points[0]))
        Score.objects.create(assessment=assessment, item=tree["1.1.2"], final_points=D(points[1]))
    return period
