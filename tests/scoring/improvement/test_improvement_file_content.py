"""Improvement files (a progress report's, an inspection's) go through the same content check
as evidence: one hostile file refuses the whole report and nothing is stored; stored files are
served as evidence files are (sandboxed, nosniff, no-store)."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from scoring.models import ImprovementFile, TaskProgress
from scoring.services.remediation_progress import task_progress_report
from scoring.views.common import INLINE_PDF_CSP, USER_FILE_CSP
from tests.scoring import hostile_files as h
from tests.scoring.improvement.progress_helpers import make_task, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(issued_province_plan, improvement_year):
    return make_task(issued_province_plan, improvement_year["units"]["B"], date(2026, 11, 30))


def stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "improvement"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_pdf_with_javascript_refuses_the_whole_report(task, personas):
    before = stored_files()
    with pytest.raises(ValidationError) as refused:
        task_progress_report(
            task=task,
            by=personas["staff_b"],
            status="done",
            note="Xong",
            files=[pdf("tot.pdf"), pdf("Biên bản.pdf", h.pdf_with_javascript())],
        )
    message = " ".join(refused.value.message_dict["files"])
    assert "Tệp “Biên bản.pdf” bị từ chối: tệp chứa mã JavaScript." in message
    assert not TaskProgress.objects.exists() and not ImprovementFile.objects.exists()
    assert stored_files() == before


def test_a_progress_file_is_served_with_the_user_file_headers(client, task, personas):
    progress = task_progress_report(
        task=task,
        by=personas["staff_b"],
        status="done",
        note="Xong",
        files=[pdf("Báo cáo.pdf"), pdf("Phụ lục.docx", h.docx_bytes())],
    )
    client.force_login(personas["staff_b"])
    by_name = {upload.original_name: upload for upload in progress.files.all()}
    response = client.get(reverse("scoring:task_file", args=[by_name["Báo cáo.pdf"].pk]))
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == INLINE_PDF_CSP
    response = client.get(reverse("scoring:task_file", args=[by_name["Phụ lục.docx"].pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == USER_FILE_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
