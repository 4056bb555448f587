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
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname = %s",
                ["scoring_auditentry_append_only"],
            )
            assert cursor.fetchone(), "the audit trigger migration did not run"
