from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from parindex.commands import import_failed_error, read_file_argument
from parindex.tabular import ImportFailed
from scoring.display import format_number
from scoring.services.index_set_import import index_set_import, index_set_preview
from scoring.services.periods import period_for_year
from units.services import organiser_by_code, unit_kind_resolve


class Command(BaseCommand):
    help = (
        "Import an index set for one unit kind and year from .xlsx (sheets 'criteria' and "
        "optional 'bands') or .csv. Creates the year's period, the organiser and the unit kind "
        "when missing. The file becomes the current version; all rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--kind", required=True, help="Unit kind code or alias, e.g. department."
        )
        parser.add_argument("--organiser", help="Organiser code (needed when there are several).")
        parser.add_argument("--name", default="", help="Name of the index set.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what it would create; change nothing.",
        )

    def handle(self, *args, file, year, kind, organiser=None, name="", dry_run=False, **options):
        data, filename = read_file_argument(file)
        if dry_run:
            return self._dry_run(data, filename, year=year, kind=kind, organiser=organiser)
        try:
            # One transaction: a refused file leaves no new period, organiser or kind behind.
            with transaction.atomic():
                organiser_obj = organiser_by_code(organiser)
                unit_kind, kind_created = unit_kind_resolve(kind)
                period = period_for_year(organiser=organiser_obj, year=year)
                index_set = index_set_import(
                    period=period, unit_kind=unit_kind, data=data, filename=filename, name=name
                )
        except ImportFailed as failure:
            raise import_failed_error(failure) from failure
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if kind_created:
            self.stdout.write(_("New unit kind: %(kind)s.") % {"kind": unit_kind.code})
        counts = {
            level: index_set.items.filter(level=level).count()
            for level in ("area", "criterion", "sub_criterion")
        }
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported %(set)s: %(areas)s areas, %(criteria)s criteria, "
                    "%(subs)s sub-criteria, %(bands)s bands."
                )
                % {
                    "set": index_set,
                    "areas": counts["area"],
                    "criteria": counts["criterion"],
                    "subs": counts["sub_criterion"],
                    "bands": index_set.bands.count(),
                }
            )
        )

    def _dry_run(self, data, filename, *, year, kind, organiser):
        """The same preview as the set-up page's upload, printed; everything is rolled back."""
        try:
            with transaction.atomic():
                organiser_obj = organiser_by_code(organiser)
                unit_kind, _created = unit_kind_resolve(kind)
                period = period_for_year(organiser=organiser_obj, year=year)
                preview = index_set_preview(
                    period=period, unit_kind=unit_kind, data=data, filename=filename
                )
                transaction.set_rollback(True)
        except ImportFailed as failure:
            raise import_failed_error(failure) from failure
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for line in preview.lines:
            self.stdout.write(line)
        for code, name, level, max_points, method in preview.rows:
            self.stdout.write("\t".join([code, name, level, format_number(max_points), method]))
        self.stdout.write(_("Dry run: nothing was imported."))
