"""Separation of duties: who may not hold a role, or use one, because of another they hold.

A province's council judges units against each other (the ranking is relative), so:

- a unit's staff are not appointed to the council (appraiser or chair) of the organiser that
  assesses their unit: an appraiser of one area reviews every unit, their own unit's
  competitors included;
- Home Affairs, who sets up the council, reopens self-assessments and publishes, is not a
  member of the council it checks (appraiser or chair), and the chair is not also an appraiser
  (already: one council role per person and organiser);
- both ways, at every door that grants a role (the council page, Home Affairs' accounts
  pages and import, the admin): an appraiser or chair is not given a unit of the organiser
  they judge, and the system administrator, who keeps the accounts, holds no council role;
- defence in depth, for roles granted later or outside the council page (the admin, an
  import): nobody appraises, finalises, reopens or publishes a unit they are staff of, and
  nobody publishes results their own council role helped decide.

The rules read the user's role scopes (units.access) or the grants; the refusal messages are
written here, once, for every door that applies them."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from .models import Organiser, RoleGrant, Unit
from .roles import COUNCIL_ROLES, JUDGING_PERMISSIONS, Permission, Role


def staff_unit_ids(scopes: Iterable) -> frozenset[int]:
    """The units the holder of `scopes` is staff of."""
    return frozenset(s.unit_id for s in scopes if s.role == Role.UNIT_STAFF and s.unit_id)


def judges_own_unit(scopes: Iterable, permission: Permission, unit_id: int) -> bool:
    """Whether using `permission` on this unit would be judging one's own unit."""
    return permission in JUDGING_PERMISSIONS and unit_id in staff_unit_ids(scopes)


def publishing_conflict(scopes: Iterable, organiser_id: int) -> str | None:
    """Why the holder of `scopes` may not publish this organiser's results; None if they may.
    A publication covers every unit of the organiser at once."""
    scopes = list(scopes)
    if any(s.role == Role.UNIT_STAFF and s.staff_organiser_id == organiser_id for s in scopes):
        return _(
            "You are staff of a unit assessed in this period: the results are published by "
            "a Home Affairs officer who is not."
        )
    if any(s.role in COUNCIL_ROLES and s.organiser_id == organiser_id for s in scopes):
        return _(
            "You are a member of this organiser's appraisal council: the results it decided "
            "are published by a Home Affairs officer who is not in it."
        )
    return None


def own_unit_message(unit: Unit) -> str:
    return _(
        "You are staff of %(unit)s: its self-assessment is judged by others, never by its "
        "own staff."
    ) % {"unit": unit.name}


def _organiser_of(grant) -> int | None:
    """The organiser a grant is tied to: its own, or its unit's for unit staff."""
    if grant.role == Role.UNIT_STAFF:
        return grant.unit.organiser_id if grant.unit_id else None
    return grant.organiser_id


def holding_conflict(*, user, grants: Iterable[RoleGrant]) -> str | None:
    """Why `user` may not hold all of `grants` (saved or not) together; None if they may.
    A council role (appraiser, chair) of an organiser does not go with the staff of one of its
    units, with Home Affairs of it, or with the system administrator's account — whichever of
    the two was granted first. Every door that grants a role asks this."""
    grants = list(grants)
    council = [g for g in grants if g.role in COUNCIL_ROLES]
    if not council:
        return None
    name = user.get_full_name()
    if user.is_superuser:
        return _(
            "%(name)s is the system administrator, who keeps the accounts: the system "
            "administrator is not a member of an appraisal council."
        ) % {"name": name}
    council_of = {g.organiser_id for g in council}
    for grant in grants:
        if _organiser_of(grant) not in council_of:
            continue
        if grant.role == Role.UNIT_STAFF:
            return _(
                "%(name)s is staff of %(unit)s, which this council appraises: a unit's staff "
                "are not members of the council that judges it and its competitors."
            ) % {"name": name, "unit": grant.unit.name}
        if grant.role == Role.HOME_AFFAIRS:
            return _(
                "%(name)s is a Home Affairs officer of this organiser, who sets up the council "
                "and publishes its results: they are not also a member of it."
            ) % {"name": name}
    return None


def grant_conflict(*, user, grant: RoleGrant) -> str | None:
    """Why `user` may not be given `grant` on top of the grants they hold; None if they may."""
    held = RoleGrant.objects.filter(user=user).exclude(pk=grant.pk).select_related("unit")
    return holding_conflict(user=user, grants=[grant, *held])


def appointment_conflict(*, user, organiser: Organiser, by=None) -> str | None:
    """Why `user` may not be appointed to `organiser`'s council; None if they may."""
    if by is not None and user.pk == by.pk:
        return _("You cannot appoint yourself to the council you set up.")
    return grant_conflict(user=user, grant=RoleGrant(role=Role.APPRAISER, organiser=organiser))
