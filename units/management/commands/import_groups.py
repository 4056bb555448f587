from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from parindex.commands import import_failed_error, read_file_argument
from parindex.tabular import ImportFailed
from units.imports import ranking_groups_import


class Command(BaseCommand):
    help = (
        "Create or update ranking groups from a file: code, name; optional organiser, kind, "
        "position."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        data, filename = read_file_argument(file)
        try:
            summary = ranking_groups_import(data=data, filename=filename)
        except ImportFailed as failure:
            raise import_failed_error(failure) from failure
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)s ranking groups created, %(updated)s updated.")
                % {"created": summary.created, "updated": summary.updated}
            )
        )
