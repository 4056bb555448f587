"""Signed-in sessions end after a while without a request, and at the latest some hours after
signing in, whatever the activity (PARINDEX_SESSION_IDLE_MINUTES, PARINDEX_SESSION_HOURS)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .api_paths import is_api_path

STARTED = "parindex_session_started"
LAST_SEEN = "parindex_session_last_seen"


def now() -> float:
    """Epoch seconds (a function of its own so that tests move the clock)."""
    return time.time()


def session_started(sender, request, user, **kwargs):
    """user_logged_in: the clock starts at signing in (and the first page then writes nothing
    more to the session)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[STARTED] = session[LAST_SEEN] = now()


# The attribute a view sets when its answer is the same for everyone (reports.public_cache's
# public pages): nobody's session is read for it, so the public cache can keep it.
SAME_FOR_EVERYONE = "same_for_everyone"


def same_for_everyone(request, view_func) -> bool:
    """The public pages and the open-data API (/api/, public throughout): reading the session
    there would mark the answer `Vary: Cookie` and keep it out of the public cache, and a
    public answer needs no signed-in session checked."""
    return getattr(view_func, SAME_FOR_EVERYONE, False) or is_api_path(request.path)


class SessionExpiryMiddleware:
    """Stores when the session began and when it was last used (epoch seconds); a session past
    either limit is logged out and sent to the login page with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if same_for_everyone(request, view_func):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            current = now()
            session = request.session
            started = session.get(STARTED)
            last_seen = session.get(LAST_SEEN)
            idle_limit = settings.PARINDEX_SESSION_IDLE_MINUTES * 60
            age_limit = settings.PARINDEX_SESSION_HOURS * 3600
            if started is None:
                session[STARTED] = current
            elif current - started > age_limit or (
                last_seen is not None and current - last_seen > idle_limit
            ):
                logout(request)
                messages.warning(
                    request, _("Your session has expired. Please log in again to continue.")
                )
                login_url = resolve_url(settings.LOGIN_URL)
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
            # Written at most once a minute, so that every request does not save the session.
            if last_seen is None or current - last_seen > 60:
                session[LAST_SEEN] = current
        return None
