"""Reading and writing the spreadsheets officials exchange: XLSX and CSV (UTF-8 with BOM, comma or
semicolon separated), with import problems reported per row, in Vietnamese, as Excel shows the
rows (header = row 1). Cells are read as numbers and yes/no by parindex.parsing."""

import csv
import io
import re
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import tablib
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from .dates import date_text
from .parsing import excel_decimal
from .text import normalize_text, without_control_characters

# What defusedxml raises for a DOCTYPE with entities (billion laughs) or an external reference
# (XXE); openpyxl parses through it (openpyxl.xml.DEFUSEDXML, checked at start-up).
_XML_REFUSALS = (DefusedXmlException,)

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


@dataclass(frozen=True)
class ReadLimits:
    """How much of a file is read before it is refused: checked on the zip's directory before
    openpyxl parses anything, then while the rows stream (the reading stops at the first
    row over a limit). Defaults come from the PARINDEX_IMPORT_* settings."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int
    max_seconds: float
    max_members: int
    max_member_bytes: int
    max_total_bytes: int
    max_ratio: int
    max_shared_strings_bytes: int
    max_part_elements: int

    @classmethod
    def from_settings(cls, **overrides) -> "ReadLimits":
        mb = 1024 * 1024
        limits = cls(
            max_bytes=settings.PARINDEX_IMPORT_MAX_MB * mb,
            max_rows=settings.PARINDEX_IMPORT_MAX_ROWS,
            max_columns=settings.PARINDEX_IMPORT_MAX_COLUMNS,
            max_cells=settings.PARINDEX_IMPORT_MAX_CELLS,
            max_seconds=settings.PARINDEX_IMPORT_MAX_SECONDS,
            max_members=settings.PARINDEX_IMPORT_XLSX_MAX_MEMBERS,
            max_member_bytes=settings.PARINDEX_IMPORT_XLSX_MAX_MEMBER_MB * mb,
            max_total_bytes=settings.PARINDEX_IMPORT_XLSX_MAX_TOTAL_MB * mb,
            max_ratio=settings.PARINDEX_IMPORT_XLSX_MAX_RATIO,
            max_shared_strings_bytes=settings.PARINDEX_IMPORT_XLSX_MAX_SHARED_STRINGS_MB * mb,
            max_part_elements=settings.PARINDEX_IMPORT_XLSX_MAX_PART_ELEMENTS,
        )
        return replace(limits, **{k: v for k, v in overrides.items() if v is not None})


# A member this small is never refused for its compression ratio: styles and empty sheets
# compress 100:1 and cannot hold anything heavy.
_RATIO_FREE_BYTES = 1024 * 1024
# How often (in rows) the clock is read while a file streams.
_CLOCK_EVERY = 500
# Formula cells without a stored result, listed at most this many times in one refusal.
_MAX_FORMULA_PROBLEMS = 20


def read_table(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    required: bool = True,
    max_rows: int | None = None,
) -> Table | None:
    """Read one sheet of an XLSX workbook (by name, else the first) or a CSV file, bounded by
    ReadLimits (`max_rows` narrows the rows for an importer whose files are small)."""
    limits = ReadLimits.from_settings(max_rows=max_rows)
    if len(data) > limits.max_bytes:
        raise _too_large(
            _("The file is larger than %(limit)s MB.") % {"limit": _megabytes(limits.max_bytes)}
        )
    suffix = Path(filename).suffix.casefold()
    if suffix == ".csv":
        if sheet and not required:
            return None  # a CSV has one sheet only: optional extra sheets are absent
        return _read_csv(data, Path(filename).stem, limits)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, sheet=sheet, required=required, limits=limits)
    raise ImportFailed(
        [
            ImportProblem(
                None,
                _("Unsupported file type “%(suffix)s”: use .xlsx or .csv.")
                % {"suffix": suffix or filename},
            )
        ]
    )


def _too_large(message: str) -> ImportFailed:
    return ImportFailed([ImportProblem(None, message)])


def _megabytes(size: int) -> str:
    return format(Decimal(size) / (1024 * 1024), "f").rstrip("0").rstrip(".").replace(".", ",")


class _Bounds:
    """Counts rows, cells and time as a file streams, and stops it at the first limit."""

    def __init__(self, limits: ReadLimits):
        self.limits = limits
        self.cells = 0
        self.started = time.monotonic()

    def row(self, number: int, width: int) -> None:
        self._rows(number)
        self._width(number, width)
        self.cells += width
        limits = self.limits
        if self.cells > limits.max_cells:
            raise _too_large(
                _("The file has more than %(limit)s cells: split it.") % {"limit": limits.max_cells}
            )
        if number % _CLOCK_EVERY == 0 and time.monotonic() - self.started > limits.max_seconds:
            raise _too_large(
                _("Reading the file took longer than %(limit)s seconds: split it.")
                % {"limit": limits.max_seconds}
            )

    def declared(self, rows: int, columns: int) -> None:
        """What the sheet says of its size (its <dimension>), before a row is parsed."""
        self._rows(rows)
        self._width(1, columns)

    def _rows(self, number: int) -> None:
        if number > self.limits.max_rows:
            raise _too_large(
                _(
                    "The file has more than %(limit)s rows: split it, or check for rows "
                    "below the table."
                )
                % {"limit": self.limits.max_rows}
            )

    def _width(self, number: int, width: int) -> None:
        if width > self.limits.max_columns:
            raise _too_large(
                _("Row %(row)s has more than %(limit)s columns.")
                % {"row": number, "limit": self.limits.max_columns}
            )


def _read_csv(data: bytes, name: str, limits: ReadLimits) -> Table:
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
    bounds = _Bounds(limits)

    def rows():
        for number, values in enumerate(reader, start=1):
            bounds.row(number, len(values))
            yield number, values

    try:
        return _table_from_rows(name, rows())
    except csv.Error as exc:  # a field over csv's own limit (128 KB), a NUL byte
        raise ImportFailed(
            [
                ImportProblem(
                    reader.line_num or None,
                    _(
                        "The CSV file cannot be read here (a cell that is too long, or a "
                        "stray character)."
                    ),
                )
            ]
        ) from exc


def _not_a_workbook() -> ImportFailed:
    return ImportFailed(
        [ImportProblem(None, _("The file cannot be opened as an Excel workbook (.xlsx)."))]
    )


def _check_archive(data: bytes, limits: ReadLimits) -> None:
    """Refuse a workbook whose zip would expand beyond the limits, from its directory first
    (zipfile never inflates a member past its declared size, so the declared sizes bound it),
    then from what the parts that openpyxl reads whole hold."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_directory(members, limits)
            _check_parts_read_whole(archive, limits)
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        EOFError,
        zlib.error,
        RuntimeError,  # an encrypted part
        NotImplementedError,  # a compression method zipfile does not know
    ) as exc:
        raise _not_a_workbook() from exc


def _check_directory(members: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    if len(members) > limits.max_members:
        raise _too_large(
            _("The workbook holds more than %(limit)s parts: it is not a table we can read.")
            % {"limit": limits.max_members}
        )
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.max_member_bytes or total > limits.max_total_bytes:
            raise _too_large(
                _("Unpacked, the workbook is larger than %(limit)s MB: split it.")
                % {"limit": _megabytes(min(limits.max_member_bytes, limits.max_total_bytes))}
            )
        if member.file_size > _RATIO_FREE_BYTES and ratio > limits.max_ratio:
            raise _too_large(
                _(
                    "The workbook is compressed more than %(limit)s times (a sheet of many "
                    "empty or repeated cells): copy only the table into a new workbook."
                )
                % {"limit": limits.max_ratio}
            )


_CONTENT_TYPES_PART = "[Content_Types].xml"
_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# Parts openpyxl opens by a fixed name, whatever [Content_Types].xml says of them.
_FIXED_PARTS = frozenset({"xl/styles.xml", "docProps/core.xml", "docProps/custom.xml"})
# A shared string's <si>, with or without a namespace prefix (<x:si>). Counted on the bytes, so
# a lying count="…" attribute does not matter; a "<si" inside a comment or CDATA only counts one
# too many. A prefix longer than the pattern's goes uncounted as <si>, but still counts as an
# element.
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.\-]{0,31}:)?si[\s/>]")
_LONGEST_MATCH = 37
_SCAN_CHUNK = 1024 * 1024
# The first bytes read to tell an XML part from a binary one (an image, printer settings,
# vbaProject.bin) and to find the encoding its XML declaration names.
_HEAD_BYTES = 1024
_BYTE_ORDER_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_LEADING_BLANKS_AND_NULS = b" \t\r\n\x00"
_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']{1,40})[\"']")
# Encodings whose every "<" is the byte 0x3C followed by the character's own next byte, as the
# count assumes: UTF-8, ASCII and the single-byte ISO and Windows code pages.
_NARROW_ENCODING = re.compile(
    r"(utf[-_]?8|(us[-_]?)?ascii|latin[-_]?1|iso[-_]?8859[-_]\d{1,2}|(windows|cp)[-_]?125\d)",
    re.IGNORECASE,
)
# UTF-16 and UTF-32, where a "<" is 0x3C among NULs and the next byte says nothing: every 0x3C
# is counted (end tags too: over-counted, never under).
_WIDE_ENCODING = re.compile(r"(utf[-_]?(16|32)([-_]?[bl]e)?|ucs[-_]?[24])", re.IGNORECASE)


def _check_parts_read_whole(archive: zipfile.ZipFile, limits: ReadLimits) -> None:
    """Refuse a workbook whose parts that openpyxl reads whole on opening (the shared-strings
    table, styles, the workbook part, relationships...) hold more than the limits: it builds
    them in memory before the row, cell and time limits apply, and a million shared strings
    took it minutes. Every part is counted, whatever its name (openpyxl opens the workbook part
    by the name the manifest gives it), except the sheets, which stream, bounded as they are
    read, and parts whose first bytes are not XML (images, printer settings), which no XML
    parser opens."""
    names = set(archive.namelist())
    if _CONTENT_TYPES_PART not in names:
        return  # openpyxl refuses it as not a workbook
    _check_element_count(archive, _CONTENT_TYPES_PART, limits)
    from defusedxml.ElementTree import fromstring

    try:
        overrides = fromstring(archive.read(_CONTENT_TYPES_PART))
    except _XML_REFUSALS as exc:
        raise _xml_refused(exc) from exc
    except SyntaxError as exc:
        raise _not_a_workbook() from exc
    declared: dict[str, set[str]] = {}
    for override in overrides:
        if str(override.tag).endswith("Override"):
            part = (override.get("PartName") or "").lstrip("/")
            declared.setdefault(part, set()).add((override.get("ContentType") or "").strip())
    # openpyxl opens the shared strings the manifest names; xl/sharedStrings.xml is where
    # Excel writes them, counted as such whatever the manifest says.
    shared_strings = {p for p, types in declared.items() if _SHARED_STRINGS_TYPE in types}
    shared_strings.add("xl/sharedStrings.xml")
    # A part skips the count only if it is nothing but a sheet, where Excel puts sheets.
    sheets = (
        {
            part
            for part, types in declared.items()
            if types == {_WORKSHEET_TYPE} and part.startswith("xl/worksheets/")
        }
        - _FIXED_PARTS
        - shared_strings
    )
    for name in sorted(names):
        if name == _CONTENT_TYPES_PART or name in sheets:
            continue
        if name in shared_strings:
            _check_shared_strings(archive, name, limits)
        else:
            _check_element_count(archive, name, limits)


def _check_shared_strings(archive: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    if archive.getinfo(name).file_size > limits.max_shared_strings_bytes:
        raise _too_large(
            _(
                "The workbook's shared texts (%(part)s) are larger than %(limit)s MB "
                "unpacked: split it."
            )
            % {"part": name, "limit": _megabytes(limits.max_shared_strings_bytes)}
        )
    # Each text is at least one cell; a text in rich format is a few elements more (<si><t>
    # is two).
    strings, elements = _count(
        archive,
        name,
        max_strings=limits.max_cells,
        max_elements=3 * limits.max_cells,
    )
    if strings > limits.max_cells or elements > 3 * limits.max_cells:
        raise _too_large(
            _(
                "The workbook holds more than %(limit)s shared texts (%(part)s), more than "
                "the cells it may have: copy only the table into a new workbook."
            )
            % {"part": name, "limit": limits.max_cells}
        )


def _check_element_count(archive: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    _strings, elements = _count(archive, name, max_elements=limits.max_part_elements)
    if elements > limits.max_part_elements:
        raise _too_large(
            _(
                "The part “%(part)s” of the workbook holds more than %(limit)s XML elements, "
                "far more than Excel writes: copy only the table into a new workbook."
            )
            % {"part": name, "limit": limits.max_part_elements}
        )


def _count(
    archive: zipfile.ZipFile, name: str, *, max_elements: int, max_strings: int | None = None
) -> tuple[int, int]:
    """(shared strings, elements) in a part, counted on its bytes as it inflates, stopping as
    soon as a count passes its limit; (0, 0) for a part that is not XML. Every "<" not followed
    by "/", "?" or "!" is an element, whatever its name's first letter: XML text holds no other
    "<", and one inside a comment or CDATA only counts one too many."""
    with archive.open(name) as source:
        head = source.read(_HEAD_BYTES)
    wide = _xml_encoding_is_wide(head)
    if wide is None:
        return 0, 0
    strings = elements = 0
    last = tail = b""
    with archive.open(name) as source:
        while True:
            chunk = source.read(_SCAN_CHUNK)
            elements += _start_tags(last, chunk, wide=wide)
            last = chunk[-1:]
            if max_strings is not None:
                if wide:  # <si> unseen in UTF-16: every "<" may be one
                    strings = elements
                else:
                    # A match starting in the last bytes, which may run on into the next
                    # chunk, is counted with the next chunk: each match is counted once.
                    buffer = tail + chunk
                    cut = len(buffer) - (_LONGEST_MATCH - 1) if chunk else len(buffer)
                    strings += len(_SHARED_STRING.findall(buffer)) - len(
                        _SHARED_STRING.findall(buffer, cut)
                    )
                    tail = buffer[cut:]
            if not chunk or elements > max_elements:
                break
            if max_strings is not None and strings > max_strings:
                break
    return strings, elements


def _start_tags(last: bytes, chunk: bytes, *, wide: bool) -> int:
    """The start tags in `chunk` (empty at the end of the part), `last` being the previous
    chunk's last byte: a "<" there is counted with this chunk, which says what follows it, so
    each is counted once across chunk boundaries."""
    if wide:
        return chunk.count(b"<")
    if not chunk:
        return last.count(b"<")  # a last "<", which nothing follows
    buffer = last + chunk
    return (
        buffer.count(b"<", 0, len(buffer) - 1)
        - buffer.count(b"</")
        - buffer.count(b"<?")
        - buffer.count(b"<!")
    )


def _xml_encoding_is_wide(head: bytes) -> bool | None:
    """From a part's first bytes: None when it is not XML (it does not start with "<" after a
    byte-order mark and blanks: no XML parser opens it), else whether it is UTF-16 or UTF-32.
    XML in any other encoding than those the count reads (UTF-7 writes "<" as "+ADw-") is
    refused as not a workbook: Excel writes UTF-8."""
    mark = next((m for m in _BYTE_ORDER_MARKS if head.startswith(m)), b"")
    start = head[len(mark) :].lstrip(_LEADING_BLANKS_AND_NULS)
    if start.startswith(b"\x4c\x6f\xa7\x94"):  # "<?xm" in EBCDIC
        raise _not_a_workbook()
    if not start.startswith(b"<"):
        return None
    wide = mark not in (b"", b"\xef\xbb\xbf") or b"\x00" in head[:4]
    declared = _DECLARED_ENCODING.match(head[len(mark) :].replace(b"\x00", b"").lstrip())
    if declared is None:
        return wide
    encoding = declared.group(1).decode("ascii", "replace").strip()
    if _WIDE_ENCODING.fullmatch(encoding):
        return True
    if _NARROW_ENCODING.fullmatch(encoding):
        return wide
    raise _not_a_workbook()


def _read_xlsx(
    data: bytes, *, sheet: str | None, required: bool, limits: ReadLimits
) -> Table | None:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_archive(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        SyntaxError,
        *_XML_REFUSALS,
    ) as exc:
        raise _xml_refused(exc) from exc
    try:
        return _read_worksheet(workbook, sheet=sheet, required=required, limits=limits)
    except _XML_REFUSALS as exc:
        raise _xml_refused(exc) from exc
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
        raise _not_a_workbook() from exc
    finally:
        workbook.close()


def _xml_refused(exc) -> ImportFailed:
    """Hostile XML named as such (openpyxl wraps defusedxml's refusal in its own ValueError),
    anything else as a file that is not a workbook."""
    while exc is not None and not isinstance(exc, _XML_REFUSALS):
        exc = exc.__cause__ or exc.__context__
    if exc is not None:
        return ImportFailed(
            [
                ImportProblem(
                    None,
                    _(
                        "The workbook declares XML entities or links to outside files, which "
                        "Excel never writes: it is refused. Save it again from Excel."
                    ),
                )
            ]
        )
    return _not_a_workbook()


class _CachedValueParser(WorkSheetParser):
    """openpyxl's sheet reader, telling a formula without a stored result (a workbook saved by
    a program that does not compute) from an empty cell: both read as None otherwise, and an
    import would clear what is stored."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = UNCOMPUTED
        return cell


class _Uncomputed:
    def __repr__(self):
        return "UNCOMPUTED"


UNCOMPUTED = _Uncomputed()


def _read_worksheet(
    workbook, *, sheet: str | None, required: bool, limits: ReadLimits
) -> Table | None:
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
    bounds = _Bounds(limits)
    # The <dimension> Excel writes at the top of the sheet: a sheet that says it is larger
    # than the limits is refused before a row is parsed (one that does not say streams).
    bounds.declared(worksheet.max_row or 0, worksheet.max_column or 0)
    uncomputed: list[tuple[int, str]] = []
    table = _table_from_rows(worksheet.title, _sheet_rows(worksheet, _Bounds(limits), uncomputed))
    if uncomputed:
        raise ImportFailed(
            [
                ImportProblem(
                    number,
                    _(
                        "cell %(cell)s holds a formula whose result was not saved. Open the "
                        "file in Excel and save it again, or type the value."
                    )
                    % {"cell": cell},
                )
                for number, cell in uncomputed[:_MAX_FORMULA_PROBLEMS]
            ]
        )
    return table


def _sheet_rows(worksheet, bounds: _Bounds, uncomputed: list):
    """The sheet's rows as (Excel row number, shown values), streamed from the XML, whatever
    its <dimension> says (writers other than Excel often leave it at A1). Private openpyxl
    parts (the read-only sheet's source and shared strings) so that an uncomputed formula is
    seen and the rows stop at the first limit."""
    workbook = worksheet.parent
    with worksheet._get_source() as source:
        parser = _CachedValueParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            width = max((cell["column"] for cell in cells), default=0)
            bounds.row(number, width)
            values = [None] * width
            for cell in cells:
                if cell["value"] is UNCOMPUTED:
                    uncomputed.append((number, f"{get_column_letter(cell['column'])}{number}"))
                    continue
                values[cell["column"] - 1] = _shown_value(
                    ReadOnlyCell(
                        worksheet,
                        number,
                        cell["column"],
                        cell["value"],
                        cell["data_type"],
                        cell["style_id"],
                    )
                )
            yield number, values


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
