"""The demo province on a live server, and logging in through the real login page."""

import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_server(live_server, transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    return live_server


def log_in(page, server, username):
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "parindex-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
