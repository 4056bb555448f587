"""Reading and writing the spreadsheets officials exchange: XLSX and CSV (UTF-8 with BOM, comma or
semicolon separated), with import problems reported per row, in Vietnamese, as Excel shows the
rows (header = row 1). Cells are read as numbers and yes/no by parindex.parsing."""

import csv
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import tablib
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from .dates import date_text
from .parsing import excel_decimal
from .text import normalize_text, without_control_characters

ROW_COLUMN = "_row"  # carries the Excel row number through django-import-export


@dataclass
class ImportProblem:
    row: int | None
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class ImportFailed(Exception):
    """An import found problems and changed nothing."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = sorted(problems, key=lambda p: (p.row is not None, p.row or 0))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Table:
    """One sheet: normalised headers, and each non-empty row with its Excel row number."""

    name: str
    headers: list[str]
    rows: list[dict] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)

    def __iter__(self):
        return iter(zip(self.row_numbers, self.rows, strict=True))

    def __len__(self):
        return len(self.rows)

    def to_dataset(self) -> tablib.Dataset:
        dataset = tablib.Dataset(headers=[*self.headers, ROW_COLUMN])
        for number, row in self:
            dataset.append([*(row.get(h) for h in self.headers), number])
        return dataset


def normalize_header(value) -> str:
    text = normalize_text(cell_text(value)).lstrip("\ufeff").casefold()
    return "_".join(text.replace("-", " ").split())


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious '.0', dates as dd/mm/yyyy, NFC."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(excel_decimal(value), "f")
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return date_text(value)
    return normalize_text(str(value))


def read_table(
    data: bytes, filename: str, *, sheet: str | None = None, required: bool = True
) -> Table | None:
    """Read one sheet of an XLSX workbook (by name, else the first) or a CSV file."""
    suffix = Path(filename).suffix.casefold()
    if suffix == ".csv":
        if sheet and not required:
            return None  # a CSV has one sheet only: optional extra sheets are absent
        return _read_csv(data, Path(filename).stem)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, sheet=sheet, required=required)
    raise ImportFailed(
        [
            ImportProblem(
                None,
                _("Unsupported file type “%(suffix)s”: use .xlsx or .csv.")
                % {"suffix": suffix or filename},
            )
        ]
    )


def _read_csv(data: bytes, name: str) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            [
                ImportProblem(
                    None,
                    _(
                        "The CSV file is not UTF-8 text. In Excel, save it as "
                        "“CSV UTF-8 (Comma delimited)”."
                    ),
                )
            ]
        ) from exc
    text = unicodedata.normalize("NFC", text)
    first_line = next((line for line in text.splitlines() if line.strip(" ,;\t")), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _table_from_rows(name, enumerate(reader, start=1))


def _read_xlsx(data: bytes, *, sheet: str | None, required: bool) -> Table | None:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFailed(
            [ImportProblem(None, _("The file cannot be opened as an Excel workbook (.xlsx)."))]
        ) from exc
    try:
        return _read_worksheet(workbook, sheet=sheet, required=required)
    except (
        SyntaxError,
        zipfile.BadZipFile,
        zlib.error,
        IndexError,
        KeyError,
        OSError,
        ValueError,
    ) as exc:
        # The sheet's XML is read only now: cut off, or holding a character XML forbids
        # (xml.etree's and lxml's parse errors are SyntaxErrors).
        raise ImportFailed(
            [ImportProblem(None, _("The file cannot be opened as an Excel workbook (.xlsx)."))]
        ) from exc
    finally:
        workbook.close()


def _read_worksheet(workbook, *, sheet: str | None, required: bool) -> Table | None:
    """The sheet named `sheet` (else the first) as a Table; None when it is optional and absent."""
    worksheet = None
    if sheet:
        for candidate in workbook.worksheets:
            if candidate.title.strip().casefold() == sheet.casefold():
                worksheet = candidate
        if worksheet is None and not required:
            return None
    if worksheet is None:
        worksheet = workbook.worksheets[0]
    # Writers other than Excel often leave the sheet's <dimension> at A1; read-only mode
    # trusts it unless told to measure again.
    worksheet.reset_dimensions()
    rows = enumerate(
        ([_shown_value(cell) for cell in row] for row in worksheet.iter_rows()), start=1
    )
    return _table_from_rows(worksheet.title, rows)


def _shown_value(cell):
    """The value as the user sees it: a cell formatted as a percentage shows 0.955 as 95,5%,
    and every column of ours that takes a percentage expects the 95.5 the user typed."""
    value = getattr(cell, "value", None)
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", None) or "")
    ):
        return (excel_decimal(float(value)) * 100).normalize()
    return value


def _table_from_rows(name: str, numbered_rows) -> Table:
    headers: list[str] | None = None
    table = None
    for number, values in numbered_rows:
        if all(cell_text(v) == "" for v in values):
            continue
        if headers is None:
            headers = [normalize_header(v) for v in values]
            table = Table(name=name, headers=headers)
            continue
        row = {
            header: _clean_cell(value)
            for header, value in zip(headers, values, strict=False)
            if header
        }
        table.rows.append(row)
        table.row_numbers.append(number)
    if table is None:
        raise ImportFailed([ImportProblem(None, _("The file is empty."))])
    return table


def _clean_cell(value):
    return normalize_text(value) if isinstance(value, str) else value


def require_columns(table: Table, columns: list[str]) -> None:
    missing = [column for column in columns if column not in table.headers]
    if missing:
        raise ImportFailed(
            [
                ImportProblem(
                    1,
                    _("Missing column(s): %(columns)s. The header row must have: %(all)s.")
                    % {"columns": ", ".join(missing), "all": ", ".join(columns)},
                )
            ]
        )


def escaped_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of an export's rows with every cell through escape_formula (and the characters a
    workbook cannot hold left out): what the admin's export action writes, whatever the
    resource, so a model exported with import-export's default resource is guarded too."""
    escaped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        escaped.append([escape_formula(_writable(value)) for value in row])
    return escaped


class CSVWithBOM(CSV):
    """CSV as Vietnamese Excel opens it correctly: UTF-8 with a byte-order mark."""

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(escaped_dataset(dataset), **kwargs)


class SafeXLSX(XLSX):
    """import-export's XLSX with every text cell escaped: openpyxl (under tablib) would type a
    text starting with "=" as a formula."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped_dataset(dataset), **kwargs)


def csv_bytes(rows: list[list], headers: list[str]) -> bytes:
    """UTF-8-with-BOM CSV of plain rows (for commands and downloads)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([escape_formula(value) for value in headers])
    writer.writerows([escape_formula(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# What a spreadsheet takes for the start of a formula: = + - @ (and their full-width forms, which
# Excel folds to ASCII on some input methods), tab and carriage return (the start of another
# cell or line once pasted). Blanks and double quotes before them do not stop Excel or
# LibreOffice from evaluating " =1+1" or "\"=1+1" in a CSV opened by a double click.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_LEADING_BLANKS = re.compile(r'^[ \u00a0\u200b\u2060\ufeff\u3000\n"]+')

# A number written as text ("-2.76", "-2,76", "+5"): a value, not a formula.
_NUMBER_TEXT = re.compile(r"[-+]?\d+([.,]\d+)?")


def escape_formula(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV
    injection advice); numbers, and numbers written as text like "-2.76", pass unchanged."""
    if not isinstance(value, str) or not value:
        return value
    start = _LEADING_BLANKS.sub("", value)
    if start.startswith(FORMULA_PREFIXES) and not _NUMBER_TEXT.fullmatch(value):
        return "'" + value
    return value


def _writable(value):
    """Text without the control characters that stop a workbook from being written at all
    (openpyxl's IllegalCharacterError); stored before they were refused at input."""
    if isinstance(value, str):
        return without_control_characters(value)
    return value


@dataclass
class SheetSpec:
    """One sheet to write: numbers stay numbers, with a number format per column."""

    title: str
    headers: list[str]
    rows: list[list]
    number_formats: dict[int, str] = field(default_factory=dict)  # column index → Excel format


def xlsx_bytes(sheets: list[SheetSpec]) -> bytes:
    """A workbook with a bold frozen header row, filters and widths that fit Vietnamese text."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        sheet.append(spec.headers)
        for cell in sheet[1]:
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        widths = [len(str(h)) for h in spec.headers]
        for values in spec.rows:
            row = []
            for index, value in enumerate(values):
                if isinstance(value, str):
                    # Control characters stored before they were refused would stop the
                    # whole workbook (openpyxl's IllegalCharacterError): left out.
                    value = escape_formula(_writable(value))
                    widths[index] = max(widths[index], min(len(value), 80))
                row.append(value)
            cells = []
            for index, value in enumerate(row):
                # Cells made here, not read back with sheet[sheet.max_row]: max_row scans every
                # cell of the sheet, which made a 20 000-row template take minutes.
                cell = Cell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                elif index in spec.number_formats and value is not None:
                    cell.number_format = spec.number_formats[index]
                    widths[index] = max(widths[index], 10)
                cells.append(cell)
            sheet.append(cells)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(8, min(width + 2, 70))
        sheet.freeze_panes = "A2"
        if spec.rows:
            sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
