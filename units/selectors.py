"""Reads about users for pages: what a user's roles cover, in words."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .access import scopes_of
from .models import Organiser, Unit
from .roles import Role


@dataclass
class RoleLine:
    role: str
    scope: str


def role_lines(user) -> list[RoleLine]:
    """One line per role grant, e.g. 'Appraiser — Sở Nội vụ (areas 2, 7)'."""
    scopes = scopes_of(user)
    units = Unit.objects.in_bulk(
        {s.unit_id for s in scopes if s.unit_id} | {u for s in scopes for u in s.unit_ids}
    )
    organisers = Organiser.objects.in_bulk({s.organiser_id for s in scopes if s.organiser_id})
    lines = []
    for scope in scopes:
        if scope.everything:
            lines.append(RoleLine(Role.SYSTEM_ADMIN.label, _("the whole portal")))
            continue
        if scope.role == Role.UNIT_STAFF:
            lines.append(RoleLine(Role(scope.role).label, str(units[scope.unit_id])))
            continue
        parts = [str(organisers[scope.organiser_id])]
        if scope.area_codes:
            parts.append(_("areas %(codes)s") % {"codes": ", ".join(sorted(scope.area_codes))})
        if scope.unit_ids:
            parts.append(", ".join(sorted(str(units[pk]) for pk in scope.unit_ids)))
        lines.append(RoleLine(Role(scope.role).label, " — ".join(parts)))
    return lines
