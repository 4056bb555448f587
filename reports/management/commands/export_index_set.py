from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.renderers.index_set_workbook import index_set_file
from scoring.models import IndexSet
from units.services import unit_kind_resolve


class Command(BaseCommand):
    help = (
        "Write the current index set of a year and unit kind to .xlsx (criteria + bands) or .csv."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--kind", required=True)
        parser.add_argument("--organiser", help="Organiser code (needed when there are several).")
        parser.add_argument("--out", required=True, help="Path ending in .xlsx or .csv.")

    def handle(self, *args, year, kind, out, organiser=None, **options):
        suffix = Path(out).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError(_("--out must end in .xlsx or .csv."))
        unit_kind, _created = unit_kind_resolve(kind, create=False)
        sets = IndexSet.objects.filter(period__year=year, unit_kind=unit_kind, is_current=True)
        if organiser:
            sets = sets.filter(period__organiser__code__iexact=organiser)
        if sets.count() != 1:
            raise CommandError(
                _("Found %(count)s current index sets for %(kind)s in %(year)s; give --organiser.")
                % {"count": sets.count(), "kind": kind, "year": year}
                if sets.count()
                else _("No current index set for %(kind)s in %(year)s.")
                % {"kind": kind, "year": year}
            )
        _name, content = index_set_file(sets.get(), suffix)
        Path(out).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(_("Written to %(path)s.") % {"path": out}))
