"""A user's file is served so that it runs nothing: `sandbox` and `default-src 'none'`, never
sniffed as another type, never cached; a PDF or image opens inline only when it passes the
content check as stored (a file kept from before the check downloads), anything else downloads
under its Vietnamese name (RFC 6266)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from scoring.models import Evidence
from scoring.views.common import INLINE_PDF_CSP, USER_FILE_CSP, download_name
from tests.helpers import pdf_bytes, png_bytes
from tests.scoring import hostile_files as h


@pytest.fixture
def s(self_assessment_setup):
    return self_assessment_setup


def stored(s, name: str, content: bytes, content_type: str) -> Evidence:
    """A file as stored rows hold it, written directly (as one kept from before the check)."""
    evidence = Evidence(
        assessment=s["assessment_a"],
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256="0" * 64,
        uploaded_by=s["staff_a"],
    )
    evidence.file.save("a1b2c3.bin", ContentFile(content), save=False)
    evidence.save()
    return evidence


def served(client, s, evidence):
    client.force_login(s["staff_a"])
    response = client.get(reverse("scoring:evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    return response


def test_a_checked_pdf_opens_inline_unsandboxed_for_the_pdf_viewer_but_loads_nothing(client, s):
    response = served(client, s, stored(s, "Kế hoạch.pdf", pdf_bytes(), "application/pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == INLINE_PDF_CSP
    assert "default-src 'none'" in INLINE_PDF_CSP


def test_a_pdf_stored_before_the_check_with_javascript_downloads_sandboxed(client, s):
    response = served(client, s, stored(s, "cu.pdf", h.pdf_with_javascript(), "application/pdf"))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == USER_FILE_CSP
    assert "sandbox" in USER_FILE_CSP and "default-src 'none'" in USER_FILE_CSP


def test_an_image_opens_inline_sandboxed(client, s):
    response = served(client, s, stored(s, "ảnh.png", png_bytes(), "image/png"))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == USER_FILE_CSP


def test_an_office_file_downloads_under_its_vietnamese_name(client, s):
    docx = h.docx_bytes()
    evidence = stored(s, "Báo cáo số 12/QĐ.docx", docx, "application/msword")
    response = served(client, s, evidence)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 6266 / 5987: the UTF-8 name, percent-encoded; the slash is no path.
    assert "filename*=utf-8''B%C3%A1o%20c%C3%A1o%20s%E1%BB%91%2012_Q%C4%90.docx" in disposition
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Security-Policy"] == USER_FILE_CSP
    assert b"".join(response.streaming_content) == docx


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Quyết định\r\nSet-Cookie: x.pdf", "Quyết địnhSet-Cookie: x.pdf"),
        ("..\\..\\hệ thống.pdf", "_.._hệ thống.pdf"),  # no leading dots either
        ("Ke\u0302\u0301 hoa\u0323ch.pdf", "Kế hoạch.pdf"),  # decomposed accents made NFC
        ("\x00\x07", "tep-tin"),
    ],
)
def test_download_names_carry_no_header_breaks_nor_paths(name, safe):
    assert download_name(name) == safe


@pytest.mark.parametrize(
    ("user", "url"),
    [
        (
            "staff_a",
            lambda s: reverse("scoring:self_assessment_workbook", args=[s["assessment_a"].pk]),
        ),
        ("home_affairs", lambda s: reverse("scoring:period_dashboard", args=[s["period"].pk])),
        ("home_affairs", lambda s: reverse("scoring:improvement_dashboard")),
    ],
)
def test_workbooks_and_dashboards_are_private_no_store(client, s, user, url):
    client.force_login(s[user])
    response = client.get(url(s))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
