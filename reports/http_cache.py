"""HTTP caching of what the public reads: a strong ETag derived from the publication versions an
answer depends on, `Cache-Control: public, max-age=…`, and 304 Not Modified for a client (or a
proxy) that already holds the answer. The open-data API and the public pages share it.

Publications never change once written (scoring.models.AppendOnlyModel), so the same URL read
against the same publications gives the same bytes: that is what makes the ETag strong. A new
version (a republication) or another period made public changes the publications an answer
depends on, and so its ETag. No cache store lives here: this only tells clients what they may
keep."""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

# Bump when the same URL answers differently for the same publications (a field added, a fix):
# a client's stored copy must not pass for the new answer.
REVISION = "open-data-1"


def publication_key(publication) -> tuple:
    """What identifies a publication's content for ever: its period and version."""
    return ("publication", publication.period_id, publication.version)


def period_key(period, version: int) -> tuple:
    """A public period as an answer shows it: the version read, and the period's own live
    fields (its name and its organiser's, which set-up may still correct)."""
    return (
        "period",
        period.pk,
        version,
        period.year,
        period.name,
        period.organiser.code,
        period.organiser.name,
    )


def public_etag(request: HttpRequest, *parts) -> str:
    """A strong ETag for the answer to this request: the code's revision, the absolute URL
    (host, path and query: the links inside an answer are absolute) and the parts the answer
    depends on — `publication_key`, `period_key` or anything else with a stable repr."""
    digest = hashlib.sha256()
    for part in (REVISION, request.build_absolute_uri(), *parts):
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return f'"{digest.hexdigest()[:40]}"'


def not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    """304 (with the cache headers) when the request's If-None-Match already names `etag`;
    None when the answer must be built."""
    response = get_conditional_response(request, etag=etag)
    if response is None:
        return None
    return mark_public(response, etag)


def mark_public(response: HttpResponse, etag: str, *, max_age: int | None = None) -> HttpResponse:
    """The headers that let browsers and shared caches keep a public answer for `max_age`
    seconds (settings.PARINDEX_PUBLIC_MAX_AGE by default), then revalidate it by ETag."""
    response.headers["ETag"] = etag
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PARINDEX_PUBLIC_MAX_AGE if max_age is None else max_age,
    )
    return response
