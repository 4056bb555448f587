"""The demo province: realistic sizes, both periods, accounts that can log in."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from scoring.models import AssessmentPeriod, IndexSet, Score, SurveyResult
from scoring.workflow import AssessmentStatus, PeriodStatus
from units.access import has_permission
from units.models import RankingGroup, Unit, User
from units.roles import Permission


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_province_has_the_expected_units_and_groups(demo):
    by_kind = {
        code: Unit.objects.filter(kind__code=code).count()
        for code in ("department", "district", "commune")
    }
    assert by_kind["department"] == 21
    assert by_kind["district"] == 9
    assert 95 <= by_kind["commune"] <= 110
    communes = Unit.objects.filter(kind__code="commune")
    assert all(c.parent.kind.code == "district" for c in communes.select_related("parent__kind"))
    assert set(RankingGroup.objects.values_list("code", flat=True)) == {"so-nganh", "huyen", "xa"}
    assert Unit.objects.filter(kind__code="department", ranking_group__isnull=True).count() == 1
    merged = Unit.objects.get(code="H-AN-PHU-X-TAN-HOA")
    assert merged.predecessors.count() == 2


def test_last_year_is_published_and_this_year_is_open(demo):
    previous = AssessmentPeriod.objects.get(year=2025)
    current = AssessmentPeriod.objects.get(year=2026)
    assert previous.status == PeriodStatus.PUBLISHED and previous.published_at
    assert current.status == PeriodStatus.SELF_ASSESSMENT
    assert current.self_assessment_deadline > previous.publication_deadline
    assert not previous.assessments.exclude(status=AssessmentStatus.PUBLISHED).exists()
    # The merger: two communes last year, one this year.
    assert previous.assessments.filter(unit__code__startswith="H-AN-PHU-X-").count() == 2
    assert current.assessments.filter(unit__code="H-AN-PHU-X-TAN-HOA").exists()
    assert current.assessments.filter(status=AssessmentStatus.SUBMITTED).count() == 3


def test_last_year_has_final_scores_within_maxima_and_survey_results(demo):
    previous = AssessmentPeriod.objects.get(year=2025)
    scores = Score.objects.filter(assessment__period=previous).select_related("item")
    assert scores.count() > 5000
    for score in scores.iterator():
        if score.not_applicable:
            continue
        assert Decimal(0) <= score.final_points <= score.item.max_points
    expected_surveys = sum(
        index_set.items.filter(method="survey").count() * index_set.assessments.count()
        for index_set in IndexSet.objects.filter(period=previous)
    )
    assert SurveyResult.objects.filter(assessment__period=previous).count() == expected_surveys


def test_this_years_sets_are_cloned_from_last_year(demo):
    for index_set in IndexSet.objects.filter(period__year=2026):
        assert index_set.cloned_from.period.year == 2025
        assert index_set.items.count() == index_set.cloned_from.items.count()
        assert index_set.bands.count() >= 4


def test_demo_accounts_log_in_with_their_roles(demo, client):
    assert client.login(username="sotuphap", password="parindex-demo")
    staff = User.objects.get(username="sotuphap")
    assert has_permission(staff, Permission.EDIT_SELF_ASSESSMENT, unit=Unit.objects.get(code="STP"))
    assert not has_permission(
        staff, Permission.EDIT_SELF_ASSESSMENT, unit=Unit.objects.get(code="SYT")
    )
    assert User.objects.get(username="admin").is_superuser


def test_loading_twice_is_refused_unless_asked_to_skip(demo):
    with pytest.raises(CommandError):
        call_command("load_demo")
    call_command("load_demo", "--if-empty", stdout=io.StringIO())
    assert AssessmentPeriod.objects.count() == 2
