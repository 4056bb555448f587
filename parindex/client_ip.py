"""Who a sign-in attempt came from, as the lockout (django-axes) counts and stores it."""

import ipaddress

from django.conf import settings

# django-axes' AccessAttempt.username column; Django's own usernames are at most 150.
STORED_USERNAME_MAX = 255


def client_ip(request) -> str:
    """REMOTE_ADDR, or — behind PARINDEX_PROXY_COUNT proxies that each append the address they
    saw to X-Forwarded-For — the entry the outermost trusted proxy wrote. Entries further left
    are whatever the client sent, so they are never believed."""
    count = settings.PARINDEX_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    trusted = forwarded[-count]
    # A proxy writes an address; anything else (a misconfigured chain passing the client's own
    # header on) is not one, and PostgreSQL's inet column would refuse it with a 500.
    try:
        return str(ipaddress.ip_address(trusted))
    except ValueError:
        return remote


def client_username(request, credentials=None) -> str:
    """The username the sign-in was tried with, cut to what the lockout's table holds: a longer
    one is no account's, but it is still counted as a failure instead of ending in a 500."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    source = credentials if credentials else getattr(request, "POST", {})
    return str(source.get(field) or "")[:STORED_USERNAME_MAX]
