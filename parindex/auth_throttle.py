"""Limits on the account doors that a password alone does not guard: the "forgot password" form
(each POST may send a mail) and the change-password form (each POST tries an old password).

The mails are counted in Django's cache, per account mailed and per client address, in windows
of an hour that start at the first request; the cache must be shared by every worker (Redis in
production, checked in settings.prod), or each worker would count on its own. Wrong old
passwords are fed to django-axes as failed sign-ins, so they lock the account out exactly as
wrong passwords on the sign-in page do (PARINDEX_LOCKOUT_FAILURES, PARINDEX_LOCKOUT_MINUTES)."""

import hashlib
import logging

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache

from .client_ip import client_ip

logger = logging.getLogger(__name__)

RESET_WINDOW_SECONDS = 3600


def _counted(key: str, limit: int) -> bool:
    """Count one more in `key`'s window; True while the count is within `limit` (0: no limit)."""
    if limit <= 0:
        return True
    cache.add(key, 0, timeout=RESET_WINDOW_SECONDS)  # starts the window, never extends it
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=RESET_WINDOW_SECONDS)
        count = 1
    return count <= limit


def _key(kind: str, value: str) -> str:
    # Hashed: no address in the cache's keys, and any address fits a key.
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"parindex:password-reset:{kind}:{digest}"


def password_reset_request_allowed(*, request) -> bool:
    """Whether this client may ask for one more reset link, counting it: at most
    PARINDEX_PASSWORD_RESET_PER_IP requests an hour from one client address. The page answers
    the same either way, so that it tells nobody which addresses have an account."""
    ip = client_ip(request)
    if not _counted(_key("ip", ip), settings.PARINDEX_PASSWORD_RESET_PER_IP):
        logger.warning("Password reset refused: too many requests from %s", ip)
        return False
    return True


def password_reset_mail_allowed(*, user) -> bool:
    """Whether one more reset mail may go to `user`, counting it: at most
    PARINDEX_PASSWORD_RESET_PER_EMAIL mails an hour to one account. Counted per account, not
    per typed address: the database matches addresses without case by its own folding
    (PostgreSQL's UPPER makes a dotless "ı" an "I"), so spellings no Python folding joins reach
    the same mailbox."""
    if not _counted(_key("account", str(user.pk)), settings.PARINDEX_PASSWORD_RESET_PER_EMAIL):
        logger.warning("Password reset refused: too many mails to account %s", user.pk)
        return False
    return True


def _credentials(user) -> dict:
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    return {field: user.get_username()}


def old_password_locked_out(*, request, user) -> bool:
    """Whether `user` is locked out from this address (too many wrong passwords, at the sign-in
    page or in the change-password form); if so the session is logged out."""
    if not settings.AXES_ENABLED or not AxesProxyHandler.is_locked(request, _credentials(user)):
        return False
    logger.warning("Account %s locked out: its session is logged out", user.pk)
    logout(request)
    return True


def old_password_failed(*, request, user) -> bool:
    """Record a wrong old password as a failed sign-in of `user` (django-axes counts it, as it
    counts the sign-in page's); True, and the session logged out, once that locks it out."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return old_password_locked_out(request=request, user=user)
