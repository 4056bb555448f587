"""With PARINDEX_OTP_REQUIRED_FOR_ROLES, council and Home Affairs accounts set up an
authenticator app (QR code and key), then type its code after their password before any page;
the system admin removes a lost phone's device (audited). Codes are computed as the app does."""

import time
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from scoring.models import AuditAction, AuditEntry

PASSWORD = "secret-pass-123"
SETUP = "/account/second-factor/"
VERIFY = "/account/second-factor/verify/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.PARINDEX_OTP_REQUIRED_FOR_ROLES = ["council_chair", "home_affairs"]


def code(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later
    return f"{totp.token():0{device.digits}d}"


def _log_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client.get("/setup/")


def test_home_affairs_is_sent_to_set_up_the_app_first(client, personas):
    officer = personas["home_affairs"]
    response = _log_in(client, officer)
    assert response.status_code == 302 and response.url.startswith(SETUP)
    page = client.get(response.url)
    html = page.content.decode()
    assert "Thiết lập ứng dụng xác thực" in html and "data-secret" in html
    qr = client.get(reverse("scoring:second_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    # A document an <img> can draw: the root element in the SVG namespace.
    assert ElementTree.fromstring(qr.content).tag == "{http://www.w3.org/2000/svg}svg"
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    # A wrong code keeps the device unconfirmed and the pages closed.
    wrong = client.post(SETUP, {"token": "000000", "next": "/setup/"})
    assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    assert client.get("/setup/").status_code == 302
    # Right after a wrong code, even the right one waits (django-otp's throttle).
    early = client.post(SETUP, {"token": code(device), "next": "/setup/"})
    assert "Nhập sai mã quá nhiều lần" in early.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post(SETUP, {"token": code(device), "next": "/setup/"})
    assert (done.status_code, done.url) == (302, "/setup/")
    assert client.get("/setup/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCOUNT, field="second_factor", new_value="set up"
    ).exists()


def test_a_confirmed_device_asks_for_the_code_at_each_log_in(client, personas):
    chair = personas["chair"]
    device = TOTPDevice.objects.create(user=chair, name="app", confirmed=True)
    response = _log_in(client, chair)
    assert response.url.startswith(VERIFY)
    assert "Mã từ ứng dụng" in client.get(response.url).content.decode()
    wrong = client.post(VERIFY, {"token": "123456"})
    assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    assert client.get("/setup/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(VERIFY, {"token": code(device), "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200


def test_the_next_address_must_be_the_portals(client, personas):
    chair = personas["chair"]
    device = TOTPDevice.objects.create(user=chair, name="app", confirmed=True)
    _log_in(client, chair)
    response = client.post(VERIFY, {"token": code(device), "next": "https://evil.example/"})
    assert response.url == "/"


@pytest.mark.parametrize("persona", ["staff_a", "appraiser"])
def test_other_roles_are_not_asked(client, personas, persona):
    assert _log_in(client, personas[persona]).status_code in (200, 403)


def test_off_by_default(client, personas, settings):
    settings.PARINDEX_OTP_REQUIRED_FOR_ROLES = []
    assert _log_in(client, personas["home_affairs"]).status_code == 200


def test_the_system_admin_resets_a_lost_device_and_it_is_audited(client, personas, settings):
    settings.PARINDEX_OTP_REQUIRED_FOR_ROLES = ["home_affairs"]
    officer, admin = personas["home_affairs"], personas["admin"]
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    url = reverse("scoring:second_factor_reset", args=[officer.pk])
    client.force_login(admin)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": "", "confirm": "on"})
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user=officer).exists()
    done = client.post(url, {"reason": "Mất điện thoại, đã gọi xác nhận.", "confirm": "on"})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    entry = AuditEntry.objects.get(field="second_factor", new_value="reset")
    assert entry.actor == admin and entry.reason == "Mất điện thoại, đã gọi xác nhận."
    # At the next log-in the officer sets up a new app.
    client.logout()
    assert _log_in(client, officer).url.startswith(SETUP)


@pytest.mark.parametrize("persona", ["home_affairs", "chair", "staff_a"])
def test_only_the_system_admin_resets(client, personas, persona, settings):
    settings.PARINDEX_OTP_REQUIRED_FOR_ROLES = []
    target = personas["staff_b"]
    TOTPDevice.objects.create(user=target, name="app", confirmed=True)
    client.force_login(personas[persona])
    url = reverse("scoring:second_factor_reset", args=[target.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not AuditEntry.objects.filter(field="second_factor").exists()


def test_the_admins_user_page_links_to_the_audited_reset(client, personas):
    officer, admin = personas["home_affairs"], personas["admin"]
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client.force_login(admin)
    html = client.get(reverse("admin:units_user_change", args=[officer.pk])).content.decode()
    assert reverse("scoring:second_factor_reset", args=[officer.pk]) in html
    # No unaudited way round it: the devices have no admin page of their own.
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
