"""The publish page: it lists what would mislead (missing inputs by unit, units that never
submitted, units without appraisal, the council's overrides), takes one tick and one reason per
unit with missing inputs, refuses without them, and changes nothing for anyone refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import Assessment, AuditEntry, Publication, PublishedUnitResult
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import survey_branch
from tests.helpers import CONTROL_REFUSED

D = Decimal
PERSONAS = ["staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin", "anonymous"]
# GET and POST answer alike: only Home Affairs of the organiser publishes (POST: 302).
EXPECTED = {
    "staff_a": 404,
    "staff_b": 404,
    "appraiser": 404,
    "chair": 403,
    "home_affairs": 200,
    "admin": 403,
    "anonymous": 302,
}


@pytest.fixture
def period(moved_period):
    """A submitted (with one override), B never submitted and never appraised; both miss the
    survey item 2.1.1."""
    index_set = Assessment.objects.filter(period=moved_period).first().index_set
    survey_branch(index_set, max_points=D("2"))
    return moved_period


def publish_url(period):
    return reverse("scoring:period_publish", args=[period.pk])


def ids(personas):
    return {
        key: Assessment.objects.get(unit=personas[unit]).pk
        for key, unit in (("a", "unit_a"), ("b", "unit_b"))
    }


def full_post(personas, reason="Chưa tổ chức điều tra xã hội học"):
    pk = ids(personas)
    return {
        "confirm": "on",
        f"except_{pk['a']}": "on",
        f"except_reason_{pk['a']}": reason,
        f"except_{pk['b']}": "on",
        f"except_reason_{pk['b']}": "Đơn vị mới thành lập",
    }


def assert_nothing_published(period):
    period.refresh_from_db()
    assert period.status != PeriodStatus.PUBLISHED
    assert not Publication.objects.exists() and not PublishedUnitResult.objects.exists()
    assert not Assessment.objects.filter(status=AssessmentStatus.PUBLISHED).exists()
    assert not AuditEntry.objects.filter(action="publish").exists()


def test_the_page_lists_what_would_mislead(client, personas, period):
    client.force_login(personas["home_affairs"])
    response = client.get(publish_url(period))
    html = response.content.decode()
    assert response.status_code == 200
    # Missing inputs, by unit, each with a tick and a reason.
    assert "Mục khảo sát và dữ liệu còn thiếu" in html
    assert "2 mục khảo sát hoặc dữ liệu chưa có kết quả, tại 2 đơn vị" in html
    assert 'data-unit="A"' in html and 'data-unit="B"' in html
    assert "Công bố khi chưa có các mục này" in html
    assert html.count('name="except_reason_') == 2
    # Never submitted, without appraisal, overrides.
    never = html.split('id="never-submitted"')[1].split("</section>")[0]
    assert "1 đơn vị không nộp tự đánh giá" in never and "Sở Y tế" in never
    assert "Sở Tư pháp" not in never
    unappraised = html.split('id="unappraised"')[1].split("</section>")[0]
    assert "Sở Y tế" in unappraised and "Sở Tư pháp" not in unappraised
    overrides = html.split('id="overrides"')[1].split("</section>")[0]
    assert "1 mục có điểm thẩm định khác điểm tự đánh giá, tại 1 đơn vị" in overrides
    assert "<strong>1.1.2</strong> 2 → 1,5" in overrides
    # What publishing does, said before the tick.
    assert "Không thể hoàn tác" in html


def test_publishing_is_refused_until_every_unit_is_decided(client, personas, period):
    client.force_login(personas["home_affairs"])
    pk = ids(personas)
    response = client.post(publish_url(period), {"confirm": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Hãy đánh dấu ô để công bố khi chưa có các mục này") == 2
    assert_nothing_published(period)
    # A tick without a reason, and a reason without a tick, are refused too.
    response = client.post(
        publish_url(period),
        {
            "confirm": "on",
            f"except_{pk['a']}": "on",
            f"except_reason_{pk['a']}": "   ",
            f"except_reason_{pk['b']}": "Đơn vị mới thành lập",
        },
    )
    html = response.content.decode()
    assert "Vui lòng nêu lý do công bố kết quả của đơn vị" in html
    assert "Hãy đánh dấu ô để công bố khi chưa có các mục này" in html
    assert "Đơn vị mới thành lập" in html  # what was typed is kept
    assert_nothing_published(period)


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("Lý do\x00", CONTROL_REFUSED),
        ("x" * 501, "Lý do dài tối đa 500 ký tự."),
    ],
)
def test_bad_reasons_get_a_clear_message_and_change_nothing(
    client, personas, period, reason, message
):
    client.force_login(personas["home_affairs"])
    response = client.post(publish_url(period), full_post(personas, reason=reason))
    assert response.status_code == (400 if message == CONTROL_REFUSED else 200)
    assert message in response.content.decode()
    assert_nothing_published(period)


def test_formula_text_in_a_reason_is_kept_as_text(client, personas, period):
    client.force_login(personas["home_affairs"])
    response = client.post(publish_url(period), full_post(personas, reason="=HYPERLINK(1)"))
    assert response.status_code == 302
    assert Publication.objects.get().exceptions[0]["reason"] == "=HYPERLINK(1)"


def test_the_officer_publishes_with_exceptions_and_the_dashboard_shows_them(
    client, personas, period
):
    client.force_login(personas["home_affairs"])
    response = client.post(publish_url(period), full_post(personas))
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert [(e["unit_code"], e["item_code"], e["reason"]) for e in publication.exceptions] == [
        ("A", "2.1.1", "Chưa tổ chức điều tra xã hội học"),
        ("B", "2.1.1", "Đơn vị mới thành lập"),
    ]
    assert publication.published_by == personas["home_affairs"]
    dashboard = client.get(response["Location"]).content.decode()
    notes = dashboard.split('id="publication-notes"')[1]
    assert "2 mục khảo sát hoặc dữ liệu được công bố khi chưa có kết quả" in notes
    assert "Sở Tư pháp</strong> — 2.1.1. Mức độ hài lòng" in notes
    assert "Chưa tổ chức điều tra xã hội học" in notes
    assert "1 đơn vị được công bố với ghi chú “Chưa nộp tự đánh giá”" in notes
    # The ranking marks the unit that never submitted.
    results = dashboard.split('id="results"')[1].split("</section>")[0]
    assert results.count("data-never-submitted") == 1
    row = next(line for line in results.splitlines() if "data-never-submitted" in line)
    assert "Sở Y tế" in row


def test_a_period_with_nothing_missing_publishes_with_the_tick_alone(
    client, personas, period_with_scores
):
    client.force_login(personas["home_affairs"])
    page = client.get(publish_url(period_with_scores)).content.decode()
    assert "Tất cả các mục khảo sát và dữ liệu đã có kết quả." in page
    assert "Tất cả các đơn vị đã nộp tự đánh giá." in page
    response = client.post(publish_url(period_with_scores), {"confirm": "on"})
    assert response.status_code == 302
    assert Publication.objects.get().exceptions == []


def test_the_unit_result_page_says_the_unit_never_submitted(client, personas, period):
    client.force_login(personas["home_affairs"])
    client.post(publish_url(period), full_post(personas))
    for unit, marked in (("unit_b", True), ("unit_a", False)):
        url = reverse("scoring:unit_result", args=[period.pk, personas[unit].pk])
        html = client.get(url).content.decode()
        assert ("data-never-submitted" in html) is marked
        assert ("Chưa nộp tự đánh giá" in html) is marked


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, personas, period, persona, method):
    if persona != "anonymous":
        client.force_login(personas[persona])
    if method == "get":
        response = client.get(publish_url(period))
        assert response.status_code == EXPECTED[persona]
    else:
        response = client.post(publish_url(period), full_post(personas))
        expected = 302 if persona == "home_affairs" else EXPECTED[persona]
        assert response.status_code == expected
        if persona != "home_affairs":
            assert_nothing_published(period)
        else:
            assert Publication.objects.count() == 1
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_each_exception_is_in_the_unit_s_history(client, personas, period):
    client.force_login(personas["home_affairs"])
    client.post(publish_url(period), full_post(personas))
    b = Assessment.objects.get(unit=personas["unit_b"])
    for persona in ("home_affairs", "staff_b"):
        client.force_login(personas[persona])
        html = client.get(reverse("scoring:assessment_history", args=[b.pk])).content.decode()
        assert "Đơn vị mới thành lập" in html and "Ngoại lệ" in html
        assert "Chưa tổ chức điều tra xã hội học" not in html  # unit A's reason
