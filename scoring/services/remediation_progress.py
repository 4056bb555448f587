"""Progress on remediation tasks after publication: the owner unit's staff report what was done
(a status, a note, files checked as evidence files are), and the daily job reminds them of
deadlines. When a task is overdue or due soon is decided in scoring.remediation."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parindex.dates import date_text
from parindex.text import typed_text
from scoring.exceptions import Refused
from scoring.models import (
    AuditAction,
    NotificationKind,
    PlanStatus,
    RemediationTask,
    TaskProgress,
    TaskStatus,
)
from scoring.remediation import (
    PROGRESS_NOTE_MAX,
    TASK_REMINDER_DAYS,
    progress_plan_open,
    progress_reporter,
    task_is_due_soon,
    task_is_overdue,
)

from . import audit
from .improvement_files import (
    files_removed_on_failure,
    improvement_file_store,
    improvement_files_check,
)
from .notifications import notify, staff_of_unit

# ---------------------------------------------------------------- reporting progress


def _reportable_check(task: RemediationTask, by) -> None:
    """Only on a task of an issued plan, and only by the owner unit's staff (what
    scoring.access.progress_reportable_by answers the pages; checked again here, on the
    locked row, because the service is the door)."""
    if not progress_reporter(by, task):
        raise PermissionDenied
    if not progress_plan_open(task):
        raise Refused(_("Progress is reported only on tasks of an issued plan."))


def _note_clean(note: str) -> str:
    return typed_text(
        note,
        label=_("The account of what was done"),
        limit=PROGRESS_NOTE_MAX,
        required=True,
        lines=True,
    )


def task_progress_report(
    *, task: RemediationTask, by, status: str, note: str, files=()
) -> TaskProgress:
    """Record a progress report on `task` and move the task to `status`: the latest note
    becomes its outcome, `completed_on` is the day it became done (cleared when reopened).
    One transaction with the task row locked; one audit entry. Refused with nothing stored —
    no report, no file — when any input or any file is wrong."""
    _reportable_check(task, by)
    errors: dict[str, list[str]] = {}
    if status not in TaskStatus.values:
        errors["status"] = [_("Choose the task's status.")]
    try:
        note = _note_clean(note)
    except ValidationError as exc:
        errors["note"] = exc.messages
    files = [upload for upload in files if upload]
    checked = []
    try:
        checked = improvement_files_check(files)
    except ValidationError as exc:
        errors["files"] = exc.messages
    if errors:
        raise ValidationError(errors)

    with files_removed_on_failure() as written, transaction.atomic():
        locked = (
            RemediationTask.objects.select_for_update(of=("self",))
            .select_related("plan__period", "owner_unit")
            .get(pk=task.pk)
        )
        _reportable_check(locked, by)
        old_status = locked.status
        progress = TaskProgress.objects.create(
            task=locked, status=status, note=note, reported_by=by
        )
        kept: dict[str, object] = {}
        for upload in checked:
            kept.setdefault(upload.sha256, upload)  # the same content twice is kept once
        for upload in kept.values():
            improvement_file_store(upload, by=by, written=written, progress=progress)
        if status != TaskStatus.DONE:
            locked.completed_on = None
        elif old_status != TaskStatus.DONE or locked.completed_on is None:
            locked.completed_on = timezone.localdate()
        locked.status = status
        locked.outcome = note
        locked.save(update_fields=["status", "outcome", "completed_on"])
        audit.record(
            audit.improvement_event(
                action=AuditAction.TASK_PROGRESS,
                actor=by,
                obj=locked,
                period=locked.plan.period,
                field="status",
                old=old_status,
                new=status,
                reason=note,
            )
        )
    task.status, task.outcome, task.completed_on = status, note, locked.completed_on
    return progress


# ---------------------------------------------------------------- reminders


def _task_reminder(task: RemediationTask, *, overdue: bool) -> int:
    words = {
        "unit": task.owner_unit.name,
        "task": task.title if len(task.title) <= 120 else task.title[:119] + "…",
        "when": date_text(task.deadline),
        "target": task.measurable_target,
        "plan": task.plan.title,
    }
    if overdue:
        subject = _("%(unit)s: the remediation task “%(task)s” is overdue (due %(when)s)") % words
        body = _(
            "The task “%(task)s” of “%(plan)s” was due on %(when)s and is not reported done. "
            "Target: %(target)s. Report its progress in the portal."
        )
    else:
        subject = _("%(unit)s: the remediation task “%(task)s” is due on %(when)s") % words
        body = _(
            "The task “%(task)s” of “%(plan)s” is due on %(when)s. Target: %(target)s. "
            "Report its progress in the portal once it is done."
        )
    code = "overdue" if overdue else "soon"
    return len(
        notify(
            recipients=staff_of_unit(task.owner_unit_id),
            kind=NotificationKind.TASK_DEADLINE_NEAR,
            subject=subject,
            body=body % words,
            link=reverse("scoring:task_detail", args=[task.pk]),
            dedupe_key=f"task:{code}:{task.pk}:{task.deadline.isoformat()}",
        )
    )


def task_deadline_reminders(*, today: date | None = None) -> int:
    """Tell the owner unit's staff of each task of an issued plan, not done, once when its
    deadline is TASK_REMINDER_DAYS days away or less and once when it has passed — once per
    user, task and deadline (a moved deadline is told again). Run by the daily reminder job
    (scoring.tasks.send_deadline_reminders, the `send_reminders` command)."""
    today = today or timezone.localdate()
    horizon = date.fromordinal(today.toordinal() + TASK_REMINDER_DAYS)
    tasks = (
        RemediationTask.objects.filter(plan__status=PlanStatus.ISSUED, deadline__lte=horizon)
        .exclude(status=TaskStatus.DONE)
        .select_related("plan", "owner_unit")
        .order_by("deadline", "pk")
    )
    sent = 0
    with translation.override("vi"):
        for task in tasks:
            if task_is_overdue(task, today):
                sent += _task_reminder(task, overdue=True)
            elif task_is_due_soon(task, today):
                sent += _task_reminder(task, overdue=False)
    return sent
