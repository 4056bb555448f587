"""What every page's navigation shows: the unread notifications, the council's queue, set-up,
the remediation tasks and the inspections (Home Affairs, units visited)."""

from units.access import holds_anywhere
from units.roles import Permission

from .selectors.inspections import shows_inspections_link
from .selectors.remediation_progress import has_unit_tasks
from .services.notifications import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_count(user),
        "may_appraise_somewhere": holds_anywhere(user, Permission.APPRAISE),
        "may_set_up_somewhere": holds_anywhere(user, Permission.MANAGE_PERIOD),
        "improvement_nav": _improvement_nav(user),
        "shows_inspections": shows_inspections_link(user),
    }


def _improvement_nav(user) -> str:
    """Where "Nhiệm vụ khắc phục" leads: Home Affairs' dashboard, or the unit's own tasks
    (only for staff whose unit owns a task of an issued plan); empty for everyone else."""
    if holds_anywhere(user, Permission.MANAGE_IMPROVEMENT):
        return "scoring:improvement_dashboard"
    if holds_anywhere(user, Permission.REPORT_TASK_PROGRESS) and has_unit_tasks(user):
        return "scoring:task_list"
    return ""
