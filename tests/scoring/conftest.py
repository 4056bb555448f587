"""Fixtures shared by the scoring tests."""

from decimal import Decimal

import pytest

from scoring.models import Score
from scoring.workflow import AssessmentStatus
from tests.factories import AssessmentFactory, IndexSetFactory, PeriodFactory, small_tree
from tests.scoring.publication_fixtures import moved_period, survey_period  # noqa: F401

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


@pytest.fixture
def appraisal_setup(self_assessment_setup):
    """The self-assessment setup one step on: units A and B filled in every self-scored item
    and submitted, the deadline passed, and the period opened for appraisal by Home Affairs.

    Extra council members: `appraiser_1` appraises area 1 of every unit, `appraiser_1_b` area 1
    of unit B only (the personas' `appraiser` has area 2, which holds only a survey item).

    Self-scores of both units: 1.1.1 levels 0,5 · 1.1.2 yes/no 0 · 1.1.3 ratio 100% (2 points)
    · 1.1.4 ratio 50% (0,75) · 1.1.5 manual 2,5 · T1 bonus empty."""
    from datetime import timedelta

    from django.utils import timezone

    from scoring.entries import SelfEntry
    from scoring.models import Evidence
    from scoring.services.appraisal import period_advance
    from scoring.services.self_assessment import assessment_submit, self_score_save
    from scoring.workflow import PeriodStatus
    from tests.factories import RoleGrantFactory
    from units.roles import Role

    s = self_assessment_setup
    items = s["items"]
    values = {
        "1.1.1": SelfEntry(points=D("0.5")),
        "1.1.2": SelfEntry(points=D("0")),
        "1.1.3": SelfEntry(ratio=D("100")),
        "1.1.4": SelfEntry(ratio=D("50")),
        "1.1.5": SelfEntry(points=D("2.5"), note="Theo báo cáo quý IV"),
    }
    for unit_key, assessment_key in (("staff_a", "assessment_a"), ("staff_b", "assessment_b")):
        assessment = s[assessment_key]
        for code, entry in values.items():
            self_score_save(
                assessment=assessment,
                item=items[code],
                entry=entry,
                expected_version=0,
                by=s[unit_key],
            )
        evidence = Evidence.objects.create(
            assessment=assessment, document_number="12/KH-UBND", uploaded_by=s[unit_key]
        )
        evidence.items.add(items["1.1.1"], items["1.1.3"], items["1.1.4"])
        assessment_submit(assessment=assessment, by=s[unit_key])
    s["period"].self_assessment_deadline = timezone.now() - timedelta(minutes=1)
    s["period"].save()
    period_advance(period=s["period"], target=PeriodStatus.APPRAISAL, by=s["home_affairs"])
    for key in ("period", "assessment_a", "assessment_b"):
        s[key].refresh_from_db()
    organiser = s["organiser"]
    appraiser_1 = RoleGrantFactory(role=Role.APPRAISER, organiser=organiser, area_codes="1")
    appraiser_1_b = RoleGrantFactory(role=Role.APPRAISER, organiser=organiser, area_codes="1")
    appraiser_1_b.scoped_units.add(s["unit_b"])
    return {**s, "appraiser_1": appraiser_1.user, "appraiser_1_b": appraiser_1_b.user}
