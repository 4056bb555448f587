"""What an uploaded file's content is, checked against what its extension claims: a PDF must
open with pypdf and run, send, fetch or open nothing (no JavaScript, XFA form, launch, form
submit or import, remote go-to, address opened on open, embedded files), objects its table does
not list included; an Office or OpenDocument file must be a bounded zip holding that format's own
parts and no macros (an Office file also nothing outside it, no OLE object, ActiveX or altChunk); a
legacy Office file's OLE directory must name no macro storage or embedded object (PowerPoint's
document stream no VBA or OLE record); an OpenDocument file's content and styles must link to
nothing outside it, take no DDE data and run no script on an event; an image must decode within
a pixel bound. Nothing is extracted to disk: archives are judged by their directory, and only
small parts (content types, relationships) and embedded chart workbooks are read, each bounded
by its declared size.

Each check returns the reason for refusing (a translated phrase) or None;
scoring.services.evidence.evidence_file_check names the file around it."""

import io
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

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
# A 3 000-page report holds ~20 000 objects; 450 000 tiny ones took 20 s to visit.
PDF_MAX_OBJECTS = 100_000
PDF_OBJECT_STREAM_MAX_BYTES = 64 * 1024 * 1024
# Chart data in Word and PowerPoint is a workbook under */embeddings/: read (this far) and
# checked itself; any other embedded part (OLE objects, packaged programs) is refused.
EMBEDDED_PACKAGE_MAX_BYTES = 20 * 1024 * 1024
# OpenDocument parts parsed (when they name something to check): about 2-4 s at most on two
# busy cores; a 100 000-row sheet holds about a million elements.
ODF_MAX_ELEMENTS = 2_000_000

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
# OpenDocument elements that pull data from another program, or start one.
_ODF_DDE_TAGS = {"dde-source", "dde-connection-decl", "dde-link", "dde-connection"}
_ODF_PROGRAM_TAGS = {"object-ole", "applet", "plugin"}
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
# PDF white space includes NUL, and a comment counts as white space.
_PDF_SPACE = rb"(?:[\s\x00]|%[^\r\n]*[\r\n])+"
_PDF_OBJECT_NUMBERS = re.compile(
    rb"(?:^|[^0-9])([0-9]{1,10})" + _PDF_SPACE + rb"[0-9]{1,5}" + _PDF_SPACE + rb"$"
)
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
    except (zipfile.BadZipFile, NotImplementedError, zlib.error, EOFError, OSError, RuntimeError):
        # A member with a bad checksum, an unknown compression method (Deflate64), encrypted:
        # whatever part a check was reading, the file is not one we can vouch for.
        return _not_what_it_claims(extension)
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
        listed = {offset for table in reader.xref.values() for offset in table.values()}
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
    """Objects in the file that the cross-reference table does not list — no table entry
    points at them (`listed`: the offsets it gives), whatever number they claim, since a
    second definition of a listed number is what a repairing viewer may take — judged by the
    names in their raw bytes (names decoded from #xx escapes). An object runs to the next
    object's header, not to the first "endobj", which a string inside it may spell; so the
    objects partition the file and each byte is read once (a file of headers costs no more
    than any other)."""
    stream.seek(0)
    data = stream.read()
    # The literal keyword first, then the numbers before it: a regex anchored on digits alone
    # takes a second on 20 MB of compressed streams.
    starts: list[tuple[int, int]] = []  # (where the header's number starts, where its body does)
    for keyword in _PDF_OBJECT_KEYWORD.finditer(data):
        header = _PDF_OBJECT_NUMBERS.search(data, max(0, keyword.start() - 64), keyword.start())
        if header is not None:
            starts.append((header.start(1), keyword.end()))
    for index, (number_at, body_at) in enumerate(starts):
        if any(number_at + shift in listed for shift in range(-4, 5)):
            continue
        end = starts[index + 1][0] if index + 1 < len(starts) else len(data)
        body = data[body_at:end]
        names = _pdf_names(body)
        if b"/ObjStm" in names:  # a compressed box of objects: a repairing viewer opens it
            inner = _pdf_object_stream_content(body, names)
            names = names | (_pdf_names(inner) if inner is not None else _PDF_ACTIVE_NAMES)
        if names & _PDF_ACTIVE_NAMES:
            return _(
                "it holds an object outside its table of contents that can run or open something"
            )
    return None


def _pdf_names(data: bytes) -> set[bytes]:
    return {
        _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        for name in _PDF_NAME.findall(data)
    }


def _pdf_object_stream_content(body: bytes, names: set[bytes]) -> bytes | None:
    """The objects an unlisted object stream holds: its data inflated whatever its dictionary
    declares (a declared filter can hide behind an escape, a comment or a reference), every
    zlib member of it, at most PDF_OBJECT_STREAM_MAX_BYTES; its plain bytes when it declares no
    filter at all. None when it cannot be read so (another filter, a predictor), which the
    caller counts against the file: no honest PDF hides an object stream from its table."""
    start = body.find(b"stream")
    if start < 0 or b"/DecodeParms" in names or b"/DP" in names:
        return None
    raw = body[start + len(b"stream") :]
    raw = raw[2:] if raw.startswith(b"\r\n") else raw[1:] if raw[:1] in (b"\n", b"\r") else raw
    raw = raw[: raw.rfind(b"endstream")] if b"endstream" in raw else raw
    pieces: list[bytes] = []
    rest, room = raw, PDF_OBJECT_STREAM_MAX_BYTES
    while rest.strip() and room > 0:
        inflater = zlib.decompressobj()
        try:
            pieces.append(inflater.decompress(rest, room))
        except zlib.error:
            break
        room -= len(pieces[-1])
        rest = inflater.unused_data if inflater.eof else b""
    if pieces:
        return b"".join(pieces)
    return None if b"/Filter" in names else raw


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
    if len({member.filename for member in members}) < len(members):
        # Two parts of one name: which one the office suite opens is not the one checked.
        return None, _not_what_it_claims(extension)
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
        any(name.endswith(("vbaproject.bin", *_OOXML_MACRO_EXTENSIONS)) for name in names)
        or any("/macrosheets/" in f"/{name}" for name in names)  # Excel 4.0 (XLM) macros
        or "macroEnabled" in declared
        or "vbaProject" in declared
        or "macrosheet" in declared.lower()
    ):
        return _("it contains macros")
    main = [part for part, kind in content_types.items() if kind == OOXML_MAIN[extension]]
    if not main or main[0] not in names:
        return _not_what_it_claims(extension)
    return _ooxml_active_parts(archive) or _ooxml_external_relationship(archive)


# Macro-enabled packages, wherever they sit in the file: Word loads a "package" part by its
# relationship, not by its folder.
_OOXML_MACRO_EXTENSIONS = (
    ".docm",
    ".dotm",
    ".xlsm",
    ".xltm",
    ".xlam",
    ".pptm",
    ".potm",
    ".ppsm",
    ".ppam",
    ".sldm",
    ".xlsb",
)


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
            if kind == "package" and not _ooxml_under_embeddings(name, relationship.get("Target")):
                return _ole_object()  # only */embeddings/ parts are checked as packages
            if kind in ("control", "activexcontrolbinary"):
                return _activex()
    return None


def _ooxml_under_embeddings(rels_name: str, target: str | None) -> bool:
    """Whether a relationship's target, resolved from its .rels part's source folder, is a part
    under */embeddings/ (the ones _ooxml_active_parts reads and checks)."""
    source_folder = rels_name.rsplit("_rels/", 1)[0]
    parts = [] if (target or "").startswith("/") else [p for p in source_folder.split("/") if p]
    for piece in (target or "").split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            if parts:
                parts.pop()
            continue
        parts.append(piece)
    return "embeddings" in [part.lower() for part in parts[:-1]]


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
    names = archive.namelist()
    if any(_odf_member_path(name).startswith(("basic/", "scripts/")) for name in names):
        return _("it contains macros")
    if b"encryption-data" in (_read_part(archive, "META-INF/manifest.xml") or b""):
        return _("it is protected by a password; upload it without one")
    parts = [name for name in names if name.rsplit("/", 1)[-1] in ("content.xml", "styles.xml")]
    for name in parts:
        if problem := _odf_part_problem(archive, name, set(names)):
            return problem
    return None


class _OdfVerdict(Exception):
    """Raised from the parser's handler to stop at the first reason to refuse."""


def _odf_part_problem(archive: zipfile.ZipFile, name: str, inside: set[str]) -> str | None:
    """What a content or styles part makes the office suite do on open: fetch linked images,
    sections or sheets from elsewhere (an href outside the file), pull data from another
    program (DDE) or the web (a WEBSERVICE formula), start an OLE object, applet or plug-in,
    or run a script on an event. Parsed as a stream with expat and no tree (a large
    spreadsheet's content.xml is hundreds of megabytes), no DTD or entity allowed, at most
    ODF_MAX_ELEMENTS elements. Names are judged by their local part in any namespace: the
    office suite reads several versions of its own namespaces as one."""
    folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
    elements = 0

    def refuse_declarations(*args):
        raise ValueError("a DTD or an entity")

    def start(tag, attributes):
        nonlocal elements
        elements += 1
        if elements > ODF_MAX_ELEMENTS:
            raise _OdfVerdict(
                _("it holds more than %(count)s elements, too many to check; save it as PDF")
                % {"count": ODF_MAX_ELEMENTS}
            )
        local = tag[tag.rfind("}") + 1 :]
        if attributes or local in _ODF_WATCHED_TAGS:
            problem = _odf_element_problem(local, attributes, folder, inside)
            if problem:
                raise _OdfVerdict(problem)

    try:
        if not _odf_mentions_active_names(archive, name):
            return None
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartDoctypeDeclHandler = refuse_declarations
        parser.EntityDeclHandler = refuse_declarations
        parser.UnparsedEntityDeclHandler = refuse_declarations
        parser.ExternalEntityRefHandler = refuse_declarations
        parser.StartElementHandler = start
        with archive.open(name) as part:
            while chunk := part.read(1024 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _OdfVerdict as verdict:
        return str(verdict)
    except Exception:  # bad XML, a declaration, a damaged member
        return _("its part %(part)s cannot be read") % {"part": name}
    return None


def _odf_member_path(name: str) -> str:
    """A member's name as the office suite may resolve it: no "./", no case."""
    while name.startswith("./"):
        name = name[2:]
    return name.lower()


def _odf_element_problem(local: str, attributes: dict, folder: str, inside: set[str]) -> str | None:
    if local in _ODF_DDE_TAGS:
        return _("it takes data from another program (DDE link)")
    if local in _ODF_PROGRAM_TAGS:
        return _ole_object()
    if local == "event-listener":
        return _("it runs a macro or script when something happens in it")
    for key, value in attributes.items():
        attribute = key.rsplit("}", 1)[-1]
        if attribute == "formula" and _ODF_FETCHING_FORMULA.search(value):
            return _("a formula in it takes data from the web or another program (%(formula)s)") % {
                "formula": value[:80]
            }
        if attribute == "datasource" and value.strip():  # a form bound to a database
            return _(
                "it links to content outside the file (%(target)s), which the office "
                "suite fetches when the file is opened"
            ) % {"target": value[:80]}
        if attribute != "href":
            continue
        if local == "a":  # a hyperlink the reader may click: fetched only then
            if value.startswith("#") or _is_web_address(value):
                continue
            return _(
                "it has a link to an address outside the file (%(target)s); remove the "
                "link and keep the address as plain text"
            ) % {"target": value[:80]}
        if not _odf_inside(folder, value, inside):
            return _(
                "it links to content outside the file (%(target)s), which the office "
                "suite fetches when the file is opened"
            ) % {"target": value[:80]}
    return None


# Local names (and formula functions) the checks above look at, lower-cased. An element or
# attribute can only be named by its literal text (no entity or reference can stand in a
# name), so a part whose bytes hold none of them needs no parse: a big spreadsheet's
# content.xml is scanned at memory speed.
_ODF_ACTIVE_NAMES = (
    b"href",
    b"dde",
    b"event-listener",
    b"object-ole",
    b"applet",
    b"plugin",
    b"webservice",
    b"datasource",
)
_ODF_WATCHED_TAGS = {*_ODF_DDE_TAGS, *_ODF_PROGRAM_TAGS, "event-listener"}
_ODF_FETCHING_FORMULA = re.compile(r"\b(WEBSERVICE|DDE|FILTERXML)\s*\(", re.IGNORECASE)


def _odf_mentions_active_names(archive: zipfile.ZipFile, name: str) -> bool:
    overlap = max(len(token) for token in _ODF_ACTIVE_NAMES) - 1
    with archive.open(name) as part:
        head = part.read(4)
        if b"\0" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return True  # UTF-16 or another wide encoding: the bytes differ, parse it all
        tail = head.lower()
        while chunk := part.read(1024 * 1024):
            window = tail + chunk.lower()
            if any(token in window for token in _ODF_ACTIVE_NAMES):
                return True
            tail = window[-overlap:]
        return any(token in tail for token in _ODF_ACTIVE_NAMES)


def _odf_inside(folder: str, target: str, inside: set[str]) -> bool:
    """Whether an xlink:href names a part of this package ("Pictures/1.png", "./Object 1")."""
    if ":" in target or target.startswith(("/", "\\\\")) or "\\" in target:
        return False
    parts: list[str] = [part for part in folder.split("/") if part]
    for piece in target.split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            if not parts:
                return False
            parts.pop()
        else:
            parts.append(piece)
    path = "/".join(parts)
    return path in inside or any(name.startswith(path + "/") for name in inside)


# --------------------------------------------------------------------- legacy Office (OLE2)


def ole_problem(extension: str, stream: IO[bytes]) -> str | None:
    try:
        compound = CompoundFile(stream)
        names = [entry.name for entry in compound.entries]
        if any(name.lower() in OLE_MACRO_NAMES for name in names):
            return _("it contains macros")
        if any(_OLE_EMBEDDED_NAME.fullmatch(name) for name in names):
            return _legacy_ole_object()
        if extension == ".xls":
            workbook = compound.stream("Workbook") or compound.stream("Book")
            if workbook is not None and _xls_has_macro_sheet(workbook):
                return _("it contains macros")
        if extension == ".ppt":
            document = compound.stream("PowerPoint Document")
            if document is None:
                return _not_what_it_claims(extension)
            return _ppt_records_problem(document)
    except (ValueError, struct.error):
        return _not_what_it_claims(extension)
    return None


def _legacy_ole_object() -> str:
    return _(
        "it contains an embedded object (OLE), which can carry a program; save it as PDF or in "
        "the new format (.docx, .xlsx, .pptx) and upload that"
    )


def _xls_has_macro_sheet(workbook: bytes) -> bool:
    """Whether a BIFF workbook stream lists an Excel 4.0 macro sheet (a BoundSheet8 record,
    0x0085, of sheet type 1): XLM macros live in the Workbook stream, not in a VBA storage."""
    offset = 0
    while offset + 4 <= len(workbook):
        kind, size = struct.unpack_from("<HH", workbook, offset)
        is_sheet = kind == 0x0085 and size >= 6 and offset + 10 <= len(workbook)
        if is_sheet and workbook[offset + 9] == 0x01:  # dt, after lbPlyPos (4) and hsState (1)
            return True
        offset += 4 + size
    return False


# Storages an embedded object lives in: Word's ObjectPool children ("_1234567890"), Excel's
# "MBD0001A2B3"; a packaged file's "\x01Ole10Native" stream anywhere.
_OLE_EMBEDDED_NAME = re.compile(r"_[0-9]+|MBD[0-9A-F]{8}|\x01Ole10Native", re.IGNORECASE)
# PowerPoint keeps macros and embedded objects inside its document stream, not in storages:
# a VBAInfo container names the project, held like any embedded object in an ExOleObjStg.
_PPT_VBA_INFO = 0x03FF
_PPT_OLE_STORAGE = 0x1011


# PowerPoint reaches records by the offsets of its persist directory, not only by walking the
# tree: a VBAInfo container or an ExOleObjStg record may sit where a walk sees an atom's body.
# So their headers are also looked for anywhere in the stream (recVer/instance, then recType).
_PPT_ACTIVE_HEADERS = re.compile(rb"[\x00\x10]\x00\x11\x10|\x0f\x00\xff\x03", re.DOTALL)


def _ppt_records_problem(document: bytes) -> str | None:
    """Walks the records of a PowerPoint document stream (8-byte headers; version 0xF marks a
    container whose body is more records), then looks for the active headers anywhere."""
    found = _PPT_ACTIVE_HEADERS.search(document)
    if found:
        kind = struct.unpack_from("<H", document, found.start() + 2)[0]
        return _("it contains macros") if kind == _PPT_VBA_INFO else _legacy_ole_object()
    offset = 0
    while offset + 8 <= len(document):
        version_instance, kind, length = struct.unpack_from("<HHI", document, offset)
        if kind == _PPT_VBA_INFO:
            return _("it contains macros")
        if kind == _PPT_OLE_STORAGE:
            return _legacy_ole_object()
        offset += 8 if version_instance & 0xF == 0xF else 8 + length
    return None


@dataclass(frozen=True)
class OleEntry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class CompoundFile:
    """An OLE2 compound file's directory, read through its allocation table, and the content of
    a named stream; ValueError when the structure does not hold together. Every chain is
    followed at most once per sector, so a looping or oversized table ends in ValueError."""

    MINI_CUTOFF = 4096
    MINI_SECTOR = 64

    def __init__(self, stream: IO[bytes]):
        self._stream = stream
        stream.seek(0)
        header = stream.read(512)
        if len(header) < 512 or not header.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            raise ValueError("no OLE2 header")
        shift = struct.unpack_from("<H", header, 0x1E)[0]
        if shift not in (9, 12):
            raise ValueError("sector size")
        self.sector_size = 1 << shift
        fat_count, first_directory = struct.unpack_from("<II", header, 0x2C)
        self._first_mini_fat = struct.unpack_from("<I", header, 0x3C)[0]
        first_difat, difat_count = struct.unpack_from("<II", header, 0x44)
        stream.seek(0, 2)
        self._sectors = stream.tell() // self.sector_size - 1  # the header fills sector 0's place
        # A table can only describe sectors the file has: counts beyond them are a lie, and a
        # chain visiting a sector twice a loop (a 3 KB file could otherwise hop for hours).
        if fat_count > self._sectors or difat_count > self._sectors:
            raise ValueError("allocation table larger than the file")
        fat_sectors = [sid for sid in struct.unpack_from("<109I", header, 0x4C) if sid < 0xFFFFFFFA]
        sid, seen = first_difat, set()
        while sid < 0xFFFFFFFA and len(seen) < difat_count:
            if sid in seen:
                raise ValueError("DIFAT chain loops")
            seen.add(sid)
            words = struct.unpack(f"<{self.sector_size // 4}I", self._sector(sid))
            fat_sectors += [word for word in words[:-1] if word < 0xFFFFFFFA]
            sid = words[-1]
        if len(set(fat_sectors[:fat_count])) < len(fat_sectors[:fat_count]):
            raise ValueError("a FAT sector listed twice")
        self._fat: list[int] = []
        for fat_sid in fat_sectors[:fat_count]:
            self._fat.extend(struct.unpack(f"<{self.sector_size // 4}I", self._sector(fat_sid)))
        directory = b"".join(self._sector(sid) for sid in self._chain(first_directory, self._fat))
        self.entries: list[OleEntry] = []
        for offset in range(0, len(directory) - 127, 128):
            length = struct.unpack_from("<H", directory, offset + 0x40)[0]
            kind = directory[offset + 0x42]
            if kind and 2 <= length <= 64:
                start, size = struct.unpack_from("<IQ", directory, offset + 0x74)
                name = directory[offset : offset + length - 2].decode("utf-16-le", "replace")
                self.entries.append(OleEntry(name, kind, start, size))
        if not self.entries:
            raise ValueError("empty directory")

    def _sector(self, sid: int) -> bytes:
        if sid >= self._sectors:
            raise ValueError("sector outside the file")
        self._stream.seek(self.sector_size * (sid + 1))
        data = self._stream.read(self.sector_size)
        if len(data) < self.sector_size:
            raise ValueError("short sector")
        return data

    @staticmethod
    def _chain(sid: int, table: list[int]) -> list[int]:
        chain, seen = [], set()
        while sid < 0xFFFFFFFA:
            if sid in seen or sid >= len(table):
                raise ValueError("chain broken")
            seen.add(sid)
            chain.append(sid)
            sid = table[sid]
        return chain

    def stream(self, name: str) -> bytes | None:
        """The content of the first stream called `name`, or None when there is none."""
        entry = next((e for e in self.entries if e.kind == 2 and e.name == name), None)
        if entry is None:
            return None
        if entry.size >= self.MINI_CUTOFF:
            data = b"".join(self._sector(sid) for sid in self._chain(entry.start, self._fat))
        else:  # small streams live in the mini stream, 64-byte sectors of the root's chain
            root = next((e for e in self.entries if e.kind == 5), None)
            if root is None:
                raise ValueError("no root entry")
            mini_fat: list[int] = []
            for sid in self._chain(self._first_mini_fat, self._fat):
                mini_fat.extend(struct.unpack(f"<{self.sector_size // 4}I", self._sector(sid)))
            mini = b"".join(self._sector(sid) for sid in self._chain(root.start, self._fat))
            data = b"".join(
                mini[sid * self.MINI_SECTOR : (sid + 1) * self.MINI_SECTOR]
                for sid in self._chain(entry.start, mini_fat)
            )
        if len(data) < entry.size:
            raise ValueError("stream shorter than its entry")
        return data[: entry.size]


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
