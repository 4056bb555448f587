"""Uploading evidence through the screen: a file refused by its content, or over the unit's
quota for the period, is answered 400 with a Vietnamese message naming it, and nothing is
stored (no row, no file on disk, no audit entry). Two uploads at once cannot both pass the
quota."""

import io
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from pypdf import PdfWriter

from scoring.models import AuditEntry, Evidence
from scoring.services import evidence as evidence_service
from scoring.services.evidence import evidence_upload
from tests.scoring import hostile_files as h

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def s(self_assessment_setup):
    return self_assessment_setup


def sized_pdf(size: int, title: str) -> bytes:
    """A well-formed PDF of about `size` bytes (the padding is its metadata)."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title, "/Subject": "x" * size})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def named(name: str, content: bytes):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "evidence"
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def post_file(client, s, name, content, code="1.1.1"):
    return client.post(
        reverse("scoring:evidence_add", args=[s["assessment_a"].pk]),
        {"items": [s["items"][code].pk], "file": named(name, content)},
        **JSON,
    )


@pytest.mark.parametrize(
    ("name", "build", "reason"),
    [
        ("ke-hoach.pdf", h.pdf_with_javascript, "chứa mã JavaScript"),
        ("ke-hoach.pdf", h.pdf_with_embedded_file, "đính kèm tệp"),
        ("bao-cao.docx", h.docx_with_vba_project, "chứa macro"),
        ("bao-cao.docx", h.zip_renamed_docx, "không mở được như một tệp .docx"),
        ("so-lieu.xls", lambda: h.ole_file("Workbook", "_VBA_PROJECT_CUR"), "chứa macro"),
        ("anh.png", lambda: h.png_declaring(100_000, 100_000), "triệu điểm ảnh"),
        ("remote-template.docx", h.docx_with_remote_template, "nội dung bên ngoài tệp"),
        ("xfa.pdf", h.pdf_with_xfa_script, "biểu mẫu XFA"),
    ],
)
def test_a_file_refused_by_its_content_leaves_nothing(client, s, name, build, reason):
    client.force_login(s["staff_a"])
    before, audited = stored_files(), AuditEntry.objects.count()
    response = post_file(client, s, name, build())
    assert response.status_code == 400
    message = response.json()["message"]
    assert f"Tệp “{name}” bị từ chối" in message and reason in message
    assert not Evidence.objects.exists()
    assert stored_files() == before
    assert AuditEntry.objects.count() == audited


def test_the_quota_refuses_the_file_that_does_not_fit_with_used_and_limit(client, s, settings):
    settings.PARINDEX_EVIDENCE_QUOTA_MB = 1
    client.force_login(s["staff_a"])
    first = sized_pdf(600 * 1024, "một")
    assert post_file(client, s, "mot.pdf", first).status_code == 200
    before = stored_files()
    response = post_file(client, s, "hai.pdf", sized_pdf(600 * 1024, "hai"), code="1.1.2")
    assert response.status_code == 400
    message = response.json()["message"]
    assert "“hai.pdf” (0,6 MB)" in message
    assert "đã dùng 0,6 MB trên hạn mức 1,0 MB" in message
    assert Evidence.objects.count() == 1 and stored_files() == before
    # The same file again stores nothing new, so the quota does not stand in its way.
    assert post_file(client, s, "mot-lan-nua.pdf", first, code="1.1.2").status_code == 200
    assert Evidence.objects.count() == 1


def test_the_quota_counts_the_unit_in_this_period_only(client, s, settings):
    settings.PARINDEX_EVIDENCE_QUOTA_MB = 1
    client.force_login(s["staff_a"])
    assert post_file(client, s, "mot.pdf", sized_pdf(600 * 1024, "một")).status_code == 200
    client.force_login(s["staff_b"])
    response = client.post(
        reverse("scoring:evidence_add", args=[s["assessment_b"].pk]),
        {"items": [s["items"]["1.1.1"].pk], "file": named("b.pdf", sized_pdf(600 * 1024, "b"))},
        **JSON,
    )
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_cannot_both_pass_the_quota(s, settings, monkeypatch):
    """Both threads pass the checks before the transaction together (a barrier in the hash);
    the assessment's row lock makes the second count the first's file."""
    settings.PARINDEX_EVIDENCE_QUOTA_MB = 1
    barrier = threading.Barrier(2, timeout=20)
    real_sha256 = evidence_service.file_sha256

    def sha256_then_wait(upload):
        digest = real_sha256(upload)
        barrier.wait()
        return digest

    monkeypatch.setattr(evidence_service, "file_sha256", sha256_then_wait)
    outcomes: list[str] = []

    def upload(title, code):
        try:
            evidence_upload(
                assessment=s["assessment_a"],
                by=s["staff_a"],
                upload=SimpleUploadedFile(f"{title}.pdf", sized_pdf(600 * 1024, title)),
                items=[s["items"][code]],
            )
            outcomes.append("stored")
        except Exception as exc:  # the refusal is the expected outcome of one thread
            outcomes.append(" ".join(getattr(exc, "messages", [repr(exc)])))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=upload, args=("mot", "1.1.1")),
        threading.Thread(target=upload, args=("hai", "1.1.2")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes)[-1] == "stored", outcomes
    assert outcomes.count("stored") == 1, outcomes
    assert any("hạn mức 1,0 MB" in outcome for outcome in outcomes), outcomes
    assert Evidence.objects.count() == 1
