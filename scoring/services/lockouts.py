"""Home Affairs lets a locked-out account sign in again before the cool-off ends: the failed
attempts are forgotten (django-axes) and the unlock is audited (AuditAction.ACCOUNT, field
"lockout")."""

from axes.utils import reset
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from scoring.selectors.lockouts import lockout_of
from units.access import organisers_for, roles_of
from units.models import User
from units.roles import Permission, Role

from . import audit

LOCKOUT_FIELD = "lockout"


def lockouts_scope(by) -> dict:
    """The `organisers`/`everyone` arguments of the lockout selectors for this officer: an
    unlock is account management (Home Affairs of its organisers, the system admin: all)."""
    return {
        "organisers": organisers_for(by, Permission.MANAGE_ACCOUNTS),
        "everyone": Role.SYSTEM_ADMIN in roles_of(by),
    }


def account_unlock(*, user: User, by) -> int:
    """Forget the failed sign-ins of `user` (every address). Refused for an account of another
    organiser. Returns how many attempt records were removed."""
    locked = lockout_of(**lockouts_scope(by), pk=user.pk)
    if locked is None:
        raise PermissionDenied(_("This account is not locked, or it is not one of your units'."))
    with transaction.atomic():
        removed = reset(username=user.username)
        audit.record(
            audit.account_changed(
                actor=by,
                user=user,
                field=LOCKOUT_FIELD,
                old="locked",
                new="unlocked",
                reason=_("%(n)s failed sign-ins forgotten.") % {"n": locked.failures},
            )
        )
    return removed
