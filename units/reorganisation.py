"""Reorganising the unit tree: add, rename, merge (n → 1), split (1 → n) and dissolve units,
each recorded as a UnitChange with the year it takes effect and its legal basis.

A unit ended by a change stops existing the year before the change takes effect
(`valid_to_year = year - 1`); a unit it creates exists from that year and lists the ended
units as its predecessors, so the 2024 districts simply end in 2024 and the communes merged
in 2025 start in 2025. These are the unit-side rules only: the periods a change touches are
adjusted by scoring.services.unit_changes, which every screen calls."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parindex.text import name_text_problem, normalize_text

from .models import Organiser, RankingGroup, Unit, UnitChange, UnitChangeKind, UnitKind


@dataclass
class NewUnit:
    """A unit a change creates."""

    code: str
    name: str
    kind: UnitKind
    ranking_group: RankingGroup | None = None
    parent: Unit | None = None


@dataclass
class Decision:
    """The legal basis of a change (a resolution of the National Assembly Standing Committee,
    a provincial decision…)."""

    number: str = ""
    day: date | None = None
    note: str = ""


def unit_lineage(unit_id: int) -> set[int]:
    """The unit and every unit it stands for, however many mergers, splits and renamings back:
    one query per generation of predecessors."""
    through = Unit.predecessors.through
    known, frontier = {unit_id}, {unit_id}
    while frontier:
        found = set(
            through.objects.filter(from_unit__in=frontier).values_list("to_unit_id", flat=True)
        )
        frontier = found - known
        known |= frontier
    return known


def _existing(unit: Unit, year: int) -> None:
    if not unit.exists_in(year):
        raise ValidationError(
            _("%(unit)s (%(code)s) does not exist in %(year)s.")
            % {"unit": unit.name, "code": unit.code, "year": year}
        )


def _ending(unit: Unit, year: int) -> None:
    """A unit a change ends must exist in that year and have existed the year before."""
    _existing(unit, year)
    if unit.valid_from_year and unit.valid_from_year >= year:
        raise ValidationError(
            _("%(unit)s (%(code)s) only starts in %(start)s: it cannot end in the same year.")
            % {"unit": unit.name, "code": unit.code, "start": unit.valid_from_year}
        )


def _same_organiser(organiser: Organiser, units) -> None:
    for unit in units:
        if unit.organiser_id != organiser.pk:
            raise ValidationError(
                _("%(unit)s (%(code)s) belongs to another organiser.")
                % {"unit": unit.name, "code": unit.code}
            )


def _check_name(name: str | None) -> None:
    """A unit's name is printed in reports and exported to sheets: no control character, no
    formula (the staff accounts' rule for a person's name)."""
    problem = name_text_problem(name, label=_("Unit name"))
    if problem:
        raise ValidationError(problem)


def _new_unit(organiser: Organiser, spec: NewUnit, year: int, taken: set[str]) -> Unit:
    code = normalize_text(spec.code or "").strip()
    name = normalize_text(spec.name or "").strip()
    if not code or not name:
        raise ValidationError(_("A new unit needs a code and a name."))
    _check_name(spec.name)
    # Codes are unique within an organiser: another province may well have this one.
    if (
        code.casefold() in taken
        or Unit.objects.filter(organiser=organiser, code__iexact=code).exists()
    ):
        raise ValidationError(_("The code “%(code)s” is already used.") % {"code": code})
    taken.add(code.casefold())
    if spec.ranking_group is not None and spec.ranking_group.organiser_id != organiser.pk:
        raise ValidationError(_("The ranking group belongs to another organiser."))
    unit = Unit(
        code=code,
        name=name,
        kind=spec.kind,
        organiser=organiser,
        parent=spec.parent,
        ranking_group=spec.ranking_group,
        valid_from_year=year,
    )
    unit.full_clean()
    unit.save()
    return unit


def _end(unit: Unit, year: int) -> None:
    unit.valid_to_year = year - 1
    unit.save(update_fields=["valid_to_year"])


def _record(
    *,
    organiser: Organiser,
    kind: UnitChangeKind,
    year: int,
    decision: Decision | None,
    by,
    sources=(),
    results=(),
    old_name: str = "",
    new_name: str = "",
) -> UnitChange:
    decision = decision or Decision()
    change = UnitChange(
        organiser=organiser,
        kind=kind,
        year=year,
        old_name=old_name,
        new_name=new_name,
        decision_number=decision.number.strip(),
        decision_date=decision.day,
        note=decision.note.strip(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    change.full_clean()
    change.save()
    change.sources.set(sources)
    change.results.set(results)
    return change


def unit_add(
    *, organiser: Organiser, unit: NewUnit, year: int, decision: Decision | None = None, by
) -> UnitChange:
    """A unit that exists from `year` on."""
    with transaction.atomic():
        created = _new_unit(organiser, unit, year, set())
        return _record(
            organiser=organiser,
            kind=UnitChangeKind.ADD,
            year=year,
            decision=decision,
            by=by,
            results=[created],
            new_name=created.name,
        )


def unit_rename(
    *, unit: Unit, name: str, year: int, decision: Decision | None = None, by
) -> UnitChange:
    """The same unit under a new name from `year` (its code, results and staff stay)."""
    _check_name(name)
    name = normalize_text(name or "").strip()
    if not name:
        raise ValidationError(_("Give the new name."))
    if name == unit.name:
        raise ValidationError(_("The new name is the same as the current one."))
    _existing(unit, year)
    with transaction.atomic():
        old_name = unit.name
        unit.name = name
        unit.full_clean()
        unit.save(update_fields=["name"])
        return _record(
            organiser=unit.organiser,
            kind=UnitChangeKind.RENAME,
            year=year,
            decision=decision,
            by=by,
            sources=[unit],
            results=[unit],
            old_name=old_name,
            new_name=name,
        )


def units_merge(
    *,
    sources: list[Unit],
    year: int,
    into: Unit | None = None,
    new: NewUnit | None = None,
    decision: Decision | None = None,
    by,
) -> UnitChange:
    """Several units become one from `year`: an existing unit (`into`) that absorbs them, or a
    new unit (`new`). The sources end the year before; the result lists them as predecessors."""
    if (into is None) == (new is None):
        raise ValidationError(_("Merge into an existing unit or into a new one, not both."))
    sources = list({unit.pk: unit for unit in sources}.values())
    minimum = 1 if into is not None else 2
    if len(sources) < minimum:
        raise ValidationError(
            _("Name at least two units to merge.")
            if minimum == 2
            else _("Name the unit(s) merged into it.")
        )
    organiser = (into or sources[0]).organiser
    if into is not None:
        if into.pk in {unit.pk for unit in sources}:
            raise ValidationError(_("A unit cannot be merged into itself."))
        _existing(into, year)
        _same_organiser(organiser, [into])
    _same_organiser(organiser, sources)
    for unit in sources:
        _ending(unit, year)
    with transaction.atomic():
        result = into if into is not None else _new_unit(organiser, new, year, set())
        for unit in sources:
            _end(unit, year)
        result.predecessors.add(*sources)
        return _record(
            organiser=organiser,
            kind=UnitChangeKind.MERGE,
            year=year,
            decision=decision,
            by=by,
            sources=sources,
            results=[result],
            new_name=result.name,
        )


def unit_split(
    *, source: Unit, parts: list[NewUnit], year: int, decision: Decision | None = None, by
) -> UnitChange:
    """One unit becomes several new units from `year`; each lists it as its predecessor."""
    if len(parts) < 2:
        raise ValidationError(_("A split makes at least two new units."))
    _ending(source, year)
    with transaction.atomic():
        taken: set[str] = set()
        results = [_new_unit(source.organiser, part, year, taken) for part in parts]
        _end(source, year)
        for unit in results:
            unit.predecessors.add(source)
        return _record(
            organiser=source.organiser,
            kind=UnitChangeKind.SPLIT,
            year=year,
            decision=decision,
            by=by,
            sources=[source],
            results=results,
            old_name=source.name,
        )


def unit_dissolve(*, unit: Unit, year: int, decision: Decision | None = None, by) -> UnitChange:
    """A unit that no longer exists from `year` (its work goes to no single successor)."""
    _ending(unit, year)
    if any(child.exists_in(year) for child in unit.children.all()):
        raise ValidationError(
            _("%(unit)s still has units under it: move or end them first.") % {"unit": unit.name}
        )
    with transaction.atomic():
        _end(unit, year)
        return _record(
            organiser=unit.organiser,
            kind=UnitChangeKind.DISSOLVE,
            year=year,
            decision=decision,
            by=by,
            sources=[unit],
            old_name=unit.name,
        )
