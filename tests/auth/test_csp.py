"""Every HTML page carries the Content-Security-Policy, and no page of ours holds what the
policy would block: an inline script, a style attribute or <style>, an on…= handler, a
javascript: link. Walked over the demo's pages, as each role reaches them by link."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import HttpRequest
from django.test import override_settings

from units.models import User

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle=", re.I),
    "style element": re.compile(r"<style", re.I),
    "event handler": re.compile(r"<[a-z][^>]*\son[a-z]+=", re.I),
    "javascript: link": re.compile(r"href=\"javascript:", re.I),
}


def _policy(header: str | None) -> set[str]:
    """The directives of a policy header, in any order (django-csp does not keep one)."""
    return {part.strip() for part in (header or "").split(";") if part.strip()}


HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/accounts/logout", "/admin/", "/api/v1/", ".xlsx", ".pdf", ".docx", ".csv")
ROLES = ["admin", "noivu", "chutich.hd", "thamdinh.tuphap", "sotuphap", None]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # Publications' documents recorded, not rendered (~190 PDFs): no page here opens one.
    with django_db_blocker.unblock(), override_settings(REPORTS_RENDER_PUBLISHED_DOCUMENTS=False):
        call_command("load_demo", stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, stdout=io.StringIO())


def _problems(html: str) -> list[str]:
    return [name for name, pattern in INLINE.items() if pattern.search(html)]


def _walk(client, start: str, limit: int = 25) -> dict[str, list[str]]:
    """GET pages reachable by link from `start` (breadth first, at most `limit`); what each
    HTML page lacks or holds."""
    seen, queue, found = set(), [start], {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        wrong = _problems(html)
        if _policy(response.get("Content-Security-Policy")) != _policy(POLICY):
            wrong.append(f"header {response.get('Content-Security-Policy')!r}")
        if wrong:
            found[url] = wrong
        if response.status_code == 200:
            queue += [href.replace("&amp;", "&") for href in HREF.findall(html)]
    assert len(seen) > 3, seen
    return found


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_has_the_policy_and_nothing_inline(client, demo, username):
    if username:
        client.force_login(User.objects.get(username=username))
    start = "/" if username else "/ket-qua/"
    assert _walk(client, start) == {}


def test_error_and_login_pages_have_the_policy(client, demo):
    for url in ("/accounts/login/", "/khong-co-trang-nay/", "/accounts/password/reset/"):
        response = client.get(url)
        assert _policy(response["Content-Security-Policy"]) == _policy(POLICY), url
        assert _problems(response.content.decode()) == [], url


def test_the_admin_has_the_policy(client, demo):
    assert client.login(request=HttpRequest(), username="admin", password="parindex-demo")
    for url in ("/admin/", "/admin/units/unit/", "/admin/scoring/auditentry/"):
        response = client.get(url)
        assert response.status_code == 200
        assert _policy(response["Content-Security-Policy"]) == _policy(POLICY)


def test_the_500_page_has_nothing_inline():
    html = (Path(__file__).resolve().parents[2] / "templates" / "500.html").read_text("utf-8")
    assert _problems(html) == []


def test_report_only_switch(client, db, settings):
    directives = settings.CONTENT_SECURITY_POLICY
    del settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = directives
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    assert _policy(response["Content-Security-Policy-Report-Only"]) == _policy(POLICY)
