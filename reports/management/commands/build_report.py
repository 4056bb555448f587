"""`python manage.py build_report --year Y --kind ranking|breakdown|scorecard|workbook
[--unit CODE] [--organiser CODE] --out PATH`: a report of a period, built here and now."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.models import PERIOD_REPORT_KINDS, Report, ReportKind
from reports.renderers import RENDERERS
from reports.selectors import ReportError
from scoring.management.commands._period import period_argument

KINDS = {kind.value: kind for kind in PERIOD_REPORT_KINDS}


class Command(BaseCommand):
    help = (
        "Build a report of a period's results into a file, without the web or a worker: "
        "ranking (PDF), breakdown (PDF appendix), scorecard (PDF, needs --unit), workbook (Excel)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--kind", choices=sorted(KINDS), required=True)
        parser.add_argument("--unit", help="unit code, for the scorecard")
        parser.add_argument("--organiser", help="organiser code, when several have the year")
        parser.add_argument("--out", required=True, help="file to write (a folder: its own name)")

    def handle(self, *args, **options):
        # As the worker does: Vietnamese, Hanoi time, whatever this shell's locale.
        with translation.override("vi"), timezone.override("Asia/Ho_Chi_Minh"):
            period = period_argument(options["year"], options["organiser"])
            kind = KINDS[options["kind"]]
            params = {}
            if kind == ReportKind.SCORECARD_PDF:
                assessment = (
                    period.assessments.taking_part()
                    .select_related("unit")
                    .filter(unit__code__iexact=(options["unit"] or "").strip())
                    .first()
                )
                if assessment is None:
                    raise CommandError(
                        _("Give --unit with the code of a unit assessed in %(year)s.")
                        % {"year": period.year}
                    )
                params = {"unit_id": assessment.unit_id, "unit_code": assessment.unit.code}
            report = Report(kind=kind, period=period, params=params)  # not stored: a file only
            try:
                filename, content = RENDERERS[kind](report, lambda percent: None)
            except ReportError as exc:
                raise CommandError(str(exc)) from exc
            out = Path(options["out"])
            if out.is_dir():
                out = out / filename
            out.write_bytes(content)
            self.stdout.write(
                _("%(file)s written (%(size)s KB).")
                % {"file": out, "size": max(1, len(content) // 1024)}
            )
