"""PostgreSQL: the append-only tables (the audit trail, publications, remediation progress)
refuse TRUNCATE through the application's own connection, as they refuse UPDATE and DELETE;
only the test suite's flush lifts it, for its own transaction."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from scoring.models import AuditAction, AuditEntry
from tests.factories import PeriodFactory

APPEND_ONLY = (
    "scoring_auditentry",
    "scoring_publication",
    "scoring_publishedunitresult",
    "scoring_taskprogress",
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"
)


def audit_row() -> AuditEntry:
    period = PeriodFactory()
    entry = AuditEntry.objects.create(
        period=period,
        content_type=ContentType.objects.get_for_model(period),
        object_id=str(period.pk),
        object_repr=str(period),
        action=AuditAction.UPDATE,
    )
    with connection.cursor() as cursor:
        # The test's own transaction: check its deferred foreign keys now, or PostgreSQL
        # refuses any TRUNCATE for "pending trigger events" before ours can answer.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return entry


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_truncate_is_refused_with_the_triggers_message(table):
    entry = audit_row()
    with (
        pytest.raises(DatabaseError, match=f"{table} is append-only: TRUNCATE is refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_a_cascade_from_another_table_is_refused_too():
    entry = audit_row()
    with (
        pytest.raises(DatabaseError, match="scoring_auditentry is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE scoring_assessmentperiod CASCADE")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_test_suites_flush_still_empties_them():
    audit_row()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    # The flush's permission ended with its transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting('parindex.allow_truncate', true), '')")
        assert cursor.fetchone()[0] != "on"
