"""Reads of the cycle for pages, narrowed to what the user may see."""

from django.db.models import QuerySet

from units.access import organisers_for, units_for
from units.roles import Permission

from .models import Assessment, AssessmentPeriod


def periods_for_user(user) -> QuerySet[AssessmentPeriod]:
    """Periods of the organisers the user works for, plus those of the user's own units."""
    organiser_ids = set(
        organisers_for(user, Permission.VIEW_ASSESSMENT).values_list("pk", flat=True)
    )
    organiser_ids |= set(
        units_for(user, Permission.VIEW_ASSESSMENT)
        .values_list("organiser_id", flat=True)
        .distinct()
    )
    return (
        AssessmentPeriod.objects.filter(organiser_id__in=organiser_ids)
        .select_related("organiser")
        .order_by("-year", "organiser__name")
    )


def own_unit_assessments(user) -> QuerySet[Assessment]:
    """Assessments of the units the user self-assesses (unit staff)."""
    return (
        Assessment.objects.filter(unit__in=units_for(user, Permission.EDIT_SELF_ASSESSMENT))
        .select_related("unit", "period")
        .order_by("-period__year", "unit__name")
    )
