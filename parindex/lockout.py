"""The page a locked-out sign-in gets (django-axes' AXES_LOCKOUT_CALLABLE)."""

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """429 with what happened, until when, and whom to call. The same page for the portal's
    sign-in and /admin/'s."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {
            "failures": settings.AXES_FAILURE_LIMIT,
            "minutes": minutes,
            "contact": settings.PARINDEX_ACCOUNTS_CONTACT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
