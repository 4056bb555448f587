"""Reading the report PDFs back in tests, with pypdf (pure Python: no system tool to install):
the text of each page, the fonts embedded, and — only for a person to look at — a page as a PNG
image drawn by poppler's pdftoppm."""

import io
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject


def pdf_pages(content: bytes, *, layout: bool = True) -> list[str]:
    """The text of each page in Unicode NFC, as the portal stores text.

    `layout`: laid out as on the page, one table row per line with its cells in order (as
    `pdftotext -layout` gives it). pypdf's layout mode leaves out the text of form XObjects,
    which is where WeasyPrint draws an SVG's labels: `layout=False` reads them, in the order
    they are drawn, one text element per line."""
    reader = PdfReader(io.BytesIO(content))
    mode = "layout" if layout else "plain"
    return [
        unicodedata.normalize("NFC", page.extract_text(extraction_mode=mode))
        for page in reader.pages
    ]


@dataclass(frozen=True)
class EmbeddedFont:
    base_font: str  # /BaseFont without the subset prefix: "parindex-serif-Bold"
    family: str  # from the embedded font program's own name table: "Liberation Serif"
    style: str  # "Bold"
    version: str  # "Version 2.1.5"


def embedded_fonts(content: bytes) -> set[EmbeddedFont]:
    """Every font of every page, in its resources and in those of the forms it draws (WeasyPrint
    draws SVG charts and the draft watermark as form XObjects with their own resources)."""
    reader = PdfReader(io.BytesIO(content))
    fonts: set[EmbeddedFont] = set()
    seen: set[int] = set()

    def walk(resources) -> None:
        resources = resources.get_object() if resources is not None else DictionaryObject()
        if id(resources) in seen:
            return
        seen.add(id(resources))
        for font in resources.get("/Font", DictionaryObject()).values():
            fonts.add(_embedded_font(font.get_object()))
        for kind in ("/XObject", "/Pattern"):
            for entry in resources.get(kind, DictionaryObject()).values():
                entry = entry.get_object()
                if "/Resources" in entry:
                    walk(entry["/Resources"])

    for page in reader.pages:
        walk(page.get("/Resources"))
    return fonts


def _embedded_font(font) -> EmbeddedFont:
    base_font = str(font["/BaseFont"]).lstrip("/")
    prefix, plus, name = base_font.partition("+")
    if plus and len(prefix) == 6 and prefix.isupper():
        base_font = name  # "ABCDEF+": a subset of the font
    # A Type0 (composite) font keeps its program in its descendant CID font.
    described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
    descriptor = described.get("/FontDescriptor")
    if descriptor is None:
        return EmbeddedFont(base_font, family="", style="", version="")  # not embedded
    descriptor = descriptor.get_object()
    program = next(
        (descriptor[key] for key in ("/FontFile2", "/FontFile3", "/FontFile") if key in descriptor),
        None,
    )
    if program is None:
        return EmbeddedFont(base_font, family="", style="", version="")
    names = TTFont(io.BytesIO(program.get_object().get_data()))["name"]
    return EmbeddedFont(
        base_font,
        family=str(names.getDebugName(1)),
        style=str(names.getDebugName(2)),
        version=str(names.getDebugName(5)),
    )


def pdftoppm() -> str:
    """poppler's pdftoppm, which `make test` installs (scripts/system_packages.sh test)."""
    path = shutil.which("pdftoppm")
    if not path:
        pytest.fail(
            "pdftoppm is not installed: run `make test`, which installs poppler-utils, or "
            "`apt-get install poppler-utils`."
        )
    return path


def page_pngs(content: bytes, out: Path, *, pages: int = 3, dpi: int = 80) -> list[Path]:
    """Draws the first `pages` pages as `out`-1.png, `out`-2.png… for a person to look at (the
    tests read text with pypdf). Fails if poppler finds anything wrong in the file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for old in out.parent.glob(f"{out.name}-*.png"):
        old.unlink()
    drawn = subprocess.run(
        [pdftoppm(), "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), "-", str(out)],
        input=content, capture_output=True,
    )  # fmt: skip
    assert drawn.returncode == 0 and not drawn.stderr, drawn.stderr.decode(errors="replace")
    return sorted(out.parent.glob(f"{out.name}-*.png"))
