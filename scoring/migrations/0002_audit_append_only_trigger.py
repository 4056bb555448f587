"""On PostgreSQL the database itself refuses to change or delete audit rows, whatever code or
console tries. (SQLite, the embedded default, relies on the model and admin guards.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION parindex_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'scoring_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER scoring_auditentry_append_only
    BEFORE UPDATE OR DELETE ON scoring_auditentry
    FOR EACH ROW EXECUTE FUNCTION parindex_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS scoring_auditentry_append_only ON scoring_auditentry;
DROP FUNCTION IF EXISTS parindex_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
