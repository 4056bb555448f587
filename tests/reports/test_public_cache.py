"""reports.public_cache: whole public answers kept in the cache under the public generation,
which every change to public data moves on; only answers that are the same for everyone."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from reports.models import Report, ReportKind, ReportStatus
from reports.public_cache import (
    CACHE_STATUS_HEADER,
    entry_key,
    normalised_query,
    public_generation,
)
from scoring.models import Assessment, Score
from scoring.services.publication import period_publish
from scoring.services.transitions import SYSTEM, assessment_move, period_move
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import PeriodFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reports.public_cache_urls")]


def status(response) -> str:
    return response.get(CACHE_STATUS_HEADER, "")


# ---------------------------------------------------------------- kept, and served


def test_a_second_request_does_not_touch_the_database(client, django_assert_num_queries):
    first = client.get("/results/")
    assert first.status_code == 200 and status(first) == "miss"
    with django_assert_num_queries(0):
        second = client.get("/results/")
    assert second.status_code == 200 and status(second) == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == "text/plain; charset=utf-8"
    assert second["ETag"] == first["ETag"]


def test_head_is_answered_from_the_entry_get_made(client, django_assert_num_queries):
    client.get("/results/")
    with django_assert_num_queries(0):
        head = client.head("/results/")
    assert head.status_code == 200 and status(head) == "hit"


def test_a_client_holding_the_etag_gets_304(client, django_assert_num_queries):
    etag = client.get("/results/")["ETag"]
    with django_assert_num_queries(0):
        again = client.get("/results/", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/results/", headers={"if-none-match": '"something-else"'})
    assert other.status_code == 200


def test_signed_in_visitors_share_answers_that_never_looked_at_them(
    client, personas, django_assert_num_queries
):
    client.force_login(personas["staff_a"])
    assert status(client.get("/results/")) == "miss"
    client.force_login(personas["staff_b"])
    with django_assert_num_queries(0):
        assert status(client.get("/results/")) == "hit"


def test_query_strings_in_another_order_hit_the_same_entry(client, django_assert_num_queries):
    first = client.get("/results/?sort=-index&group=xa&page=2")
    with django_assert_num_queries(0):
        second = client.get("/results/?page=2&group=xa&sort=-index")
    assert status(second) == "hit" and second.content == first.content
    # The values of one parameter keep their order: the last ?sort= is the one a view reads.
    third = client.get("/results/?sort=name&sort=index")
    fourth = client.get("/results/?sort=index&sort=name")
    assert status(third) == status(fourth) == "miss"


def test_keys_stay_short_whatever_the_query():
    factory = RequestFactory()
    long = factory.get("/results/", {"q": "x" * 10_000})
    longer = factory.get("/results/", {"q": "x" * 10_001})
    keys = {entry_key(long, 7), entry_key(longer, 7)}
    assert len(keys) == 2  # different queries, different entries
    assert all(len(key) < 120 for key in keys)
    assert normalised_query(factory.get("/r/?b=2&a=1&b=1")) == "a=1&b=2&b=1"


def test_a_10000_character_query_is_kept_under_a_short_key(client, django_assert_num_queries):
    url = "/results/?q=" + "ư" * 10_000
    assert status(client.get(url)) == "miss"
    with django_assert_num_queries(0):
        assert status(client.get(url)) == "hit"
    stored = [key for key in cache._cache if "public:answer" in key]  # LocMemCache's own dict
    assert stored and all(len(key) < 140 for key in stored)


def test_a_nul_byte_in_the_query_gets_the_vietnamese_400_not_a_cached_page(client):
    response = client.get("/results/?q=%00")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    assert status(client.get("/results/?q=%00")) == ""


# ---------------------------------------------------------------- never kept


def test_an_answer_that_sets_a_cookie_is_not_kept(client, django_assert_max_num_queries):
    assert "seen" in client.get("/cookie/").cookies
    second = client.get("/cookie/")
    assert status(second) == "" and "seen" in second.cookies  # the view ran again


def test_an_answer_naming_the_signed_in_visitor_is_never_kept(client, personas):
    client.force_login(personas["staff_a"])
    assert client.get("/who/").content.decode() == personas["staff_a"].get_username()
    client.force_login(personas["staff_b"])
    second = client.get("/who/")
    assert second.content.decode() == personas["staff_b"].get_username()
    assert status(second) == ""
    # Anonymous visitors are all the same visitor: theirs is kept, and not served to others.
    client.logout()
    assert client.get("/who/").content.decode() == "khách"
    assert status(client.get("/who/")) == "hit"
    client.force_login(personas["staff_a"])
    assert client.get("/who/").content.decode() == personas["staff_a"].get_username()


def test_a_page_holding_a_csrf_token_is_not_kept(client):
    first = client.get("/form/")
    second = client.get("/form/")
    assert status(first) == status(second) == ""


def test_an_answer_that_varies_on_a_header_is_not_kept(client):
    client.get("/vary/")
    assert status(client.get("/vary/")) == ""


def test_only_200_is_kept(client, django_assert_num_queries):
    assert client.get("/missing/").status_code == 404
    with django_assert_num_queries(1):  # the view ran again
        assert client.get("/missing/").status_code == 404


def test_post_is_never_answered_from_the_cache(client):
    client.get("/results/")
    response = client.post("/results/")
    assert status(response) == ""


def test_a_visitor_with_a_message_waiting_is_not_served_a_kept_page(client):
    assert client.get("/flash/").content.decode() == "—"
    assert status(client.get("/flash/")) == "hit"
    client.get("/remember/")  # leaves "Đã lưu" in the messages cookie
    assert "messages" in client.cookies
    waiting = client.get("/flash/")
    assert status(waiting) == "" and waiting.content.decode() == "Đã lưu"


def test_a_page_showing_a_message_is_not_kept(client):
    shown = client.get("/flash/", headers={"x-say": "Đã gửi báo cáo"})
    assert shown.content.decode() == "Đã gửi báo cáo" and status(shown) == ""
    assert client.get("/flash/").content.decode() == "—"


def test_turned_off_with_zero_seconds(client, settings):
    settings.PARINDEX_PUBLIC_CACHE_SECONDS = 0
    client.get("/results/")
    assert status(client.get("/results/")) == ""


def test_a_cache_that_does_not_answer_leaves_the_pages_working(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/results/")
    assert response.status_code == 200 and b"publications: 0" in response.content


# ---------------------------------------------------------------- what makes answers stale


def test_a_new_publication_makes_the_next_request_fresh(
    client, personas, period_with_scores, django_capture_on_commit_callbacks
):
    assert client.get("/results/").content.startswith(b"publications: 0")
    with django_capture_on_commit_callbacks(execute=True):
        period_publish(period=period_with_scores, by=personas["home_affairs"])
    fresh = client.get("/results/")
    assert status(fresh) == "miss" and fresh.content.startswith(b"publications: 1 [1]")
    assert status(client.get("/results/")) == "hit"
    # A correction, republished as version 2.
    assessment = Assessment.objects.get(unit=personas["unit_b"])
    assessment_move(
        assessment=assessment,
        target=AssessmentStatus.IN_APPRAISAL,
        by=personas["chair"],
        reason="Sai sót khi tổng hợp",
    )
    Score.objects.filter(assessment=assessment, item__code="1.1.1").update(final_points=1)
    assessment_move(assessment=assessment, target=AssessmentStatus.APPRAISED, by=personas["chair"])
    with django_capture_on_commit_callbacks(execute=True):
        period_publish(period=period_with_scores, by=personas["home_affairs"], reason="Sửa")
    assert client.get("/results/").content.startswith(b"publications: 2 [1, 2]")


def test_the_generation_moves_again_after_the_commit(
    personas, period_with_scores, django_capture_on_commit_callbacks
):
    """A reader that started before the commit may have kept the old data under the
    generation the write moved to at once: the commit moves it on again."""
    before = public_generation()
    with django_capture_on_commit_callbacks() as callbacks:
        period_publish(period=period_with_scores, by=personas["home_affairs"])
        during = public_generation()
    assert during > before
    for callback in callbacks:
        callback()
    assert public_generation() > during


# Each change: (set-up, change). The set-up's own saves move the generation too, after their
# commit; the test reads the generation between the two.
def _move_period(personas, period_with_scores):
    period = PeriodFactory(organiser=personas["organiser"], year=2031, status=PeriodStatus.SETUP)
    yield
    period_move(period=period, target=PeriodStatus.SELF_ASSESSMENT, by=SYSTEM)


def _save_period(personas, period_with_scores):
    yield
    period_with_scores.name = "Chỉ số CCHC năm 2025 (sửa)"
    period_with_scores.save()


def _document_ready(personas, period_with_scores):
    publication = period_publish(period=period_with_scores)
    report = Report.objects.create(
        kind=ReportKind.RANKING_PDF, period=period_with_scores, publication=publication
    )
    yield
    report.status = ReportStatus.DONE
    report.save(update_fields=["status"])


def _organiser_saved(personas, period_with_scores):
    yield
    personas["organiser"].document_code = "SNV"
    personas["organiser"].save()


def _predecessor_added(personas, period_with_scores):
    new = UnitFactory(organiser=personas["organiser"], kind=personas["kind"], code="N")
    yield
    new.predecessors.add(personas["unit_a"])


@pytest.mark.parametrize(
    "change",
    [_move_period, _save_period, _document_ready, _organiser_saved, _predecessor_added],
    ids=["period moved", "period saved", "document ready", "organiser saved", "predecessor"],
)
def test_every_change_to_public_data_moves_the_generation_on(
    change, personas, period_with_scores, django_capture_on_commit_callbacks
):
    steps = change(personas, period_with_scores)
    with django_capture_on_commit_callbacks(execute=True):
        next(steps)
    before = public_generation()
    with django_capture_on_commit_callbacks(execute=True):
        next(steps, None)
    assert public_generation() > before


def test_a_document_still_being_built_changes_nothing(personas, period_with_scores):
    publication = period_publish(period=period_with_scores)
    before = public_generation()
    Report.objects.create(
        kind=ReportKind.RANKING_PDF, period=period_with_scores, publication=publication
    )
    Report.objects.create(kind=ReportKind.RANKING_PDF, period=period_with_scores)  # internal
    assert public_generation() == before


def test_a_generation_lost_with_the_cache_never_comes_back_to_an_old_number():
    first = public_generation()
    cache.clear()
    assert public_generation() > first


def test_scorecards_move_the_generation_on_once_the_last_is_ready(
    personas, period_with_scores, settings, django_capture_on_commit_callbacks
):
    """Hundreds of scorecards rendered after a publication empty the cache once, not once
    each; a period-wide document is public at once."""
    settings.REPORTS_RENDER_PUBLISHED_DOCUMENTS = False
    with django_capture_on_commit_callbacks(execute=True):
        publication = period_publish(period=period_with_scores)
    scorecards = list(Report.objects.filter(publication=publication, kind=ReportKind.SCORECARD_PDF))
    ranking = Report.objects.get(publication=publication, kind=ReportKind.RANKING_PDF)
    assert len(scorecards) == 2

    def ready(report):
        with django_capture_on_commit_callbacks(execute=True):
            report.status = ReportStatus.DONE
            report.save(update_fields=["status"])

    before = public_generation()
    ready(scorecards[0])
    assert public_generation() == before  # another scorecard is still waiting
    ready(ranking)
    after_ranking = public_generation()
    assert after_ranking > before
    ready(scorecards[1])
    assert public_generation() > after_ranking
