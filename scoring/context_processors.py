"""What every page's navigation shows: the unread notifications and the council's queue."""

from units.access import scopes_of
from units.roles import ROLE_PERMISSIONS, Permission

from .services.notifications import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_count(user),
        # Scopes are cached on the user for the request: no query beyond the first check.
        "may_appraise_somewhere": any(
            Permission.APPRAISE in ROLE_PERMISSIONS[scope.role] for scope in scopes_of(user)
        ),
    }
