"""A signed-in session ends after PARINDEX_SESSION_IDLE_MINUTES without a request and
PARINDEX_SESSION_HOURS after signing in, whatever the activity; the clock is moved, not waited."""

import pytest
from django.conf import settings as django_settings

from parindex import session_expiry

HOME = "/"
PAGE = "/setup/"  # a signed-in page of Home Affairs


class Clock:
    def __init__(self, monkeypatch):
        self.now = 1_800_000_000.0
        monkeypatch.setattr(session_expiry, "now", lambda: self.now)

    def move(self, *, minutes=0, hours=0):
        self.now += minutes * 60 + hours * 3600


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _signed_in(client, user):
    client.force_login(user)
    assert client.get(PAGE).status_code == 200


def _expired(response) -> bool:
    return response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_idle_past_the_limit_lands_on_the_login_page_with_the_message(client, personas, clock):
    _signed_in(client, personas["home_affairs"])
    clock.move(minutes=django_settings.PARINDEX_SESSION_IDLE_MINUTES + 2)
    response = client.get(PAGE)
    assert _expired(response) and "next=%2Fsetup%2F" in response.url
    login = client.get(response.url)
    assert "Phiên làm việc đã hết hạn" in login.content.decode()
    assert "_auth_user_id" not in client.session


def test_activity_within_the_idle_limit_keeps_the_session(client, personas, clock):
    _signed_in(client, personas["home_affairs"])
    for _ in range(6):
        clock.move(minutes=django_settings.PARINDEX_SESSION_IDLE_MINUTES - 5)
        assert client.get(PAGE).status_code == 200


def test_the_absolute_age_ends_even_an_active_session(client, personas, clock):
    _signed_in(client, personas["home_affairs"])
    step = django_settings.PARINDEX_SESSION_IDLE_MINUTES - 5
    elapsed = 0
    while elapsed + step <= django_settings.PARINDEX_SESSION_HOURS * 60:
        clock.move(minutes=step)
        elapsed += step
        assert client.get(PAGE).status_code == 200
    clock.move(minutes=step)
    assert _expired(client.get(PAGE))


def test_the_limits_are_settings(client, personas, clock, settings):
    settings.PARINDEX_SESSION_IDLE_MINUTES = 5
    _signed_in(client, personas["home_affairs"])
    clock.move(minutes=6)
    assert _expired(client.get(PAGE))


def test_the_session_cookie_is_http_only_and_same_site_lax(client, personas):
    response = client.post(
        "/accounts/login/",
        {"username": personas["home_affairs"].username, "password": "secret-pass-123"},
    )
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert django_settings.SESSION_COOKIE_AGE == django_settings.PARINDEX_SESSION_HOURS * 3600
