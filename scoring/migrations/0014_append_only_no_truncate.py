"""On PostgreSQL the append-only tables also refuse TRUNCATE, which skips the row triggers of
0002 and 0004 (a TRUNCATE … CASCADE from another table fires these too). The refusal can be
lifted for one transaction with `SET LOCAL parindex.allow_truncate = 'on'`: the test suite's
flush does (tests/conftest.py); the application never does. Against someone who can type SQL
as the tables' owner this is a guard rail, not a lock: see the README (Operations) for a role
that may not TRUNCATE at all."""

from django.db import migrations

TABLES = (
    "scoring_auditentry",
    "scoring_publication",
    "scoring_publishedunitresult",
    "scoring_taskprogress",
)
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION parindex_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('parindex.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: TRUNCATE is refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # "%" is plpgsql's, not a parameter
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION parindex_no_truncate();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS parindex_no_truncate();")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0013_improvement")]

    operations = [migrations.RunPython(forwards, backwards)]
