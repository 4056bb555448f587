"""A query string with a control character is refused with a Vietnamese 400 page, not a 500.

PostgreSQL refuses NUL in any query: before the refusal moved in front of every view, a
filter value "a%00b" on the period dashboard or an item code on the data template crashed.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import AuditEntry
from scoring.workflow import PeriodStatus
from tests.factories import AssessmentFactory, IndexSetFactory, PeriodFactory


@pytest.fixture
def period(personas):
    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
    )
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    return period


def _pages(period):
    return [
        (reverse("scoring:period_dashboard", args=[period.pk]), "kind"),
        (reverse("scoring:period_dashboard", args=[period.pk]), "q"),
        (reverse("scoring:data_template", args=[period.pk]), "item"),
        (reverse("scoring:setup_units"), "q"),
        (reverse("scoring:inbox"), "open"),
    ]


@pytest.mark.parametrize("value", ["a\x00b", "\x00", "x\x1by", "\x08"])
def test_a_control_character_in_the_query_is_refused_in_vietnamese(client, personas, period, value):
    client.force_login(personas["home_affairs"])
    audit_before = AuditEntry.objects.count()
    for path, parameter in _pages(period):
        response = client.get(path, {parameter: value})
        html = response.content.decode()
        assert response.status_code == 400, (path, parameter, response.status_code)
        assert "Yêu cầu không hợp lệ" in html
        assert "Về trang chủ" in html or "trang chủ" in html
    assert AuditEntry.objects.count() == audit_before


def test_a_control_character_in_a_parameter_name_is_refused(client, personas, period):
    client.force_login(personas["home_affairs"])
    response = client.get(reverse("scoring:period_dashboard", args=[period.pk]) + "?k%00=1")
    assert response.status_code == 400


def test_the_same_pages_answer_an_ordinary_query(client, personas, period):
    client.force_login(personas["home_affairs"])
    for path, parameter in _pages(period):
        response = client.get(path, {parameter: "Sở Nội vụ\tphường 1"})
        assert response.status_code == 200, (path, parameter, response.status_code)


def test_an_anonymous_visitor_is_refused_too(client, period):
    response = client.get(reverse("scoring:period_dashboard", args=[period.pk]), {"q": "\x00"})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
