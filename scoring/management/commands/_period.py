"""Finding the period a command is about."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from scoring.models import AssessmentPeriod
from units.services import organiser_by_code


def period_argument(year: int, organiser_code: str | None) -> AssessmentPeriod:
    """The period of `year` — of the given organiser, or of the only organiser with one."""
    periods = AssessmentPeriod.objects.filter(year=year).select_related("organiser")
    if organiser_code:
        try:
            organiser = organiser_by_code(organiser_code)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        periods = periods.filter(organiser=organiser)
    found = list(periods[:2])
    if not found:
        raise CommandError(
            _(
                "There is no assessment period for %(year)s: import its index set "
                "first (import_index_set)."
            )
            % {"year": year}
        )
    if len(found) > 1:
        raise CommandError(
            _("Several organisers have a period in %(year)s: give --organiser.") % {"year": year}
        )
    return found[0]
