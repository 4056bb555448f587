"""The Home Affairs dashboard, publishing from it, and a unit's result page — with the
permission matrix of every view."""

import pytest
from django.urls import reverse

from scoring.models import Publication
from scoring.workflow import PeriodStatus

PERSONAS = ["staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin", "anonymous"]
EXPECTED = {
    # view: persona → status
    "dashboard": {
        "staff_a": 404,
        "staff_b": 404,
        "appraiser": 404,
        "chair": 200,
        "home_affairs": 200,
        "admin": 200,
        "anonymous": 302,
    },
    "publish": {
        "staff_a": 404,
        "staff_b": 404,
        "appraiser": 404,
        "chair": 403,
        "home_affairs": 200,
        "admin": 403,
        "anonymous": 302,
    },
    "result_a": {
        "staff_a": 200,
        "staff_b": 404,
        "appraiser": 200,
        "chair": 200,
        "home_affairs": 200,
        "admin": 200,
        "anonymous": 302,
    },
}


def url_for(view, period, personas):
    if view == "dashboard":
        return reverse("scoring:period_dashboard", args=[period.pk])
    if view == "publish":
        return reverse("scoring:period_publish", args=[period.pk])
    return reverse("scoring:unit_result", args=[period.pk, personas["unit_a"].pk])


@pytest.mark.parametrize("view", list(EXPECTED))
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, personas, period_with_scores, view, persona):
    from scoring.services.publication import period_publish

    if view == "result_a":
        period_publish(period=period_with_scores, by=personas["home_affairs"])
    if persona != "anonymous":
        client.force_login(personas[persona])
    response = client.get(url_for(view, period_with_scores, personas))
    assert response.status_code == EXPECTED[view][persona]


def test_dashboard_shows_progress_results_and_the_publish_button(
    client, personas, period_with_scores
):
    client.force_login(personas["home_affairs"])
    html = client.get(reverse("scoring:period_dashboard", args=[period_with_scores.pk])).content
    html = html.decode()
    assert "Tiến độ của các đơn vị" in html
    assert "Kết quả tạm tính" in html
    assert "01/2" in html and "83,33%" in html  # Sở Tư pháp: 2,5/3
    assert "Công bố kết quả…" in html


def test_publishing_needs_the_confirmation_and_then_freezes(client, personas, period_with_scores):
    client.force_login(personas["home_affairs"])
    url = reverse("scoring:period_publish", args=[period_with_scores.pk])
    page = client.get(url).content.decode()
    assert "Những nội dung sẽ được công khai" in page and "2 đơn vị" in page
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Hãy đánh dấu ô xác nhận" in response.content.decode()
    assert not Publication.objects.exists()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    period_with_scores.refresh_from_db()
    assert period_with_scores.status == PeriodStatus.PUBLISHED
    assert Publication.objects.get().published_by == personas["home_affairs"]
    dashboard = client.get(response["Location"]).content.decode()
    assert "Đã công bố: phiên bản 1" in dashboard


def test_unit_result_page_after_publication(client, personas, period_with_scores):
    from scoring.services.publication import period_publish

    client.force_login(personas["staff_a"])
    url = reverse("scoring:unit_result", args=[period_with_scores.pk, personas["unit_a"].pk])
    assert client.get(url).status_code == 404  # nothing published yet
    period_publish(period=period_with_scores, by=personas["home_affairs"])
    html = client.get(url).content.decode()
    assert "83,33%" in html and "1/2" in html
    assert "Bình quân của nhóm" in html and "Cao nhất trong nhóm" in html
    assert "Các tiêu chí bị mất nhiều điểm nhất" in html
    assert "1.1.2. Xử lý vấn đề phát hiện" in html  # 1,5 of 2 points: 0,5 lost
    home = client.get(reverse("home")).content.decode()
    assert url in home
