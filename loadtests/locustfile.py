"""Anonymous readers of the public portal and the open-data API (scripts/bench_public.sh).

The readers do not know the portal's URLs in advance: at the start of the run they read them
from the server. They begin at the landing page and the API's root (`PUBLIC_START`), follow
the links of the same host found in each HTML page (href) and JSON answer (string values
that are paths or URLs of the host), up to `PUBLIC_CRAWL_LIMIT` URLs of each kind. Every page
is therefore read once before the run, so the cache is warm, as it is on a portal in use.
`PUBLIC_URLS` names a file of URLs read beforehand (`python loadtests/locustfile.py HOST`). Until
the public pages exist, the readers see what does: the landing page (today a redirect to the
login page) and /healthz.

Two kinds of user, named on the command line:
- `PublicReader`: reads a page, thinks 1–3 s (`PUBLIC_THINK`), then reads another. The pages
  are the landing page, pages reached by links (a period, a group's ranking, a unit), the
  same pages with a query string (the ranking sorted or paged), and the API.
- `RawClient`: /healthz without thinking. This is the limit of gunicorn and Django on this
  machine, against which the readers' figures can be read.

    .venv/bin/locust -f loadtests/locustfile.py --headless -u 200 -r 50 -t 60s \\
        --only-summary --host http://127.0.0.1:8000 PublicReader
"""

import contextlib
import json
import os
import random
import re
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from locust import FastHttpUser, between, constant, events, task

START = [
    p.strip() for p in os.environ.get("PUBLIC_START", "/,/api/v1/periods").split(",") if p.strip()
]
# How many URLs of each kind the readers read at most ("page,variant,api").
CRAWL_LIMIT = dict(
    zip(
        ("page", "variant", "api"),
        (int(n) for n in os.environ.get("PUBLIC_CRAWL_LIMIT", "300,100,100").split(",")),
        strict=True,
    ),
    start=len(START),
)
CRAWL_SECONDS = float(os.environ.get("PUBLIC_CRAWL_SECONDS", "180"))
CRAWL_THREADS = int(os.environ.get("PUBLIC_CRAWL_THREADS", "4"))
THINK = tuple(float(s) for s in os.environ.get("PUBLIC_THINK", "1,3").split(","))

# Not for the public readers: the signed-in side, the admin, static files, downloads.
SKIPPED = re.compile(
    r"^/(accounts|admin|static|private-media|reports|setup|inbox|appraisal)(/|$)"
    r"|\.(pdf|xlsx|zip|png|svg|css|js|ico|woff2?)$"
    r"|/(download|tai-ve)(/|$)",
    re.IGNORECASE,
)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.found += [value for name, value in attrs if name == "href" and value]


def _json_links(value, found: list[str]) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _json_links(item, found)
    elif isinstance(value, list):
        for item in value:
            _json_links(item, found)
    elif isinstance(value, str) and (value.startswith("/") or value.startswith("http")):
        found.append(value)


def _fetch(url: str) -> tuple[str, str, str] | None:
    """(final URL, content type, text), following redirects; None on an error."""
    request = urllib.request.Request(url, headers={"Accept": "text/html,application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read(2_000_000).decode("utf-8", "replace")
            return answer.geturl(), answer.headers.get("Content-Type", ""), body
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


def _kind(path: str) -> str:
    if path in START:
        return "start"
    if path.startswith("/api/"):
        return "api"
    return "variant" if "?" in path else "page"


def crawl(host: str) -> dict[str, list[str]]:
    """The public URLs the server links to, by kind: start, page, variant (with a query), api.
    Level by level from the start, CRAWL_THREADS at a time, at most CRAWL_LIMIT[kind] of each
    kind (so that the rankings' many sort and page links do not crowd out the units' pages),
    for at most CRAWL_SECONDS."""
    host = host.rstrip("/")
    netloc = urlsplit(host).netloc
    kinds: dict[str, list[str]] = {"start": [], "page": [], "variant": [], "api": []}
    seen = set(START)
    wanted = {kind: sum(1 for path in START if _kind(path) == kind) for kind in kinds}
    deadline = time.monotonic() + CRAWL_SECONDS

    def fetch(path):
        return path, (_fetch(host + path) if time.monotonic() < deadline else None)

    level = list(START)
    with ThreadPoolExecutor(max_workers=CRAWL_THREADS) as pool:
        while level and time.monotonic() < deadline:
            following = []
            for path, fetched in pool.map(fetch, level):
                if fetched is None:
                    continue
                final, content_type, body = fetched
                kinds[_kind(path)].append(path)
                for found in _links_of(final, content_type, body, netloc):
                    kind = _kind(found)
                    if found not in seen and wanted[kind] < CRAWL_LIMIT.get(kind, 0):
                        seen.add(found)
                        wanted[kind] += 1
                        following.append(found)
            level = following
    return kinds


def _links_of(final: str, content_type: str, body: str, netloc: str) -> list[str]:
    """The same host's paths (with their query) that an HTML page or a JSON answer links to."""
    links: list[str] = []
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            _json_links(json.loads(body), links)
    elif "html" in content_type:
        parser = _Links()
        parser.feed(body)
        links = parser.found
    paths = []
    for link in links:
        target = urlsplit(urljoin(final, link))
        if target.netloc == netloc and not SKIPPED.search(target.path):
            paths.append(target.path + (f"?{target.query}" if target.query else ""))
    return paths


URLS: dict[str, list[str]] = {}


@events.test_start.add_listener
def read_the_urls(environment, **kwargs):
    if PublicReader not in (environment.user_classes or [PublicReader]):
        return
    listed = os.environ.get("PUBLIC_URLS")  # a file written by `python locustfile.py HOST`
    if listed:
        URLS.update(json.loads(Path(listed).read_text()))
    else:
        URLS.update(crawl(environment.host))
    counts = ", ".join(f"{kind} {len(urls)}" for kind, urls in URLS.items())
    print(f"public URLs read from {environment.host}: {counts}", flush=True)


def _name(path: str) -> str:
    """A row of the statistics per kind of URL, not per unit: digits and codes become ":id",
    the query keeps its names only."""
    bare, _, query = path.partition("?")
    segments = [
        ":id" if re.search(r"\d|[A-Z]", segment) and not re.fullmatch(r"v\d+", segment) else segment
        for segment in bare.strip("/").split("/")
    ]
    name = "/" + "/".join(segments[:4]) + ("/…" if len(segments) > 4 else "")
    if query:
        keys = sorted({pair.partition("=")[0] for pair in query.split("&")})
        name += "?" + "&".join(keys)
    return name


class PublicReader(FastHttpUser):
    """A reader of the public portal: reads a page, thinks, reads another."""

    wait_time = between(*THINK)

    def _read(self, kind: str) -> None:
        urls = URLS.get(kind) or URLS.get("start") or ["/healthz"]
        path = random.choice(urls)
        self.client.get(path, name=_name(path))

    @task(1)
    def landing(self):
        self._read("start")

    @task(6)
    def page(self):
        self._read("page")

    @task(3)
    def variant(self):
        self._read("variant")

    @task(3)
    def api(self):
        self._read("api")

    @task(1)
    def health(self):
        self.client.get("/healthz", name="/healthz")


class RawClient(FastHttpUser):
    """The raw limit: /healthz (one SELECT 1) without pause."""

    wait_time = constant(0)

    @task
    def health(self):
        self.client.get("/healthz", name="/healthz")


if __name__ == "__main__":
    # The crawl alone, as JSON: scripts/bench_public.sh runs it before the readers, so that its
    # time is not theirs (and the cache is warm when they start).
    print(json.dumps(crawl(sys.argv[1]), ensure_ascii=False, indent=1))
