from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.exceptions import Refused
from scoring.services.publication import period_publish

from ._period import period_argument


class Command(BaseCommand):
    help = (
        "Publish a period's results, as the Home Affairs officer's button does: freeze them as "
        "the next publication version. Every assessment must be appraised."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--organiser", help="Organiser code (needed when there are several).")
        parser.add_argument("--reason", default="", help="Required when publishing again.")
        parser.add_argument(
            "--date",
            help="Date of the publishing decision, dd/mm/yyyy (for past years; default: now).",
        )

    def handle(self, *args, year, organiser=None, reason="", date=None, **options):
        period = period_argument(year, organiser)
        published_at = None
        if date:
            try:
                day = datetime.strptime(date, "%d/%m/%Y")
            except ValueError as exc:
                raise CommandError(_("--date must be written dd/mm/yyyy.")) from exc
            published_at = timezone.make_aware(day.replace(hour=12))
        try:
            publication = period_publish(
                period=period, by=None, reason=reason, published_at=published_at
            )
        except (ValidationError, Refused) as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Published %(period)s, version %(version)s: %(count)s units.")
                % {
                    "period": period,
                    "version": publication.version,
                    "count": publication.unit_results.count(),
                }
            )
        )
