"""What every page's navigation shows: the unread notifications, the council's queue, and the
inspections (Home Affairs, units visited)."""

from units.access import holds_anywhere
from units.roles import Permission

from .selectors.inspections import shows_inspections_link
from .services.notifications import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_count(user),
        "may_appraise_somewhere": holds_anywhere(user, Permission.APPRAISE),
        "may_set_up_somewhere": holds_anywhere(user, Permission.MANAGE_PERIOD),
        "shows_inspections": shows_inspections_link(user),
    }
