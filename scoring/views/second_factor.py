"""The second factor in the browser: set up an authenticator app (a QR code and the secret
to type), type its code after the password, and the system admin's reset for a lost phone.
Who must is units.second_factor's; the writes are scoring.services.second_factor's."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login

from scoring.services.second_factor import (
    second_factor_reset,
    totp_check,
    totp_device_confirm,
    totp_device_pending,
    totp_secret_text,
)
from units.access import roles_of
from units.models import User
from units.roles import Role
from units.second_factor import confirmed_device

from ..forms_accounts import AccountActiveForm, TotpTokenForm
from .common import REFUSALS, add_errors


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Scan the code (or type the secret), then type the first code the app shows."""
    if confirmed_device(request.user) is not None and not request.user.is_verified():
        return redirect(reverse("scoring:second_factor_verify") + "?" + request.GET.urlencode())
    device = totp_device_pending(user=request.user)
    form = TotpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp_device_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            otp_login(request, device)
            messages.success(request, _("The authenticator app is set up."))
            return redirect(_next(request))
    return render(
        request,
        "registration/second_factor_setup.html",
        {"form": form, "secret": totp_secret_text(device), "next": _next(request)},
    )


@never_cache
@login_required
@require_GET
def qr(request):
    """The set-up QR code as SVG (an image of the portal's own, as the CSP allows)."""
    device = totp_device_pending(user=request.user)
    # A whole SVG document (with its namespace): svg_inline() leaves the namespace out, which
    # HTML forgives inline but an <img> does not (the browser drew a broken image).
    svg = io.BytesIO()
    segno.make(device.config_url, error="m").save(svg, kind="svg", scale=5, xmldecl=False)
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    device = confirmed_device(request.user)
    if device is None:
        return redirect(reverse("scoring:second_factor_setup") + "?" + request.GET.urlencode())
    form = TotpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp_check(device=device, token=form.cleaned_data["token"])
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            otp_login(request, device)
            return redirect(_next(request))
    return render(
        request, "registration/second_factor_verify.html", {"form": form, "next": _next(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def reset(request, pk: int):
    """The system admin removes a person's authenticator (a lost phone), with a reason."""
    if Role.SYSTEM_ADMIN not in roles_of(request.user):
        raise PermissionDenied
    account = get_object_or_404(User, pk=pk)
    if confirmed_device(account) is None:
        raise Http404
    form = AccountActiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor_reset(user=account, reason=form.cleaned_data["reason"], by=request.user)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The authenticator of “%(username)s” is removed: a new one is set up at "
                    "the next log-in."
                )
                % {"username": account.username},
            )
            return redirect("scoring:setup_home")
    return render(
        request, "registration/second_factor_reset.html", {"account": account, "form": form}
    )
