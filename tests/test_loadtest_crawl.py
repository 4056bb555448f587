"""loadtests/locustfile.py reads the public URLs from the server's own pages: the links of the
same host in HTML and JSON, by kind, without the signed-in side, static files, downloads or
other hosts. Run as its own process: importing Locust patches the standard library (gevent)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.urls("tests.loadtest_urls")


def crawl(server, **env) -> dict:
    result = subprocess.run(
        [sys.executable, str(ROOT / "loadtests" / "locustfile.py"), server.url],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_readers_find_the_public_urls_by_following_links(live_server):
    # This test's URLconf has an API root; the portal's API starts at /api/v1/periods.
    found = crawl(live_server, PUBLIC_START="/,/api/v1/")
    assert found == {
        "start": ["/", "/api/v1/"],
        "page": ["/period/1/", "/unit/XA01/"],
        "variant": ["/period/1/?sort=name"],
        # /api/v1/periods/1/groups/ is named but answers 404: it is left out.
        "api": ["/api/v1/periods/1/"],
    }


def test_each_kind_is_bounded(live_server):
    found = crawl(live_server, PUBLIC_CRAWL_LIMIT="1,0,0")
    assert found["page"] == ["/period/1/"]
    assert found["variant"] == found["api"] == []
