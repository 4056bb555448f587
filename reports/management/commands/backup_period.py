from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.backup import BackupRefused, period_backup
from scoring.management.commands._period import period_argument


class Command(BaseCommand):
    help = (
        "Write one period — its units, index sets, assessments, scores, evidence files, "
        "audit trail, publications and their documents, plans and inspections, and the "
        "accounts that appear — to one .tar archive (restore it with restore_period)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organiser", help="Organiser code (needed when there are several).")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True, help="Path of the archive, ending in .tar.")

    def handle(self, *args, year, output, organiser=None, **options):
        if not output.endswith(".tar"):
            raise CommandError(_("--output must end in .tar."))
        period = period_argument(year, organiser)
        try:
            summary = period_backup(period=period, output=output, progress=self.stdout.write)
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(
                _("The archive cannot be written: %(error)s") % {"error": exc}
            ) from exc
        for detached in summary.detached:
            self.stdout.write(
                _("Left out: %(model)s #%(pk)s %(field)s → #%(target)s (outside the period).")
                % {
                    "model": detached.model,
                    "pk": detached.pk,
                    "field": detached.field,
                    "target": detached.target,
                }
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Period %(year)s of %(organiser)s written to %(path)s.")
                % {"year": period.year, "organiser": period.organiser.code, "path": output}
            )
        )
