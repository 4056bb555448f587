"""A period's results as an Excel workbook: the ranking of each group, every unit's index by area,
and every unit × sub-criterion (self-assessed / appraised / final). The workbook kept with a
publication is public: its sub-criterion sheet holds the final points only.

Numbers are number cells holding the engine's exact value (shown with 2 decimals like the pages);
text never becomes a formula; a period not yet published says DỰ THẢO on every sheet and in the
file name.

The sub-criterion sheet is big (a province: 657 units × ~100 items ≈ 66,000 rows). openpyxl spends
about 10 µs on each cell it writes, 8 s for that sheet alone, so it writes only what makes a
sheet — title and header rows, widths, frozen panes, filters, print setup and the styles — and the
data rows are then streamed into each sheet's <sheetData> as plain XML, in a fraction of that."""

import io
import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from parindex.dates import date_text
from parindex.tabular import FORMULA_PREFIXES
from reports.documents import published_file_name, published_items
from reports.selectors import ReportData, period_report_data
from scoring.display import rank_label, round_for_display

DRAFT = "DỰ THẢO"  # administrative wording, not translated
POINTS_PLACES = 8  # every digit a publication keeps (published_points_field)
# An index is a quotient: kept to 10 places (within Excel's 15 digits), so that Excel's own
# 2-decimal display rounds it as the portal and the PDFs do. 4 places made 86.80497… show
# as 86.81 here and 86,80% everywhere else.
INDEX_PLACES = 10

# Column kinds: how a value is written and shown.
TEXT, INTEGER, POINTS, INDEX, RANK_CHANGE, INDEX_CHANGE = (
    "text",
    "integer",
    "points",
    "index",
    "rank_change",
    "index_change",
)
NUMBER_FORMATS = {
    INTEGER: "0",
    POINTS: "0.00",
    INDEX: "0.00",
    RANK_CHANGE: "+0;-0;0",
    INDEX_CHANGE: "+0.00;-0.00;0.00",
}
PLACES = {POINTS: POINTS_PLACES, INDEX: INDEX_PLACES, INDEX_CHANGE: INDEX_PLACES}
NUMBER_WIDTH = 11
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
INVALID_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")
ROWS_PER_CHUNK = 500
# Not characters at all in XML 1.0 (PostgreSQL stores them happily in pasted text).
NOT_XML_CHARACTERS = re.compile("[\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    max_width: int = 60  # characters: longer text is cut off on screen, not wrapped


def render_results_workbook(report, progress) -> tuple[str, bytes]:
    data = period_report_data(report)
    progress(10)
    return workbook_filename(data), results_workbook(data, progress)


def workbook_filename(data: ReportData) -> str:
    if data.kept_with is not None:
        return published_file_name("ket-qua-cchc", data.kept_with, "xlsx")
    suffix = "-du-thao" if data.is_draft else ""
    return f"ket-qua-cchc-{data.period.year}{suffix}.xlsx"


def results_workbook(data: ReportData, progress=None) -> bytes:
    """The workbook's bytes; progress(percent) goes from 10 to 95 as sheets are written."""
    results = data.results
    groups = [group for group in results.groups if group.rows]
    areas = _area_columns(results.rows)
    workbook = Workbook(write_only=True)
    names = _SheetNames()
    sheets = [
        _start_sheet(
            workbook,
            title=names.unique(_group_name(group)),
            caption=_caption(data, _("Ranking: %(group)s") % {"group": _group_name(group)}),
            columns=_ranking_columns(),
            rows=[_ranking_row(row) for row in group.rows],
            frozen_columns=4,
            draft=data.is_draft,
            extra_rows=[_ranking_average_row(group)],
        )
        for group in groups
    ]
    sheets.append(
        _start_sheet(
            workbook,
            title=names.unique(_("Index by area")),
            caption=_caption(data, _("Index by area")),
            columns=[
                Column(_("Ranking group"), max_width=30),
                Column(_("Unit code"), max_width=16),
                Column(_("Unit name")),
                *(Column(header, INDEX) for header in areas.values()),
                Column(_("Index (%)"), INDEX),
            ],
            rows=[_areas_row(group, row, areas) for group in groups for row in group.rows],
            frozen_columns=3,
            draft=data.is_draft,
            extra_rows=[_areas_average_row(group, areas) for group in groups],
        )
    )
    if data.is_public:
        # Kept with a publication and public: each sub-criterion's final points only.
        item_columns = _published_item_columns()
        item_rows = [
            _published_item_row(group, row, line)
            for group in groups
            for row in group.rows
            for line in published_items(row)
        ]
    else:
        item_columns = _item_columns()
        item_rows = [
            _item_row(group, row, item)
            for group in groups
            for row in group.rows
            for item in row.result.items
        ]
    sheets.append(
        _start_sheet(
            workbook,
            title=names.unique(_("By sub-criterion")),
            caption=_caption(data, _("Points by sub-criterion")),
            columns=item_columns,
            rows=item_rows,
            frozen_columns=3,
            draft=data.is_draft,
        )
    )
    notes = _note_rows(data)
    if notes:
        sheets.append(
            _start_sheet(
                workbook,
                title=names.unique(_("Notes")),
                caption=_caption(data, _("Notes")),
                columns=_note_columns(),
                rows=notes,
                frozen_columns=0,
                draft=data.is_draft,
            )
        )
    skeleton = io.BytesIO()
    workbook.save(skeleton)
    return _with_rows(skeleton.getvalue(), sheets, progress or (lambda percent: None))


# ---------------------------------------------------------------- what the sheets hold


def _ranking_columns() -> list[Column]:
    return [
        Column(_("Rank"), INTEGER),
        Column(_("Rank in the group"), max_width=12),
        Column(_("Unit code"), max_width=16),
        Column(_("Unit name")),
        Column(_("Own maximum"), POINTS),
        Column(_("Self-assessed/appraised points"), POINTS),
        Column(_("Survey points"), POINTS),
        Column(_("Bonus points"), POINTS),
        Column(_("Penalty points"), POINTS),
        Column(_("Total points"), POINTS),
        Column(_("Index (%)"), INDEX),
        Column(_("Classification"), max_width=20),
        Column(_("Rank change (places up)"), RANK_CHANGE),
        Column(_("Index change (percentage points)"), INDEX_CHANGE),
        Column(_("Self-assessment not submitted"), max_width=14),
    ]


def _note_columns() -> list[Column]:
    return [
        Column(_("Note"), max_width=40),
        Column(_("Unit code"), max_width=16),
        Column(_("Unit name")),
        Column(_("Code"), max_width=12),
        Column(_("Item")),
        Column(_("Reason")),
    ]


def _note_rows(data: ReportData) -> list[list]:
    """The notes of the published results: survey or data items published without their input
    (the officer's reasons, frozen with the publication), then the units that never
    submitted."""
    exceptions = data.publication.exceptions if data.publication else []
    rows = [
        [
            _("Published without its survey input")
            if exception["kind"] == "survey"
            else _("Published without its data input"),
            exception["unit_code"],
            exception["unit_name"],
            exception["item_code"],
            exception["item_name"],
            exception["reason"],
        ]
        for exception in exceptions
    ]
    rows += [
        [
            _("Self-assessment not submitted"),
            row.unit_code,
            row.unit_name,
            None,
            None,
            _("The result is what the appraisal council entered."),
        ]
        for row in data.results.rows
        if row.never_submitted
    ]
    return rows


def _item_key_columns() -> list[Column]:
    """Which unit and which item a line of the sub-criterion sheet is about, and its maximum."""
    return [
        Column(_("Ranking group"), max_width=30),
        Column(_("Unit code"), max_width=16),
        Column(_("Unit name")),
        Column(_("Code"), max_width=12),
        Column(_("Sub-criterion")),
        Column(_("Max points"), POINTS),
    ]


def _item_columns() -> list[Column]:
    return [
        *_item_key_columns(),
        Column(_("Self-assessed points"), POINTS),
        Column(_("Appraised points"), POINTS),
        Column(_("Final points"), POINTS),
        Column(_("Points counted"), POINTS),
        Column(_("Not applicable"), max_width=12),
        Column(_("Appraisal reason")),
        Column(_("Final reason")),
    ]


def _published_item_columns() -> list[Column]:
    return [
        *_item_key_columns(),
        Column(_("Points counted"), POINTS),
        Column(_("Not applicable"), max_width=12),
    ]


def _published_item_row(group, row, line) -> list:
    item = line.item
    return [
        _group_name(group),
        row.unit_code,
        row.unit_name,
        item.code,
        item.name,
        item.max_points,
        item.points,
        "x" if line.not_applicable else None,
    ]


def _ranking_row(row) -> list:
    result, change = row.result, row.change
    return [
        row.rank,
        rank_label(row.rank, row.rank_of, official=True),
        row.unit_code,
        row.unit_name,
        result.max_points,
        result.direct_points,
        result.survey_points,
        result.bonus_points,
        result.penalty_points,
        result.total_points,
        result.index,
        result.band,
        change.rank_change,
        change.index_change,
        "x" if row.never_submitted else None,
    ]


def _ranking_average_row(group) -> list:
    # The label under the unit names, the average under the indices.
    label, index = _("Group average"), group.average_index
    return [
        None,
        None,
        None,
        label,
        None,
        None,
        None,
        None,
        None,
        None,
        index,
        None,
        None,
        None,
        None,
    ]


def _area_columns(rows) -> dict[str, str]:
    """Area code → header, in the order of the index sets. Sets of different unit kinds may
    name an area differently: then the header gives the code only."""
    names: dict[str, set[str]] = {}
    for row in rows:
        for area in row.result.areas:
            names.setdefault(area.code, set()).add(area.name)
    return {
        code: (
            f"{code}. {next(iter(found))} (%)"
            if len(found) == 1
            else _("Area %(code)s (%%)") % {"code": code}
        )
        for code, found in names.items()
    }


def _areas_row(group, row, areas: dict[str, str]) -> list:
    indices = {area.code: area.index for area in row.result.areas}
    return [
        _group_name(group),
        row.unit_code,
        row.unit_name,
        *(indices.get(code) for code in areas),
        row.result.index,
    ]


def _areas_average_row(group, areas: dict[str, str]) -> list:
    return [
        _group_name(group),
        None,
        _("Group average"),
        *(group.area_average(code) for code in areas),
        group.average_index,
    ]


def _item_row(group, row, item) -> list:
    return [
        _group_name(group),
        row.unit_code,
        row.unit_name,
        item.code,
        item.name,
        item.max_points,
        item.self_points,
        item.appraisal_points,
        item.final_points,
        item.points,
        "x" if item.not_applicable else None,
        item.appraisal_reason,
        item.final_reason,
    ]


def _group_name(group) -> str:
    return group.name if group.code else _("Not ranked")


def _caption(data: ReportData, subject: str) -> str:
    period = data.period
    parts = [period.organiser.name, str(period), subject]
    if data.is_draft:
        return " — ".join([DRAFT, *parts, _("Not published yet.")])
    published_at = date_text(data.publication.published_at)
    status = _("published version %(version)s (%(date)s)") % {
        "version": data.publication.version,
        "date": published_at,
    }
    return " — ".join([*parts, status])


class _SheetNames:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique whatever the case."""

    def __init__(self):
        self.taken: set[str] = set()

    def unique(self, name: str) -> str:
        base = INVALID_SHEET_CHARACTERS.sub("-", name).strip().strip("'") or "-"
        candidate, number = base[:31], 1
        while candidate.casefold() in self.taken:
            number += 1
            suffix = f" ({number})"
            candidate = base[: 31 - len(suffix)] + suffix
        self.taken.add(candidate.casefold())
        return candidate


# ---------------------------------------------------------------- the sheets, by openpyxl


@dataclass
class _SheetRows:
    """A sheet openpyxl wrote up to its header row, and the rows still to stream into it."""

    sheet: object
    kinds: list[str]
    rows: list[list]
    extra_rows: list[list]
    styles: dict[tuple[str, bool], int]  # (kind, bold) → style id; text: quoted text's style


def _start_sheet(
    workbook,
    *,
    title: str,
    caption: str,
    columns: list[Column],
    rows: list[list],
    frozen_columns: int,
    draft: bool,
    extra_rows: list[list] = (),
) -> _SheetRows:
    """A title row (saying DỰ THẢO for a draft), a bold header row with filters over the rows,
    frozen above and left of the data. Extra rows (averages) come after a blank row, outside
    the filter, so that sorting leaves them at the bottom."""
    sheet = workbook.create_sheet(title)
    widths = _widths(columns, rows)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_lines = max(
        math.ceil(len(column.header) * 1.15 / (width - 1))
        for column, width in zip(columns, widths, strict=True)
    )
    sheet.row_dimensions[HEADER_ROW].height = 15 * min(header_lines, 6)
    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{FIRST_DATA_ROW}"
    sheet.auto_filter.ref = (
        f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + len(rows)}"
    )
    _page_setup(sheet, draft)

    title_font = Font(bold=True, size=13, color="C00000" if draft else None)
    sheet.append([_text_cell(sheet, caption, font=title_font)])
    header_style = {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DDEBF7"),
        "alignment": Alignment(vertical="center", wrap_text=True),
    }
    sheet.append([_text_cell(sheet, column.header, **header_style) for column in columns])
    kinds = [column.kind for column in columns]
    styles = {
        (kind, bold): _style_id(
            sheet,
            number_format=NUMBER_FORMATS.get(kind),
            quote_prefix=kind == TEXT,
            font=Font(bold=True) if bold else None,
        )
        for kind in set(kinds)
        for bold in (False, True)
    }
    return _SheetRows(sheet, kinds, rows, list(extra_rows), styles)


def _widths(columns: list[Column], rows: list[list]) -> list[float]:
    """Excel widths in characters: text columns fit their longest value (Vietnamese letters
    with two diacritics are a little wider), capped; headers wrap at word boundaries."""
    widths = []
    for index, column in enumerate(columns):
        longest_word = max((len(word) for word in column.header.split()), default=0)
        if column.kind == TEXT:
            longest = max((len(v) for row in rows if isinstance(v := row[index], str)), default=0)
            width = min(max(longest * 1.1, longest_word, 6), column.max_width)
        elif column.kind == INTEGER:
            width = max(longest_word, 6)
        else:
            width = max(NUMBER_WIDTH, longest_word)
        widths.append(round(width + 2, 1))
    return widths


def _page_setup(sheet, draft: bool) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if draft:
        sheet.oddHeader.center.text = DRAFT
        sheet.oddHeader.center.size = 14
        sheet.oddHeader.center.color = "C00000"
    sheet.oddFooter.center.text = "&P/&N"


def _text_cell(sheet, text: str, **style) -> Cell:
    """A cell typed as text whatever the text starts with (a header may be an area's name)."""
    cell = Cell(sheet, row=1, column=1)
    for name, value in style.items():
        setattr(cell, name, value)
    cell.value = _clean(text)
    cell.data_type = "s"  # openpyxl typed "=…" as a formula and "#N/A" as an error
    return cell


def _style_id(sheet, *, number_format=None, quote_prefix=False, font=None) -> int:
    """The workbook's id of a cell style, registered now: openpyxl writes the style sheet when
    it saves, with every style its cells asked for."""
    cell = Cell(sheet, row=1, column=1)
    if number_format:
        cell.number_format = number_format
    if quote_prefix:
        cell.quotePrefix = True  # Excel keeps "=1+1" text even when the cell is edited
    if font:
        cell.font = font
    return cell.style_id


# ---------------------------------------------------------------- the rows, as XML


def _with_rows(skeleton: bytes, sheets: list[_SheetRows], progress) -> bytes:
    """The skeleton's parts, each sheet's rows streamed in before its </sheetData>."""
    by_part = {sheet.sheet.path.lstrip("/"): sheet for sheet in sheets}
    total_rows = max(sum(len(s.rows) + len(s.extra_rows) for s in sheets), 1)
    written, reported = 0, None
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(skeleton)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            sheet = by_part.get(info.filename)
            if sheet is None:
                target.writestr(info, content)
                continue
            head, end, tail = content.partition(b"</sheetData>")
            if not end:
                raise ValueError(f"No <sheetData> in {info.filename}")
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with target.open(entry, "w") as stream:
                stream.write(head)
                for chunk, rows in _rows_xml(sheet):
                    stream.write(chunk.encode())
                    written += rows
                    percent = min(10 + 85 * written // total_rows, 95)
                    if percent != reported:  # each call writes the report's row
                        progress(reported := percent)
                stream.write(end + tail)
    return output.getvalue()


def _rows_xml(sheet: _SheetRows):
    """(XML text, rows in it), a chunk at a time. Empty values write no cell."""
    letters = [get_column_letter(index) for index in range(1, len(sheet.kinds) + 1)]
    columns = list(zip(letters, sheet.kinds, strict=True))
    texts = _TextCells(sheet.styles)
    numbers: dict[str, dict] = {kind: {} for kind in sheet.kinds}
    rows = [(values, False) for values in sheet.rows]
    if sheet.extra_rows:
        rows += [(None, False)] + [(values, True) for values in sheet.extra_rows]
    parts: list[str] = []
    for number, (values, bold) in enumerate(rows, start=FIRST_DATA_ROW):
        parts.append(f'<row r="{number}">')
        for (letter, kind), value in zip(columns, values or (), strict=False):
            if value is None or value == "":
                continue
            if kind == TEXT:
                attributes, body = texts.get(value, bold)
                parts.append(f'<c r="{letter}{number}"{attributes}>{body}</c>')
                continue
            text = numbers[kind].get(value)
            if text is None:
                text = numbers[kind][value] = _number_text(value, PLACES.get(kind))
            style = sheet.styles[kind, bold]
            parts.append(f'<c r="{letter}{number}" s="{style}"><v>{text}</v></c>')
        parts.append("</row>")
        if (number - FIRST_DATA_ROW + 1) % ROWS_PER_CHUNK == 0:
            yield "".join(parts), ROWS_PER_CHUNK
            parts = []
    if parts:
        yield "".join(parts), len(rows) % ROWS_PER_CHUNK


class _TextCells:
    """Text as an inline string: never a formula. Text a spreadsheet would take for a formula
    or an error gets Excel's quote prefix too. Names repeat on every row: escaped once."""

    def __init__(self, styles: dict[tuple[str, bool], int]):
        self.quoted = {bold: f' s="{styles[TEXT, bold]}" t="inlineStr"' for bold in (False, True)}
        self.cache: dict[tuple[str, bool], tuple[str, str]] = {}

    def get(self, value: str, bold: bool) -> tuple[str, str]:
        found = self.cache.get((value, bold))
        if found is None:
            text = _clean(value)
            risky = text.startswith(FORMULA_PREFIXES) or text in ERROR_CODES
            attributes = self.quoted[bold] if risky or bold else ' t="inlineStr"'
            space = ' xml:space="preserve"' if text != text.strip() else ""
            found = self.cache[value, bold] = (attributes, f"<is><t{space}>{escape(text)}</t></is>")
        return found


def _clean(text) -> str:
    """Without the control characters XML cannot hold (pasted from other programs), and within
    Excel's 32,767 characters a cell."""
    return NOT_XML_CHARACTERS.sub("", ILLEGAL_CHARACTERS_RE.sub("", str(text)))[:32767]


def _number_text(value, places: int | None) -> str:
    """The engine's number as exact decimal text: Excel reads the nearest double, as if typed
    (openpyxl would write 88.5233 as 88.52330000000001)."""
    if isinstance(value, int):
        return str(value)
    return format(round_for_display(Decimal(value), places).normalize(), "f")
