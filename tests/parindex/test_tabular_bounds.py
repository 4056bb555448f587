"""parindex.tabular's reader refuses, before and while it parses, what would hold a worker:
zip bombs, too many rows, columns or cells, hostile XML (XXE, billion laughs), formulas
without a saved result. Each refusal is an ImportFailed with a Vietnamese message."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core import checks
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from parindex.tabular import ImportFailed, SheetSpec, read_table, xlsx_bytes
from tests.scoring import hostile_files


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def _workbook(rows, headers=("code", "points")) -> bytes:
    return xlsx_bytes([SheetSpec("Sheet", list(headers), [list(r) for r in rows])])


def _rewrite(data: bytes, name: str, text: str) -> bytes:
    """The workbook with one part replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            body = text.encode() if member.filename == name else source.read(member)
            target.writestr(member, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _refusal(data: bytes, filename: str = "f.xlsx", **kwargs) -> str:
    with pytest.raises(ImportFailed) as failure:
        read_table(data, filename, **kwargs)
    return str(failure.value)


def test_a_plain_workbook_reads():
    table = read_table(_workbook([("1.1", 2), ("1.2", 1.5)]), "f.xlsx")
    assert [row["code"] for row in table.rows] == ["1.1", "1.2"]
    assert table.row_numbers == [2, 3]


def test_rows_over_the_limit_stop_the_reading():
    data = _workbook([("1.1", 1)] * 60)
    assert "nhiều hơn 50 dòng" in _refusal(data, max_rows=50)
    assert len(read_table(data, "f.xlsx", max_rows=61)) == 60


@override_settings(PARINDEX_IMPORT_MAX_ROWS=20)
def test_the_row_limit_is_a_setting_for_csv_too():
    data = ("code,points\n" + "1.1,1\n" * 30).encode()
    assert "nhiều hơn 20 dòng" in _refusal(data, "f.csv")


@override_settings(PARINDEX_IMPORT_MAX_COLUMNS=5)
def test_a_row_too_wide_is_refused():
    assert "nhiều hơn 5 cột" in _refusal((b"a,b,c,d,e,f\n1,2,3,4,5,6\n"), "f.csv")
    wide = _workbook([list(range(8))], headers=[f"c{i}" for i in range(8)])
    assert "nhiều hơn 5 cột" in _refusal(wide)


@override_settings(PARINDEX_IMPORT_MAX_CELLS=100)
def test_cells_over_the_limit_are_refused():
    assert "nhiều hơn 100 ô" in _refusal(_workbook([("1.1", 1)] * 80))


@override_settings(PARINDEX_IMPORT_MAX_MB=1)
def test_bytes_over_the_limit_are_refused_before_reading():
    assert "vượt quá 1 MB" in _refusal(b"code\n" + b"x" * (1024 * 1024), "f.csv")


def test_a_csv_cell_over_csvs_own_limit_is_a_message_not_a_500():
    data = b"code,note\n1.1," + b"x" * 200_000 + b"\n"
    assert "Không đọc được tệp CSV" in _refusal(data, "f.csv")


def test_a_highly_compressed_sheet_is_refused_from_the_zip_directory():
    # 2 MB of one repeated empty cell: compresses ~1000 times, as a zip bomb does.
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>" + "<row/>" * 400_000 + "</sheetData></worksheet>"
    )
    data = _rewrite(_workbook([("1.1", 1)]), "xl/worksheets/sheet1.xml", sheet)
    assert "nén hơn 100 lần" in _refusal(data)


@override_settings(PARINDEX_IMPORT_XLSX_MAX_MEMBERS=5)
def test_a_workbook_of_many_parts_is_refused():
    assert "hơn 5 phần" in _refusal(_workbook([("1.1", 1)]))


@override_settings(PARINDEX_IMPORT_XLSX_MAX_MEMBER_MB=1, PARINDEX_IMPORT_XLSX_MAX_TOTAL_MB=1)
def test_a_workbook_too_large_unpacked_is_refused():
    rows = [(f"{i}.{i}", f"ghi chú {i} " * 5) for i in range(20_000)]
    assert "lớn hơn 1 MB" in _refusal(_workbook(rows))


def test_defusedxml_is_in_effect_and_checked_at_start(monkeypatch):
    assert openpyxl.DEFUSEDXML
    assert not [e for e in checks.run_checks() if e.id == "parindex.E001"]
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    assert [e.id for e in checks.run_checks() if e.id == "parindex.E001"] == ["parindex.E001"]


XXE_SHEET = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    "</sheetData></worksheet>"
)
LAUGHS = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
BILLION_LAUGHS_STRINGS = (
    f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "ha">{LAUGHS}]>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    'uniqueCount="1"><si><t>&l9;</t></si></sst>'
)


def test_an_external_entity_in_a_sheet_is_refused_and_no_file_is_read():
    data = _rewrite(_workbook([("1.1", 1)]), "xl/worksheets/sheet1.xml", XXE_SHEET)
    message = _refusal(data)
    assert "thực thể XML" in message
    assert "root:" not in message


def _with_shared_strings(strings_xml: str) -> bytes:
    """A workbook whose A2 is shared string 0 (openpyxl itself writes inline strings)."""
    data = _workbook([("1.1",)], headers=("code",))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    sheet = sheet.replace('t="inlineStr"><is><t>1.1</t></is>', 't="s"><v>0</v>')
    data = _rewrite(_rewrite(data, "[Content_Types].xml", types), "xl/worksheets/sheet1.xml", sheet)
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", strings_xml)
    return out.getvalue()


def test_shared_strings_read_when_plain():
    plain = BILLION_LAUGHS_STRINGS.split("]>")[1].replace("&l9;", "1.1")
    assert read_table(_with_shared_strings(plain), "f.xlsx").rows == [{"code": "1.1"}]


def test_billion_laughs_in_shared_strings_is_refused():
    assert "thực thể XML" in _refusal(_with_shared_strings(BILLION_LAUGHS_STRINGS))


def test_billion_laughs_in_a_sheet_is_refused():
    sheet = BILLION_LAUGHS_STRINGS.replace("sst", "worksheet").replace(
        "<si><t>&l9;</t></si>",
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData>',
    )
    data = _rewrite(_workbook([("1.1", 1)]), "xl/worksheets/sheet1.xml", sheet)
    assert "thực thể XML" in _refusal(data)


def _formula_workbook(*, cached: bool) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "points"])
    sheet.append(["1.1", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl never computes: the formula has no saved result
    data = buffer.getvalue()
    if cached:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        data = _rewrite(data, "xl/worksheets/sheet1.xml", sheet_xml.replace("</f>", "</f><v>2</v>"))
    return data


def test_a_formula_without_a_saved_result_is_refused_naming_the_cell():
    message = _refusal(_formula_workbook(cached=False))
    assert "Dòng 2" in message and "B2" in message and "công thức" in message


def test_a_formula_with_its_saved_result_reads_as_the_result():
    table = read_table(_formula_workbook(cached=True), "f.xlsx")
    assert table.rows == [{"code": "1.1", "points": 2}]


def test_a_sheet_declaring_more_rows_than_the_limit_is_refused_before_parsing(monkeypatch):
    data = _workbook([("1.1", 1)] * 3)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    data = _rewrite(
        data, "xl/worksheets/sheet1.xml", sheet.replace('ref="A1:B4"', 'ref="A1:B90000"')
    )
    parsed = []
    monkeypatch.setattr(
        "parindex.tabular._shown_value", lambda cell: parsed.append(cell) or cell.value
    )
    assert "nhiều hơn 50 dòng" in _refusal(data, max_rows=50)
    assert parsed == []


def test_a_sheet_declaring_a1_only_is_still_read_in_full():
    data = _workbook([("1.1", 1)] * 3)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    data = _rewrite(data, "xl/worksheets/sheet1.xml", sheet.replace('ref="A1:B4"', 'ref="A1"'))
    assert len(read_table(data, "f.xlsx", max_rows=50)) == 3


def _shared_texts_refusal(limit: int, part: str = "xl/sharedStrings.xml") -> str:
    # The message as gettext gives it (the Vietnamese is added with the next locale update).
    return _(
        "The workbook holds more than %(limit)s shared texts (%(part)s), more than the cells "
        "it may have: copy only the table into a new workbook."
    ) % {"limit": limit, "part": part}


def _timed_refusal(data: bytes) -> tuple[str, float]:
    started = time.monotonic()
    message = _refusal(data)
    return message, time.monotonic() - started


def test_millions_of_shared_strings_are_refused_at_once_from_their_size():
    # ~6.5 MB zipped, under the upload limit; 56 MB of shared strings unpacked (under the
    # 64 MB member limit), which openpyxl took half a minute to build before a row was read.
    data = hostile_files.xlsx_with_shared_strings(2_500_000)
    assert len(data) < 10 * 1024 * 1024
    message, seconds = _timed_refusal(data)
    assert message == _(
        "The workbook's shared texts (%(part)s) are larger than %(limit)s MB unpacked: split it."
    ) % {"part": "xl/sharedStrings.xml", "limit": "32"}
    print(f"refused in {seconds:.3f} s")
    assert seconds < 5


def test_shared_strings_outnumbering_the_cells_are_counted_whatever_count_says():
    # 1 100 000 short texts (24 MB, under the size limit) declared as count="1": counted on
    # the bytes, refused before openpyxl builds the table.
    data = hostile_files.xlsx_with_shared_strings(1_100_000, declared=1)
    message, seconds = _timed_refusal(data)
    assert message == _shared_texts_refusal(1_000_000)
    print(f"refused in {seconds:.3f} s")
    assert seconds < 5


@override_settings(PARINDEX_IMPORT_MAX_CELLS=1_000)
def test_prefixed_shared_strings_are_counted_too():
    message = _refusal(hostile_files.xlsx_with_shared_strings(1_001, prefix="x"))
    assert message == _shared_texts_refusal(1_000)


@override_settings(PARINDEX_IMPORT_MAX_CELLS=1_000)
def test_shared_strings_within_the_cells_read():
    table = read_table(hostile_files.xlsx_with_shared_strings(1_000, prefix="x"), "f.xlsx")
    assert table.rows == [{"code": "1.1"}]


@override_settings(PARINDEX_IMPORT_MAX_CELLS=1_000)
def test_shared_strings_under_another_name_are_found_through_the_manifest():
    data = hostile_files.xlsx_with_shared_strings(1_001)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
        parts = {m.filename: archive.read(m) for m in archive.infolist()}
    parts["xl/texts.xml"] = parts.pop("xl/sharedStrings.xml")
    parts["[Content_Types].xml"] = types.replace("/xl/sharedStrings.xml", "/xl/texts.xml").encode()
    message = _refusal(hostile_files.zip_of(parts))
    assert message == _shared_texts_refusal(1_000, "xl/texts.xml")


def test_150_000_cell_formats_are_refused_before_openpyxl_reads_the_styles():
    message, seconds = _timed_refusal(hostile_files.xlsx_with_styles(150_000))
    assert message == _(
        "The part “%(part)s” of the workbook holds more than %(limit)s XML elements, far more "
        "than Excel writes: copy only the table into a new workbook."
    ) % {"part": "xl/styles.xml", "limit": 200_000}
    print(f"refused in {seconds:.3f} s")
    assert seconds < 5


def test_a_styles_part_as_excel_writes_it_reads():
    assert read_table(hostile_files.xlsx_with_styles(2_000), "f.xlsx").rows == [{"code": "1.1"}]


@override_settings(PARINDEX_IMPORT_XLSX_MAX_PART_ELEMENTS=50)
def test_a_part_declared_a_sheet_outside_the_sheets_folder_is_still_counted():
    data = hostile_files.xlsx_with_styles(100)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    types = types.replace(
        "</Types>", f'<Override PartName="/xl/styles.xml" ContentType="{sheet_type}"/></Types>'
    )
    assert "xl/styles.xml" in _refusal(_rewrite(data, "[Content_Types].xml", types))


def _elements_refusal(part: str, limit: int = 200_000) -> str:
    return _(
        "The part “%(part)s” of the workbook holds more than %(limit)s XML elements, far more "
        "than Excel writes: copy only the table into a new workbook."
    ) % {"part": part, "limit": limit}


def test_a_workbook_part_under_another_name_is_counted_as_it_is_read_whole():
    # The manifest and the relationships name the workbook part xl/workbook.dat: openpyxl
    # still parses it whole (the probe's 38 MB part took 24 s and 1.6 GB).
    data = hostile_files.xlsx_with_workbook_elements(1_000_000, part="xl/workbook.dat")
    assert len(data) < 10 * 1024 * 1024
    message, seconds = _timed_refusal(data)
    assert message == _elements_refusal("xl/workbook.dat")
    print(f"refused in {seconds:.3f} s")
    assert seconds < 5


def test_elements_named_with_a_non_ascii_letter_are_counted():
    # <é0/>, <é1/>…: the probe's 3.6 million in xl/workbook.xml took 12 s to open.
    data = hostile_files.xlsx_with_workbook_elements(1_000_000, element="é")
    message, seconds = _timed_refusal(data)
    assert message == _elements_refusal("xl/workbook.xml")
    print(f"refused in {seconds:.3f} s")
    assert seconds < 5


@override_settings(PARINDEX_IMPORT_XLSX_MAX_PART_ELEMENTS=400)
@pytest.mark.parametrize(
    "options",
    [
        {"part": "xl/media/image1.png"},  # a binary's name, XML inside
        {"element": "\u3f00", "encoding": "utf-16-be"},  # "<" then 0x3F, as "<?" would be
        {"element": "é", "encoding": "windows-1258"},
    ],
    ids=["binary-name", "utf-16", "one-byte-code-page"],
)
def test_elements_are_counted_whatever_the_parts_name_or_encoding(options):
    data = hostile_files.xlsx_with_workbook_elements(450, **options)
    assert _refusal(data) == _elements_refusal(options.get("part", "xl/workbook.xml"), 400)


@override_settings(PARINDEX_IMPORT_XLSX_MAX_PART_ELEMENTS=400)
@pytest.mark.parametrize(
    "options",
    [
        {"part": "xl/workbook.dat"},
        {"element": "é"},
        {"element": "\u3f00", "encoding": "utf-16-be"},
    ],
    ids=["renamed", "non-ascii-names", "utf-16"],
)
def test_a_workbook_part_within_the_limit_reads_whatever_its_name_or_encoding(options):
    data = hostile_files.xlsx_with_workbook_elements(300, **options)
    assert read_table(data, "f.xlsx").rows == [{"code": "1.1"}]


def test_a_part_in_utf_7_is_refused_as_its_tags_do_not_show_as_angle_brackets():
    # libxml2 reads UTF-7, where "<" may be written "+ADw-": nothing to count on the bytes.
    data = hostile_files.xlsx_with_workbook_elements(1, encoding="utf-7")
    assert _refusal(data) == _("The file cannot be opened as an Excel workbook (.xlsx).")


@override_settings(PARINDEX_IMPORT_XLSX_MAX_PART_ELEMENTS=400)
def test_binary_parts_are_not_counted_whatever_their_name():
    # Random bytes hold a "<" in every 256: an image or printer settings is no XML, and a
    # large photo must not read as a part of too many elements.
    noise = bytes(range(256)) * 400
    data = hostile_files.zip_with(
        _workbook([("1.1", 1)]),
        {
            "xl/media/image1.png": b"\x89PNG\r\n\x1a\n" + noise,
            "xl/printerSettings/printerSettings1.bin": noise,
            "xl/media/photo.xml": b"\xff\xd8\xff\xe0" + noise,
        },
    )
    assert [row["code"] for row in read_table(data, "f.xlsx").rows] == ["1.1"]
