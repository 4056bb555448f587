"""Reads of the cycle for pages, narrowed to what the user may see."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from scoring.models import Assessment, AssessmentPeriod, Publication
from scoring.workflow import PeriodStatus
from units.access import organisers_for, units_for
from units.roles import Permission


def periods_for_user(user) -> QuerySet[AssessmentPeriod]:
    """Periods of the organisers the user works for, plus those of the user's own units."""
    organiser_ids = set(
        organisers_for(user, Permission.VIEW_ASSESSMENT).values_list("pk", flat=True)
    )
    unit_organiser_ids = set(
        units_for(user, Permission.VIEW_ASSESSMENT)
        .values_list("organiser_id", flat=True)
        .distinct()
    )
    # A period being set up is the organiser's alone: its units see it once it opens.
    visible = Q(organiser_id__in=organiser_ids) | (
        Q(organiser_id__in=unit_organiser_ids) & ~Q(status=PeriodStatus.SETUP)
    )
    results_of = list(organisers_for(user, Permission.VIEW_RESULTS).values_list("pk", flat=True))
    return (
        AssessmentPeriod.objects.filter(visible)
        .select_related("organiser")
        .annotate(
            # Whether the user may open the period's dashboard (results before publication).
            may_view_results=Exists(
                AssessmentPeriod.objects.filter(pk=OuterRef("pk"), organiser_id__in=results_of)
            )
            if results_of
            else Value(False),
        )
        .order_by("-year", "organiser__name")
    )


def own_unit_assessments(user) -> QuerySet[Assessment]:
    """Assessments of the units the user self-assesses (unit staff), once their period is
    open."""
    return (
        Assessment.objects.filter(unit__in=units_for(user, Permission.EDIT_SELF_ASSESSMENT))
        .exclude(period__status=PeriodStatus.SETUP)
        .select_related("unit", "period")
        .annotate(published=Exists(Publication.objects.filter(period=OuterRef("period"))))
        .order_by("-period__year", "unit__name")
    )
