"""CI runs the suite twice: on the embedded SQLite default and on PostgreSQL. This makes sure the
second run really reached PostgreSQL (and features that only exist there)."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_expected_database():
    expected = os.environ.get("PARINDEX_EXPECT_DB")
    if not expected:
        pytest.skip("PARINDEX_EXPECT_DB not set (set by .ci/run for the PostgreSQL run)")
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", ["%append_only"])
            assert {row[0] for row in cursor.fetchall()} == {
                "scoring_auditentry_append_only",
                "scoring_publication_append_only",
                "scoring_publishedunitresult_append_only",
            }, "the append-only trigger migrations did not run"
