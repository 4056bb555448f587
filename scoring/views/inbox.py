"""Each user's inbox: the notifications sent to them, newest first, and marking them read.
Opening one from here marks it read and goes to its page (local paths only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from parindex.parsing import parse_id

from ..models import Notification
from ..services.notifications import inbox, notifications_mark_read, unread_count
from .common import wants_json

PER_PAGE = 20


def _local_path(request, link: str) -> str | None:
    """The link if it is a path on this site; anything else (another host, a scheme) is not
    followed, so a notification can never become an open redirect."""
    if not link.startswith("/") or link.startswith("//"):
        return None
    if not url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return None
    return link


@login_required
@require_GET
def inbox_view(request):
    opened = request.GET.get("open", "")
    if parse_id(opened):
        notification = Notification.objects.filter(
            pk=parse_id(opened), recipient=request.user
        ).first()
        if notification is not None:
            notifications_mark_read(user=request.user, ids=[notification.pk])
            target = _local_path(request, notification.link)
            if target:
                return redirect(target)
        return redirect("scoring:inbox")
    page = Paginator(inbox(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/inbox/inbox.html",
        {"page": page},  # the unread count comes with every page (context processor)
    )


@login_required
@require_POST
def inbox_read_view(request):
    """Mark the posted notifications read (`ids`), or all of them (`all`)."""
    if request.POST.get("all"):
        ids = None
    else:
        ids = [parse_id(value) for value in request.POST.getlist("ids") if parse_id(value)]
    marked = notifications_mark_read(user=request.user, ids=ids) if ids != [] else 0
    if wants_json(request):
        return JsonResponse({"ok": True, "marked": marked, "unread": unread_count(request.user)})
    if ids is None and marked:
        messages.success(
            request,
            ngettext(
                "%(n)s notification marked as read.",
                "%(n)s notifications marked as read.",
                marked,
            )
            % {"n": marked},
        )
    page = request.POST.get("page", "")
    url = reverse("scoring:inbox")
    return redirect(f"{url}?page={page}" if parse_id(page) else url)
