"""What every page's navigation shows: the unread notifications, the council's queue, the
remediation plans."""

from units.access import holds_anywhere
from units.roles import Permission

from .access import plans_visible_to
from .services.notifications import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_count(user),
        "may_appraise_somewhere": holds_anywhere(user, Permission.APPRAISE),
        "may_set_up_somewhere": holds_anywhere(user, Permission.MANAGE_PERIOD),
        "may_see_plans": _may_see_plans(user),
    }


def _may_see_plans(user) -> bool:
    """Those who draft plans (Home Affairs, units' staff), and those who see an issued one
    (the council, the system admin): one query for the latter only."""
    if holds_anywhere(user, Permission.MANAGE_IMPROVEMENT) or holds_anywhere(
        user, Permission.DRAFT_UNIT_PLAN
    ):
        return True
    return plans_visible_to(user).exists()
