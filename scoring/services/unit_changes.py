"""The one door for reorganising units: each change of units.reorganisation (add, rename,
merge, split, dissolve), audited, and carried into the periods it touches.

For each period of the organiser that is open (neither being set up nor published) and covers
the change's year: the assessments of units the change ended are withdrawn (they leave the
ranking; what they entered stays and is shown on their successors), the units it created get
their assessment with their ranking group when their kind has a current index set, and the
staff of the resulting units are told. Periods being set up pick the new units up when they
open; published periods keep their history.

`dry_run` runs any of these and undoes it, so a page can say what would happen before the
officer confirms; the sheet of changes (`unit_changes_from_file`, read by a worker as an import
job: unit_sheet_jobs) is applied row by row in one transaction, every row or none."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parindex.parsing import parse_id
from parindex.tabular import ImportFailed, ImportProblem, Table, read_table, require_columns
from parindex.text import normalize_text
from scoring.exceptions import Refused
from scoring.models import Assessment, AssessmentPeriod
from scoring.workflow import AssessmentStatus, PeriodStatus
from units import reorganisation
from units.access import acts_for
from units.models import Organiser, RankingGroup, Unit, UnitChange, UnitChangeKind, UnitKind
from units.reorganisation import Decision, NewUnit
from units.roles import Permission
from units.services import unit_kind_resolve

from . import audit
from .notifications import notify_unit_reorganised
from .periods import period_open_assessments
from .transitions import assessments_move

T = TypeVar("T")
CLOSED_PERIODS = (PeriodStatus.SETUP, PeriodStatus.PUBLISHED)


@dataclass
class PeriodEffect:
    """What a change did to one open period, in names (it outlives a dry run's rollback)."""

    year: int
    withdrawn: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)


@dataclass
class ChangeOutcome:
    description: str
    sources: list[str]
    results: list[str]
    effects: list[PeriodEffect]

    @property
    def withdrawn_count(self) -> int:
        return sum(len(effect.withdrawn) for effect in self.effects)


def _check_actor(by, organiser: Organiser) -> None:
    if by is not None and not acts_for(by, Permission.MANAGE_PERIOD, organiser.pk):
        raise PermissionDenied(_("Only Home Affairs of this organiser reorganises its units."))


def _open_periods(change: UnitChange) -> list[AssessmentPeriod]:
    return list(
        AssessmentPeriod.objects.select_for_update()
        .filter(organiser=change.organiser_id, year__gte=change.year)
        .exclude(status__in=CLOSED_PERIODS)
        .order_by("year")
    )


def _check_period_still_takes_units(period, *, results) -> None:
    """A new unit's assessment starts as a draft, which only the self-assessment round can
    fill: once the council works, no unit can join that year's ranking (a unit may still
    leave it: a dissolved unit is withdrawn)."""
    if period.status == PeriodStatus.SELF_ASSESSMENT:
        return
    arriving = [
        unit
        for unit in results
        if unit.exists_in(period.year)
        and not Assessment.objects.filter(period=period, unit=unit).exists()
    ]
    if arriving:
        raise Refused(
            _(
                "The %(year)s period is past self-assessment (%(status)s): no unit can join "
                "its ranking any more. Make the change take effect from %(next)s."
            )
            % {
                "year": period.year,
                "status": PeriodStatus(period.status).label,
                "next": period.year + 1,
            }
        )


def _carry_into_periods(change: UnitChange, *, by) -> ChangeOutcome:
    sources = list(change.sources.all())
    results = list(change.results.all())
    reason = str(change)
    if change.decision_number:
        reason = f"{reason} — {change.decision_number}"
    ended = [unit for unit in sources if unit not in results]
    periods = _open_periods(change)
    effects = []
    for period in periods:
        gone = [unit for unit in ended if not unit.exists_in(period.year)]
        withdrawn = list(
            Assessment.objects.taking_part()
            .filter(period=period, unit__in=gone)
            .exclude(status=AssessmentStatus.PUBLISHED)
            .select_related("unit", "period")
        )
        _check_period_still_takes_units(period, results=results)
        assessments_move(
            assessments=withdrawn, target=AssessmentStatus.WITHDRAWN, by=by, reason=reason
        )
        had = set(
            Assessment.objects.filter(period=period, unit__in=results).values_list("pk", flat=True)
        )
        period_open_assessments(period=period, by=by)
        joined = list(
            Assessment.objects.filter(period=period, unit__in=results)
            .exclude(pk__in=had)
            .select_related("unit", "period")
        )
        if change.kind in (UnitChangeKind.MERGE, UnitChangeKind.SPLIT):
            told = Assessment.objects.taking_part().filter(period=period, unit__in=results)
            for assessment in told.select_related("unit", "period"):
                notify_unit_reorganised(assessment=assessment, change=change, predecessors=ended)
        effects.append(
            PeriodEffect(
                year=period.year,
                withdrawn=[a.unit.name for a in withdrawn],
                joined=[a.unit.name for a in joined],
            )
        )
    audit.record(
        [audit.unit_changed(actor=by, change=change, period=period) for period in periods]
        or [audit.unit_changed(actor=by, change=change)]
    )
    return ChangeOutcome(
        description=str(change),
        sources=[unit.name for unit in sources],
        results=[unit.name for unit in results],
        effects=effects,
    )


def _run(organiser: Organiser, by, make: Callable[[], UnitChange]) -> ChangeOutcome:
    _check_actor(by, organiser)
    with transaction.atomic():
        change = make()
        return _carry_into_periods(change, by=by)


# ---------------------------------------------------------------- the changes


def unit_change_add(
    *, organiser: Organiser, unit: NewUnit, year: int, decision: Decision | None = None, by
) -> ChangeOutcome:
    return _run(
        organiser,
        by,
        lambda: reorganisation.unit_add(
            organiser=organiser, unit=unit, year=year, decision=decision, by=by
        ),
    )


def unit_change_rename(
    *, unit: Unit, name: str, year: int, decision: Decision | None = None, by
) -> ChangeOutcome:
    return _run(
        unit.organiser,
        by,
        lambda: reorganisation.unit_rename(
            unit=unit, name=name, year=year, decision=decision, by=by
        ),
    )


def unit_change_merge(
    *,
    sources: list[Unit],
    year: int,
    into: Unit | None = None,
    new: NewUnit | None = None,
    decision: Decision | None = None,
    by,
) -> ChangeOutcome:
    if not sources:
        raise ValidationError(_("Name at least two units to merge."))
    for unit in [*sources, *([into] if into else [])]:
        _check_actor(by, unit.organiser)
    return _run(
        (into or sources[0]).organiser,
        by,
        lambda: reorganisation.units_merge(
            sources=sources, year=year, into=into, new=new, decision=decision, by=by
        ),
    )


def unit_change_split(
    *, source: Unit, parts: list[NewUnit], year: int, decision: Decision | None = None, by
) -> ChangeOutcome:
    return _run(
        source.organiser,
        by,
        lambda: reorganisation.unit_split(
            source=source, parts=parts, year=year, decision=decision, by=by
        ),
    )


def unit_change_dissolve(
    *, unit: Unit, year: int, decision: Decision | None = None, by
) -> ChangeOutcome:
    return _run(
        unit.organiser,
        by,
        lambda: reorganisation.unit_dissolve(unit=unit, year=year, decision=decision, by=by),
    )


class _Undo(Exception):
    pass


def dry_run(run: Callable[[], T]) -> T:
    """What `run` would do, undone: the confirmation pages and the sheet's preview."""
    outcome = None
    try:
        with transaction.atomic():
            outcome = run()
            raise _Undo
    except _Undo:
        pass
    return outcome


# ---------------------------------------------------------------- a sheet of changes

SHEET_COLUMNS = [
    "action",
    "units",
    "new_code",
    "new_name",
    "kind",
    "group",
    "year",
    "decision_number",
    "decision_date",
    "note",
]
REQUIRED_COLUMNS = ["action", "units", "new_code", "new_name", "year"]
SHEET_MAX_ROWS = 500
ACTION_WORDS = {
    UnitChangeKind.ADD: {"add", "thêm", "thêm mới", "thành lập"},
    UnitChangeKind.RENAME: {"rename", "đổi tên"},
    UnitChangeKind.MERGE: {"merge", "sáp nhập", "hợp nhất", "nhập"},
    UnitChangeKind.SPLIT: {"split", "chia tách", "tách", "chia"},
    UnitChangeKind.DISSOLVE: {"dissolve", "giải thể"},
}
_CODE_SEPARATORS = re.compile(r"[,;\s]+")


@dataclass
class SheetRow:
    row: int
    values: dict
    outcome: ChangeOutcome | None = None
    errors: list[str] = field(default_factory=list)


def _action(text: str) -> UnitChangeKind:
    wanted = normalize_text(text).strip().casefold()
    for kind, words in ACTION_WORDS.items():
        if wanted in words:
            return kind
    raise ValidationError(
        _("Unknown action “%(action)s”: use add, rename, merge, split or dissolve.")
        % {"action": text}
    )


def _year(text: str) -> int:
    year = parse_id(text)
    if year is None or not 2000 <= year <= 2100:
        raise ValidationError(_("The year must be a number such as 2025."))
    return year


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError as exc:
        raise ValidationError(_("Write the decision date as dd/mm/yyyy.")) from exc


def sheet_unit_codes(text: str) -> list[str]:
    """The unit codes of a sheet's cell, separated by commas, semicolons or spaces."""
    return [code for code in _CODE_SEPARATORS.split(text or "") if code]


def _units(organiser: Organiser, text: str) -> list[Unit]:
    codes = sheet_unit_codes(text)
    found = {u.code.casefold(): u for u in Unit.objects.filter(organiser=organiser)}
    units, unknown = [], []
    for code in codes:
        unit = found.get(code.casefold())
        if unit is None:
            unknown.append(code)
        else:
            units.append(unit)
    if unknown:
        raise ValidationError(_("Unknown unit code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    return units


def _kind(text: str, default: UnitKind | None) -> UnitKind:
    if text:
        return unit_kind_resolve(text, create=False)[0]
    if default is None:
        raise ValidationError(_("Give the unit kind of the new unit."))
    return default


def _group(organiser: Organiser, text: str, default: RankingGroup | None) -> RankingGroup | None:
    if not text:
        return default
    group = RankingGroup.objects.filter(organiser=organiser, code__iexact=text.strip()).first()
    if group is None:
        raise ValidationError(_("Unknown ranking group “%(code)s”.") % {"code": text})
    return group


def _common(values):
    values = {value for value in values}
    return values.pop() if len(values) == 1 else None


def _one(units: list[Unit]) -> Unit:
    if len(units) != 1:
        raise ValidationError(_("Name exactly one unit in the “units” column."))
    return units[0]


def _sheet_change(organiser: Organiser, values: dict, *, by) -> ChangeOutcome:
    """One row of the sheet as the change it asks for."""
    kind = _action(values.get("action", ""))
    year = _year(values.get("year", ""))
    decision = Decision(
        number=values.get("decision_number", ""),
        day=_day(values.get("decision_date", "")),
        note=values.get("note", ""),
    )
    sources = _units(organiser, values.get("units", ""))
    new_code, new_name = values.get("new_code", ""), values.get("new_name", "")
    if kind == UnitChangeKind.ADD:
        unit = NewUnit(
            code=new_code,
            name=new_name,
            kind=_kind(values.get("kind", ""), None),
            ranking_group=_group(organiser, values.get("group", ""), None),
        )
        return unit_change_add(organiser=organiser, unit=unit, year=year, decision=decision, by=by)
    if kind == UnitChangeKind.RENAME:
        return unit_change_rename(
            unit=_one(sources), name=new_name, year=year, decision=decision, by=by
        )
    if kind == UnitChangeKind.DISSOLVE:
        return unit_change_dissolve(unit=_one(sources), year=year, decision=decision, by=by)
    if kind == UnitChangeKind.MERGE:
        into = Unit.objects.filter(organiser=organiser, code__iexact=new_code.strip()).first()
        new = None
        if into is None:
            new = NewUnit(
                code=new_code,
                name=new_name,
                kind=_kind(values.get("kind", ""), _common(u.kind for u in sources)),
                ranking_group=_group(
                    organiser, values.get("group", ""), _common(u.ranking_group for u in sources)
                ),
            )
        return unit_change_merge(
            sources=sources, year=year, into=into, new=new, decision=decision, by=by
        )
    source = _one(sources)
    codes = sheet_unit_codes(new_code)
    names = [name.strip() for name in new_name.split(";") if name.strip()]
    if len(codes) != len(names):
        raise ValidationError(
            _(
                "Give as many new names (separated by “;”) as new codes: %(codes)s codes, "
                "%(names)s names."
            )
            % {"codes": len(codes), "names": len(names)}
        )
    kind_of_parts = _kind(values.get("kind", ""), source.kind)
    group = _group(organiser, values.get("group", ""), source.ranking_group)
    parts = [
        NewUnit(code=code, name=name, kind=kind_of_parts, ranking_group=group)
        for code, name in zip(codes, names, strict=True)
    ]
    return unit_change_split(source=source, parts=parts, year=year, decision=decision, by=by)


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    if isinstance(exc, Refused):
        return exc.messages
    return [str(exc)]


def sheet_rows(table: Table) -> list[SheetRow]:
    """The sheet's rows as plain text values."""
    return [
        SheetRow(row=number, values={k: str(v or "").strip() for k, v in values.items()})
        for number, values in table
    ]


def unit_sheet_read(*, data: bytes, filename: str) -> list[SheetRow]:
    """The rows of a sheet of changes; ImportFailed when the file, its columns or its length
    is unusable."""
    table = read_table(data, filename)
    require_columns(table, REQUIRED_COLUMNS)
    if len(table) > SHEET_MAX_ROWS:
        raise ImportFailed(
            [
                ImportProblem(
                    None, _("The sheet has more than %(n)s rows: split it.") % {"n": SHEET_MAX_ROWS}
                )
            ]
        )
    return sheet_rows(table)


def unit_changes_from_file(
    *, organiser: Organiser, data: bytes, filename: str, by
) -> list[SheetRow]:
    """Read a sheet of changes and apply it (unit_changes_from_sheet): every row or none."""
    _check_actor(by, organiser)
    return unit_changes_from_sheet(
        organiser=organiser, rows=unit_sheet_read(data=data, filename=filename), by=by
    )


def unit_changes_from_sheet(*, organiser: Organiser, rows: list[SheetRow], by) -> list[SheetRow]:
    """Apply every row in order (a row may name a unit an earlier row created), in one
    transaction: if any row is refused, nothing is changed and ImportFailed lists every
    refusal by row. Each row gets its outcome or its errors."""
    _check_actor(by, organiser)
    if not rows:
        raise ImportFailed([ImportProblem(None, _("The sheet has no changes."))])
    with transaction.atomic():
        for row in rows:
            row.outcome, row.errors = None, []
            try:
                with transaction.atomic():
                    row.outcome = _sheet_change(organiser, row.values, by=by)
            except (ValidationError, Refused, PermissionDenied) as exc:
                row.errors = _messages(exc)
        problems = [ImportProblem(row.row, error) for row in rows for error in row.errors]
        if problems:
            raise ImportFailed(problems)
    return rows
