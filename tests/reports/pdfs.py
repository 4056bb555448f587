"""Reading the report PDFs back in tests, with pypdf (pure Python: no system tool to install):
the text of each page, and — only for a person to look at — pages as PNG images drawn by
poppler's pdftoppm."""

import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader


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
