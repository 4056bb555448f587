"""Reads for the appraisal council page: the organiser's council members, the areas of a period's
index sets, the units an appraiser may be narrowed to, and what the council does not cover yet.

Council membership is a RoleGrant of the organiser (appraiser or chair), so it outlives one
period; the areas to check it against come from the period being prepared."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from scoring.display import code_key
from scoring.engine.policy import ITEM_FIELDS, index_tree
from scoring.models import Assessment, IndexItem, ItemLevel
from units.models import Organiser, RankingGroup, RoleGrant, Unit, User
from units.roles import COUNCIL_ROLES, Role

NAMES_SHOWN = 5  # units named in a coverage warning before "and N more"


@dataclass
class CouncilArea:
    code: str
    name: str
    kind_ids: set[int] = field(default_factory=set)  # unit kinds whose index set has the area
    appraised: bool = False  # False: survey items only, which Home Affairs enters

    @property
    def label(self) -> str:
        return f"{self.code} — {self.name}"


def period_areas(period) -> list[CouncilArea]:
    """The areas of the period's current index sets, one per code, in code order. Area codes
    are shared across the sets of one period (area 2 is institutional reform for departments
    and communes alike); the first set's name is shown. An area is appraised when one of its
    sub-criteria is self-scored (the prepared tree says which area each one is in)."""
    rows = (
        IndexItem.objects.filter(index_set__period=period, index_set__is_current=True)
        .order_by("index_set__unit_kind__position", "position")
        .values(*ITEM_FIELDS, "index_set_id", "index_set__unit_kind_id")
    )
    by_set: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_set[row["index_set_id"]].append(row)
    areas: dict[str, CouncilArea] = {}
    for set_id, set_rows in by_set.items():
        tree = index_tree(set_rows, set_id)
        kind_id = set_rows[0]["index_set__unit_kind_id"]
        appraised = {
            tree.area_code(item.id)
            for item in tree.scored
            if item.level == ItemLevel.SUB_CRITERION and not item.is_entered_by_home_affairs
        }
        for area_def in tree.areas:
            area = areas.setdefault(area_def.code, CouncilArea(area_def.code, area_def.name))
            area.kind_ids.add(kind_id)
            area.appraised = area.appraised or area_def.code in appraised
    return sorted(areas.values(), key=lambda area: code_key(area.code))


def council_grants(organiser: Organiser) -> QuerySet[RoleGrant]:
    """The organiser's council: the chair(s) first, then appraisers by name."""
    return (
        RoleGrant.objects.filter(organiser=organiser, role__in=COUNCIL_ROLES)
        .select_related("user")
        .prefetch_related("scoped_units")
        .order_by("-role", "user__full_name", "user__username")  # council_chair > appraiser
    )


def council_grant(organiser: Organiser, pk) -> RoleGrant | None:
    """One council membership of the organiser (None for anything else, e.g. a unit's staff)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return council_grants(organiser).filter(pk=pk).first()


def council_account(account: str) -> User | None:
    """The account someone typed: a username, or an e-mail address used by one account."""
    account = account.strip()
    if not account:
        return None
    user = User.objects.filter(username__iexact=account).first()
    if user is not None or "@" not in account:
        return user
    matches = list(User.objects.filter(email__iexact=account)[:2])
    return matches[0] if len(matches) == 1 else None


def accounts_with_email(email: str) -> int:
    return User.objects.filter(email__iexact=email.strip()).count() if email.strip() else 0


def units_in_year(organiser: Organiser, year: int) -> QuerySet[Unit]:
    """The organiser's units assessed in `year` (active and within their validity)."""
    return Unit.objects.filter(organiser=organiser, active=True).filter(
        Q(valid_from_year__isnull=True) | Q(valid_from_year__lte=year),
        Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=year),
    )


# ---------------------------------------------------------------- the unit picker


@dataclass
class UnitGroup:
    key: str
    name: str
    units: list[Unit]
    selected: int = 0  # how many of them are ticked


def unit_groups(organiser: Organiser, year: int, selected_ids: set[int]) -> list[UnitGroup]:
    """The units an appraiser may be narrowed to, grouped by ranking group (then unranked units
    by kind) so that ~600 communes stay findable. Units ticked earlier stay listed even if they
    are no longer assessed, so that saving the form does not drop them unnoticed. A unit
    assessed in that year is grouped as it is ranked that year (Assessment.ranking_group);
    a unit not assessed yet, by its current group."""
    units = (
        Unit.objects.filter(Q(pk__in=units_in_year(organiser, year)) | Q(pk__in=selected_ids))
        .filter(organiser=organiser)
        .select_related("kind")
        .order_by("kind__position", "code")
    )
    of_year = dict(
        Assessment.objects.taking_part()
        .filter(period__organiser=organiser, period__year=year)
        .values_list("unit_id", "ranking_group_id")
    )
    group_of = {unit.pk: of_year.get(unit.pk, unit.ranking_group_id) for unit in units}
    ranking_groups = RankingGroup.objects.in_bulk({pk for pk in group_of.values() if pk})
    units = sorted(
        units,
        key=lambda unit: (
            (ranking_groups[group_of[unit.pk]].position, ranking_groups[group_of[unit.pk]].code)
            if group_of[unit.pk]
            else (0, ""),
        ),
    )
    groups: dict[str, UnitGroup] = {}
    for unit in units:
        group_id = group_of[unit.pk]
        if group_id:
            key, name = f"g{group_id}", ranking_groups[group_id].name
        else:
            key = f"k{unit.kind_id}"
            name = _("%(kind)s — not ranked") % {"kind": unit.kind.name}
        group = groups.setdefault(key, UnitGroup(key, name, []))
        group.units.append(unit)
        group.selected += unit.pk in selected_ids
    # Ranked groups first (in their order), unranked kinds after.
    return sorted(groups.values(), key=lambda g: g.key[0] != "g")


# ---------------------------------------------------------------- the council table


@dataclass
class AreaLabel:
    code: str
    name: str  # empty when the period's index sets have no such area

    @property
    def known(self) -> bool:
        return bool(self.name)


@dataclass
class MemberRow:
    grant: RoleGrant
    organisation: str
    areas: list[AreaLabel]  # empty: every area
    units: list[Unit]  # empty: every unit
    own_units: list[Unit] = field(default_factory=list)  # where they are unit staff

    @property
    def user(self) -> User:
        return self.grant.user

    @property
    def is_chair(self) -> bool:
        return self.grant.role == Role.COUNCIL_CHAIR

    @property
    def unknown_areas(self) -> list[str]:
        return [area.code for area in self.areas if not area.known]


@dataclass
class Council:
    members: list[MemberRow]
    areas: list[CouncilArea]
    warnings: list[str]

    @property
    def chairs(self) -> list[MemberRow]:
        return [row for row in self.members if row.is_chair]


def _staff_units(users: list[User]) -> dict[int, list[Unit]]:
    """The units each user works in (as unit staff): their organisation."""
    units: dict[int, list[Unit]] = defaultdict(list)
    staff = (
        RoleGrant.objects.filter(user__in=users, role=Role.UNIT_STAFF)
        .select_related("unit")
        .order_by("unit__name")
    )
    for grant in staff:
        units[grant.user_id].append(grant.unit)
    return units


def council_for_period(period) -> Council:
    """The organiser's council as it stands for `period`: one row per membership, and the
    warnings Home Affairs should act on before the appraisal opens."""
    areas = period_areas(period)
    names = {area.code: area.name for area in areas}
    grants = list(council_grants(period.organiser))
    staff_units = _staff_units([grant.user for grant in grants])
    members = []
    for grant in grants:
        title = grant.user.job_title
        places = [title] if title else []
        own = staff_units.get(grant.user_id, [])
        places += [unit.name for unit in own if unit.name not in title]
        members.append(
            MemberRow(
                grant=grant,
                organisation=" · ".join(places),
                own_units=own,
                areas=[
                    AreaLabel(code, names.get(code, ""))
                    for code in sorted(grant.area_code_list, key=code_key)
                ],
                units=sorted(grant.scoped_units.all(), key=lambda unit: unit.name),
            )
        )
    return Council(members=members, areas=areas, warnings=council_warnings(period, members, areas))


def council_warnings(period, members: list[MemberRow], areas: list[CouncilArea]) -> list[str]:
    warnings = []
    active = [row for row in members if row.user.is_active]
    if not any(row.is_chair for row in active):
        warnings.append(
            _(
                "The council has no chair: nobody can finalise the appraisal, and only an "
                "appraiser of every area can appraise the bonus and penalty lines."
            )
        )
    appraisers = [row for row in active if not row.is_chair]
    assessed = list(units_in_year(period.organiser, period.year).only("pk", "name", "kind_id"))
    for area in areas:
        if not area.appraised:
            continue  # survey results only: Home Affairs enters them, nobody appraises
        covering = [
            row
            for row in appraisers
            if not row.areas or any(label.code == area.code for label in row.areas)
        ]
        if not covering:
            warnings.append(_("No appraiser is assigned to area %(area)s.") % {"area": area.label})
            continue
        if any(not row.units for row in covering):
            continue
        covered = {unit.pk for row in covering for unit in row.units}
        missing = [u for u in assessed if u.kind_id in area.kind_ids and u.pk not in covered]
        if missing:
            shown = ", ".join(unit.name for unit in missing[:NAMES_SHOWN])
            if len(missing) > NAMES_SHOWN:
                shown += " " + _("and %(n)s more") % {"n": len(missing) - NAMES_SHOWN}
            warnings.append(
                _("Area %(area)s has no appraiser for %(n)s unit(s): %(units)s.")
                % {"area": area.label, "n": len(missing), "units": shown}
            )
    for row in members:
        if row.unknown_areas:
            warnings.append(
                _(
                    "%(name)s is assigned area(s) %(codes)s, which this period's index sets do "
                    "not have: edit the membership."
                )
                % {"name": row.user.get_full_name(), "codes": ", ".join(row.unknown_areas)}
            )
        judged = [u for u in row.own_units if not row.units or u in row.units]
        if judged:
            warnings.append(
                _(
                    "%(name)s is also staff of %(units)s and may appraise it: narrow their "
                    "units if they should not."
                )
                % {"name": row.user.get_full_name(), "units": ", ".join(u.name for u in judged)}
            )
        if not row.user.is_active:
            warnings.append(
                _("The account of %(name)s is disabled: they cannot log in to appraise.")
                % {"name": row.user.get_full_name()}
            )
    return warnings
