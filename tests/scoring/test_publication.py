"""Publication freezes results: later edits do not change them, a correction makes a new version
and keeps the old one, and only publications feed year-on-year comparison."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from scoring.exceptions import TransitionRefused
from scoring.models import (
    Assessment,
    AuditEntry,
    IndexItem,
    Publication,
    PublishedUnitResult,
    Score,
)
from scoring.selectors.results import period_results, publication_results
from scoring.services.publication import period_publish
from scoring.services.transitions import assessment_move
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    small_tree,
    survey_branch,
)

D = Decimal


def test_publishing_freezes_every_number(personas, period_with_scores):
    publication = period_publish(period=period_with_scores, by=personas["home_affairs"])
    period_with_scores.refresh_from_db()
    assert (publication.version, period_with_scores.status) == (1, PeriodStatus.PUBLISHED)
    rows = {r.unit_code: r for r in publication.unit_results.all()}
    assert (rows["A"].total_points, rows["A"].max_points, rows["A"].rank) == (D("2.5"), D("3"), 1)
    assert (rows["B"].total_points, rows["B"].rank, rows["B"].rank_of) == (D("2"), 2, 2)
    frozen = publication_results(publication).row_for(personas["unit_a"].pk).result
    area = frozen.areas[0]
    assert (area.code, area.name, area.max_points, area.points) == (
        "1",
        "Công tác chỉ đạo, điều hành",
        D("3"),
        D("2.5"),
    )
    items = {item.code: item for item in frozen.items}
    assert (items["1.1.2"].final_points, items["1.1.2"].max_points) == (D("1.5"), D("2"))
    # Names are frozen with the publication: renaming the item later changes nothing.
    IndexItem.objects.filter(code="1.1.2").update(name="Tên mới")
    again = publication_results(publication).row_for(personas["unit_a"].pk).result
    assert {i.code: i.name for i in again.items}["1.1.2"] == "Xử lý vấn đề phát hiện"
    assert not Assessment.objects.exclude(status=AssessmentStatus.PUBLISHED).exists()
    assert AuditEntry.objects.filter(action="publish").exists()
    moves = AuditEntry.objects.filter(field="status", new_value="published")
    # Both units and the period itself, each through the one door.
    assert moves.filter(assessment__isnull=False).count() == 2
    assert moves.filter(assessment__isnull=True, period=period_with_scores).count() == 1


def test_later_edits_do_not_change_a_publication(personas, period_with_scores):
    publication = period_publish(period=period_with_scores, by=personas["home_affairs"])
    Score.objects.filter(assessment__unit=personas["unit_b"]).update(final_points=D("0"))
    frozen = publication_results(publication).row_for(personas["unit_b"].pk)
    live = period_results(period=period_with_scores).row_for(personas["unit_b"].pk)
    assert frozen.result.total_points == D("2")
    assert live.result.total_points == D("0")
    row = publication.unit_results.first()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        PublishedUnitResult.objects.filter(pk=row.pk).update(total_points=D("0"))
    with pytest.raises(PermissionError):
        Publication.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_database_refuses_to_change_a_publication(personas, period_with_scores):
    publication = period_publish(period=period_with_scores, by=personas["home_affairs"])
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE scoring_publishedunitresult SET total_points = 0 WHERE publication_id = %s",
            [publication.pk],
        )


def test_a_correction_is_republished_as_a_new_version(personas, period_with_scores):
    first = period_publish(period=period_with_scores, by=personas["home_affairs"])
    with pytest.raises(TransitionRefused, match="Không có thay đổi"):
        period_publish(period=period_with_scores, by=personas["home_affairs"], reason="Sửa")
    assessment = Assessment.objects.get(unit=personas["unit_b"])
    assessment_move(
        assessment=assessment,
        target=AssessmentStatus.IN_APPRAISAL,
        by=personas["chair"],
        reason="Sai sót khi tổng hợp",
    )
    Score.objects.filter(assessment=assessment, item__code="1.1.1").update(final_points=D("1"))
    assessment_move(assessment=assessment, target=AssessmentStatus.APPRAISED, by=personas["chair"])
    with pytest.raises(TransitionRefused, match="lý do"):
        period_publish(period=period_with_scores, by=personas["home_affairs"])
    second = period_publish(
        period=period_with_scores,
        by=personas["home_affairs"],
        reason="Điều chỉnh điểm 1.1.1 của Sở Y tế",
    )
    assert (first.version, second.version) == (1, 2)
    old = {r.unit_code: r.total_points for r in first.unit_results.all()}
    new = {r.unit_code: r.total_points for r in second.unit_results.all()}
    assert (old["B"], new["B"]) == (D("2"), D("3"))
    ranks = {r.unit_code: r.rank for r in second.unit_results.all()}
    assert ranks == {"A": 2, "B": 1}


def test_only_home_affairs_publishes(personas, period_with_scores):
    for persona in ("staff_a", "appraiser", "chair", "admin"):
        with pytest.raises(PermissionDenied):
            period_publish(period=period_with_scores, by=personas[persona])
    assert not Publication.objects.exists()


def test_year_on_year_reads_the_publication_not_live_data(personas, period_with_scores):
    period_publish(period=period_with_scores, by=personas["home_affairs"])
    # Last year's scores are edited after publication; the comparison must not notice.
    Score.objects.filter(assessment__period=period_with_scores).update(final_points=D("0"))
    current = PeriodFactory(organiser=personas["organiser"], year=2026)
    index_set = IndexSetFactory(period=current, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    for key, points in (("unit_a", "0"), ("unit_b", "1")):
        assessment = AssessmentFactory(period=current, unit=personas[key], index_set=index_set)
        Score.objects.create(assessment=assessment, item=tree["1.1.1"], final_points=D(points))
        Score.objects.create(assessment=assessment, item=tree["1.1.2"], final_points=D("2"))
    rows = {row.unit_code: row for row in period_results(period=current).rows}
    assert (rows["B"].rank, rows["B"].change.previous_rank, rows["B"].change.rank_change) == (
        1,
        2,
        1,
    )
    # 2026: 3/3 = 100% against the published 2/3 = 66,67%.
    assert rows["B"].change.index_change == D("100") - D("2") * 100 / D("3")


def test_an_unpublished_year_is_not_a_basis_of_comparison(personas, period_with_scores):
    current = PeriodFactory(organiser=personas["organiser"], year=2026)
    index_set = IndexSetFactory(period=current, unit_kind=personas["kind"])
    small_tree(index_set)
    AssessmentFactory(period=current, unit=personas["unit_a"], index_set=index_set)
    results = period_results(period=current)
    assert results.previous_publication is None
    assert results.rows[0].change.previous_rank is None


def test_survey_answers_with_an_endless_average_still_publish(personas, period_with_scores):
    from scoring.models import SurveyResult

    index_set = Assessment.objects.filter(period=period_with_scores).first().index_set
    survey = survey_branch(index_set, max_points=D("1"))
    for assessment in Assessment.objects.filter(period=period_with_scores):
        SurveyResult.objects.create(
            assessment=assessment, item=survey, answer_counts={"A": 1, "B": 2}
        )
    publication = period_publish(period=period_with_scores, by=personas["home_affairs"])
    row = publication.unit_results.get(unit_code="A")
    assert row.survey_points == D("0.7333")  # (1 + 2 × 0,6) / 3, kept to 4 decimals


def test_a_publication_freezes_the_tree_and_the_bands_its_reports_show(
    personas, period_with_scores
):
    from reports.renderers.ranking_pdf import band_counts
    from scoring.models import Band, IndexSet
    from scoring.selectors.results import frozen_index_sets

    index_set = IndexSet.objects.get(period=period_with_scores)
    Band.objects.create(index_set=index_set, label="Tốt", min_percent=D("80"))
    Band.objects.create(index_set=index_set, label="Khá", min_percent=D("50"))
    publication = period_publish(period=period_with_scores, by=personas["home_affairs"])
    # Later edits of the live set change nothing of what was published.
    Band.objects.filter(index_set=index_set).delete()
    Band.objects.create(index_set=index_set, label="Xuất sắc", min_percent=D("95"))
    frozen = frozen_index_sets(publication)[index_set.pk]
    assert frozen.bands == [("Tốt", D("80")), ("Khá", D("50"))]
    item = IndexItem.objects.get(index_set=index_set, code="1.1.2")
    assert frozen.area_code(item.pk) == "1"  # the tree, parents included
    results = publication_results(publication)
    counts = band_counts(results.groups[0], results.index_sets)
    # Sở Tư pháp 2,5/3 = 83% and Sở Y tế 2/3 = 67%, by the bands as published.
    assert [(c["label"], c["count"]) for c in counts] == [("Tốt", 1), ("Khá", 1)]
