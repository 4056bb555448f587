from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.exceptions import Refused
from scoring.selectors.inputs import MissingInput, period_inputs
from scoring.services.publication import (
    DocumentElements,
    InputException,
    exceptions_check,
    period_publish,
)

from ._period import period_argument


class Command(BaseCommand):
    help = (
        "Publish a period's results, as the Home Affairs officer's button does: freeze them as "
        "the next publication version. Every assessment must be appraised, and every survey "
        "or data item entered or named with --except."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--organiser", help="Organiser code (needed when there are several).")
        parser.add_argument("--reason", default="", help="Required when publishing again.")
        parser.add_argument(
            "--except",
            dest="exceptions",
            action="append",
            default=[],
            metavar="UNIT/ITEM=REASON",
            help=(
                "Publish a missing survey or data item without its input, saying why (printed "
                "in the published reports' notes). ITEM * names every missing item of the unit. "
                "Repeat for each."
            ),
        )
        parser.add_argument(
            "--date",
            help="Date of the publishing decision, dd/mm/yyyy (for past years; default: now).",
        )
        document = parser.add_argument_group(
            "the official document (Nghị định 30/2020), printed on the published PDFs"
        )
        document.add_argument(
            "--document-number", default="", help="The ranking report's number: 12 in 12/BC-SNV."
        )
        document.add_argument(
            "--decision-number", default="", help="The publishing decision, e.g. 1520/QĐ-UBND."
        )
        document.add_argument(
            "--decision-date",
            help="The publishing decision's date, dd/mm/yyyy (default, with --decision-number: "
            "--date).",
        )
        document.add_argument(
            "--signer-title",
            action="append",
            metavar="LINE",
            help="The signer's title, one line each: --signer-title 'KT. GIÁM ĐỐC' "
            "--signer-title 'PHÓ GIÁM ĐỐC' (default: the organiser's).",
        )
        document.add_argument("--signer-name", help="The signer's name (default: the organiser's).")
        document.add_argument(
            "--recipient",
            dest="recipients",
            action="append",
            metavar="RECIPIENT",
            help="A line of “Nơi nhận”; repeat for each (default: the organiser's).",
        )

    def handle(self, *args, year, organiser=None, reason="", date=None, exceptions=(), **options):
        period = period_argument(year, organiser)
        decision_day = _day(options.get("decision_date"), "--decision-date")
        if decision_day is None and options.get("decision_number"):
            decision_day = _day(date, "--date")  # --date is the decision's date
        document = DocumentElements(
            document_number=options.get("document_number") or "",
            decision_number=options.get("decision_number") or "",
            decision_date=decision_day.date() if decision_day else None,
            signer_title=_lines(options.get("signer_title")),
            signer_name=options.get("signer_name"),
            recipients=_lines(options.get("recipients")),
        )
        missing = period_inputs(period=period).missing
        named = _exceptions(exceptions, missing)
        # The service refuses these too; listed here in full, with what to type.
        covered, _problems = exceptions_check(missing, named)
        uncovered = [gap for gap in missing if gap not in {g for g, _reason in covered}]
        if uncovered:
            lines = [
                _(
                    "%(count)s survey or data items are missing. Enter them, or name each with "
                    '--except UNIT/ITEM="reason" (ITEM * for all of a unit\'s):'
                )
                % {"count": len(uncovered)},
                *(
                    f"  {gap.unit_code}/{gap.item_code}  {gap.unit_name} — {gap.item_name}"
                    for gap in uncovered
                ),
            ]
            raise CommandError("\n".join(lines))
        day = _day(date, "--date")
        published_at = timezone.make_aware(day.replace(hour=12)) if day else None
        try:
            publication = period_publish(
                period=period,
                by=None,
                reason=reason,
                published_at=published_at,
                exceptions=named,
                document=document,
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


def _day(text: str | None, option: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y")
    except ValueError as exc:
        raise CommandError(
            _("%(option)s must be written dd/mm/yyyy.") % {"option": option}
        ) from exc


def _lines(values: list[str] | None) -> str | None:
    """Repeated options as the lines of one text; None (not given): the organiser's."""
    return None if values is None else "\n".join(values)


def _exceptions(arguments: list[str], missing: list[MissingInput]) -> list[InputException]:
    """--except UNIT/ITEM=REASON as the service's exceptions; a unit or item that is not
    missing is refused, so that a typo never excuses nothing silently."""
    named = []
    for argument in arguments:
        target, equals, reason = argument.partition("=")
        unit_code, slash, item_code = target.strip().partition("/")
        if not equals or not slash or not unit_code or not item_code:
            raise CommandError(
                _('--except must be written UNIT/ITEM="reason", not “%(value)s”.')
                % {"value": argument}
            )
        gaps = [
            gap
            for gap in missing
            if gap.unit_code.casefold() == unit_code.casefold()
            and (item_code == "*" or gap.item_code == item_code)
        ]
        if not gaps:
            raise CommandError(
                _("%(target)s is not a missing survey or data item of this period.")
                % {"target": target.strip()}
            )
        named += [InputException(gap.key, reason) for gap in gaps]
    return named
