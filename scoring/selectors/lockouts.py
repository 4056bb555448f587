"""Reads for the locked-accounts page: whose sign-in django-axes refuses right now, narrowed
to the accounts of the organisers a Home Affairs officer manages (the system admin: all)."""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from units.models import User


@dataclass(frozen=True)
class Lockout:
    user: User
    failures: int
    last_attempt: datetime
    addresses: int  # how many addresses the failures came from


def accounts_of(*, organisers, everyone: bool = False):
    """The accounts of `organisers`: their units' staff and their own council and Home Affairs
    officers. `everyone` (the system admin) adds every account."""
    if everyone:
        return User.objects.all()
    return User.objects.filter(
        Q(role_grants__unit__organiser__in=organisers) | Q(role_grants__organiser__in=organisers)
    ).distinct()


def lockouts(*, organisers, everyone: bool = False) -> list[Lockout]:
    """Accounts refused at sign-in now: at least AXES_FAILURE_LIMIT failures from one address
    within the cool-off time, newest first."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    accounts = accounts_of(organisers=organisers, everyone=everyone)
    rows = (
        AccessAttempt.objects.filter(
            attempt_time__gte=since,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            username__in=accounts.values("username"),
        )
        .values("username")
        .annotate(
            failures=Max("failures_since_start"),
            last=Max("attempt_time"),
            addresses=Count("ip_address", distinct=True),
        )
    )
    users = {u.username: u for u in accounts.filter(username__in=[r["username"] for r in rows])}
    found = [
        Lockout(
            user=users[row["username"]],
            failures=row["failures"],
            last_attempt=row["last"],
            addresses=row["addresses"],
        )
        for row in rows
        if row["username"] in users
    ]
    return sorted(found, key=lambda lockout: lockout.last_attempt, reverse=True)


def lockout_of(*, organisers, everyone: bool = False, pk: int) -> Lockout | None:
    return next(
        (x for x in lockouts(organisers=organisers, everyone=everyone) if x.user.pk == pk), None
    )
