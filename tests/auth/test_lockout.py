"""Too many wrong passwords lock the username (from that address), at the portal's login and
at /admin/'s; Home Affairs of the account's organiser — and the system admin — unlock it."""

import pytest
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from scoring.models import AuditAction, AuditEntry
from tests.factories import OrganiserFactory, RoleGrantFactory, UnitFactory
from units.models import User
from units.roles import Role

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's


def _login(client, username, password, url="/accounts/login/", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def _fail(client, username, times, url="/accounts/login/", **extra):
    for _ in range(times):
        _login(client, username, "wrong-password", url, **extra)


@pytest.fixture
def other_home_affairs(db, personas):
    other = OrganiserFactory(code="org-other", name="Sở Nội vụ tỉnh khác")
    return RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=other).user


def test_wrong_passwords_then_the_right_one_is_refused_with_the_message(client, personas, settings):
    staff = personas["staff_a"]
    _fail(client, staff.username, settings.AXES_FAILURE_LIMIT)
    response = _login(client, staff.username, PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Tài khoản bị khóa" in text
    assert f"{settings.AXES_FAILURE_LIMIT} lần" in text and "30 phút" in text
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_still_log_in(client, personas, settings):
    staff = personas["staff_a"]
    _fail(client, staff.username, settings.AXES_FAILURE_LIMIT - 1)
    response = _login(client, staff.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    # A success forgets the failures: the count starts again.
    assert not AccessAttempt.objects.filter(username=staff.username).exists()


def test_the_admin_login_is_counted_too(client, personas, settings):
    admin = personas["admin"]
    _fail(client, admin.username, settings.AXES_FAILURE_LIMIT, url="/admin/login/")
    response = _login(client, admin.username, PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert "Tài khoản bị khóa" in response.content.decode()
    # …and the portal's login refuses the same username from the same address.
    assert _login(client, admin.username, PASSWORD).status_code == 429


def test_another_address_is_not_locked_out(client, personas, settings):
    staff = personas["staff_a"]
    _fail(client, staff.username, settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="10.0.0.1")
    assert _login(client, staff.username, PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert _login(client, staff.username, PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(client, personas, settings):
    settings.PARINDEX_PROXY_COUNT = 1
    staff = personas["staff_a"]
    proxy = {"REMOTE_ADDR": "172.18.0.2"}
    _fail(
        client,
        staff.username,
        settings.AXES_FAILURE_LIMIT,
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        **proxy,
    )
    assert AccessAttempt.objects.get(username=staff.username).ip_address == "203.0.113.9"
    # A forged left-most entry does not give the attacker a fresh address.
    forged = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9", **proxy}
    assert _login(client, staff.username, PASSWORD, **forged).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", **proxy}
    assert _login(client, staff.username, PASSWORD, **other).status_code == 302


def test_an_address_that_is_no_address_falls_back_to_the_connection(client, personas, settings):
    # A proxy chain that passes the client's own header on: the entry is not an IP address.
    settings.PARINDEX_PROXY_COUNT = 1
    staff = personas["staff_a"]
    headers = {"REMOTE_ADDR": "172.18.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, not-an-ip"}
    _fail(client, staff.username, 1, **headers)
    assert AccessAttempt.objects.get(username=staff.username).ip_address == "172.18.0.2"
    assert _login(client, staff.username, PASSWORD, **headers).status_code == 302


def test_a_username_longer_than_any_account_is_a_counted_failure(client, personas, settings):
    # PostgreSQL refused to store it (axes' varchar(255)): every such attempt was a 500.
    response = _login(client, "n" * 300, "wrong-password")
    assert response.status_code == 200
    assert "mật khẩu" in response.content.decode()
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "n" * 255 and attempt.failures_since_start == 1
    _fail(client, "n" * 300, settings.AXES_FAILURE_LIMIT)
    assert _login(client, "n" * 300, "wrong-password").status_code == 429


def _lock(client, user, settings):
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT)
    client.cookies.clear()


def test_home_affairs_sees_and_unlocks_its_account_then_it_logs_in(client, personas, settings):
    staff, officer = personas["staff_a"], personas["home_affairs"]
    _lock(client, staff, settings)
    client.force_login(officer)
    listing = client.get(reverse("scoring:setup_lockouts"))
    assert listing.status_code == 200
    assert f'data-lockout="{staff.username}"' in listing.content.decode()
    url = reverse("scoring:setup_lockout_unlock", args=[staff.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Mở khóa tài khoản" in confirm.content.decode()
    response = client.post(url, follow=True)
    assert "có thể đăng nhập lại" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT, field="lockout")
    assert entry.actor == officer and entry.object_id == str(staff.pk)
    assert entry.content_type == ContentType.objects.get_for_model(User)
    assert (entry.old_value, entry.new_value) == ("locked", "unlocked")
    client.logout()
    assert _login(client, staff.username, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("persona", "list_status", "unlock_status"),
    [
        ("staff_b", 403, 403),
        ("appraiser", 403, 403),
        ("chair", 403, 403),
        ("other_home_affairs", 200, 404),
        ("home_affairs", 200, 302),
        ("admin", 200, 302),
    ],
)
def test_who_may_unlock(
    client, personas, other_home_affairs, settings, persona, list_status, unlock_status
):
    staff = personas["staff_a"]
    _lock(client, staff, settings)
    user = other_home_affairs if persona == "other_home_affairs" else personas[persona]
    client.force_login(user)
    listing = client.get(reverse("scoring:setup_lockouts"))
    assert listing.status_code == list_status
    if list_status == 200:
        shown = f'data-lockout="{staff.username}"' in listing.content.decode()
        assert shown == (unlock_status == 302)
    url = reverse("scoring:setup_lockout_unlock", args=[staff.pk])
    assert client.get(url).status_code == (200 if unlock_status == 302 else unlock_status)
    assert client.post(url).status_code == unlock_status
    still_locked = AccessAttempt.objects.filter(username=staff.username).exists()
    assert still_locked == (unlock_status != 302)
    assert AuditEntry.objects.filter(field="lockout").exists() == (unlock_status == 302)


def test_anonymous_is_sent_to_log_in(client, personas):
    assert client.get(reverse("scoring:setup_lockouts")).status_code == 302


def test_home_affairs_does_not_see_another_organisers_account(client, personas, settings):
    other = OrganiserFactory(code="org-far")
    far_staff = RoleGrantFactory(role=Role.UNIT_STAFF, unit=UnitFactory(organiser=other)).user
    _lock(client, far_staff, settings)
    client.force_login(personas["home_affairs"])
    listing = client.get(reverse("scoring:setup_lockouts")).content.decode()
    assert far_staff.username not in listing and "Không có tài khoản nào" in listing
