"""The demo province across the 2025 reform: 2024 with districts, 2025 with the merged communes
and wards, 2026 open; realistic sizes and accounts that can log in."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from reports.models import Report, ReportKind, ReportStatus
from scoring.display import index_change_text, rank_change_text
from scoring.engine.model import Stage
from scoring.entries import earned, stored_value
from scoring.models import (
    Assessment,
    AssessmentPeriod,
    IndexSet,
    Publication,
    PublishedUnitResult,
    Score,
    SurveyResult,
)
from scoring.selectors.results import publication_results
from scoring.workflow import AssessmentStatus, PeriodStatus
from units.access import has_permission
from units.models import RankingGroup, RoleGrant, Unit, UnitChange, User
from units.roles import Permission


@pytest.fixture
def demo(db):
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def assessed(year, kind):
    return Assessment.objects.filter(period__year=year, unit__kind__code=kind)


def test_province_has_the_expected_units_and_groups(demo):
    by_kind = Counter(Unit.objects.values_list("kind__code", flat=True))
    assert by_kind["department"] == 21
    assert by_kind["district"] == 9
    assert by_kind["commune"] == 100 + 31  # until 2024, then from 2025
    assert set(RankingGroup.objects.values_list("code", flat=True)) == {"so-nganh", "huyen", "xa"}
    assert Unit.objects.filter(kind__code="department", ranking_group__isnull=True).count() == 1
    for year in (2024, 2025, 2026):
        names = [
            a.unit.name for a in Assessment.objects.filter(period__year=year).select_related("unit")
        ]
        assert len(names) == len(set(names)), year  # one name per unit in a year


def test_2024_has_districts_their_communes_and_the_district_set(demo):
    period = AssessmentPeriod.objects.get(year=2024)
    assert period.status == PeriodStatus.PUBLISHED
    assert period.published_at.date().isoformat() == "2025-03-02"
    assert assessed(2024, "department").count() == 21
    assert assessed(2024, "district").count() == 9
    communes = assessed(2024, "commune").select_related("unit__parent__kind")
    assert communes.count() == 100
    assert all(a.unit.parent.kind.code == "district" for a in communes)
    assert all(a.unit.valid_to_year == 2024 for a in communes)
    # The district set exists in 2024 only.
    district_sets = IndexSet.objects.filter(unit_kind__code="district")
    assert list(district_sets.values_list("period__year", flat=True)) == [2024]
    assert district_sets.get().decision_number == "1520/QĐ-UBND"
    # 2024's groups stay in 2024's history.
    groups = Counter(
        Assessment.objects.filter(period__year=2024).values_list("ranking_group__code", flat=True)
    )
    assert groups == {"so-nganh": 20, "huyen": 9, "xa": 100, None: 1}
    published = Publication.objects.get(period=period).unit_results
    assert set(published.values_list("group_code", flat=True)) == {"so-nganh", "huyen", "xa", ""}


def test_2025_has_no_district_and_every_merged_unit_lists_its_predecessors(demo):
    period = AssessmentPeriod.objects.get(year=2025)
    assert period.status == PeriodStatus.PUBLISHED
    assert not assessed(2025, "district").exists()
    assert not IndexSet.objects.filter(period=period, unit_kind__code="district").exists()
    communes = assessed(2025, "commune").select_related("unit__parent__kind")
    assert communes.count() == 31
    replaced = Counter()
    for assessment in communes:
        unit = assessment.unit
        assert unit.valid_from_year == 2025 and unit.parent.kind.code == "province"
        assert unit.name.startswith(("Xã ", "Phường "))
        predecessors = list(unit.predecessors.all())
        assert predecessors, unit
        assert all(p.valid_to_year == 2024 and p.kind.code == "commune" for p in predecessors)
        replaced.update(p.code for p in predecessors)
    # Every 2024 commune went into exactly one new unit.
    old = set(assessed(2024, "commune").values_list("unit__code", flat=True))
    assert set(replaced) == old and set(replaced.values()) == {1}
    assert communes.filter(unit__name__startswith="Phường ").count() >= 6
    tan_hoa = Unit.objects.get(name="Xã Tân Hòa")
    assert sorted(tan_hoa.predecessors.values_list("name", flat=True)) == [
        "Xã Hòa Lợi",
        "Xã Tân An",
    ]
    assert Counter(
        Assessment.objects.filter(period=period).values_list("ranking_group__code", flat=True)
    ) == {"so-nganh": 20, "xa": 31, None: 1}
    # The reform is on record as the units pages list it: each merger and each district's end,
    # from 2025, with the resolution.
    merger = UnitChange.objects.get(results=tan_hoa)
    assert (merger.kind, merger.year, merger.decision_number) == ("merge", 2025, "1680/NQ-UBTVQH15")
    assert sorted(merger.sources.values_list("name", flat=True)) == ["Xã Hòa Lợi", "Xã Tân An"]
    assert Counter(UnitChange.objects.values_list("kind", flat=True)) == {
        "merge": 31,
        "dissolve": 9,
    }


def test_2025_results_compare_with_the_predecessors_2024_results(demo):
    before = {
        r.unit_id: r for r in PublishedUnitResult.objects.filter(publication__period__year=2024)
    }
    published = PublishedUnitResult.objects.filter(publication__period__year=2025)
    for result in published.filter(kind_code="commune").select_related("unit"):
        olds = [before[p.pk] for p in result.unit.predecessors.all()]
        assert result.previous_total_points == sum(o.total_points for o in olds)
        assert result.previous_max_points == sum(o.max_points for o in olds)
        # A merger: compared with the predecessors' combined index, so no rank to compare.
        assert len(olds) > 1 and result.previous_combined and result.previous_rank is None
    # Departments did not change: ranks compare, so "tăng 3 bậc" shows somewhere.
    departments = published.filter(kind_code="department", rank__isnull=False)
    assert all(r.previous_rank is not None for r in departments)
    assert any(r.previous_rank != r.rank for r in departments)


def test_a_merged_communes_2025_result_page_shows_the_change_against_2024(demo, client):
    period = AssessmentPeriod.objects.get(year=2025)
    unit = Unit.objects.get(name="Xã Tân Hòa")
    row = publication_results(Publication.objects.get(period=period)).row_for(unit.pk)
    assert row.previous.combined and row.change.index_change is not None
    assert client.login(request=HttpRequest(), username="xa.tanhoa", password="parindex-demo")
    response = client.get(reverse("scoring:unit_result", args=[period.pk, unit.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("vi"):
        assert f"{index_change_text(row.change.index_change)} so với năm trước" in html


def test_a_departments_2025_result_page_shows_its_rank_change(demo, client):
    period = AssessmentPeriod.objects.get(year=2025)
    results = publication_results(Publication.objects.get(period=period))
    moved = next(
        row
        for group in results.groups
        if group.code == "so-nganh"
        for row in group.rows
        if row.change.rank_change
    )
    assert client.login(request=HttpRequest(), username="noivu", password="parindex-demo")
    html = client.get(
        reverse("scoring:unit_result", args=[period.pk, moved.unit_id])
    ).content.decode()
    with translation.override("vi"):
        assert rank_change_text(moved.change.rank_change) in html  # "tăng 3 bậc"


def test_2026_is_open_with_the_2025_units(demo):
    previous = AssessmentPeriod.objects.get(year=2025)
    current = AssessmentPeriod.objects.get(year=2026)
    assert current.status == PeriodStatus.SELF_ASSESSMENT
    assert current.self_assessment_deadline > previous.publication_deadline
    assert not previous.assessments.exclude(status=AssessmentStatus.PUBLISHED).exists()
    assert set(current.assessments.values_list("unit_id", flat=True)) == set(
        previous.assessments.values_list("unit_id", flat=True)
    )
    assert current.assessments.filter(status=AssessmentStatus.SUBMITTED).count() == 3
    assert not current.assessments.filter(unit__kind__code="district").exists()


def test_published_years_have_final_scores_within_maxima_and_survey_results(demo):
    assert Score.objects.filter(assessment__period__year=2024).count() > 5000
    for year in (2024, 2025):
        scores = Score.objects.filter(assessment__period__year=year).select_related("item")
        for score in scores.iterator():
            if score.not_applicable:
                continue
            # Per-case lines hold a final count of cases, every other item final points.
            final = earned(score.item, stored_value(score.item, score, Stage.FINAL))
            assert Decimal(0) <= final <= score.item.max_points
        expected_surveys = sum(
            index_set.items.filter(method="survey").count() * index_set.assessments.count()
            for index_set in IndexSet.objects.filter(period__year=year)
        )
        assert SurveyResult.objects.filter(assessment__period__year=year).count() == (
            expected_surveys
        )


def test_each_years_sets_are_cloned_from_the_year_before(demo):
    for year in (2025, 2026):
        sets = IndexSet.objects.filter(period__year=year)
        assert set(sets.values_list("unit_kind__code", flat=True)) == {"department", "commune"}
        for index_set in sets:
            assert index_set.cloned_from.period.year == year - 1
            assert index_set.items.count() == index_set.cloned_from.items.count()
            assert index_set.bands.count() >= 4
            assert index_set.decision_number and index_set.decision_date.year == year


def test_demo_accounts_log_in_with_their_roles(demo, client):
    assert client.login(request=HttpRequest(), username="sotuphap", password="parindex-demo")
    staff = User.objects.get(username="sotuphap")
    assert has_permission(staff, Permission.EDIT_SELF_ASSESSMENT, unit=Unit.objects.get(code="STP"))
    assert not has_permission(
        staff, Permission.EDIT_SELF_ASSESSMENT, unit=Unit.objects.get(code="SYT")
    )
    assert User.objects.get(username="admin").is_superuser
    # The district's officer moved to the commune formed around its seat.
    assert RoleGrant.objects.get(user__username="anphu").unit.name == "Xã An Phú"
    assert RoleGrant.objects.get(user__username="xa.tanhoa").unit.name == "Xã Tân Hòa"
    for username in ("anphu", "xa.tanhoa"):
        unit = RoleGrant.objects.get(user__username=username).unit
        assert Assessment.objects.filter(unit=unit, period__year=2026).exists()


def test_the_command_says_what_it_built(demo):
    assert "2024: " in demo and "9 UBND cấp huyện" in demo and "100 UBND cấp xã" in demo
    line_2025 = next(line for line in demo.splitlines() if line.strip().startswith("2025:"))
    assert "31 UBND cấp xã" in line_2025 and "huyện" not in line_2025
    assert "xa.tanhoa" in demo and "parindex-demo" in demo


def test_loading_twice_is_refused_unless_asked_to_skip(demo):
    with pytest.raises(CommandError):
        call_command("load_demo")
    call_command("load_demo", "--if-empty", stdout=io.StringIO())
    assert AssessmentPeriod.objects.count() == 3


def test_the_published_years_keep_their_official_documents(db, django_capture_on_commit_callbacks):
    """The demo organiser signs with its own code; each published year records its documents
    (ranking, appendix, workbook, a scorecard per unit), built once the demo commits."""
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("load_demo", stdout=io.StringIO())
    organiser = Unit.objects.get(code="STP").organiser
    assert organiser.document_code == "SNV"
    assert organiser.signer_title.splitlines() == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert organiser.signer_name and organiser.recipients.splitlines()[-1] == "Lưu: VT, CCHC"
    for year, number in ((2024, "35"), (2025, "42")):
        publication = Publication.objects.get(period__year=year)
        assert publication.document_number == number and publication.decision_number
        assert publication.decision_date < publication.published_at.date()
        documents = Report.objects.filter(publication=publication)
        units = publication.unit_results.count()
        assert documents.filter(kind=ReportKind.SCORECARD_PDF).count() == units
        assert documents.exclude(kind=ReportKind.SCORECARD_PDF).count() == 3
        assert set(documents.values_list("status", flat=True)) == {ReportStatus.QUEUED}
    recorded = Report.objects.filter(publication__isnull=False).count()
    assert recorded == 130 + 3 + 52 + 3
    assert len(callbacks) >= recorded  # one build each, run after the commit


def test_with_rendering_off_the_demo_records_its_documents_only(
    db, django_capture_on_commit_callbacks, settings
):
    settings.REPORTS_RENDER_PUBLISHED_DOCUMENTS = False  # what the browser tests do
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("load_demo", stdout=io.StringIO())
    assert Report.objects.filter(publication__isnull=False).count() == 130 + 3 + 52 + 3
    assert len(callbacks) < 20  # no build queued
