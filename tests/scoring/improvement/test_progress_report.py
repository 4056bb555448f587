"""Reporting progress on a remediation task (scoring.services.remediation_progress): the status
it reaches, the outcome and the day it was done, files checked as evidence files are, one audit
entry — and every refusal stores nothing: no report, no file, no change to the task."""

import hashlib
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scoring.exceptions import Refused
from scoring.models import (
    AuditAction,
    AuditEntry,
    ImprovementFile,
    PlanStatus,
    RemediationPlan,
    TaskProgress,
    TaskStatus,
)
from scoring.remediation import PROGRESS_NOTE_MAX as NOTE_MAX
from scoring.services import remediation_progress
from scoring.services.remediation_progress import task_progress_report
from tests.scoring.improvement.progress_helpers import PDF, make_draft_plan, make_task, pdf, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(issued_province_plan, improvement_year):
    return make_task(issued_province_plan, improvement_year["units"]["B"], date(2026, 11, 30))


def _stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "improvement"
    return sorted(folder.iterdir()) if folder.exists() else []


def _nothing_stored(task, before_files):
    task.refresh_from_db()
    return (
        not TaskProgress.objects.exists()
        and not ImprovementFile.objects.exists()
        and not AuditEntry.objects.filter(action=AuditAction.TASK_PROGRESS).exists()
        and _stored_files() == before_files
        and task.status == TaskStatus.NOT_STARTED
        and task.outcome == ""
        and task.completed_on is None
    )


def test_a_report_moves_the_task_and_is_audited(task, personas):
    progress = task_progress_report(
        task=task,
        by=personas["staff_b"],
        status=TaskStatus.IN_PROGRESS,
        note="Đã dự thảo kế hoạch, trình lãnh đạo Sở",
    )
    task.refresh_from_db()
    assert (task.status, task.outcome, task.completed_on) == (
        TaskStatus.IN_PROGRESS,
        "Đã dự thảo kế hoạch, trình lãnh đạo Sở",
        None,
    )
    assert (progress.status, progress.reported_by) == (TaskStatus.IN_PROGRESS, personas["staff_b"])
    (entry,) = AuditEntry.objects.filter(action=AuditAction.TASK_PROGRESS)
    assert (entry.actor, entry.field, entry.old_value, entry.new_value) == (
        personas["staff_b"],
        "status",
        TaskStatus.NOT_STARTED,
        TaskStatus.IN_PROGRESS,
    )
    assert entry.period_id == task.plan.period_id
    assert entry.object_id == str(task.pk)
    assert entry.reason == "Đã dự thảo kế hoạch, trình lãnh đạo Sở"


def test_done_stamps_the_day_keeps_it_when_reported_again_and_clears_it_when_reopened(
    task, personas
):
    staff = personas["staff_b"]
    task_progress_report(task=task, by=staff, status=TaskStatus.DONE, note="Đã ban hành")
    task.refresh_from_db()
    assert task.completed_on == timezone.localdate()

    # Done on an earlier day; a second "done" report (a late file) does not move the day.
    earlier = timezone.localdate() - timedelta(days=10)
    type(task).objects.filter(pk=task.pk).update(completed_on=earlier)
    task_progress_report(task=task, by=staff, status=TaskStatus.DONE, note="Bổ sung quyết định")
    task.refresh_from_db()
    assert (task.completed_on, task.outcome) == (earlier, "Bổ sung quyết định")

    task_progress_report(
        task=task, by=staff, status=TaskStatus.IN_PROGRESS, note="Sở Nội vụ yêu cầu làm lại"
    )
    task.refresh_from_db()
    assert (task.status, task.completed_on) == (TaskStatus.IN_PROGRESS, None)
    assert TaskProgress.objects.filter(task=task).count() == 3
    assert AuditEntry.objects.filter(action=AuditAction.TASK_PROGRESS).count() == 3


def test_files_are_checked_hashed_and_stored_under_random_names(task, personas):
    progress = task_progress_report(
        task=task,
        by=personas["staff_b"],
        status=TaskStatus.DONE,
        note="Quyết định và ảnh buổi họp",
        files=[pdf("Quyết định số 12-QĐ.pdf"), png("ảnh.png")],
    )
    files = list(progress.files.order_by("original_name"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("Quyết định số 12-QĐ.pdf", "application/pdf"),
        ("ảnh.png", "image/png"),
    ]
    first = files[0]
    assert first.sha256 == hashlib.sha256(PDF).hexdigest()
    assert first.size == len(PDF)
    assert first.uploaded_by == personas["staff_b"]
    assert "Quyết" not in first.file.name and first.file.name.endswith(".pdf")
    with first.file.open("rb") as handle:
        assert handle.read() == PDF


def test_the_note_is_stored_in_nfc(task, personas):
    decomposed = unicodedata.normalize("NFD", "Đã hoàn thành")
    task_progress_report(task=task, by=personas["staff_b"], status="done", note=decomposed)
    task.refresh_from_db()
    assert task.outcome == "Đã hoàn thành"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([pdf("a.pdf"), pdf("b.pdf", b"MZ\x90\x00 not a pdf")], "không đúng định dạng .pdf"),
        ([pdf("a.pdf"), pdf("chay.exe", b"MZ")], "không thuộc loại tệp được chấp nhận"),
        ([pdf("trong.pdf", b"")], "không có dữ liệu"),
    ],
)
def test_a_bad_file_refuses_the_whole_report(task, personas, files, message):
    before = _stored_files()
    with pytest.raises(ValidationError) as refused:
        task_progress_report(
            task=task, by=personas["staff_b"], status="done", note="Xong", files=files
        )
    assert message in " ".join(refused.value.message_dict["files"])
    assert _nothing_stored(task, before)


def test_an_oversized_file_is_refused(task, personas, settings):
    settings.PARINDEX_EVIDENCE_MAX_MB = 0
    before = _stored_files()
    with pytest.raises(ValidationError) as refused:
        task_progress_report(
            task=task, by=personas["staff_b"], status="done", note="Xong", files=[pdf()]
        )
    assert "tối đa cho phép là 0 MB" in " ".join(refused.value.message_dict["files"])
    assert _nothing_stored(task, before)


@pytest.mark.parametrize(
    ("status", "note", "field", "message"),
    [
        ("done", "", "note", "Nội dung đã làm được không được để trống."),
        ("done", "   \u200b ", "note", "Nội dung đã làm được không được để trống."),
        ("done", "Đã\x00 xong", "note", "có ký tự không được phép"),
        ("done", "x" * (NOTE_MAX + 1), "note", "tối đa 5000 ký tự"),
        ("finished", "Xong", "status", "Hãy chọn trạng thái của nhiệm vụ."),
    ],
)
def test_bad_input_is_refused_in_vietnamese(task, personas, status, note, field, message):
    before = _stored_files()
    with pytest.raises(ValidationError) as refused:
        task_progress_report(task=task, by=personas["staff_b"], status=status, note=note)
    assert message in " ".join(refused.value.message_dict[field])
    assert _nothing_stored(task, before)


def test_too_many_files_are_refused(task, personas):
    before = _stored_files()
    with pytest.raises(ValidationError) as refused:
        task_progress_report(
            task=task,
            by=personas["staff_b"],
            status="done",
            note="Xong",
            files=[pdf(f"{n}.pdf") for n in range(11)],
        )
    assert "tối đa 10 tệp" in " ".join(refused.value.message_dict["files"])
    assert _nothing_stored(task, before)


def test_another_units_staff_and_home_affairs_cannot_report(task, personas, improvement_year):
    before = _stored_files()
    for user in (
        personas["staff_a"],
        improvement_year["staff_c"],
        personas["home_affairs"],
        personas["admin"],
    ):
        with pytest.raises(PermissionDenied):
            task_progress_report(task=task, by=user, status="done", note="Xong", files=[pdf()])
    assert _nothing_stored(task, before)


def test_a_task_of_a_draft_plan_takes_no_report(improvement_year, personas):
    draft = make_draft_plan(improvement_year, personas["unit_b"], personas["staff_b"])
    task = make_task(draft, personas["unit_b"], date(2026, 11, 30))
    before = _stored_files()
    with pytest.raises(Refused) as refused:
        task_progress_report(task=task, by=personas["staff_b"], status="done", note="Xong")
    assert "kế hoạch đã ban hành" in str(refused.value)
    assert _nothing_stored(task, before)


def test_a_plan_unissued_meanwhile_is_decided_under_the_lock(task, personas):
    """The caller's copy says issued; the row says draft by the time the report is written."""
    RemediationPlan.objects.filter(pk=task.plan_id).update(status=PlanStatus.DRAFT)
    before = _stored_files()
    with pytest.raises(Refused):
        task_progress_report(task=task, by=personas["staff_b"], status="done", note="Xong")
    assert _nothing_stored(task, before)


def test_files_already_written_are_removed_when_the_transaction_fails(task, personas, monkeypatch):
    def broken(*entries):
        raise RuntimeError("database went away")

    monkeypatch.setattr(remediation_progress.audit, "record", broken)
    before = _stored_files()
    with pytest.raises(RuntimeError):
        task_progress_report(
            task=task,
            by=personas["staff_b"],
            status="done",
            note="Xong",
            files=[pdf("a.pdf"), png("b.png")],
        )
    assert _nothing_stored(task, before)
