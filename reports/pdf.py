"""HTML to PDF with WeasyPrint, from local files only, and the parts every official document
shares (Nghị định 30/2020/NĐ-CP): the header (issuing body, national motto, number, dateline)
and the foot ("Nơi nhận", the signer's title and name).

WeasyPrint fetches stylesheets, images and fonts through a URL fetcher; ours reads files under
the project's static and template folders and refuses everything else, so building a report
never touches the network, whatever a unit typed into a name or a reason."""

import functools
import mimetypes
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

from parindex.dates import dateline_parts

STYLESHEET = "reports/pdf.css"  # under static/


def static_dir() -> Path:
    return Path(settings.BASE_DIR) / "static"


def allowed_dirs() -> list[Path]:
    return [static_dir().resolve(), (Path(settings.BASE_DIR) / "templates").resolve()]


@functools.cache
def _local_fetcher_class():
    # Imported late: WeasyPrint loads Pango at import, which the web process does not need.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFileFetcher(URLFetcher):
        """Serves file:// URLs under the allowed folders; anything else raises ValueError
        (WeasyPrint then logs a warning and leaves the resource out)."""

        def fetch(self, url, headers=None):
            path = local_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
            )

    return LocalFileFetcher


def local_path(url: str) -> Path:
    """The file a URL names, if it is a file:// URL under the allowed folders."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ValueError(f"Refused to fetch {url!r}: reports read local files only.")
    path = Path(unquote(parts.path)).resolve()
    if not any(path.is_relative_to(folder) for folder in allowed_dirs()) or not path.is_file():
        raise ValueError(f"Refused to fetch {url!r}: not a file of the project.")
    return path


def local_url_fetcher():
    return _local_fetcher_class()()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    # The trailing slash makes relative URLs ("reports/pdf.css") resolve inside static/.
    base_url = static_dir().resolve().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=local_url_fetcher()).write_pdf()


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, {"stylesheet": STYLESHEET, **context})


# ---------------------------------------------------------------- document header

# Where an organiser's name stops naming the body and starts naming the place:
# "Sở Nội vụ tỉnh Hòa An" → "Sở Nội vụ".
_PLACE_WORDS = re.compile(r"\s+(tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường)\s", re.I)


def body_name(organiser_name: str) -> str:
    match = _PLACE_WORDS.search(organiser_name + " ")
    return organiser_name[: match.start()].strip() if match else organiser_name.strip()


def place_name(organiser_name: str) -> str:
    """ "Sở Nội vụ tỉnh Hòa An" → "Hòa An": the dateline's place when none is set."""
    match = _PLACE_WORDS.search(organiser_name + " ")
    return organiser_name[match.end() :].strip() if match else ""


# What is left for a person to fill in by hand: the number of a document not numbered yet
# (the office's register gives it), and the issuer's code when the organiser has none.
NUMBER_BLANK = "\u2003\u2003\u2002"
CODE_BLANK = "……"
# Nghị định 30/2020: "Nơi nhận" always ends with the copy kept by the office (Văn thư).
KEPT_COPY = "Lưu: VT"


# The fixed wording of an official document's header and foot (Nghị định 30/2020): the
# administration's own words, printed as they are in every language.
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_LABEL = "Nơi nhận:"


@dataclass
class DocumentHeader:
    """The header every official document shares (templates/reports/pdf/_header.html prints
    it in the PDFs, reports.renderers.plan_docx in Word)."""

    issuing_body: str  # "UBND TỈNH HÒA AN", may be empty
    issuer: str  # "SỞ NỘI VỤ"
    number: str  # "12/BC-SNV", blanks where the number or the code is missing; empty: none
    place: str
    day: str
    month: str
    year: int
    nation: str = NATION
    motto: str = MOTTO

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}" if self.number else ""

    @property
    def dateline(self) -> str:
        """ "Hòa An, ngày 05 tháng 3 năm 2026"."""
        return f"{self.place}, ngày {self.day} tháng {self.month} năm {self.year}"


def document_number_text(*, number: str, kind: str, code: str) -> str:
    """ "12/BC-SNV": the document's number, its type and the issuer's own code (a field of the
    organiser, Organiser.document_code, never derived from its name)."""
    return f"{number.strip() or NUMBER_BLANK}/{kind}-{code.strip() or CODE_BLANK}"


def document_header(
    organiser, *, issued: date | None, kind: str = "BC", number: str = ""
) -> DocumentHeader:
    """`kind`: the document type's abbreviation (BC: báo cáo); empty for no number line.
    `number`: the document's number ("12"), blank to fill in by hand when empty."""
    issuing_body = organiser.issuing_body.strip()
    # Under a superior body the organiser names itself without the place; alone it keeps it.
    issuer = body_name(organiser.name) if issuing_body else organiser.name
    return DocumentHeader(
        issuing_body=issuing_body.upper(),
        issuer=issuer.upper(),
        number=document_number_text(number=number, kind=kind, code=organiser.document_code)
        if kind
        else "",
        place=organiser.place_name.strip() or place_name(organiser.name),
        **dateline_parts(issued),
    )


@dataclass
class Signature:
    """The foot of an official document: "Nơi nhận" bottom left, the signer bottom right."""

    recipients: list[str]  # "- UBND tỉnh;" … "- Lưu: VT, CCHC."
    title: list[str]  # "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"
    name: str
    label: str = RECIPIENTS_LABEL


def recipient_lines(text: str) -> list[str]:
    """One recipient a line, as Nghị định 30 prints them: each after a dash and closed by a
    semicolon, the last by a full stop, ending with the office's copy ("- Lưu: VT, …."), added
    when the list has none."""
    lines = [
        line.strip().lstrip("-–+•").strip().rstrip(";.,").strip() for line in text.splitlines()
    ]
    lines = [line for line in lines if line]
    kept = [line for line in lines if line.casefold().startswith("lưu")]
    lines = [line for line in lines if line not in kept] + (kept or [KEPT_COPY])
    return [
        f"- {line}{'.' if position == len(lines) else ';'}"
        for position, line in enumerate(lines, 1)
    ]


def signature(*, recipients: str, signer_title: str, signer_name: str) -> Signature:
    return Signature(
        recipients=recipient_lines(recipients),
        title=[line.strip().upper() for line in signer_title.splitlines() if line.strip()],
        name=signer_name.strip(),
    )
