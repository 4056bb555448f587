"""What an uploaded file's content is, checked against what its extension claims: a PDF must
open with pypdf and run, send, fetch or open nothing (no JavaScript, XFA form, launch, form
submit or import, remote go-to, address opened on open, embedded files), objects its table does
not list included; an Office or OpenDocument file must be a bounded zip holding that format's own
parts and no macros (an Office file also nothing outside it, no OLE object, ActiveX or altChunk); a
legacy Office file's OLE directory must name no macro storage; an image must decode within a
pixel bound. Nothing is extracted to disk: archives are judged by their directory, and only
small parts (content types, relationships) and embedded chart workbooks are read, each bounded
by its declared size.

Each check returns the reason for refusing (a translated phrase) or None;
scoring.services.evidence.evidence_file_check names the file around it."""

import io
import re
import struct
import warnings
import zipfile
from collections.abc import Callable
from typing import IO

import defusedxml.ElementTree as SafeET
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Archives (OOXML, ODF): refused before anything is read when their directory says they unpack
# too far. A real 20 MB workbook unpacks to about 200 MB at most; a zip bomb to gigabytes.
ARCHIVE_MAX_MEMBERS = 5_000
ARCHIVE_MAX_UNPACKED_BYTES = 512 * 1024 * 1024
ARCHIVE_MAX_RATIO = 100  # unpacked / packed, judged once an archive unpacks past the floor
ARCHIVE_RATIO_FLOOR_BYTES = 10 * 1024 * 1024
PART_MAX_BYTES = 1024 * 1024  # [Content_Types].xml, mimetype: small parts only are read
# Images: a 48-megapixel phone photo fits; a PNG declaring 100,000 × 100,000 pixels does not.
IMAGE_MAX_PIXELS = 80_000_000
PDF_MAX_OBJECTS = 500_000
# Chart data in Word and PowerPoint is a workbook under */embeddings/: read (this far) and
# checked itself; any other embedded part (OLE objects, packaged programs) is refused.
EMBEDDED_PACKAGE_MAX_BYTES = 20 * 1024 * 1024

OOXML_MAIN = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
ODF_MIMETYPE = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
IMAGE_FORMAT = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
OLE_MACRO_NAMES = {"_vba_project", "_vba_project_cur", "vba", "macros"}
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# PDF names that make a viewer run, send, fetch or open something; looked for in the raw
# bytes of objects the cross-reference table does not list (a viewer that rebuilds a damaged
# table finds them, pypdf does not).
_PDF_ACTIVE_NAMES = {
    b"/JS",
    b"/JavaScript",
    b"/Launch",
    b"/XFA",
    b"/SubmitForm",
    b"/ImportData",
    b"/GoToR",
    b"/GoToE",
    b"/OpenAction",
    b"/AA",
    b"/EmbeddedFile",
    b"/EmbeddedFiles",
    b"/RichMedia",
}
_PDF_OBJECT_KEYWORD = re.compile(rb"obj\b")
_PDF_OBJECT_NUMBERS = re.compile(rb"(?:^|[^0-9])([0-9]{1,10})\s+[0-9]{1,5}\s+$")
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def content_problem(extension: str, stream: IO[bytes]) -> str | None:
    """Why a file claiming `extension` is refused, or None when its content is what it claims.
    `stream` is rewound before and after."""
    check = _CHECKS.get(extension)
    if check is None:
        return None
    stream.seek(0)
    try:
        return check(extension, stream)
    finally:
        stream.seek(0)


def _not_what_it_claims(extension: str) -> str:
    return _("it does not open as a %(ext)s file (damaged, or another kind of file renamed)") % {
        "ext": extension
    }


# ------------------------------------------------------------------------------------- PDF


def pdf_problem(extension: str, stream: IO[bytes]) -> str | None:
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return _("it is protected by a password; upload it without one")
        # Taken first: pypdf adds an unlisted object to its table once a reference reaches it.
        listed = {num for table in reader.xref.values() for num in table} | set(reader.xref_objStm)
        if len(reader.pages) < 1:
            return _not_what_it_claims(extension)
        return _pdf_active_content(reader) or _pdf_hidden_active_content(listed, stream)
    except Exception:  # pypdf raises many kinds on damaged files: all mean "no"
        return _not_what_it_claims(extension)


def _pdf_active_content(reader: PdfReader) -> str | None:
    """Every object of the file visited once (compressed object streams too), so a script
    cannot hide outside the catalog's usual places."""
    numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    if len(numbers) > PDF_MAX_OBJECTS:
        return _("it has too many objects to check")
    found = _pdf_found(reader.trailer)
    for num, gen in sorted(numbers):
        if found:
            break
        try:
            found = _pdf_found(reader.get_object(IndirectObject(num, gen, reader)))
        except Exception:  # an unreadable object cannot run either
            continue
    return found


def _pdf_found(value, depth: int = 0) -> str | None:
    """The reason to refuse `value` (a PDF object, not following references: each indirect
    object is visited on its own)."""
    if depth > 50 or isinstance(value, IndirectObject):
        return None
    if isinstance(value, DictionaryObject):
        keys = set(value.keys())
        kind = value.get("/S"), value.get("/Type"), value.get("/Subtype")
        if keys & {"/JS", "/JavaScript"} or "/JavaScript" in kind:
            return _("it contains JavaScript")
        if "/Launch" in kind:
            return _("it contains an action that starts another program")
        if "/XFA" in keys:
            return _("it contains an XFA form, which can run scripts")
        if kind[0] in ("/SubmitForm", "/ImportData"):
            return _("it contains a form action that sends data out or reads it in")
        if kind[0] in ("/GoToR", "/GoToE"):
            return _("it contains an action that opens another file, possibly on another computer")
        if _pdf_opens_address(value.get("/OpenAction")) or any(
            _pdf_opens_address(action) for action in _resolved_values(value.get("/AA"))
        ):
            return _("it opens a web address by itself when it is opened")
        if (
            keys & {"/EmbeddedFiles", "/EF", "/RichMediaContent"}
            or "/EmbeddedFile" in kind
            or "/RichMedia" in kind
            or "/FileAttachment" in kind
        ):
            return _("it carries embedded files or media")
        children = value.values()
    elif isinstance(value, ArrayObject):
        children = value
    else:
        return None
    for child in children:
        if found := _pdf_found(child, depth + 1):
            return found
    return None


def _resolved(value):
    try:
        return value.get_object() if isinstance(value, IndirectObject) else value
    except Exception:  # a dangling reference leads nowhere
        return None


def _resolved_values(value) -> list:
    value = _resolved(value)
    return (
        [_resolved(child) for child in value.values()]
        if isinstance(value, DictionaryObject)
        else []
    )


def _pdf_opens_address(action, depth: int = 0) -> bool:
    """Whether an /OpenAction or /AA entry is, or chains (/Next) to, a /URI action: a link
    the reader follows without a click."""
    action = _resolved(action)
    if depth > 20:
        return False
    if isinstance(action, ArrayObject):
        return any(_pdf_opens_address(child, depth + 1) for child in action)
    if not isinstance(action, DictionaryObject):
        return False
    return action.get("/S") == "/URI" or _pdf_opens_address(action.get("/Next"), depth + 1)


def _pdf_hidden_active_content(listed: set[int], stream: IO[bytes]) -> str | None:
    """Objects in the file that the cross-reference table does not list (numbers not in
    `listed`), judged by the names in their raw bytes (names decoded from #xx escapes)."""
    stream.seek(0)
    data = stream.read()
    # The literal keyword first, then the numbers before it: a regex anchored on digits alone
    # takes a second on 20 MB of compressed streams.
    for keyword in _PDF_OBJECT_KEYWORD.finditer(data):
        header = _PDF_OBJECT_NUMBERS.search(data, max(0, keyword.start() - 24), keyword.start())
        if header is None or int(header.group(1)) in listed:
            continue
        end = data.find(b"endobj", keyword.end())
        body = data[keyword.end() : end if end >= 0 else len(data)]
        for name in _PDF_NAME.findall(body):
            decoded = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
            if decoded in _PDF_ACTIVE_NAMES:
                return _(
                    "it holds an object outside its table of contents that can run or open "
                    "something"
                )
    return None


# ----------------------------------------------------------------------- OOXML and OpenDocument


def _archive(extension: str, stream: IO[bytes]) -> tuple[zipfile.ZipFile | None, str | None]:
    """The archive, once its directory shows it bounded; or the reason it is refused."""
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None, _not_what_it_claims(extension)
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if (
        len(members) > ARCHIVE_MAX_MEMBERS
        or unpacked > ARCHIVE_MAX_UNPACKED_BYTES
        or (unpacked > ARCHIVE_RATIO_FLOOR_BYTES and unpacked / packed > ARCHIVE_MAX_RATIO)
    ):
        return None, _("it unpacks to far more than its size (a zip bomb?)")
    if any(member.flag_bits & 0x1 for member in members):
        return None, _("it is protected by a password; upload it without one")
    return archive, None


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        member = archive.getinfo(name)
    except KeyError:
        return None
    if member.file_size > PART_MAX_BYTES:
        return None
    with archive.open(member) as part:
        return part.read(PART_MAX_BYTES + 1)


def ooxml_problem(extension: str, stream: IO[bytes]) -> str | None:
    archive, problem = _archive(extension, stream)
    if problem:
        return problem
    names = {name.lower() for name in archive.namelist()}
    try:
        types = _read_part(archive, "[Content_Types].xml")
        root = SafeET.fromstring(types) if types else None
    except Exception:  # bad XML, a defused entity: not this format
        root = None
    if root is None:
        return _not_what_it_claims(extension)
    content_types = {
        (element.get("PartName") or "").lstrip("/").lower(): element.get("ContentType") or ""
        for element in root.iter(f"{_CONTENT_TYPES_NS}Override")
    }
    declared = (
        " ".join(content_types.values())
        + " "
        + " ".join(
            element.get("ContentType") or "" for element in root.iter(f"{_CONTENT_TYPES_NS}Default")
        )
    )
    if (
        any(name.endswith("vbaproject.bin") for name in names)
        or "macroEnabled" in declared
        or "vbaProject" in declared
    ):
        return _("it contains macros")
    main = [part for part, kind in content_types.items() if kind == OOXML_MAIN[extension]]
    if not main or main[0] not in names:
        return _not_what_it_claims(extension)
    return _ooxml_active_parts(archive) or _ooxml_external_relationship(archive)


def _ooxml_active_parts(archive: zipfile.ZipFile) -> str | None:
    """Parts Office runs or hands to another program: ActiveX controls, altChunk parts (HTML,
    MHT or RTF merged in on open), and embedded objects other than a checked chart workbook."""
    for member in archive.infolist():
        name = member.filename.lower()
        if "/activex/" in f"/{name}":
            return _activex()
        if "afchunk" in name.rsplit("/", 1)[-1]:
            return _altchunk()
        if "/embeddings/" in f"/{name}" and not name.endswith("/"):
            extension = "." + name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
            if extension not in OOXML_MAIN or member.file_size > EMBEDDED_PACKAGE_MAX_BYTES:
                return _ole_object()
            with archive.open(member) as part:
                embedded = io.BytesIO(part.read(EMBEDDED_PACKAGE_MAX_BYTES + 1))
            if problem := ooxml_problem(extension, embedded):
                return problem
    return None


def _is_web_address(target: str) -> bool:
    return target.strip().lower().startswith(("http://", "https://", "mailto:"))


def _ooxml_external_relationship(archive: zipfile.ZipFile) -> str | None:
    """Any relationship pointing outside the file (TargetMode="External"): Word and Excel fetch
    remote templates, images and linked data on open, and a file:// target on Windows gives the
    reader's password hash away. Relationships of the active kinds are refused wherever their
    part is stored."""
    for name in archive.namelist():
        if not name.lower().endswith(".rels"):
            continue
        data = _read_part(archive, name)
        try:
            root = SafeET.fromstring(data) if data is not None else None
        except Exception:  # bad XML, a defused entity
            root = None
        if root is None:
            return _("its relationships part %(part)s cannot be read") % {"part": name}
        for relationship in root.iter(f"{_RELATIONSHIPS_NS}Relationship"):
            kind = (relationship.get("Type") or "").rsplit("/", 1)[-1].lower()
            target = (relationship.get("Target") or "")[:80]
            if (relationship.get("TargetMode") or "").lower() == "external":
                if kind == "hyperlink" and _is_web_address(relationship.get("Target") or ""):
                    continue  # a link the reader may click: Office fetches nothing on open
                if kind == "hyperlink":  # file:// or \\share: clicked, it reaches the network
                    return _(
                        "it has a link to an address outside the file (%(target)s); remove the "
                        "link and keep the address as plain text"
                    ) % {"target": target}
                return _(
                    "it links to content outside the file (%(target)s), which Office fetches "
                    "when the file is opened"
                ) % {"target": target}
            if kind == "afchunk":
                return _altchunk()
            if kind == "oleobject":
                return _ole_object()
            if kind in ("control", "activexcontrolbinary"):
                return _activex()
    return None


def _activex() -> str:
    return _("it contains ActiveX controls")


def _altchunk() -> str:
    return _("it contains a part in another format (altChunk) that Word merges in on open")


def _ole_object() -> str:
    return _("it contains an embedded object (OLE), which can carry a program")


def odf_problem(extension: str, stream: IO[bytes]) -> str | None:
    archive, problem = _archive(extension, stream)
    if problem:
        return problem
    if _read_part(archive, "mimetype") != ODF_MIMETYPE[extension].encode():
        return _not_what_it_claims(extension)
    if any(name.startswith(("Basic/", "Scripts/")) for name in archive.namelist()):
        return _("it contains macros")
    return None


# --------------------------------------------------------------------- legacy Office (OLE2)


def ole_problem(extension: str, stream: IO[bytes]) -> str | None:
    try:
        names = ole_directory_names(stream)
    except (ValueError, struct.error):
        return _not_what_it_claims(extension)
    if any(name.lower() in OLE_MACRO_NAMES for name in names):
        return _("it contains macros")
    return None


def ole_directory_names(stream: IO[bytes]) -> list[str]:
    """The names in an OLE2 compound file's directory (storages and streams), read through
    the file's allocation table; ValueError when the structure does not hold together."""
    stream.seek(0)
    header = stream.read(512)
    if len(header) < 512 or not header.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ValueError("no OLE2 header")
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError("sector size")
    sector_size = 1 << shift
    fat_count, first_directory = struct.unpack_from("<II", header, 0x2C)
    first_difat, difat_count = struct.unpack_from("<II", header, 0x44)
    stream.seek(0, 2)
    sectors = stream.tell() // sector_size - 1  # the header fills the first sector's place

    def sector(sid: int) -> bytes:
        if sid >= sectors:
            raise ValueError("sector outside the file")
        stream.seek(sector_size * (sid + 1))
        data = stream.read(sector_size)
        if len(data) < sector_size:
            raise ValueError("short sector")
        return data

    fat_sectors = [sid for sid in struct.unpack_from("<109I", header, 0x4C) if sid < 0xFFFFFFFA]
    sid, hops = first_difat, 0
    while sid < 0xFFFFFFFA and hops < difat_count:
        words = struct.unpack(f"<{sector_size // 4}I", sector(sid))
        fat_sectors += [word for word in words[:-1] if word < 0xFFFFFFFA]
        sid, hops = words[-1], hops + 1
    fat_sectors = fat_sectors[:fat_count]
    fat: list[int] = []
    for fat_sid in fat_sectors:
        fat.extend(struct.unpack(f"<{sector_size // 4}I", sector(fat_sid)))
    names: list[str] = []
    sid, seen = first_directory, set()
    while sid < 0xFFFFFFFA:
        if sid in seen or sid >= len(fat):
            raise ValueError("directory chain broken")
        seen.add(sid)
        data = sector(sid)
        for offset in range(0, sector_size, 128):
            length = struct.unpack_from("<H", data, offset + 0x40)[0]
            if data[offset + 0x42] and 2 <= length <= 64:
                names.append(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
        sid = fat[sid]
    if not names:
        raise ValueError("empty directory")
    return names


# ---------------------------------------------------------------------------------- images


def image_problem(extension: str, stream: IO[bytes]) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                width, height = image.size
                if image.format != IMAGE_FORMAT[extension]:
                    return _not_what_it_claims(extension)
                if width * height > IMAGE_MAX_PIXELS:
                    return _too_many_pixels()
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return _too_many_pixels()
    except Exception:  # Pillow raises many kinds on damaged images
        return _not_what_it_claims(extension)
    return None


def _too_many_pixels() -> str:
    return _("the image declares more than %(max)s million pixels") % {
        "max": IMAGE_MAX_PIXELS // 1_000_000
    }


_CHECKS: dict[str, Callable[[str, IO[bytes]], str | None]] = {
    ".pdf": pdf_problem,
    ".docx": ooxml_problem,
    ".xlsx": ooxml_problem,
    ".pptx": ooxml_problem,
    ".odt": odf_problem,
    ".ods": odf_problem,
    ".doc": ole_problem,
    ".xls": ole_problem,
    ".ppt": ole_problem,
    ".png": image_problem,
    ".jpg": image_problem,
    ".jpeg": image_problem,
}
