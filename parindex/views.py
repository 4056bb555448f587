"""Project-level pages that belong to no app: the health check, the change-password page."""

from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpResponse

from .auth_throttle import old_password_failed, old_password_locked_out
from .lockout import lockout_response


def healthz(request):
    """For the load balancer and docker-compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change-password page, where a wrong old password counts as a failed sign-in:
    at the lockout limit the session ends and the account is locked out as at the sign-in
    page, so a left-open session cannot be used to guess the password."""

    def post(self, request, *args, **kwargs):
        if old_password_locked_out(request=request, user=request.user):
            return lockout_response(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect") and old_password_failed(
            request=self.request, user=form.user
        ):
            return lockout_response(self.request)
        return super().form_invalid(form)
