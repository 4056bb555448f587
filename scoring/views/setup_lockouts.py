"""Home Affairs (and the system admin) see which of their accounts are locked out after too
many wrong passwords and unlock them. The scope and the audit are scoring.services.lockouts'."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from scoring.access import get_setup_organisers_for_user
from scoring.selectors.lockouts import lockout_of, lockouts
from scoring.services.lockouts import account_unlock, lockouts_scope
from units.roles import Permission


@login_required
@require_GET
def lockouts_list(request):
    get_setup_organisers_for_user(request.user, Permission.MANAGE_ACCOUNTS)
    return render(
        request,
        "scoring/setup/lockouts.html",
        {
            "lockouts": lockouts(**lockouts_scope(request.user)),
            "failures": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lockout_unlock(request, pk: int):
    """GET asks for confirmation; POST unlocks. Another organiser's account, or one that is
    not locked, is a 404."""
    get_setup_organisers_for_user(request.user, Permission.MANAGE_ACCOUNTS)
    locked = lockout_of(**lockouts_scope(request.user), pk=pk)
    if locked is None:
        raise Http404
    if request.method == "POST":
        try:
            account_unlock(user=locked.user, by=request.user)
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(
            request,
            _("The account “%(username)s” is unlocked: it can log in again.")
            % {"username": locked.user.username},
        )
        return redirect("scoring:setup_lockouts")
    return render(request, "scoring/setup/lockout_unlock.html", {"lockout": locked})
