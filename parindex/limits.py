"""Limits on what a request may send and on how private answers may be kept.

RequestBodyLimit comes first in MIDDLEWARE: it answers 413 from the declared Content-Length
before anything (CSRF, sessions, a view) reads the body, so a 300 MB post costs nothing. Under
WSGI, Django reads a body only up to its Content-Length (LimitedStream), so a chunked body
without one is never read; it gets 411 rather than a silently empty form.

PrivateNoStore marks every answer to a signed-in user `Cache-Control: private, no-store` unless
the view set its own caching (the public portal's ETag and max-age, reports.http_cache) or never
looked at the user: draft PDFs, workbooks and dashboards stay out of shared caches and the
browser's disk."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.functional import empty
from django.utils.translation import gettext as _

from .api_paths import is_api_path
from .sizes import megabytes_text


def request_max_bytes() -> int:
    return settings.PARINDEX_REQUEST_MAX_MB * 1024 * 1024


def _refusal(request, status: int, message: str) -> HttpResponse:
    if is_api_path(request.path) or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message, "errors": []}, status=status)
    else:
        response = HttpResponse(
            render_to_string("request_too_large.html", {"message": message}), status=status
        )
    # No `Connection: close` here: WSGI leaves hop-by-hop headers to the server, which closes a
    # connection whose body was not read (gunicorn's sync workers close every one).
    return response


class RequestBodyLimit:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared:
            if request.META.get("HTTP_TRANSFER_ENCODING"):
                return _refusal(
                    request,
                    411,
                    _("The upload did not say its size. Try again from the portal's own form."),
                )
            return self.get_response(request)
        try:
            size = int(declared)
        except ValueError:
            size = -1
        if size < 0:
            return _refusal(request, 400, _("The request's declared size is not a number."))
        if size > request_max_bytes():
            return _refusal(
                request,
                413,
                _(
                    "What you sent is %(size)s MB; one upload may carry at most %(max)s MB "
                    "together. Send large files one at a time."
                )
                % {
                    "size": megabytes_text(size),
                    "max": number_format(settings.PARINDEX_REQUEST_MAX_MB, force_grouping=True),
                },
            )
        return self.get_response(request)


class PrivateNoStore:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and _signed_in_user_seen(request):
            response["Cache-Control"] = "private, no-store"
        return response


def _signed_in_user_seen(request) -> bool:
    """The view looked at a signed-in user. An answer that never looked at the user (the public
    pages, shared by everyone from reports.public_cache) is left alone: asking now would read
    the session and add `Vary: Cookie` to an answer that is the same for all."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return False
    return user.is_authenticated
