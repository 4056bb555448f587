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


@pytest.fixture
def self_assessment_setup(personas):
    """The personas' organiser in self-assessment, with the deadline a week away: units A and
    B each have a draft assessment on an index set with one item per method."""
    from datetime import timedelta

    from django.utils import timezone

    from scoring.workflow import PeriodStatus
    from tests.factories import methods_tree

    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
        appraisal_deadline=timezone.now() + timedelta(days=30),
    )
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    items = methods_tree(index_set)
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    b = AssessmentFactory(period=period, unit=personas["unit_b"], index_set=index_set)
    return {
        **personas,
        "period": period,
        "index_set": index_set,
        "items": items,
        "assessment_a": a,
        "assessment_b": b,
    }
