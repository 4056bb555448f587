"""On PostgreSQL the database itself refuses to change or delete a published result."""

from django.db import migrations

TABLES = ("scoring_publication", "scoring_publishedunitresult")
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION parindex_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # "%" is plpgsql's, not a parameter
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION parindex_append_only();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS parindex_append_only();")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_publications")]

    operations = [migrations.RunPython(forwards, backwards)]
