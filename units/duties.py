"""Separation of duties: who may not hold a role, or use one, because of another they hold.

A province's council judges units against each other (the ranking is relative), so:

- a unit's staff are not appointed to the council (appraiser or chair) of the organiser that
  assesses their unit: an appraiser of one area reviews every unit, their own unit's
  competitors included;
- Home Affairs, who sets up the council, reopens self-assessments and publishes, is not a
  member of the council it checks (appraiser or chair), and the chair is not also an appraiser
  (already: one council role per person and organiser);
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


def appointment_conflict(*, user, organiser: Organiser, by=None) -> str | None:
    """Why `user` may not be appointed to `organiser`'s council; None if they may."""
    if by is not None and user.pk == by.pk:
        return _("You cannot appoint yourself to the council you set up.")
    grants = RoleGrant.objects.filter(user=user)
    staff_of = (
        grants.filter(role=Role.UNIT_STAFF, unit__organiser=organiser)
        .select_related("unit")
        .first()
    )
    if staff_of is not None:
        return _(
            "%(name)s is staff of %(unit)s, which this council appraises: a unit's staff "
            "are not members of the council that judges it and its competitors."
        ) % {"name": user.get_full_name(), "unit": staff_of.unit.name}
    if grants.filter(role=Role.HOME_AFFAIRS, organiser=organiser).exists():
        return _(
            "%(name)s is a Home Affairs officer of this organiser, who sets up the council and "
            "publishes its results: they are not also a member of it."
        ) % {"name": user.get_full_name()}
    return None
