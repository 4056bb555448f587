"""A server-side cache of whole public answers: the portal's public pages and the open-data API
read frozen publications only, so an answer stays right until something public changes.

`public_cached` keeps a view's 200 answers to GET and HEAD in Django's cache (Redis in
production, see README "Configuration"), under the path, the query string with its parameters
in a fixed order, and the **public generation**: one number that every change to public data
moves on (a publication saved, a period saved or moved to another status, a published
document ready, the organiser saved, a unit's predecessors changed: `connect_invalidation`,
called by reports.apps). An old generation's entries are never read again and expire.

An answer is kept only when it is the same for everyone who asks: not when the view set a
cookie, used a CSRF token, wrote to the session, varies on a request header, or — for a
visitor who carries a session — touched the session (which is what reading `request.user`
does). Visitors without a session share one set of entries; visitors with one share another,
filled only by answers that never looked at who they are.

This module imports no model: reports.apps imports it before the models are loaded, so the
receivers name their senders as "app_label.Model" strings.
"""

import functools
import hashlib
import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language

from parindex.session_expiry import SAME_FOR_EVERYONE
from scoring.signals import period_moved

logger = logging.getLogger(__name__)

GENERATION_KEY = "public:generation"
ENTRY_PREFIX = "public:answer"
CACHE_STATUS_HEADER = "X-Public-Cache"
# Headers of the view's answer that are kept with its body; the rest (Date, Content-Length,
# hop-by-hop headers) are made again, and the middleware adds its own around the cached answer.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Disposition",
    "Cache-Control",
    "ETag",
    "Last-Modified",
    "Expires",
    "Link",
    "Access-Control-Allow-Origin",
    "X-Robots-Tag",
)
# Vary on these changes nothing here: one language, and the body is stored uncompressed.
HARMLESS_VARY = {"accept-language", "accept-encoding"}
# Statuses of a Report row; the models cannot be imported here (see the module's docstring).
REPORT_PENDING = ("queued", "running")  # reports.models.ReportStatus, by value
REPORT_READY = "done"


# ---------------------------------------------------------------- the generation


def public_generation() -> int:
    """The current generation. A missing one (never set, evicted, the cache flushed) starts at
    the clock in nanoseconds, so it can never come back to a number older entries were kept
    under."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY, generation)
    return generation


def public_generation_bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: the next reader starts one from the clock
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def public_data_changed() -> None:
    """Call when something public changes: at once (the same transaction reads its own
    writes), and again after the commit — an answer kept by a reader that started before the
    commit read the old data and must not outlive it."""
    try:
        public_generation_bump()
    except Exception:  # a cache that does not answer has nothing fresh to keep either
        logger.warning("The public cache could not be told of a change.", exc_info=True)
    transaction.on_commit(_bump_quietly)


def _bump_quietly() -> None:
    try:
        public_generation_bump()
    except Exception:
        logger.warning("The public cache could not be told of a change.", exc_info=True)


# ---------------------------------------------------------------- what public data is


def _publication_saved(sender, **kwargs):
    public_data_changed()


def _period_saved(sender, **kwargs):
    public_data_changed()


def _period_moved(sender, **kwargs):
    public_data_changed()


def _document_saved(sender, instance, **kwargs):
    """A publication renders one scorecard per unit: hundreds of documents become ready one by
    one. The public pages learn of a period-wide document at once, of the scorecards when the
    last one is done — not once per scorecard, which would empty the cache hundreds of times."""
    if not instance.publication_id or instance.status != REPORT_READY:
        return
    if "unit_id" not in (instance.params or {}):
        public_data_changed()
        return
    pending = sender.objects.filter(
        publication_id=instance.publication_id, status__in=REPORT_PENDING, params__has_key="unit_id"
    ).exclude(pk=instance.pk)
    if not pending.exists():
        public_data_changed()


def _document_deleted(sender, instance, **kwargs):
    if instance.publication_id:
        public_data_changed()


def _organiser_saved(sender, **kwargs):
    public_data_changed()


def _lineage_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        public_data_changed()


def connect_invalidation() -> None:
    """Connect the receivers that move the generation on (reports.apps.ready)."""
    post_save.connect(_publication_saved, sender="scoring.Publication", dispatch_uid="pc-pub")
    post_save.connect(_period_saved, sender="scoring.AssessmentPeriod", dispatch_uid="pc-period")
    # A status moves by a queryset update, which post_save never sees: the door says so.
    period_moved.connect(_period_moved, dispatch_uid="pc-period-moved")
    post_save.connect(_document_saved, sender="reports.Report", dispatch_uid="pc-doc")
    post_delete.connect(_document_deleted, sender="reports.Report", dispatch_uid="pc-doc-del")
    post_save.connect(_organiser_saved, sender="units.Organiser", dispatch_uid="pc-org")
    # History across mergers follows the predecessors (reports.published.unit_history).
    m2m_changed.connect(_lineage_changed, sender="units.Unit_predecessors", dispatch_uid="pc-m2m")


# ---------------------------------------------------------------- keys


def normalised_query(request) -> str:
    """The query string with its parameters sorted by name; the values of one name keep their
    order (`?sort=a&sort=b` reads differently from `?sort=b&sort=a`)."""
    return urlencode(sorted(request.GET.lists(), key=lambda pair: pair[0]), doseq=True)


def _bypassed(request) -> bool:
    """A visitor with messages waiting must see them: their pages are never served from the
    cache (and those that show the messages are never kept)."""
    return getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in request.COOKIES


def _audience(request) -> str:
    return "session" if settings.SESSION_COOKIE_NAME in request.COOKIES else "anonymous"


def entry_key(request, generation: int) -> str:
    """A key of bounded length, whatever the length of the URL."""
    address = "\n".join(
        (
            request.get_host(),
            get_language() or "",
            _audience(request),
            request.path,
            normalised_query(request),
        )
    )
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{ENTRY_PREFIX}:{generation}:{digest}"


# ---------------------------------------------------------------- storing and serving


def _same_for_everyone(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds this visitor's token
        return False
    vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}
    if vary - HARMLESS_VARY:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control:
        return False
    session = getattr(request, "session", None)
    if session is not None:
        if session.modified:
            return False
        # A visitor with a session: reading it (request.user, messages) may have shaped the
        # answer. Without one, the session read is empty for every anonymous visitor alike.
        if _audience(request) == "session" and session.accessed:
            return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and messages.used)


def _entry(response) -> dict:
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    if "ETag" not in headers:
        headers["ETag"] = quote_etag(
            hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        )
    return {"status": response.status_code, "content": response.content, "headers": headers}


def _conditional(request, response, status: str) -> HttpResponse:
    """304 Not Modified for a client that holds this ETag (or a newer Last-Modified)."""
    last_modified = parse_http_date_safe(response.get("Last-Modified", "")) or None
    answer = get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )
    answer[CACHE_STATUS_HEADER] = status
    return answer


def _answer(request, entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"].items():
        response[name] = value
    return _conditional(request, response, "hit")


def _safely(action, default=None):
    try:
        return action()
    except Exception:  # Redis away: answer from the database, as without a cache
        logger.warning("The public cache does not answer.", exc_info=True)
        return default


def public_cached(view):
    """Keep `view`'s answers to GET and HEAD that are the same for everyone (module docstring).
    `PARINDEX_PUBLIC_CACHE_SECONDS = 0` turns it off."""

    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        seconds = settings.PARINDEX_PUBLIC_CACHE_SECONDS
        if request.method not in {"GET", "HEAD"} or seconds <= 0 or _bypassed(request):
            return view(request, *args, **kwargs)
        # The generation is read before the view reads the data: an answer kept under it was
        # computed from data at least as new as the generation.
        generation = _safely(public_generation)
        if generation is None:
            return view(request, *args, **kwargs)
        key = entry_key(request, generation)
        entry = _safely(lambda: cache.get(key))
        if entry is not None:
            return _answer(request, entry)
        response = view(request, *args, **kwargs)
        if _same_for_everyone(request, response):
            stored = _entry(response)
            _safely(lambda: cache.set(key, stored, timeout=seconds))
            response["ETag"] = stored["headers"]["ETag"]
            return _conditional(request, response, "miss")
        return response

    setattr(cached_view, SAME_FOR_EVERYONE, True)  # no session checks before it (parindex)
    return cached_view
