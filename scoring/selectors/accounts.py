"""Reads for the staff accounts pages: the unit-staff accounts of the organisers a Home Affairs
officer works for, filtered, with their units, and whether their password link went out (the
link's fate is recorded in the audit log by scoring.services.accounts, so no column holds it)."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from scoring.models import AuditAction, AuditEntry
from units.models import RoleGrant, Unit, User
from units.roles import Role

LINK_FIELD = "password_link"


class LinkState:
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


def staff_accounts(
    *,
    organisers,
    unit: Unit | None = None,
    active: bool | None = None,
    never_logged_in: bool = False,
) -> QuerySet[User]:
    """Unit-staff accounts of units of `organisers`, by name, each with its staff grants
    (`staff_grants_here`) of those units."""
    grants = RoleGrant.objects.filter(role=Role.UNIT_STAFF, unit__organiser__in=organisers)
    if unit is not None:
        grants = grants.filter(unit=unit)
    users = User.objects.filter(pk__in=grants.values("user_id"))
    if active is not None:
        users = users.filter(is_active=active)
    if never_logged_in:
        users = users.filter(last_login__isnull=True)
    here = RoleGrant.objects.filter(
        role=Role.UNIT_STAFF, unit__organiser__in=organisers
    ).select_related("unit")
    return users.order_by("full_name", "username").prefetch_related(
        Prefetch("role_grants", queryset=here, to_attr="staff_grants_here")
    )


def staff_account(*, organisers, pk) -> User | None:
    """One unit-staff account of the organisers' units, or None."""
    return staff_accounts(organisers=organisers).filter(pk=pk).first()


@dataclass(frozen=True)
class LinkStatus:
    state: str
    at: object  # datetime of the last event


def link_states(user_ids) -> dict[int, LinkStatus]:
    """The last password-link event of each account (none: never invited from the portal)."""
    content_type = ContentType.objects.get_for_model(User)
    rows = (
        AuditEntry.objects.filter(
            content_type=content_type,
            object_id__in=[str(pk) for pk in user_ids],
            action=AuditAction.ACCOUNT,
            field=LINK_FIELD,
        )
        .order_by("id")
        .values_list("object_id", "new_value", "created_at")
    )
    return {int(pk): LinkStatus(state, at) for pk, state, at in rows}


def account_counts(*, organisers) -> dict[str, int]:
    """For the set-up home: active accounts, and how many of them never logged in."""
    active = staff_accounts(organisers=organisers, active=True)
    return {
        "active": active.count(),
        "never_logged_in": active.filter(last_login__isnull=True).count(),
        "inactive": staff_accounts(organisers=organisers, active=False).count(),
    }


def organiser_units(*, organisers) -> QuerySet[Unit]:
    """The units accounts may be made for: those not ended this year (a unit that starts next
    year included)."""
    return (
        Unit.objects.filter(Unit.not_ended_in(timezone.localdate().year), organiser__in=organisers)
        .select_related("kind", "organiser")
        .order_by("kind__position", "code")
    )
