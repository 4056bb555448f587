"""The three standard unit kinds, so that an empty database can take files at once."""

from django.db import migrations

from units.kinds import ensure_standard_kinds


def create_kinds(apps, schema_editor):
    ensure_standard_kinds(apps.get_model("units", "UnitKind"))


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [migrations.RunPython(create_kinds, migrations.RunPython.noop)]
