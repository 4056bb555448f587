from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parindex.commands import import_failed_error, read_file_argument
from parindex.tabular import ImportFailed
from units.imports import units_import


class Command(BaseCommand):
    help = (
        "Create or update units from an .xlsx or .csv file with columns code, name, kind, parent, "
        "group (ranking-group code, empty = unranked); optional organiser, active, "
        "valid_from_year, valid_to_year. All rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organiser", help="Organiser code for rows without one.")

    def handle(self, *args, file, organiser=None, **options):
        data, filename = read_file_argument(file)
        try:
            summary = units_import(data=data, filename=filename, organiser_code=organiser)
        except ImportFailed as failure:
            raise import_failed_error(failure) from failure
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)s units created, %(updated)s updated.")
                % {"created": summary.created, "updated": summary.updated}
            )
        )
        if summary.new_kinds:
            self.stdout.write(
                _("New unit kinds: %(kinds)s.") % {"kinds": ", ".join(summary.new_kinds)}
            )
        if summary.new_groups:
            self.stdout.write(
                _("New ranking groups: %(groups)s.") % {"groups": ", ".join(summary.new_groups)}
            )
