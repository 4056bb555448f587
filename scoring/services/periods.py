"""Assessment periods: finding or creating the period of an organiser's year."""

from django.utils.translation import gettext as _

from scoring.models import AssessmentPeriod
from units.models import Organiser

from .audit import audit_record


def period_for_year(*, organiser: Organiser, year: int, by=None) -> AssessmentPeriod:
    """The organiser's period for `year`, created (in set-up status) when missing."""
    period, created = AssessmentPeriod.objects.get_or_create(
        organiser=organiser,
        year=year,
        defaults={"name": _("PAR Index %(year)s") % {"year": year}},
    )
    if created:
        audit_record(actor=by, obj=period, action="create", reason=_("Period created"))
    return period
