"""The three unit kinds every Vietnamese province uses, so an empty database can take files at
once. They stay data: an organiser renames them, adds kinds, or retires them."""

from django.db import migrations

STANDARD_KINDS = [
    ("department", "Sở, ban, ngành", "sở, ban, ngành", "so, sở, sở ban ngành, so-ban-nganh", 1),
    ("district", "UBND cấp huyện", "huyện, thị xã, thành phố", "huyen, huyện, ubnd huyện", 2),
    ("commune", "UBND cấp xã", "xã, phường, thị trấn", "xa, xã, ubnd xã, phuong, phường", 3),
]


def create_kinds(apps, schema_editor):
    UnitKind = apps.get_model("units", "UnitKind")
    for code, name, short_name, aliases, position in STANDARD_KINDS:
        UnitKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "short_name": short_name, "aliases": aliases,
                      "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [migrations.RunPython(create_kinds, migrations.RunPython.noop)]
