"""Periods to publish, shared by the publication tests (import the fixtures by name)."""

from decimal import Decimal

import pytest

from scoring.models import Assessment, Score
from scoring.services.transitions import SYSTEM, assessments_move
from scoring.workflow import AssessmentStatus
from tests.factories import AssessmentFactory, IndexSetFactory, PeriodFactory, small_tree
from tests.factories import survey_branch as add_survey

D = Decimal
S = AssessmentStatus


@pytest.fixture
def survey_period(personas, period_with_scores):
    """The two appraised units of period_with_scores, with a survey item nobody has entered."""
    index_set = Assessment.objects.filter(period=period_with_scores).first().index_set
    add_survey(index_set, max_points=D("2"))
    return period_with_scores


@pytest.fixture
def moved_period(personas):
    """Unit A submitted, unit B never did: the deadline took B into appraisal as it stood.
    Both appraised through the one door, as the real rounds move them; both ranked in "so"."""
    period = PeriodFactory(organiser=personas["organiser"], year=2026)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    group = personas["organiser"].ranking_groups.create(code="so", name="Sở, ngành")
    a, b = (
        AssessmentFactory(
            period=period, unit=personas[key], index_set=index_set, ranking_group=group
        )
        for key in ("unit_a", "unit_b")
    )
    Score.objects.create(assessment=a, item=tree["1.1.1"], self_points=D("1"))
    Score.objects.create(
        assessment=a, item=tree["1.1.2"], self_points=D("2"), appraisal_points=D("1.5")
    )
    Score.objects.create(assessment=b, item=tree["1.1.1"], self_points=D("1"))
    assessments_move(assessments=[a], target=S.SUBMITTED, by=SYSTEM)
    for assessment in (a, b):
        assessments_move(assessments=[assessment], target=S.IN_APPRAISAL, by=SYSTEM)
        assessments_move(assessments=[assessment], target=S.APPRAISED, by=SYSTEM)
    return period
