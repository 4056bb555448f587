"""Fixtures shared by the suite: personas for the permission matrix, Chromium for browser tests,
and a real Celery worker process for the integration tests."""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

from parindex.tasks import broker_breaker
from reports.published import forget_results
from tests.factories import (
    OrganiserFactory,
    RoleGrantFactory,
    UnitFactory,
    UnitKindFactory,
    UserFactory,
)
from units.roles import Role

# The S3-compatible server and a bucket as the default storage (s3_endpoint, s3_bucket).
pytest_plugins = ["tests.storage_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PARINDEX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
_skipped_browser_tests: list[str] = []


# ---------------------------------------------------------------- the flush


def _flush_allowing_truncate(original):
    """On PostgreSQL the append-only tables refuse TRUNCATE (scoring migration 0014) unless
    the transaction says otherwise: the flush that ends a transactional test does, here only."""

    def execute_sql_flush(self, sql_list):
        return original(self, ["SET LOCAL parindex.allow_truncate = 'on'", *sql_list])

    execute_sql_flush.allows_truncate = True
    return execute_sql_flush


if not getattr(PostgresOperations.execute_sql_flush, "allows_truncate", False):
    PostgresOperations.execute_sql_flush = _flush_allowing_truncate(
        PostgresOperations.execute_sql_flush
    )


# ---------------------------------------------------------------- the cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the process's memory, parindex.settings.test): a
    public answer kept by one test must not answer the next one's request."""
    cache.clear()
    forget_results()
    broker_breaker.reset()  # a broker refused in one test is not skipped in the next
    yield


# ---------------------------------------------------------------- personas


@pytest.fixture
def personas(db):
    """One user per role of the permission matrix, over two units of one organiser."""
    organiser = OrganiserFactory(code="org-main", name="Sở Nội vụ tỉnh Hòa An")
    kind = UnitKindFactory()
    unit_a = UnitFactory(code="A", name="Sở Tư pháp", kind=kind, organiser=organiser)
    unit_b = UnitFactory(code="B", name="Sở Y tế", kind=kind, organiser=organiser)
    people = {
        "staff_a": RoleGrantFactory(role=Role.UNIT_STAFF, unit=unit_a).user,
        "staff_b": RoleGrantFactory(role=Role.UNIT_STAFF, unit=unit_b).user,
        "appraiser": RoleGrantFactory(
            role=Role.APPRAISER, organiser=organiser, area_codes="2"
        ).user,
        "chair": RoleGrantFactory(role=Role.COUNCIL_CHAIR, organiser=organiser).user,
        "home_affairs": RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=organiser).user,
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    return {"organiser": organiser, "kind": kind, "unit_a": unit_a, "unit_b": unit_b, **people}


# ---------------------------------------------------------------- browser


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def pytest_collection_modifyitems(config, items):
    # The access matrix runs first. On PostgreSQL its module-wide world misses rows (a report,
    # the current period's set-up pages answer 404) when tests/reports ran before it in the
    # same process; alone, or first, it passes. A test-isolation leak still to find (see the
    # issue note of 2026-12-04); until then the matrix is not left to the order of the files.
    items.sort(
        key=lambda item: (
            getattr(getattr(item, "module", None), "__name__", "") != "tests.test_access_matrix"
        )
    )
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser tests skipped")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
            _skipped_browser_tests.append(item.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _skipped_browser_tests:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(_skipped_browser_tests)} browser test(s) did not run: Chromium is not at "
            f"{CHROMIUM}. Install it with `apt-get install chromium` (or set PARINDEX_CHROMIUM)."
        )
        terminalreporter.write_sep("!", red=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    # Playwright runs an event loop in this thread; Django's ORM calls in the test are still
    # synchronous and safe, so tell Django not to refuse them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    # The walks' waits (wait_for_function) evaluate their predicates with eval, which the
    # portal's CSP rightly forbids; the policy itself is held in Chromium by
    # tests/browser/test_csp_pages.py, in a context of its own that does not bypass it.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    path = ROOT / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# ---------------------------------------------------------------- celery worker


@pytest.fixture
def celery_workers(transactional_db, settings):
    """Start real `celery worker` processes on the configured Redis broker, reading the test
    database: `start(**env)` starts one (extra environment variables, e.g. a setting) and
    returns its Popen, in a process group of its own (killable as a whole). All consume one
    queue of this test; every one still running is stopped at the end. Integration tests only:
    they need PostgreSQL (the worker is another process) and a broker."""
    from django.db import connection

    broker = settings.PARINDEX_TEST_BROKER_URL
    if not broker or connection.vendor != "postgresql":
        message = "needs PostgreSQL and CELERY_BROKER_URL (run by .ci/run)"
        if os.environ.get("PARINDEX_REQUIRE_INTEGRATION"):
            pytest.fail(message)  # CI's second run must not quietly skip them
        pytest.skip(message)
    from parindex.celery import app

    queue = f"parindex-test-{uuid.uuid4().hex[:8]}"
    # Every queue of the settings (reports, mail, periodic, the default), under this run's own
    # names: the routes stay the settings' own, other runs on the broker see none of it.
    routes = {
        task: {**route, "queue": f"{queue}-{route['queue']}"}
        for task, route in settings.CELERY_TASK_ROUTES.items()
    }
    queues = [queue, *(f"{queue}-{name}" for name in settings.PARINDEX_CELERY_QUEUES)]
    db = connection.settings_dict
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parindex.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}?conn_max_age=0",
        "CELERY_BROKER_URL": broker,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    started: list[subprocess.Popen] = []

    def start(**env) -> subprocess.Popen:
        process = subprocess.Popen(
            [
                celery,
                "-A",
                "parindex",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                ",".join(queues),
                "-n",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env={**base_env, **{key: str(value) for key, value in env.items()}},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, for a test that kills it
        )
        started.append(process)
        _wait_for_worker(app, queue, process)
        return process

    previous = (app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url)
    previous_routes = app.conf.task_routes
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    app.conf.broker_url = broker
    app.conf.update(task_routes=routes)  # update() rebuilds Celery's router
    try:
        yield start
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url = previous
        app.conf.update(task_routes=previous_routes)
        for process in started:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def celery_worker_process(celery_workers):
    """One real worker (see celery_workers)."""
    return celery_workers()


def _wait_for_worker(app, queue, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"celery worker exited:\n{process.stdout.read()}")
        # Ping our own worker only: other runs may share the broker.
        replies = app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=1.0)
        if replies:
            return
        time.sleep(0.5)
    raise RuntimeError("celery worker did not answer within 60 s")
