"""Who may read a report: whoever builds reports for its organiser, and whoever asked for it for
as long as they still work with that organiser's units (a report holds their data). A plan's
official document: whoever may read the plan (scoring.access.plan_visible_to)."""

from django.http import Http404

from scoring.access import manages_improvement, plan_visible_to
from units.access import acts_for, roles_of, units_for
from units.roles import Permission, Role

from .models import PERIOD_REPORT_KINDS, Report


def get_report_for_user(user, pk: int) -> Report:
    report = (
        Report.objects.select_related("period", "plan__period", "plan__unit").filter(pk=pk).first()
    )
    if report is None or not user.is_authenticated or not user.is_active:
        raise Http404
    if report.plan_id is not None:
        allowed = plan_visible_to(user, report.plan)
    elif report.period_id is None:
        allowed = report.requested_by_id == user.pk or Role.SYSTEM_ADMIN in roles_of(user)
    else:
        organiser_id = report.period.organiser_id
        builds = acts_for(user, Permission.BUILD_REPORTS, organiser_id)
        # A period's results report holds every unit's points and the council's reasons: only
        # those who build reports for the organiser now may read it, whoever asked once.
        asked = (
            report.kind not in PERIOD_REPORT_KINDS
            and report.requested_by_id == user.pk
            and units_for(user, Permission.VIEW_ASSESSMENT)
            .filter(organiser_id=organiser_id)
            .exists()
        )
        allowed = builds or asked
    if not allowed:
        raise Http404  # no hint that a report someone else asked for exists
    return report


def plan_documents_retryable_by(user, plan) -> bool:
    """A plan's document that failed is built again by Home Affairs of the plan's organiser."""
    return manages_improvement(user, plan.period.organiser_id)
