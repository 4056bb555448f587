"""The demo province on a live server, and logging in through the real login page."""

import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_server(live_server, transactional_db, settings):
    # Publications' documents are recorded, not rendered: the demo's ~190 take minutes, and a
    # publication in a test would wait for its own. A test that opens one builds it
    # (reports.services.report_build).
    settings.REPORTS_RENDER_PUBLISHED_DOCUMENTS = False
    call_command("load_demo", stdout=io.StringIO())
    return live_server


def log_in(page, server, username):
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "parindex-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
