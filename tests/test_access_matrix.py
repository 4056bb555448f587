"""The generated access matrix: every URL pattern of parindex.urls × every persona × GET and
POST, against one table of expectations (tests/access_matrix_table.py), built with real objects
of unit A and organiser A (tests/access_matrix_world.py).

Each row of the table is two strings, GET then POST, one letter per persona in the order of
PERSONAS: o allowed (200, a redirect that is not to the login page, 400 or 409: the permission
gate let the request through and the view answered), L sent to log in, F 403, N 404, M 405.
For every refusal (L, F, N, M) the database is unchanged. A URL pattern without a row fails
`test_every_url_pattern_has_a_row`: a new view needs a decision before it is merged.

The admin site's pages are one family (ADMIN_FAMILY) unless a row names one: they are Django's,
for the superuser only.

To see what a changed view answers now, run with PARINDEX_MATRIX_RECORD=/tmp/matrix.txt: each
case writes its observed letter there instead of failing."""

import functools
import hashlib
import os

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix_table import ADMIN_FAMILY, EXPECTED
from tests.access_matrix_world import PERSONAS, build_world

METHODS = ("get", "post")
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
REFUSALS = frozenset("LFNM")


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            space = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if pattern.name and namespace else pattern.name
            yield (name or f"route:{route}"), route, pattern


def url_patterns() -> list[tuple[str, str, URLPattern]]:
    """Every pattern of the project, keyed by its namespaced name, or `route:<route>` when it
    has none (the admin's per-model redirects, the API's root)."""
    return list(_walk(get_resolver().url_patterns))


ROUTES = {key: (route, pattern) for key, route, pattern in url_patterns()}
KEYS = sorted(ROUTES)


def expected_row(key: str) -> tuple[str, str] | None:
    if key in EXPECTED:
        return EXPECTED[key]
    if key.startswith(("admin:", "route:admin/")):
        return ADMIN_FAMILY
    return None


# ---------------------------------------------------------------- building each URL

# Which object a `pk` names, by URL name (the other arguments are named after their object).
PK = {
    "reports:status": "report",
    "reports:download": "report",
    "reports:retry": "report",
    "reports:period": "published",
    "reports:plan_documents": "unit_plan",
    "reports:plan_documents_retry": "unit_plan",
    "reports:plan_document": "unit_plan",
    "public:document": "document",
    "scoring:unit_result": "published",
    "scoring:unit_target": "published",
    "scoring:plan_draft": "published",
    "scoring:evidence_file": "evidence",
    "scoring:task_detail": "issued_task",
    "scoring:task_file": "progress_file",
    "scoring:inspection_file": "inspection_file",
    "scoring:import_job": "import_job",
    "scoring:setup_lockout_unlock": "staff_a",
    "scoring:second_factor_reset": "staff_a",
    "scoring:setup_account_deactivate": "staff_a",
    "scoring:setup_account_reactivate": "staff_a",
    "scoring:setup_account_send_link": "staff_a",
    "scoring:setup_unit_rename": "unit_a",
    "scoring:setup_unit_split": "unit_a",
    "scoring:setup_unit_dissolve": "unit_a",
}
PK_BY_PREFIX = (
    ("scoring:plan_", "unit_plan"),
    ("scoring:inspection_", "inspection"),
    ("scoring:index_set_", "current_set"),
    ("scoring:index_item_", "current_set"),
)
ASSESSMENT_VIEWS = (
    "scoring:self_",
    "scoring:evidence_",
    "scoring:assessment_",
    "scoring:appraisal_",
    "scoring:explanation",
)


def _pk_object(name: str, world: dict):
    key = PK.get(name)
    if key is None:
        key = next((k for prefix, k in PK_BY_PREFIX if name.startswith(prefix)), None)
    if key is None and name.startswith(ASSESSMENT_VIEWS):
        key = "assessment"
    key = key or "current"  # a period's pages: the year in appraisal
    return world["users"][key] if key in world["users"] else world[key]


def _argument(name: str, argument: str, world: dict):
    """The value of one URL argument, from the world."""
    fixed = {
        "unit_pk": world["unit_a"].pk,
        "item_pk": world["item"].pk,
        "evidence_pk": world["evidence"].pk,
        "grant_pk": world["appraiser_grant"].pk,
        "band_pk": world["band"].pk,
        "task_pk": world["unit_task"].pk,
        "finding_pk": world["finding"].pk,
        "period_id": world["published"].pk,
        "group_code": "so",
        "unit_code": "A",
        "uidb64": "MQ",
        "token": "set-password",
        "app_label": "units",
        "content_type_id": world["unit_content_type"].pk,
        "object_id": world["unit_a"].pk,
        "id": world["users"]["staff_a"].pk,  # the admin's password form of an account
        "url": "khong-co/",
    }
    if argument == "pk":
        return _pk_object(name, world).pk
    if argument == "fmt":
        return "pdf" if name == "reports:plan_document" else "csv"
    return fixed[argument]


def build_url(key: str, route: str, pattern: URLPattern, world: dict) -> str:
    arguments = {
        argument: _argument(key, argument, world) for argument in pattern.pattern.regex.groupindex
    }
    if not key.startswith("route:"):
        return reverse(key, kwargs=arguments)
    # An unnamed pattern: fill its arguments into the route by hand.
    path = route.replace("^", "").replace("$", "")
    for argument, value in arguments.items():
        for form in (f"<path:{argument}>", f"<{argument}>", f"(?P<{argument}>.*)"):
            path = path.replace(form, str(value))
    return "/" + path


# ---------------------------------------------------------------- the answer and the database


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        return "L" if any(p in location for p in LOGIN_PATHS) else "o"
    # 429: the lockout page, a refusal of the account's state (the world's staff_a is locked
    # out, and the change-password form logs a locked-out account's session out).
    answered = (200, 400, 409, 429)
    return {403: "F", 404: "N", 405: "M"}.get(status, "o" if status in answered else "X")


@functools.cache
def _tables() -> tuple[str, ...]:
    models = [
        model
        for label in ("units", "scoring", "reports", "auth")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return tuple(sorted({model._meta.db_table for model in models}))


# Rows whose fields a refused request must not have changed (counts catch the rest).
WATCHED = (
    ("units", "User"),
    ("units", "RoleGrant"),
    ("units", "Unit"),
    ("scoring", "AssessmentPeriod"),
    ("scoring", "Assessment"),
    ("scoring", "Score"),
    ("scoring", "IndexItem"),
    ("scoring", "RemediationPlan"),
    ("scoring", "RemediationTask"),
    ("scoring", "Inspection"),
    ("scoring", "InspectionFinding"),
    ("reports", "Report"),
)


def snapshot() -> str:
    """A digest of the database: every table's row count and the watched rows' fields."""
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in _tables())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        digest = hashlib.sha256(repr(cursor.fetchone()).encode())
    for label, name in WATCHED:
        rows = apps.get_model(label, name).objects.order_by("pk").values_list()
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()


# ---------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back at its end; each test runs in a
    savepoint of it (pytest-django), so an allowed POST changes nothing for the next."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_every_url_pattern_has_a_row():
    missing = [key for key in KEYS if expected_row(key) is None]
    assert not missing, f"URL patterns without a row in tests/access_matrix_table.py: {missing}"
    stale = sorted(set(EXPECTED) - set(KEYS))
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"
    for key, row in EXPECTED.items():
        assert len(row) == 2 and all(len(r) == len(PERSONAS) for r in row), key


CASES = [(key, method, persona) for key in KEYS for method in METHODS for persona in PERSONAS]


@pytest.mark.django_db
@pytest.mark.parametrize("key,method,persona", CASES, ids=["-".join(case) for case in CASES])
def test_access_matrix(world, key, method, persona):
    """One URL, one method, one persona: the answer is the table's letter, and a refusal
    changes nothing."""
    route, pattern = ROUTES[key]
    url = build_url(key, route, pattern, world)
    row = expected_row(key)
    letter = row[METHODS.index(method)][PERSONAS.index(persona)] if row else "?"
    client = Client()
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    before = snapshot() if letter in REFUSALS else None
    response = getattr(client, method)(url, {})
    got = outcome(response)
    record = os.environ.get("PARINDEX_MATRIX_RECORD")
    if record:
        with open(record, "a", encoding="utf-8") as out:
            out.write(f"{key}\t{method}\t{persona}\t{got}\t{response.status_code}\n")
        return
    assert got == letter, f"{method.upper()} {url} as {persona}: {response.status_code}"
    if before is not None:
        assert snapshot() == before, f"{method.upper()} {url} as {persona} changed the database"
