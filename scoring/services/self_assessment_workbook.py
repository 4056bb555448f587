"""The unit's self-assessment as an Excel file, and filling the form from such a file.

The workbook has one row per item of the index set, in the form's order. Only the columns a
unit enters (points, reported ratio, not applicable, its reason, the note) are read back; every
other column is information. An upload goes through the same checks and the same save as the
form (`self_entry_clean`, `self_score_save`) and is all or nothing: any problem in any row and
nothing changes, with every problem listed by its Excel row number."""

import io
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from parindex.dates import date_text
from parindex.parsing import ParseError, parse_decimal, parse_yes_no
from parindex.tabular import (
    FORMULA_PREFIXES,
    ImportFailed,
    ImportProblem,
    SheetSpec,
    Table,
    cell_text,
    normalize_header,
    read_table,
    require_columns,
    xlsx_bytes,
)
from scoring.display import format_number
from scoring.engine.model import FIGURE_METHODS
from scoring.entries import (
    SelfEntry,
    earned,
    entry_of,
    is_per_case,
    item_choices,
    per_case_text,
    self_entry_clean,
)
from scoring.exceptions import ScoreConflict
from scoring.models import Assessment, Evidence, IndexItem, ItemLevel, Score
from scoring.selectors.data_figures import FedFigure, fed_figures
from units.import_jobs import ImportOutcome, import_job_create, import_kind_register

from .self_assessment import evidence_closed_check, self_score_save

# Sheet titles and column headers: English msgids, translated when the file is written or read.
SHEET_TITLE = gettext_noop("Self-assessment")
INSTRUCTIONS_TITLE = gettext_noop("Instructions")
CODE = gettext_noop("Code")
NAME = gettext_noop("Content")
LEVEL = gettext_noop("Level")
MAX_POINTS = gettext_noop("Maximum")
METHOD = gettext_noop("How it is scored")
RULE = gettext_noop("Scoring rule")
CHOICES = gettext_noop("Levels / cases")
POINTS = gettext_noop("Self-assessed points")
RATIO = gettext_noop("Reported ratio (%)")
COUNT = gettext_noop("Number of cases")
EARNED = gettext_noop("Points earned")
NOT_APPLICABLE = gettext_noop("Not applicable")
REASON = gettext_noop("Reason not applicable")
NOTE = gettext_noop("Explanation / note")
EVIDENCE = gettext_noop("Evidence")
# The score's version when downloaded: an upload refuses rows changed on the portal since.
VERSION = gettext_noop("Version (do not change)")

COLUMNS = (
    CODE,
    NAME,
    LEVEL,
    MAX_POINTS,
    METHOD,
    RULE,
    CHOICES,
    POINTS,
    RATIO,
    COUNT,
    EARNED,
    NOT_APPLICABLE,
    REASON,
    NOTE,
    EVIDENCE,
    VERSION,
)
# What the unit fills in: the only columns an upload reads (besides the code). All are required:
# a blank cell clears a stored value, so a missing column must not silently clear a whole field.
VALUE_COLUMNS = (POINTS, RATIO, NOT_APPLICABLE, REASON, NOTE)
READ_COLUMNS = (CODE, *VALUE_COLUMNS)
# Per-case lines take their count here; a file downloaded before the column existed has no
# per-case line, so the column is read when present and never required.
OPTIONAL_COLUMNS = (COUNT,)
NUMBER_FORMAT = "0.00##"
COUNT_FORMAT = "0"
NA_MARK = "x"
STRUCTURE_LEVELS = (ItemLevel.AREA, ItemLevel.CRITERION)


def workbook_filename(assessment) -> str:
    return f"tu-danh-gia-{assessment.unit.code}-{assessment.period.year}.xlsx"


# ---------------------------------------------------------------- download


def self_assessment_workbook(assessment: Assessment) -> bytes:
    """The self-assessment sheet (one row per item) and a sheet of instructions. Four queries
    whatever the size of the index set: items, scores, evidence and its links to items (and
    the figures of data-fed items, when the set has any)."""
    items = list(
        IndexItem.objects.filter(index_set_id=assessment.index_set_id).order_by("position", "pk")
    )
    scores = {score.item_id: score for score in Score.objects.filter(assessment=assessment)}
    evidence = _evidence_by_item(assessment)
    figures = fed_figures(assessment, items)
    rows = [
        _fed_row(item, figures[item.pk])
        if item.pk in figures
        else _item_row(item, scores.get(item.pk), evidence.get(item.pk, []))
        for item in items
    ]
    column = {name: index for index, name in enumerate(COLUMNS)}
    data_sheet = SheetSpec(
        title=_(SHEET_TITLE),
        headers=[_(name) for name in COLUMNS],
        rows=rows,
        number_formats={
            **{column[name]: NUMBER_FORMAT for name in (MAX_POINTS, POINTS, RATIO, EARNED)},
            column[COUNT]: COUNT_FORMAT,
        },
    )
    instructions = SheetSpec(
        title=_(INSTRUCTIONS_TITLE),
        headers=[_(INSTRUCTIONS_TITLE)],
        rows=[[line] for line in _instructions(assessment)],
    )
    bold_rows = [index + 2 for index, item in enumerate(items) if item.level in STRUCTURE_LEVELS]
    return _finish(xlsx_bytes([data_sheet, instructions]), bold_rows)


def _evidence_by_item(assessment: Assessment) -> dict[int, list[Evidence]]:
    documents = {
        evidence.pk: evidence
        for evidence in Evidence.objects.filter(assessment=assessment).order_by("uploaded_at", "pk")
    }
    links = Evidence.items.through.objects.filter(evidence__assessment=assessment).order_by(
        "evidence__uploaded_at", "evidence_id"
    )
    by_item: dict[int, list[Evidence]] = defaultdict(list)
    for evidence_id, item_id in links.values_list("evidence_id", "indexitem_id"):
        by_item[item_id].append(documents[evidence_id])
    return by_item


def evidence_label(evidence: Evidence) -> str:
    """'123/KH-UBND dated 05/02/2026 (Sở Nội vụ)' for a cited document, else the file's name
    or the link."""
    if evidence.document_number:
        label = evidence.document_number
        if evidence.document_date:
            label += f" {_('dated')} {date_text(evidence.document_date)}"
        if evidence.issuer:
            label += f" ({evidence.issuer})"
        return label
    return evidence.original_name or evidence.url or str(evidence)


def _fed_row(item: IndexItem, fed: FedFigure) -> list:
    """A data-fed item: what Home Affairs uploaded, for information. Its value cells stay
    empty, so the file reads back without touching it."""
    row = [item.code, item.name, str(item.get_level_display()), item.max_points]
    method = _("%(method)s (from data: %(source)s; entered by Home Affairs)") % {
        "method": item.get_method_display(),
        "source": item.data_source,
    }
    cells = {METHOD: method, RULE: item.rule or None, CHOICES: fed.text, EARNED: fed.points}
    return [*row, *(cells.get(name) for name in COLUMNS[len(row) :])]


def _item_row(item: IndexItem, score: Score | None, evidence: list[Evidence]) -> list:
    row = [item.code, item.name, str(item.get_level_display()), item.max_points]
    if item.level in STRUCTURE_LEVELS:
        return row + [None] * (len(COLUMNS) - len(row))
    if item.is_survey:
        method = _("%(method)s (entered by Home Affairs)") % {"method": item.get_method_display()}
        return [*row, method, item.rule or None, *([None] * (len(COLUMNS) - len(row) - 2))]
    method = str(item.get_method_display())
    if item.not_applicable_allowed:
        method += "; " + _("may be marked not applicable")
        if item.not_applicable_condition:
            method += f" ({item.not_applicable_condition})"
    entry = entry_of(score)
    choices = "; ".join(
        f"{choice['label']}: {format_number(Decimal(choice['points']), None)}"
        for choice in item_choices(item)
    )
    if is_per_case(item):
        choices = per_case_text(item.method_params or {}, item.max_points)
    per_case = is_per_case(item)
    return [
        *row,
        method,
        item.rule or None,
        choices or None,
        # With a ratio reported the rule gives the points: the cell stays for the ratio alone
        # (older data may hold both), so the file reads back as it was written.
        None if entry.ratio is not None and item.method in FIGURE_METHODS else entry.points,
        None if per_case else entry.ratio,
        entry.ratio if per_case else None,
        earned(item, entry.value),
        NA_MARK if entry.not_applicable else None,
        entry.not_applicable_reason or None,
        entry.note or None,
        "; ".join(evidence_label(document) for document in evidence) or None,
        score.version if score else 0,
    ]


def _instructions(assessment: Assessment) -> list[str]:
    columns = {name: _(name) for name in COLUMNS}
    return [
        _("Self-assessment of %(unit)s, %(year)s.")
        % {"unit": assessment.unit.name, "year": assessment.period.year},
        _(
            "Fill in only the columns “%(points)s”, “%(ratio)s”, “%(na)s”, “%(reason)s” and "
            "“%(note)s”. The other columns are for information: they are not read when the "
            "file is uploaded."
        )
        % {
            "points": columns[POINTS],
            "ratio": columns[RATIO],
            "na": columns[NOT_APPLICABLE],
            "reason": columns[REASON],
            "note": columns[NOTE],
        },
        _("Do not change the codes in “%(code)s”, and do not copy a row twice.")
        % {"code": columns[CODE]},
        _("Decimals may be written with a comma or a dot: 1,5 or 1.5."),
        _(
            "Write a ratio as a number of percent (95 for 95%%), not as a cell formatted as a "
            "percentage. For items scored from a ratio, report the ratio: the rule turns it "
            "into points (column “%(earned)s”)."
        )
        % {"earned": columns[EARNED]},
        _(
            "For bonus and penalty lines scored per case, write the number of cases (a whole "
            "number) in “%(count)s”: the rule turns it into points. Leave it empty when there "
            "is none."
        )
        % {"count": columns[COUNT]},
        _(
            "For fixed levels, yes/no, and the other cases of a ratio rule, type the points of "
            "one of the answers listed in “%(choices)s”."
        )
        % {"choices": columns[CHOICES]},
        _(
            "To mark an item not applicable, write x in “%(na)s” and give the reason; only "
            "items whose rule allows it can be marked."
        )
        % {"na": columns[NOT_APPLICABLE]},
        _("An item whose value cells are all left empty is cleared: what was stored is removed."),
        _(
            "Rows of areas and criteria are ignored. Survey items are entered by Home Affairs: "
            "leave their rows empty."
        ),
        _(
            "Items fed from data are scored from the figures Home Affairs uploads from another "
            "system (column “%(choices)s” shows the figure and its date): leave their rows empty."
        )
        % {"choices": columns[CHOICES]},
        _(
            "Evidence is attached on the web form; the column “%(evidence)s” only lists what is "
            "attached."
        )
        % {"evidence": columns[EVIDENCE]},
        _(
            "The column “%(version)s” records each item as it was when the file was "
            "downloaded: an item changed on the portal since then is refused, so a colleague's "
            "work is not undone. Empty the cell to replace it anyway."
        )
        % {"version": columns[VERSION]},
        _(
            "When the file is uploaded every row is checked. If any row has a problem nothing "
            "is changed, and each problem is listed with its row number."
        ),
    ]


def _finish(data: bytes, bold_rows: list[int]) -> bytes:
    """Bold area and criterion rows of the first sheet, and wrap the instructions."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font

    workbook = load_workbook(io.BytesIO(data))
    sheet, instructions = workbook.worksheets
    bold = Font(bold=True)
    for number in bold_rows:
        for cell in sheet[number]:
            cell.font = bold
    instructions.column_dimensions["A"].width = 100
    instructions.auto_filter.ref = None
    for (cell,) in instructions.iter_rows(min_row=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- upload


@dataclass
class _Change:
    row: int
    item: IndexItem
    entry: SelfEntry
    version: int


def self_assessment_import(*, assessment: Assessment, data: bytes, filename: str, by) -> int:
    """Fill the self-assessment from a file laid out like the download (XLSX or CSV). Returns
    how many items changed. Raises ImportFailed listing every problem, and changes nothing, if
    any row is wrong; PermissionDenied or ValidationError when the user may not edit now."""
    return len(_import(assessment=assessment, data=data, filename=filename, by=by))


def _import(*, assessment: Assessment, data: bytes, filename: str, by) -> list[_Change]:
    evidence_closed_check(assessment, by)
    table = _read(data, filename)
    items = {
        item.code: item for item in IndexItem.objects.filter(index_set_id=assessment.index_set_id)
    }
    folded = {code.casefold(): item for code, item in items.items()}
    scores = {score.item_id: score for score in Score.objects.filter(assessment=assessment)}
    step = assessment.index_set.points_step
    label = {name: _(name) for name in (*READ_COLUMNS, *OPTIONAL_COLUMNS)}

    problems: list[ImportProblem] = []
    changes: list[_Change] = []
    seen: dict[int, int] = {}
    for row, values in table:
        code = cell_text(values.get(label[CODE]))
        raw = {name: values.get(label[name]) for name in (*VALUE_COLUMNS, *OPTIONAL_COLUMNS)}
        filled = any(cell_text(value) for value in raw.values())
        if not code:
            if filled:
                problems.append(ImportProblem(row, _("This row has values but no item code.")))
            continue
        item = items.get(code) or folded.get(code.casefold())
        if item is None:
            problems.append(
                ImportProblem(
                    row,
                    _("There is no item with code “%(code)s” in the index set.") % {"code": code},
                )
            )
            continue
        if item.pk in seen:
            problems.append(
                ImportProblem(
                    row,
                    _("Item %(code)s is already on row %(first)s.")
                    % {"code": item.code, "first": seen[item.pk]},
                )
            )
            continue
        seen[item.pk] = row
        if not item.is_scored:
            continue  # areas and criteria: information only
        if item.is_survey:
            if filled:
                problems.append(
                    ImportProblem(
                        row,
                        _("%(code)s is a survey item: Home Affairs enters it. Leave its row empty.")
                        % {"code": item.code},
                    )
                )
            continue
        if item.is_data_fed:
            if filled:
                problems.append(
                    ImportProblem(
                        row,
                        _(
                            "%(code)s is scored from data Home Affairs uploads (%(source)s). "
                            "Leave its row empty."
                        )
                        % {"code": item.code, "source": item.data_source},
                    )
                )
            continue
        try:
            not_applicable = bool(
                parse_yes_no(raw[NOT_APPLICABLE], label=label[NOT_APPLICABLE], default=False)
            )
            points = _number(raw[POINTS], column=label[POINTS])
            ratio = _number(raw[RATIO], column=label[RATIO])
            count = _number(raw[COUNT], column=label[COUNT])
        except ParseError as exc:
            problems.append(ImportProblem(row, f"{item.code}: {exc}"))
            continue
        misplaced = _misplaced_figure(item, ratio=ratio, count=count)
        if misplaced:
            problems.append(ImportProblem(row, f"{item.code}: {misplaced}"))
            continue
        if is_per_case(item):
            ratio = count  # the count is kept where a reported figure is
        try:
            entry = self_entry_clean(
                item,
                points=points,
                ratio=ratio,
                not_applicable=not_applicable,
                reason=_text(raw[REASON]),
                note=_text(raw[NOTE]),
                step=step,
            )
        except ValidationError as exc:
            problems.extend(ImportProblem(row, f"{item.code}: {m}") for m in exc.messages)
            continue
        score = scores.get(item.pk)
        stored = entry_of(score)
        entry = _keep_stored_text(entry, stored)
        current = score.version if score else 0
        downloaded = _version(values.get(_(VERSION)), current)
        if entry != stored and downloaded != current:
            problems.append(
                ImportProblem(
                    row,
                    _(
                        "Item %(code)s was changed on the portal after this file was "
                        "downloaded. Download the file again, or empty its version cell to "
                        "replace what is stored."
                    )
                    % {"code": item.code},
                )
            )
            continue
        if entry != stored:
            changes.append(_Change(row, item, entry, current))
    if problems:
        raise ImportFailed(problems)

    with transaction.atomic():
        for change in changes:
            try:
                self_score_save(
                    assessment=assessment,
                    item=change.item,
                    entry=change.entry,
                    expected_version=change.version,
                    by=by,
                )
            except ScoreConflict:
                problems.append(
                    ImportProblem(
                        change.row,
                        _(
                            "Item %(code)s was changed by someone else while the file was "
                            "being uploaded. Upload the file again."
                        )
                        % {"code": change.item.code},
                    )
                )
        if problems:
            raise ImportFailed(problems)  # inside the block: every save is rolled back
    return changes


def _read(data: bytes, filename: str) -> Table:
    """The self-assessment sheet with its headers renamed to the columns' current titles; a
    header written in English (the msgid) is recognised too."""
    table = read_table(
        data, filename, sheet=_(SHEET_TITLE), max_rows=settings.PARINDEX_IMPORT_SMALL_MAX_ROWS
    )
    titles = {}
    for name in (*READ_COLUMNS, *OPTIONAL_COLUMNS, VERSION):
        for text in (name, _(name)):  # the translation wins when both normalise alike
            titles[normalize_header(text)] = _(name)
    renamed = Table(
        name=table.name,
        headers=[titles.get(header, header) for header in table.headers],
        rows=[{titles.get(h, h): value for h, value in row.items()} for row in table.rows],
        row_numbers=table.row_numbers,
    )
    require_columns(renamed, [_(name) for name in READ_COLUMNS])
    return renamed


def _misplaced_figure(item, *, ratio, count) -> str:
    """A count written for a line not scored per case, or a ratio for one that is."""
    if is_per_case(item) and ratio not in (None, ""):
        return _("this line is scored per case: write the number of cases in “%(count)s”.") % {
            "count": _(COUNT)
        }
    if not is_per_case(item) and count not in (None, ""):
        return _("this item is not scored per case: leave “%(count)s” empty.") % {"count": _(COUNT)}
    return ""


def _version(value, current: int) -> int:
    """The version written in the downloaded file; an empty cell (a file made by hand, or the
    user's choice to overwrite) means the stored one."""
    text = cell_text(value)
    if isinstance(value, (int, float)) or text.isdigit():
        return int(float(value))
    return current


def _number(value, *, column: str):
    """A number cell as self_entry_clean takes it: text as typed (comma or dot), numbers as the
    Decimal the user typed (a spreadsheet's 0.1 is not 0.1000000000000000055)."""
    if value is None or isinstance(value, str):
        return _text(value)
    return parse_decimal(value, label=column)


def _text(value) -> str:
    """Cell text, without the apostrophe the download puts before text that looks like a
    formula ('=…', '- …')."""
    text = cell_text(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _same_text(a: str, b: str) -> bool:
    """Equal once line ends and Unicode forms agree: a spreadsheet turns CR LF into LF."""

    def canonical(text: str) -> str:
        return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))

    return canonical(a) == canonical(b)


def _keep_stored_text(entry: SelfEntry, stored: SelfEntry) -> SelfEntry:
    """Keep the stored note and reason where the file only changed their line ends or Unicode
    form, so that such an item counts as unchanged and its audit shows no false edit."""
    if _same_text(entry.note, stored.note):
        entry = replace(entry, note=stored.note)
    if _same_text(entry.not_applicable_reason, stored.not_applicable_reason):
        entry = replace(entry, not_applicable_reason=stored.not_applicable_reason)
    return entry


# ---------------------------------------------------------------- as a background job

SELF_ASSESSMENT_IMPORT = "self_assessment"


def self_assessment_import_queue(*, assessment: Assessment, data: bytes, filename: str, by):
    """Store the upload and let a worker read it; the uploader confirms its preview. Refused
    at once (PermissionDenied, ValidationError) when the user may not edit now."""
    evidence_closed_check(assessment, by)
    return import_job_create(
        kind=SELF_ASSESSMENT_IMPORT,
        owner=by,
        data=data,
        filename=filename,
        params={"assessment": assessment.pk},
        unit=assessment.unit,
        organiser=assessment.period.organiser,
    )


def _run_job(job, data: bytes) -> ImportOutcome:
    assessment = Assessment.objects.select_related("unit", "period", "index_set").get(
        pk=job.params["assessment"]
    )
    changes = _import(assessment=assessment, data=data, filename=job.filename, by=job.owner)
    return ImportOutcome(
        summary=_("%(n)s item(s) filled in from the file.") % {"n": len(changes)},
        changes=[
            _("Row %(row)s: %(code)s %(name)s")
            % {"row": change.row, "code": change.item.code, "name": change.item.name}
            for change in changes
        ],
        nothing_changes=not changes,
    )


def _done_url(job) -> str:
    return reverse("scoring:self_assessment", kwargs={"pk": job.params["assessment"]})


import_kind_register(SELF_ASSESSMENT_IMPORT, run=_run_job, done_url=_done_url)
