"""Requesting and building reports. The web process only writes the row; a Celery worker builds
the file (or the web process itself when tasks run eagerly, as in `make run`)."""

import logging
import os
import socket
import time
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parindex.processes import run_in_processes
from parindex.tasks import TransactionAwareTask
from scoring.models import AuditAction
from scoring.services import audit
from units.access import acts_for
from units.roles import Permission

from .access import get_report_for_user, plan_documents_retryable_by
from .models import PERIOD_REPORT_KINDS, PLAN_DOCUMENT_KINDS, Report, ReportKind, ReportStatus
from .renderers import RENDERERS
from .selectors import ReportError

logger = logging.getLogger(__name__)


class BuildTask(TransactionAwareTask):
    def on_enqueue_failure(self, report_id: int) -> None:
        """With the broker down the row waits, queued: the sweep queues it again once the
        broker answers, and fails it with a retry if it never started after QUEUED_STALE."""
        Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
            unqueued_at=timezone.now()
        )


# Time limits: CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT. Acknowledged once built
# (acks late) and handed back to the queue if its worker process is lost
# (CELERY_TASK_REJECT_ON_WORKER_LOST): report_build is idempotent for that redelivery.
@shared_task(base=BuildTask, name="reports.tasks.build_report", acks_late=True, bind=True)
def build_report(self, report_id: int) -> str:
    return report_build_localised(report_id, worker=this_worker(self.request.hostname))


def this_worker(hostname: str | None = None) -> str:
    """How a build names who runs it: the worker's node name (or this machine) and process."""
    return f"{hostname or socket.gethostname()} {os.getpid()}"


def report_build_localised(report_id: int, worker: str = "") -> str:
    """Render in Vietnamese, Hanoi time, whatever the worker's locale."""
    with translation.override("vi"), timezone.override("Asia/Ho_Chi_Minh"):
        return report_build(report_id=report_id, worker=worker or this_worker()).status


def report_request(
    *,
    kind: ReportKind,
    requested_by,
    period=None,
    params: dict | None = None,
    publication=None,
    plan=None,
    build: bool = True,
) -> Report:
    """Create the report row and queue its build once the row is committed. `publication`:
    a document kept with that version (see publication_documents_request); `plan`: an issued
    plan's document (plan_documents_request). `build` False: the row waits, queued, for
    report_build to be called on it."""
    report = Report.objects.create(
        kind=kind,
        period=period,
        params=params or {},
        requested_by=requested_by,
        publication=publication,
        plan=plan,
    )
    if build:
        build_report.enqueue(report.pk)
    return report


# The documents of a publication, period-wide first; then one scorecard per unit.
PUBLICATION_DOCUMENT_KINDS = (
    ReportKind.RANKING_PDF,
    ReportKind.BREAKDOWN_PDF,
    ReportKind.RESULTS_WORKBOOK,
)


def publication_documents_request(*, publication, build: bool = True) -> list[Report]:
    """Queue the official documents of a publication version, rendered once and kept with it:
    the ranking report, its area appendix, the results workbook and every unit's scorecard.
    Called when the version is published (scoring.signals.results_published), inside its
    transaction: the rows exist with the version, the builds start once it commits. A version
    that has its documents already gets no second set. `build` False: the rows are made and
    left queued, not built (tests on a live server build the few they read)."""
    existing = list(publication.documents.order_by("pk"))
    if existing:
        return existing
    common = {
        "build": build,
        "requested_by": publication.published_by,
        "period": publication.period,
        "publication": publication,
    }
    # No worker to share them (tasks run here): processes share them instead.
    eager_processes = (
        build_report.app.conf.task_always_eager and settings.REPORTS_EAGER_PROCESSES > 1
    )
    if eager_processes:
        common["build"] = False  # built together below, once committed
    documents = [report_request(kind=kind, **common) for kind in PUBLICATION_DOCUMENT_KINDS]
    for unit_id, unit_code in publication.unit_results.order_by("position").values_list(
        "unit_id", "unit_code"
    ):
        documents.append(
            report_request(
                kind=ReportKind.SCORECARD_PDF,
                params={"unit_id": unit_id, "unit_code": unit_code},
                **common,
            )
        )
    if build and eager_processes:
        ids = [report.pk for report in documents]
        transaction.on_commit(lambda: reports_build_eagerly(ids))
    return documents


def reports_build_eagerly(report_ids: list[int]) -> None:
    """Without a broker (`make run`), build these reports now in REPORTS_EAGER_PROCESSES
    processes, as a worker pool would, and return when all are finished. Each process builds
    through report_build, one report at a time. Inside a transaction (a test's), or with one
    process, they are built here one after another."""
    processes = min(settings.REPORTS_EAGER_PROCESSES, len(report_ids))
    if processes <= 1 or connection.in_atomic_block:
        for report_id in report_ids:
            report_build_localised(report_id)
        return
    try:
        run_in_processes(report_build_localised, report_ids, processes=processes)
    except Exception:
        # A process died (memory, a signal): what it left half-built fails, to be retried.
        logger.exception("The report processes stopped")
        Report.objects.filter(pk__in=report_ids).exclude(
            status__in=(ReportStatus.DONE, ReportStatus.FAILED)
        ).update(
            status=ReportStatus.FAILED,
            finished_at=timezone.now(),
            error=worker_lost_error(),
        )


def plan_documents_request(*, plan) -> list[Report]:
    """Queue the official document of an issued remediation plan, in PDF and Word, rendered
    once and kept with it. Called when the plan is issued (scoring.signals.plan_issued), inside
    its transaction: the rows exist with the issued plan, the builds start once it commits. A
    plan that has its documents already gets no second set."""
    existing = list(plan.documents.order_by("pk"))
    if existing:
        return existing
    return [
        report_request(
            kind=kind,
            requested_by=plan.issued_by or plan.created_by,
            period=plan.period,
            params={"plan_id": plan.pk},
            plan=plan,
        )
        for kind in PLAN_DOCUMENT_KINDS
    ]


QUEUED_STALE = timedelta(minutes=15)


def period_report_request(*, period, kind: str, by, unit=None) -> Report:
    """A report of the period's results, asked for by someone who builds reports for its
    organiser. The scorecard needs one of the period's units."""
    if not acts_for(by, Permission.BUILD_REPORTS, period.organiser_id):
        raise PermissionDenied(_("Only Home Affairs of this organiser builds its reports."))
    if kind not in PERIOD_REPORT_KINDS:
        raise ValidationError({"kind": _("Choose a report.")})
    params = {}
    if kind == ReportKind.SCORECARD_PDF:
        if unit is None or not period.assessments.taking_part().filter(unit=unit).exists():
            raise ValidationError({"unit": _("Choose the unit whose scorecard to build.")})
        params = {"unit_id": unit.pk, "unit_code": unit.code}
    return report_request(kind=ReportKind(kind), requested_by=by, period=period, params=params)


def report_retry(*, report: Report, by) -> Report:
    """Build a failed report again, as the same row: its link and history stay. A report still
    queued after QUEUED_STALE is as good as failed (its task was lost) and may be retried too;
    so is one 'being built' whose worker is gone or that outlived the time limit
    (report_is_lost). An official document only once it has failed or is lost (the periodic
    task fails lost ones). A plan's document is built again by Home Affairs only."""
    report = get_report_for_user(by, report.pk)  # 404 for anyone who may not read it now
    if report.plan_id is not None and not plan_documents_retryable_by(by, report.plan):
        raise PermissionDenied(_("Only Home Affairs builds a plan's documents again."))
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        lost = (
            report.status == ReportStatus.QUEUED
            and report.created_at < timezone.now() - QUEUED_STALE
            and not report.is_document
        ) or report_is_lost(report)
        if report.status != ReportStatus.FAILED and not lost:
            if report.plan_id is not None:
                raise ValidationError(
                    _("A plan's document is built once; only a failed one is built again.")
                )
            if report.is_document:
                raise ValidationError(
                    _("A published document is built once; only a failed one is built again.")
                )
            raise ValidationError(_("Only a failed report is built again."))
        if report.plan_id is not None:
            # An official document of the plan: who asked for it again is on the plan's record.
            audit.record(
                audit.improvement_event(
                    action=AuditAction.PLAN,
                    actor=by,
                    obj=report.plan,
                    period=report.plan.period,
                    field=f"document:{report.kind}",
                    old=report.status,
                    new=ReportStatus.QUEUED,
                    reason=report.error,
                )
            )
        report.status, report.progress, report.error = ReportStatus.QUEUED, 0, ""
        report.started_at = report.finished_at = None
        report.worker, report.attempts, report.unqueued_at = "", 0, None
        report.save(
            update_fields=[
                "status",
                "progress",
                "error",
                "started_at",
                "finished_at",
                "worker",
                "attempts",
                "unqueued_at",
            ]
        )
        build_report.enqueue(report.pk)
    return report


def plan_documents_retry(*, plan, by) -> list[Report]:
    """Build again every failed document of an issued plan (Home Affairs only, through
    report_retry). Refused when none has failed."""
    failed = list(plan.documents.filter(status=ReportStatus.FAILED).order_by("pk"))
    if not failed:
        raise ValidationError(_("None of the plan's documents failed: nothing to build again."))
    with transaction.atomic():
        return [report_retry(report=report, by=by) for report in failed]


def report_build(*, report_id: int, worker: str = "") -> Report:
    """Build the report's file. Idempotent: a finished report is left as it is, and one that a
    live worker is building is left to it, so a redelivered task does no harm; one whose worker
    is gone (killed mid-build) is taken over, until MAX_BUILD_ATTEMPTS builds in a row never
    finished."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status == ReportStatus.DONE:
            return report
        if report.status == ReportStatus.RUNNING and _still_building(report, worker):
            return report
        if report.attempts >= MAX_BUILD_ATTEMPTS:
            # Each build so far lost its worker (memory, a crash): stop handing it back.
            report.status, report.finished_at = ReportStatus.FAILED, timezone.now()
            report.error = worker_lost_error()
            report.save(update_fields=["status", "finished_at", "error"])
            return report
        report.status, report.progress, report.error = ReportStatus.RUNNING, 0, ""
        report.started_at, report.worker = timezone.now(), worker
        report.attempts += 1
        report.unqueued_at = None
        report.save(
            update_fields=[
                "status",
                "progress",
                "error",
                "started_at",
                "worker",
                "attempts",
                "unqueued_at",
            ]
        )
    if settings.REPORTS_BUILD_DELAY:
        time.sleep(settings.REPORTS_BUILD_DELAY)  # tests only: a build to kill mid-way

    def progress(percent: int) -> None:
        Report.objects.filter(pk=report_id).update(progress=max(0, min(int(percent), 99)))

    try:
        filename, content = RENDERERS[ReportKind(report.kind)](report, progress)
    except Exception as exc:
        if isinstance(exc, ReportError):
            error = str(exc)
        elif isinstance(exc, SoftTimeLimitExceeded):
            error = _("Building the report took too long and was stopped. Try again.")
        else:
            logger.exception("Report %s failed", report_id)
            error = _(
                "The report could not be built because of a system error. Try again; if it "
                "fails again, tell the administrator (report #%(id)s)."
            ) % {"id": report_id}
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, finished_at=timezone.now(), error=error, attempts=0
        )
        report.refresh_from_db()
        return report
    if report.is_document:
        _clear_orphan(report, filename)
    report.file.save(filename, ContentFile(content), save=False)
    report.status, report.progress, report.finished_at = ReportStatus.DONE, 100, timezone.now()
    report.attempts = 0  # counts only the builds that never finished
    report.save(update_fields=["file", "status", "progress", "finished_at", "attempts"])
    return report


def _clear_orphan(report: Report, filename: str) -> None:
    """A document's path is its own (publication, kind, unit; or plan, kind): a file found
    there was left by a build stopped before its row was saved. It is replaced, so that the
    document keeps its readable name; a file any other row holds is never touched."""
    path = report.file.field.generate_filename(report, filename)
    storage = report.file.storage
    if storage.exists(path) and not Report.objects.filter(file=path).exists():
        storage.delete(path)


MAX_BUILD_ATTEMPTS = 2
# A build just started may not have answered a ping yet; a lost one fails after this.
WORKER_GRACE = timedelta(seconds=30)


def worker_lost_error() -> str:
    return _("The report service stopped while building it. Try again.")


def _past_time_limit(report: Report, now=None) -> bool:
    now = now or timezone.now()
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    return report.started_at is None or report.started_at < now - limit


def _still_building(report: Report, worker: str) -> bool:
    """Whether another worker is building this running report now (redelivered meanwhile).
    A report that records no worker keeps the older rule: a document is left alone until its
    time limit; any other report is simply built again."""
    if _past_time_limit(report):
        return False
    if report.worker and report.worker != worker:
        return report_worker_alive(report) is not False
    return report.is_document and not report.worker


def report_worker_alive(report: Report) -> bool | None:
    """Is the worker process that started this build still there? On this machine its
    process is looked up; elsewhere its Celery node is pinged (1 s). None: not known (no worker
    recorded, or no broker to ask)."""
    node, _sep, pid = report.worker.rpartition(" ")
    if not node or not pid.isdigit():
        return None
    if node.rpartition("@")[2] == socket.gethostname():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    try:
        return bool(build_report.app.control.ping(destination=[node], timeout=1.0))
    except Exception:
        logger.warning("Could not ask worker %s whether it is alive", node, exc_info=True)
        return None


def report_is_lost(report: Report) -> bool:
    """A report 'being built' that nobody builds any more: past the hard time limit, or its
    worker gone (after WORKER_GRACE). Such a report may be retried, and the sweep fails it."""
    if report.status != ReportStatus.RUNNING:
        return False
    now = timezone.now()
    if _past_time_limit(report, now):
        return True
    return report.started_at < now - WORKER_GRACE and report_worker_alive(report) is False


def reports_fail_stale() -> int:
    """Mark as failed the reports still 'being built' after the hard time limit (plus a
    minute), or whose worker is gone (killed): the user should see that and retry. Run by
    beat every minute. Returns how many."""
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    now = timezone.now()
    stopped = Report.objects.filter(status=ReportStatus.RUNNING, started_at__lt=now - limit).update(
        status=ReportStatus.FAILED,
        finished_at=now,
        error=_("Building the report took too long and was stopped. Try again."),
    )
    running = Report.objects.filter(
        status=ReportStatus.RUNNING, started_at__lt=now - WORKER_GRACE
    ).exclude(worker="")
    for report in running:
        if report_worker_alive(report) is False:
            # Only if nobody took it over meanwhile (same start, same worker).
            stopped += Report.objects.filter(
                pk=report.pk,
                status=ReportStatus.RUNNING,
                started_at=report.started_at,
                worker=report.worker,
            ).update(status=ReportStatus.FAILED, finished_at=now, error=worker_lost_error())
    # Queued long ago and never started: the task was lost (a broker restarted empty, or down
    # all this time).
    lost = Report.objects.filter(
        status=ReportStatus.QUEUED, created_at__lt=now - QUEUED_STALE
    ).update(
        status=ReportStatus.FAILED,
        finished_at=now,
        error=_("The report was never started by the report service. Try again."),
        unqueued_at=None,
    )
    return stopped + lost


def reports_queue_again() -> int:
    """Queue again the builds the broker refused (BuildTask.on_enqueue_failure); one refused
    again is marked again. Run by beat every minute, after reports_fail_stale. Returns how
    many were handed over."""
    handed = 0
    for report_id in Report.objects.filter(
        status=ReportStatus.QUEUED, unqueued_at__isnull=False
    ).values_list("pk", flat=True):
        if Report.objects.filter(pk=report_id, unqueued_at__isnull=False).update(unqueued_at=None):
            build_report.enqueue(report_id)
            handed += 1
    return handed
