"""Who may do what to which unit. Every view and selector narrows its data through here."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .duties import judges_own_unit, own_unit_message, publishing_conflict, staff_unit_ids
from .models import Organiser, RoleGrant, Unit
from .roles import AREA_SCOPED_PERMISSIONS, JUDGING_PERMISSIONS, ROLE_PERMISSIONS, Permission, Role

_CACHE_ATTR = "_parindex_scopes"


@dataclass(frozen=True)
class Scope:
    """What one role grant covers, resolved once per request."""

    role: Role
    unit_id: int | None = None
    organiser_id: int | None = None
    area_codes: frozenset[str] = frozenset()  # empty: every area
    unit_ids: frozenset[int] = frozenset()  # empty: every unit of the organiser
    everything: bool = False  # the system admin
    staff_organiser_id: int | None = None  # unit staff: the organiser assessing their unit

    def covers_unit(self, unit: Unit) -> bool:
        if self.everything:
            return True
        if self.role == Role.UNIT_STAFF:
            return unit.pk == self.unit_id
        if unit.organiser_id != self.organiser_id:
            return False
        return not self.unit_ids or unit.pk in self.unit_ids

    def covers_area(self, area_code: str | None, permission: Permission) -> bool:
        if not self.area_codes:
            return True
        if area_code is None:
            return permission not in AREA_SCOPED_PERMISSIONS
        return area_code in self.area_codes

    def unit_filter(self) -> Q:
        if self.everything:
            return Q()
        if self.role == Role.UNIT_STAFF:
            return Q(pk=self.unit_id)
        condition = Q(organiser_id=self.organiser_id)
        if self.unit_ids:
            condition &= Q(pk__in=self.unit_ids)
        return condition


def scopes_of(user) -> list[Scope]:
    """The user's role scopes; cached on the user object for the length of a request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scopes = [Scope(role=Role.SYSTEM_ADMIN, everything=True)] if user.is_superuser else []
    grants = (
        RoleGrant.objects.filter(user=user).select_related("unit").prefetch_related("scoped_units")
    )
    for grant in grants:
        scopes.append(
            Scope(
                role=Role(grant.role),
                unit_id=grant.unit_id,
                organiser_id=grant.organiser_id,
                area_codes=frozenset(grant.area_code_list),
                unit_ids=frozenset(unit.pk for unit in grant.scoped_units.all()),
                staff_organiser_id=grant.unit.organiser_id if grant.unit_id else None,
            )
        )
    setattr(user, _CACHE_ATTR, scopes)
    return scopes


def roles_of(user) -> set[Role]:
    return {scope.role for scope in scopes_of(user)}


def has_permission(
    user, permission: Permission, *, unit: Unit, area_code: str | None = None
) -> bool:
    """Whether the user holds `permission` over `unit` (and, for area-scoped appraisers, over
    the area). Never a judging permission over a unit one is staff of (units.duties)."""
    scopes = scopes_of(user)
    if judges_own_unit(scopes, permission, unit.pk):
        return False
    return any(
        permission in ROLE_PERMISSIONS[scope.role]
        and scope.covers_unit(unit)
        and scope.covers_area(area_code, permission)
        for scope in scopes_of(user)
    )


def acts_for(user, permission: Permission, organiser_id: int) -> bool:
    """Whether the user holds `permission` for this organiser's work — what
    `organisers_for(...).filter(pk=…).exists()` answers, from the request's cached scopes.
    Publishing is refused to whom separation of duties keeps from it (units.duties)."""
    if permission == Permission.PUBLISH_RESULTS and duty_refusal(
        user, permission, organiser_id=organiser_id
    ):
        return False
    return any(
        permission in ROLE_PERMISSIONS[scope.role]
        and (scope.everything or scope.organiser_id == organiser_id)
        for scope in scopes_of(user)
    )


def holds_anywhere(user, permission: Permission) -> bool:
    """Whether any of the user's roles grants `permission` (e.g. to show the council's queue);
    no query beyond the request's first scope lookup."""
    return any(permission in ROLE_PERMISSIONS[scope.role] for scope in scopes_of(user))


def area_codes_for(user, permission: Permission, *, unit: Unit) -> frozenset[str] | None:
    """The areas of `unit` the user may act on with `permission`: None means every area,
    an empty set means none."""
    if judges_own_unit(scopes_of(user), permission, unit.pk):
        return frozenset()
    codes: set[str] = set()
    for scope in scopes_of(user):
        if permission in ROLE_PERMISSIONS[scope.role] and scope.covers_unit(unit):
            if not scope.area_codes:
                return None
            codes |= scope.area_codes
    return frozenset(codes)


def units_for(user, permission: Permission) -> QuerySet[Unit]:
    """Every unit the user holds `permission` over. Empty for anonymous users."""
    conditions = [
        scope.unit_filter()
        for scope in scopes_of(user)
        if permission in ROLE_PERMISSIONS[scope.role]
    ]
    if not conditions:
        return Unit.objects.none()
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    units = Unit.objects.filter(combined)
    if permission in JUDGING_PERMISSIONS:
        units = units.exclude(pk__in=staff_unit_ids(scopes_of(user)))
    return units


def organisers_for(user, permission: Permission) -> QuerySet[Organiser]:
    """Organisers the user acts for with `permission` (Home Affairs work, council work)."""
    scopes = [s for s in scopes_of(user) if permission in ROLE_PERMISSIONS[s.role]]
    if any(scope.everything for scope in scopes):
        return Organiser.objects.all()
    ids = {scope.organiser_id for scope in scopes if scope.organiser_id}
    if permission == Permission.PUBLISH_RESULTS:
        ids = {pk for pk in ids if not duty_refusal(user, permission, organiser_id=pk)}
    return Organiser.objects.filter(pk__in=ids)


def duty_refusal(
    user, permission: Permission, *, unit: Unit | None = None, organiser_id: int | None = None
) -> str | None:
    """Why separation of duties refuses `permission` to the user here — over `unit`, or for
    `organiser_id`'s whole period (publishing) — worded for them; None when it does not, or
    when no role of theirs grants `permission` there anyway (an ordinary refusal)."""
    scopes = scopes_of(user)
    granting = [
        scope
        for scope in scopes
        if permission in ROLE_PERMISSIONS[scope.role]
        and (unit is None or scope.covers_unit(unit))
        and (organiser_id is None or scope.everything or scope.organiser_id == organiser_id)
    ]
    if not granting:
        return None
    if unit is not None and judges_own_unit(scopes, permission, unit.pk):
        return own_unit_message(unit)
    if permission == Permission.PUBLISH_RESULTS and organiser_id is not None:
        return publishing_conflict(scopes, organiser_id)
    return None
