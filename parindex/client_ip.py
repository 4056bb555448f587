"""The address a request came from, as the lockout counts it."""

from django.conf import settings


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
    return forwarded[-count]
