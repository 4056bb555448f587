"""Who must confirm a code from an authenticator app after their password (TOTP, django-otp),
and the middleware that sends them to do so before any other page.

PARINDEX_OTP_REQUIRED_FOR_ROLES names the roles (council_chair, home_affairs, …). A person
who holds one of them and has no confirmed device is sent to set one up; one who has is sent
to type the current code. Until then only those pages, logging out and static files answer."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from parindex.session_expiry import same_for_everyone

from .access import roles_of
from .roles import Role


def required_roles() -> set[Role]:
    return {Role(name) for name in settings.PARINDEX_OTP_REQUIRED_FOR_ROLES if name}


def second_factor_required(user) -> bool:
    """Whether `user` must confirm a TOTP code after the password."""
    required = required_roles()
    return bool(required) and bool(roles_of(user) & required)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


# Pages a signed-in person reaches before the code: the second factor's own, logging out.
OPEN_URL_NAMES = (
    "scoring:second_factor_setup",
    "scoring:second_factor_verify",
    "scoring:second_factor_qr",
    "logout",
)


def _is_open(request) -> bool:
    """Whether the resolved page is one of OPEN_URL_NAMES (process_view runs after resolving)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in OPEN_URL_NAMES


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            not same_for_everyone(request, view_func)  # public: the same for anyone anyway
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and second_factor_required(user)
            and not request.path.startswith(settings.STATIC_URL)
            and not _is_open(request)
        ):
            target = (
                "scoring:second_factor_verify"
                if confirmed_device(user)
                else "scoring:second_factor_setup"
            )
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return None
