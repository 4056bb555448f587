"""What every page's navigation shows: the unread notifications, the council's queue, set-up,
the remediation plans and tasks, and the inspections (Home Affairs, units visited)."""

from units.access import holds_anywhere
from units.roles import Permission

from .access import plans_visible_to
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
        "may_manage_accounts": holds_anywhere(user, Permission.MANAGE_ACCOUNTS),
        "improvement_nav": _improvement_nav(user),
        "shows_inspections": shows_inspections_link(user),
        "may_see_plans": _may_see_plans(user),
    }


def _improvement_nav(user) -> str:
    """Where "Nhiệm vụ khắc phục" leads: Home Affairs' dashboard, or the unit's own tasks
    (only for staff whose unit owns a task of an issued plan); empty for everyone else."""
    if holds_anywhere(user, Permission.MANAGE_IMPROVEMENT):
        return "scoring:improvement_dashboard"
    if holds_anywhere(user, Permission.REPORT_TASK_PROGRESS) and has_unit_tasks(user):
        return "scoring:task_list"
    return ""


def _may_see_plans(user) -> bool:
    """Those who draft plans (Home Affairs, units' staff), and those who see an issued one
    (the council, the system admin): one query for the latter only."""
    if holds_anywhere(user, Permission.MANAGE_IMPROVEMENT) or holds_anywhere(
        user, Permission.DRAFT_UNIT_PLAN
    ):
        return True
    return plans_visible_to(user).exists()
