from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parindex.commands import import_failed_error, read_file_argument
from parindex.tabular import ImportFailed
from scoring.exceptions import Refused
from scoring.services.score_import import ImportStage, scores_import

from ._period import period_argument


class Command(BaseCommand):
    help = (
        "Import one stage of scores (self, appraisal, final or survey) for a year from .xlsx or "
        ".csv with columns unit, item, points, not_applicable, note. Importing final marks "
        "those assessments appraised. All rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--stage", required=True, choices=[s.value for s in ImportStage])
        parser.add_argument("--organiser", help="Organiser code (needed when there are several).")

    def handle(self, *args, file, year, stage, organiser=None, **options):
        data, filename = read_file_argument(file)
        period = period_argument(year, organiser)
        try:
            summary = scores_import(period=period, stage=stage, data=data, filename=filename)
        except ImportFailed as failure:
            raise import_failed_error(failure) from failure
        except (ValidationError, Refused) as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("%(rows)s rows imported: %(created)s new, %(updated)s updated.")
                % {"rows": summary.rows, "created": summary.created, "updated": summary.updated}
            )
        )
        if summary.appraised:
            self.stdout.write(
                _("%(count)s assessments marked appraised.") % {"count": summary.appraised}
            )
        if summary.not_applicable_outside_rule:
            self.stdout.write(
                self.style.WARNING(
                    _("Marked not applicable although the rule does not say so: %(items)s")
                    % {"items": ", ".join(summary.not_applicable_outside_rule)}
                )
            )
