"""What every import of per-unit values shares — the score import, the survey upload and the
data upload: finding a row's unit among the period's assessments (with the reason when it is
not there), writing the rows with one audit entry per changed field, and sending published
assessments back to appraised when their values change."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.parsing import ParseError
from parindex.tabular import (
    FORMULA_PREFIXES,
    ImportFailed,
    ImportProblem,
    Table,
    cell_text,
    normalize_header,
    read_table,
)
from parindex.text import has_control_character
from scoring.models import SCORED_LEVELS, Assessment, AssessmentPeriod, IndexItem
from scoring.workflow import AssessmentStatus, PeriodStatus

from . import audit
from .audit import audit_value
from .transitions import SYSTEM, assessments_move

# What makes a typed cell a formula; a leading "-" is a bullet in a note as often as not.
FORMULA_STARTS = ("=", "+", "@")


MAX_ROWS = 20_000  # 600 communes × 30 items; more is not a file of one period


def upload_closed_reason(period: AssessmentPeriod) -> str:
    """Why Home Affairs cannot upload survey results or data figures to the period now; empty
    when it can. Before the period opens, units have no assessment to hold them."""
    if period.status == PeriodStatus.SETUP:
        return _(
            "The period is still being set up: units get their assessments when it opens, and "
            "survey results and data can be uploaded from then."
        )
    return ""


def rename_columns(table: Table, columns: dict[str, tuple]) -> Table:
    """The table with every header that names a read column renamed to its key."""
    titles = {}
    for key, names in columns.items():
        titles[key] = key
        for name in names:
            titles[normalize_header(name)] = key
            titles[normalize_header(_(name))] = key
    return Table(
        name=table.name,
        headers=[titles.get(header, header) for header in table.headers],
        rows=[{titles.get(h, h): value for h, value in row.items()} for row in table.rows],
        row_numbers=table.row_numbers,
    )


def read_upload(data: bytes, filename: str, columns: dict[str, tuple], sheet: str) -> Table:
    """The upload's sheet (by its translated title, else the first) with its headers renamed;
    refuses NUL bytes in a CSV and a file of more than MAX_ROWS rows."""
    if b"\x00" in data and filename.casefold().endswith(".csv"):
        raise ImportFailed(
            [ImportProblem(None, _("The CSV file contains NUL characters: it is not a text file."))]
        )
    table = read_table(data, filename, sheet=_(sheet), required=False) or read_table(data, filename)
    if len(table) > MAX_ROWS:
        raise ImportFailed(
            [
                ImportProblem(
                    None, _("The sheet has more than %(n)s rows: split it.") % {"n": MAX_ROWS}
                )
            ]
        )
    return rename_columns(table, columns)


def require_keys(table: Table, required: list[str], titles: dict[str, tuple]) -> None:
    missing = [_(titles[key][0]) for key in required if key not in table.headers]
    if missing:
        raise ImportFailed(
            [
                ImportProblem(
                    1,
                    _("Missing column(s): %(columns)s. The header row must have: %(all)s.")
                    % {
                        "columns": ", ".join(missing),
                        "all": ", ".join(_(titles[key][0]) for key in required),
                    },
                )
            ]
        )


def checked_cell(values: dict, key: str, row: int, label: str, problems: list) -> str:
    """A cell's text, checked by `text_problem`: a problem is appended and raised. Text the
    portal's workbook escaped with an apostrophe is taken as the text it escapes."""
    text = cell_text(values.get(key))
    problem = text_problem(row, label, text)
    if problem:
        problems.append(problem)
        raise ParseError(problem.message)
    return unquoted(text)


class ImportTargets:
    """The period's taking-part assessments by unit code (case-insensitive) and the items of
    their index sets by code, loaded once for a whole file."""

    def __init__(self, period: AssessmentPeriod):
        self.period = period
        self.assessments = {
            a.unit.code.casefold(): a
            for a in Assessment.objects.taking_part()
            .filter(period=period)
            .select_related("unit__kind", "period")
        }
        self.withdrawn = {
            code.casefold()
            for code in Assessment.objects.filter(
                period=period, status=AssessmentStatus.WITHDRAWN
            ).values_list("unit__code", flat=True)
        }
        self.units_without = {
            code.casefold(): kind
            for code, kind in period.organiser.units.exclude(
                pk__in=[a.unit_id for a in self.assessments.values()]
            ).values_list("code", "kind__name")
        }
        self.items: dict[int, dict[str, IndexItem]] = {}
        for item in IndexItem.objects.filter(
            index_set_id__in={a.index_set_id for a in self.assessments.values()}
        ):
            self.items.setdefault(item.index_set_id, {})[item.code] = item

    def assessment(self, unit_code: str) -> Assessment | None:
        return self.assessments.get(unit_code.casefold())

    def unit_problem(self, row: int, unit_code: str) -> ImportProblem:
        """Why `unit_code` has no assessment to write to."""
        code, year = unit_code.casefold(), self.period.year
        if not unit_code:
            message = _("The unit code is empty.")
        elif code in self.withdrawn:
            message = _(
                "Unit “%(unit)s” was withdrawn from %(year)s by a reorganisation: enter its "
                "scores on the unit that replaced it."
            ) % {"unit": unit_code, "year": year}
        elif code in self.units_without:
            message = _("Unit “%(unit)s” has no index set in %(year)s (kind “%(kind)s”).") % {
                "unit": unit_code,
                "year": year,
                "kind": self.units_without[code],
            }
        else:
            message = _("Unknown unit “%(unit)s”.") % {"unit": unit_code}
        return ImportProblem(row, message)

    def item(self, assessment: Assessment, item_code: str) -> IndexItem | None:
        return self.items.get(assessment.index_set_id, {}).get(item_code)

    def row_target(
        self, row: int, unit_code: str, item_code: str, *, seen: dict, kind_problem
    ) -> tuple[Assessment, IndexItem] | ImportProblem:
        """The assessment and scored item a row is for, or why it cannot be: an unknown unit or
        item, an item this file may not write (`kind_problem(item)` words it, empty when it
        may), or a unit and item already on an earlier row (`seen` remembers them)."""
        assessment = self.assessment(unit_code)
        if assessment is None:
            return self.unit_problem(row, unit_code)
        item = self.item(assessment, item_code)
        if item is None or item.level not in SCORED_LEVELS:
            return ImportProblem(
                row,
                _("Unknown sub-criterion “%(item)s” in the index set of “%(unit)s”.")
                % {"item": item_code, "unit": unit_code},
            )
        message = kind_problem(item)
        if message:
            return ImportProblem(row, message)
        key = (assessment.pk, item.pk)
        if key in seen:
            return ImportProblem(
                row,
                _("“%(unit)s”/“%(item)s” is already on row %(first)s.")
                % {"unit": unit_code, "item": item_code, "first": seen[key]},
            )
        seen[key] = row
        return assessment, item


def text_problem(row: int, label: str, text: str) -> ImportProblem | None:
    """A control character such as NUL (never typed; PostgreSQL cannot store NUL and a
    workbook none of them) or text that a spreadsheet would run as a formula (not the
    apostrophe-escaped text the portal writes)."""
    if has_control_character(text):
        return ImportProblem(
            row, _("%(label)s contains a character that is not allowed.") % {"label": label}
        )
    if text.startswith(FORMULA_STARTS):
        return ImportProblem(
            row,
            _("%(label)s looks like a formula (“%(text)s”): type the value itself.")
            % {"label": label, "text": text[:30]},
        )
    return None


def unquoted(text: str) -> str:
    """Cell text without the apostrophe the portal's workbooks put before formula-like text."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def rows_upsert(model, parsed, fields, apply, *, by, reason) -> tuple[int, int]:
    """Create or update one row per parsed entry (each with `.assessment` and `.item`), then
    audit every field that changed. Returns (created, updated)."""
    existing = {
        (row.assessment_id, row.item_id): row
        for row in model.objects.filter(
            assessment_id__in={p.assessment.pk for p in parsed},
            item_id__in={p.item.pk for p in parsed},
        )
    }
    # Values read by attribute name (a foreign key's id: no query per row), compared as values
    # first, so that 95 and a stored 95.0000 are no change.
    names = {name: model._meta.get_field(name).attname for name in fields}
    new, changed, before = [], [], {}
    for entry in parsed:
        row = existing.get((entry.assessment.pk, entry.item.pk))
        if row is None:
            row = model(assessment=entry.assessment, item=entry.item)
            new.append(row)
            before[id(row)] = {}
        else:
            changed.append(row)
            before[id(row)] = {name: getattr(row, attname) for name, attname in names.items()}
        row.assessment, row.item = entry.assessment, entry.item
        apply(row, entry)
    model.objects.bulk_create(new, batch_size=2000)
    extra = []
    if hasattr(model, "version"):
        for row in changed:
            row.version += 1  # an open form holding the old version must not overwrite this
        extra = ["version"]
    model.objects.bulk_update(changed, [*fields, *extra], batch_size=2000)
    content_type = ContentType.objects.get_for_model(model)
    entries = []
    for row in [*new, *changed]:
        old = before[id(row)]
        for name, attname in names.items():
            value = getattr(row, attname)
            if name in old and old[name] == value:
                continue
            new_value = audit_value(value)
            old_value = audit_value(old[name]) if name in old else ""
            if new_value != old_value:
                entries.append(
                    audit.imported_field(
                        actor=by,
                        obj=row,
                        field=name,
                        old=old_value,
                        new=new_value,
                        reason=reason,
                        object_repr=f"{row.assessment.unit} — {row.item.code}",
                        content_type=content_type,
                    )
                )
    audit.record(entries)
    return len(new), len(changed)


def reopening_seen_check(reopened: int, previewed: int | None) -> None:
    """Refuse a confirmation that would send back more published assessments than its preview
    showed (the period was published meanwhile): the officer ticked a box that did not say so.
    `previewed` None: no preview (the command line)."""
    if previewed is not None and reopened > previewed:
        raise ImportFailed(
            [
                ImportProblem(
                    None,
                    ngettext(
                        "Results were published after the preview: %(n)s published assessment "
                        "would go back to “appraised” and be published again. Upload the file "
                        "again to see it in the preview.",
                        "Results were published after the preview: %(n)s published "
                        "assessments would go back to “appraised” and be published again. "
                        "Upload the file again to see them in the preview.",
                        reopened,
                    )
                    % {"n": reopened},
                )
            ]
        )


def published_assessments_reopen(assessments, *, filename: str) -> int:
    """Values imported into a published assessment change its results: it goes back to
    appraised, so that the change is seen and published again. The move is the system's own,
    through the one door, audited."""
    to_mark = [a for a in assessments if a.status == AssessmentStatus.PUBLISHED]
    reason = _("Scores imported from %(file)s after publication: to be published again.") % {
        "file": filename
    }
    assessments_move(
        assessments=to_mark, target=AssessmentStatus.APPRAISED, by=SYSTEM, reason=reason
    )
    return len(to_mark)
