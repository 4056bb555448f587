"""Home Affairs sets up the appraisal council from a period's page: members, their areas and
units, the chair. Memberships belong to the organiser (see scoring.services.council)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parindex.parsing import parse_id
from scoring.selectors.council import council_for_period, council_grant, unit_groups
from scoring.services.council import (
    NewAccount,
    council_member_add,
    council_member_remove,
    council_member_save,
)
from units.roles import Permission

from ..access import get_period_for_user
from ..forms_council import CouncilMemberForm
from .common import REFUSALS, add_errors


def _members_url(period, anchor="members") -> str:
    return f"{reverse('scoring:council_members', args=[period.pk])}#{anchor}"


def _editing(request, period):
    """The membership being edited (?edit= on the page, `grant` in the post), or None."""
    pk = request.POST.get("grant") if request.method == "POST" else request.GET.get("edit")
    if not pk:
        return None
    grant = council_grant(period.organiser, pk)
    if grant is None:
        raise Http404
    return grant


@login_required
@require_http_methods(["GET", "POST"])
def council_members_view(request, pk: int):
    period = get_period_for_user(request.user, pk, Permission.MANAGE_PERIOD)
    editing = _editing(request, period)
    council = council_for_period(period)
    selected = {unit.pk for unit in editing.scoped_units.all()} if editing else set()
    if request.method == "POST":
        selected = {parse_id(v) for v in request.POST.getlist("units")} - {None}
    groups = unit_groups(period.organiser, period.year, selected)
    form = CouncilMemberForm(
        request.POST or None,
        areas=council.areas,
        units=[unit for group in groups for unit in group.units],
        editing=editing,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = {
            "period": period,
            "role": data["role"],
            "area_codes": data["area_codes"],
            "units": data["units"],
            "by": request.user,
        }
        try:
            if editing:
                grant = council_member_save(user=editing.user, grant=editing, **scope)
                created = False
            else:
                new_account = None
                if data["user"] is None:
                    new_account = NewAccount(
                        full_name=data["new_full_name"],
                        email=data["new_email"],
                        username=data["new_username"],
                    )
                grant, created = council_member_add(
                    user=data["user"], new_account=new_account, **scope
                )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            name = grant.user.get_full_name()
            if editing:
                messages.success(
                    request, _("The membership of %(name)s is saved.") % {"name": name}
                )
            else:
                messages.success(request, _("%(name)s is added to the council.") % {"name": name})
            if created:
                messages.warning(
                    request,
                    _(
                        "The account “%(username)s” is sent a link by e-mail to set its own "
                        "password."
                    )
                    % {"username": grant.user.username},
                )
            return redirect(_members_url(period, f"member-{grant.pk}"))
    return render(
        request,
        "scoring/council/members.html",
        {
            "period": period,
            "council": council,
            "form": form,
            "editing": editing,
            "unit_groups": groups,
            "selected_units": form.selected_unit_ids,
            "unit_count": sum(len(group.units) for group in groups),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def council_member_remove_view(request, pk: int, grant_pk: int):
    """GET asks for confirmation (no JavaScript needed), POST removes."""
    period = get_period_for_user(request.user, pk, Permission.MANAGE_PERIOD)
    grant = council_grant(period.organiser, grant_pk)
    if grant is None:
        raise Http404
    if request.method == "POST":
        try:
            council_member_remove(period=period, grant=grant, by=request.user)
        except REFUSALS as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s is no longer in the council.") % {"name": grant.user.get_full_name()},
            )
        return redirect(_members_url(period))
    return render(request, "scoring/council/remove.html", {"period": period, "grant": grant})
