"""Under the Content-Security-Policy, Chromium blocks nothing on the portal's main pages of
each role, nor on the admin's (Django's and django-import-export's) or the API's docs: no
`securitypolicyviolation` event, no CSP error on the console."""

import re

import pytest

from scoring.models import Assessment, AssessmentPeriod

from .conftest import log_in

pytestmark = [pytest.mark.browser]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " +
                    (event.sourceFile || "") + ":" + event.lineNumber);
});
"""
LINK = re.compile(r"^/(?!static/|accounts/logout|admin/logout|api/v1/)[^#]*$")


class Watcher:
    def __init__(self, page):
        self.page = page
        self.found: list[str] = []
        page.add_init_script(WATCH)
        page.on(
            "console",
            lambda message: (
                self.found.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def visit(self, url):
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.found += [f"{url}: {v}" for v in self.page.evaluate("window.__csp || []")]

    def links(self, limit):
        hrefs = self.page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
        return [h for h in dict.fromkeys(hrefs) if h and LINK.match(h)][:limit]


def _walk(watcher, server, start, limit=10):
    watcher.visit(f"{server.url}{start}")
    for href in watcher.links(limit):
        watcher.visit(f"{server.url}{href}")


def _role(watcher, server, username):
    log_in(watcher.page, server, username)
    _walk(watcher, server, "/")
    if username == "sotuphap":
        assessment = Assessment.objects.filter(unit__code="STP").order_by("-period__year").first()
        watcher.visit(f"{server.url}/assessments/{assessment.pk}/")
    if username == "noivu":
        period = AssessmentPeriod.objects.order_by("-year").first()
        for url in (f"/periods/{period.pk}/", "/setup/", "/setup/accounts/", "/setup/lockouts/"):
            watcher.visit(f"{server.url}{url}")
        _walk(watcher, server, f"/periods/{period.pk}/", limit=8)


def _admin(watcher, server):
    page = watcher.page
    watcher.visit(f"{server.url}/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "parindex-demo")
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/admin/")
    for url in (
        "/admin/",
        "/admin/units/unit/",
        "/admin/units/unit/import/",
        "/admin/units/unit/export/",
        "/admin/units/user/",
        "/admin/scoring/auditentry/",
        "/admin/axes/accessattempt/",
    ):
        watcher.visit(f"{server.url}{url}")
    # The export page's "Select all" still works without its onchange attribute.
    watcher.visit(f"{server.url}/admin/units/unit/export/")
    toggle = page.locator("input.select-toggle")
    if toggle.count():
        fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
        toggle.first.uncheck()
        assert not fields.first.is_checked()
        toggle.first.check()
        assert fields.first.is_checked()
    watcher.visit(f"{server.url}/admin/units/unit/")
    first = page.locator("#result_list th a").first.get_attribute("href")
    watcher.visit(f"{server.url}{first}")


def test_no_page_breaks_the_policy(demo_server, browser):
    """One demo for every role (loading it is the slow part): each in its own browser
    context, as separate people."""
    found = []
    people = ["noivu", "chutich.hd", "thamdinh.tuphap", "sotuphap", None, "admin"]
    for username in people:
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page = context.new_page()
        page.set_default_timeout(15_000)
        watcher = Watcher(page)
        if username is None:
            _walk(watcher, demo_server, "/ket-qua/", limit=12)
            watcher.visit(f"{demo_server.url}/api/docs")
        elif username == "admin":
            _admin(watcher, demo_server)
        else:
            _role(watcher, demo_server, username)
        found += watcher.found
        context.close()
    assert found == []
