"""The account doors a password alone does not guard are limited: "forgot password" sends at
most PARINDEX_PASSWORD_RESET_PER_EMAIL mails an hour to one account and answers at most
PARINDEX_PASSWORD_RESET_PER_IP requests an hour from one client, with the same page either way;
wrong old passwords in the change-password form count as failed sign-ins (django-axes), and at
the lockout limit the session ends and the account is locked out from that address."""

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's
NEW = "Sông Hồng chảy 2026!"


@pytest.fixture
def person(db):
    return UserFactory(username="ntlan", full_name="Nguyễn Thị Lan", email="lan@tuphap.gov.vn")


def _forgot(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, follow=True, **extra)


def _page(response) -> tuple[int, list, str]:
    """What the person sees after asking: where they land and what it says."""
    return response.status_code, response.redirect_chain, response.content.decode()


def test_the_mail_past_the_limit_for_an_address_is_not_sent_and_the_page_is_the_same(
    client, person, mailoutbox, settings
):
    settings.PARINDEX_PASSWORD_RESET_PER_EMAIL = 3
    pages = [_page(_forgot(client, "lan@tuphap.gov.vn")) for _ in range(3)]
    assert len(mailoutbox) == 3 and all(m.to == ["lan@tuphap.gov.vn"] for m in mailoutbox)
    over = _page(_forgot(client, "LAN@tuphap.gov.vn "))  # the same address, written otherwise
    assert len(mailoutbox) == 3
    assert over == pages[0]
    assert over[1] == [(reverse("password_reset_done"), 302)]


def test_an_unknown_address_answers_the_same_as_a_known_one(client, person, mailoutbox):
    known = _page(_forgot(client, "lan@tuphap.gov.vn"))
    unknown = _page(_forgot(client, "khong-co@tuphap.gov.vn"))
    assert known == unknown and len(mailoutbox) == 1


def test_one_client_asking_for_many_addresses_is_stopped(db, client, mailoutbox, settings):
    # db before mailoutbox: the database set-up starts a new outbox list.
    settings.PARINDEX_PASSWORD_RESET_PER_IP = 4
    people = [UserFactory(email=f"can-bo{i}@x.vn") for i in range(6)]
    pages = [_page(_forgot(client, p.email)) for p in people]
    assert [m.to for m in mailoutbox] == [[p.email] for p in people[:4]]
    assert pages[5] == pages[0]
    # Another client is not stopped by the first one's requests.
    _forgot(client, people[5].email, REMOTE_ADDR="192.0.2.7")
    assert mailoutbox[-1].to == [people[5].email] and len(mailoutbox) == 5


def test_limits_of_zero_send_every_mail(client, person, mailoutbox, settings):
    settings.PARINDEX_PASSWORD_RESET_PER_EMAIL = 0
    settings.PARINDEX_PASSWORD_RESET_PER_IP = 0
    for _ in range(5):
        _forgot(client, "lan@tuphap.gov.vn")
    assert len(mailoutbox) == 5


MINH = "minh@noivu.gov.vn"
# What PostgreSQL's UPPER matches with MINH ("ı".upper() is "I") but Unicode case folding does
# not ("ı".casefold() is "ı"): another address, which Django's form never mails.
DOTLESS = "mınh@noıvu.gov.vn"


@pytest.fixture
def database_folds_like_postgresql(db, monkeypatch):
    """On SQLite, iexact upper-cases both sides in Unicode, as PostgreSQL's UPPER does (SQLite's
    own LIKE folds ASCII letters only); on PostgreSQL, iexact as it is."""
    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    connection.connection.create_function("unicode_upper", 1, lambda v: v and v.upper())
    cast = connection.ops.lookup_cast
    monkeypatch.setattr(
        connection.ops,
        "lookup_cast",
        lambda lookup, *args, **kw: (
            "UNICODE_UPPER(%s)" if lookup == "iexact" else cast(lookup, *args, **kw)
        ),
    )
    monkeypatch.setitem(connection.operators, "iexact", "LIKE UNICODE_UPPER(%s) ESCAPE '\\'")


@pytest.fixture
def minh(database_folds_like_postgresql):
    return UserFactory(username="ntminh", full_name="Nguyễn Tuấn Minh", email=MINH)


def test_the_database_matches_the_dotless_spelling(minh):
    # What the probe found on PostgreSQL, and what the fixture makes SQLite do.
    from django.contrib.auth import get_user_model

    assert list(get_user_model().objects.filter(email__iexact=DOTLESS)) == [minh]


def test_a_spelling_the_database_folds_but_unicode_does_not_gets_no_mail(client, minh, mailoutbox):
    known = _page(_forgot(client, MINH))
    dotless = _page(_forgot(client, DOTLESS))
    assert [m.to for m in mailoutbox] == [[MINH]]
    assert dotless == known


def test_spellings_of_one_address_together_get_at_most_the_limit_for_the_account(
    client, minh, mailoutbox, settings
):
    settings.PARINDEX_PASSWORD_RESET_PER_EMAIL = 3
    settings.PARINDEX_PASSWORD_RESET_PER_IP = 0
    spellings = [MINH, DOTLESS, "MINH@NOIVU.GOV.VN", "Minh@NoiVu.gov.vn"] * 3
    pages = [_page(_forgot(client, spelling)) for spelling in spellings]
    assert [m.to for m in mailoutbox] == [[MINH]] * 3
    assert all(page == pages[0] for page in pages)


def test_the_mail_limit_counts_each_account_on_its_own(db, settings):
    from parindex.auth_throttle import password_reset_mail_allowed

    settings.PARINDEX_PASSWORD_RESET_PER_EMAIL = 2
    first, second = UserFactory(email="a@x.vn"), UserFactory(email="a@x.vn")
    assert [password_reset_mail_allowed(user=first) for _ in range(3)] == [True, True, False]
    assert password_reset_mail_allowed(user=second)


def _change(client, old, new=NEW):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_wrong_old_passwords_log_the_session_out_and_lock_the_account(client, person, settings):
    client.force_login(person)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _change(client, "doan-sai-123")
        assert response.status_code == 200
        assert "old_password" in response.context["form"].errors
    response = _change(client, "doan-sai-123")
    assert response.status_code == 429
    assert "Tài khoản bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The right old password now changes nothing: the session is gone…
    after = _change(client, PASSWORD)
    assert after.status_code == 302 and after["Location"].startswith(reverse("login"))
    person.refresh_from_db()
    assert person.check_password(PASSWORD) and not person.check_password(NEW)
    # …and signing in again is refused from here, as after wrong passwords at the sign-in page.
    signed_in = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert signed_in.status_code == 429
    # The form's passwords are not what axes keeps of the attempt.
    kept = AccessAttempt.objects.get(username=person.username).post_data
    assert "doan-sai-123" not in kept and "Sông Hồng" not in kept


def test_a_second_session_of_a_locked_account_cannot_change_the_password(client, person, settings):
    from django.test import Client

    other = Client()
    other.force_login(person)
    client.force_login(person)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _change(client, "doan-sai-123")
    response = _change(other, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in other.session
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_wrong_passwords_at_the_sign_in_page_count_towards_the_same_lockout(
    client, person, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": person.username, "password": "sai-123"})
    client.force_login(person)
    assert _change(client, "doan-sai-123").status_code == 429


def test_a_mistyped_old_password_then_the_right_one_changes_it(client, person):
    client.force_login(person)
    assert _change(client, "doan-sai-123").status_code == 200
    response = _change(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    person.refresh_from_db()
    assert person.check_password(NEW)
