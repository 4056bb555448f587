"""Imports as background jobs: the upload is stored as an ImportJob, a Celery task reads and
checks it and stores a preview (what will change, or every problem) with nothing written, the
uploader confirms, and a task applies it in one transaction through the importer's own service
(its audit unchanged). A web process never parses a file.

An importer joins by registering a kind (`import_kind_register`) with a `run(job, data)` that
imports the file as it always did — all or nothing, raising ImportFailed with its problems —
and returns an ImportOutcome. The preview is that same run, rolled back."""

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parindex.tabular import ImportFailed
from parindex.tasks import TransactionAwareTask

from .access import acts_for
from .models import ImportJob, ImportJobStatus
from .roles import Permission

logger = logging.getLogger(__name__)


@dataclass
class ImportOutcome:
    summary: str  # "12 items filled in", said of the preview as of the import
    changes: list[str] = field(default_factory=list)  # one line per row that changes
    # Merged into job.params after each step: what the preview saw that the apply must hold
    # the file to (how many published assessments it sends back), what the apply made.
    remember: dict = field(default_factory=dict)
    # The file would change nothing (every value already stored): the page offers no confirm.
    nothing_changes: bool = False


@dataclass(frozen=True)
class ImportKind:
    run: Callable[[ImportJob, bytes], ImportOutcome]
    # Where the uploader goes once it is done (the form the file filled in), from the job.
    done_url: Callable[[ImportJob], str]
    # The apply must do what the preview said: its lines (and summary) are compared with the
    # preview's, and an import that would now do otherwise (an account created meanwhile with
    # a previewed "new account"'s e-mail) is rolled back and fails, asking for a new upload.
    same_as_preview: bool = False


IMPORT_KINDS: dict[str, ImportKind] = {}
MAX_PREVIEW_LINES = 500


def import_kind_register(kind: str, *, run, done_url, same_as_preview: bool = False) -> None:
    IMPORT_KINDS[kind] = ImportKind(run=run, done_url=done_url, same_as_preview=same_as_preview)


def _outcome_digest(outcome: ImportOutcome) -> str:
    said = json.dumps([outcome.summary, outcome.changes], ensure_ascii=False)
    return hashlib.sha256(said.encode()).hexdigest()


class _Rollback(Exception):
    def __init__(self, outcome: ImportOutcome):
        self.outcome = outcome


class _NotAsPreviewed(Exception):
    """The apply would not do what the preview showed: its transaction is rolled back."""


# ---------------------------------------------------------------- the web side


def import_job_create(
    *, kind: str, owner, data: bytes, filename: str, params: dict, unit=None, organiser=None
) -> ImportJob:
    """Store the upload and queue its reading once the row commits."""
    if kind not in IMPORT_KINDS:
        raise ValueError(f"Unknown import kind {kind!r}")
    job = ImportJob(
        kind=kind, owner=owner, unit=unit, organiser=organiser, params=params, filename=filename
    )
    job.file.save(filename, ContentFile(data), save=False)
    job.save()
    run_import_job.enqueue(job.pk, "preview")
    return job


def import_job_confirm(*, job: ImportJob, by) -> None:
    """The uploader applies the previewed file: queued for a worker, which checks it again."""
    if by.pk != job.owner_id:
        raise PermissionDenied(_("Only the person who uploaded the file can confirm it."))
    if job.params.get("nothing_changes"):
        raise ValidationError(_("The file changes nothing: there is nothing to import."))
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.READY).update(
        status=ImportJobStatus.APPLYING, progress=0
    )
    if not updated:
        raise ValidationError(_("This import is not waiting for confirmation."))
    run_import_job.enqueue(job.pk, "apply")


def import_job_cancel(*, job: ImportJob, by) -> None:
    if by.pk != job.owner_id:
        raise PermissionDenied(_("Only the person who uploaded the file can cancel it."))
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.READY).update(
        status=ImportJobStatus.CANCELLED, finished_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This import is not waiting for confirmation."))


def get_import_job_for_user(user, pk) -> ImportJob:
    """The job, for its uploader, or Home Affairs of its organiser (who may look, not
    confirm); anyone else gets a 404, as for a job that does not exist."""
    job = ImportJob.objects.filter(pk=pk).select_related("owner").first()
    if job is None or not user.is_authenticated:
        raise Http404
    if job.owner_id == user.pk:
        return job
    if job.organiser_id and acts_for(user, Permission.MANAGE_PERIOD, job.organiser_id):
        return job
    raise Http404


def import_job_done_url(job: ImportJob) -> str:
    return IMPORT_KINDS[job.kind].done_url(job)


# ---------------------------------------------------------------- the worker side


class ImportTask(TransactionAwareTask):
    def on_enqueue_failure(self, job_id: int, step: str) -> None:
        ImportJob.objects.filter(pk=job_id).exclude(status=ImportJobStatus.DONE).update(
            status=ImportJobStatus.FAILED,
            finished_at=timezone.now(),
            problems=[_("The file could not be handed to the import service. Try again later.")],
        )


@shared_task(
    base=ImportTask,
    name="units.tasks.run_import_job",
    acks_late=True,
    soft_time_limit=settings.PARINDEX_IMPORT_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.PARINDEX_IMPORT_TASK_SOFT_TIME_LIMIT + 30,
)
def run_import_job(job_id: int, step: str) -> str:
    with translation.override("vi"), timezone.override("Asia/Ho_Chi_Minh"):
        return import_job_run(job_id=job_id, step=step)


def import_job_run(*, job_id: int, step: str) -> str:
    """Read (step "preview") or apply (step "apply") one job; idempotent: a job not in the
    state its step expects is left as it is (a task delivered twice does nothing twice)."""
    if step == "preview":
        claimed = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
            status=ImportJobStatus.READING, progress=10
        )
    else:
        claimed = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.APPLYING).update(
            progress=10
        )
    if not claimed:
        return "skipped"
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    kind = IMPORT_KINDS[job.kind]
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
        if step == "preview":
            try:
                with transaction.atomic():
                    raise _Rollback(kind.run(job, data))
            except _Rollback as done:
                outcome = done.outcome
            if kind.same_as_preview:
                outcome.remember = {**outcome.remember, "preview_digest": _outcome_digest(outcome)}
            status = ImportJobStatus.READY
        else:
            with transaction.atomic():
                outcome = kind.run(job, data)
                if kind.same_as_preview and _outcome_digest(outcome) != job.params.get(
                    "preview_digest"
                ):
                    raise _NotAsPreviewed
            status = ImportJobStatus.DONE
    except _NotAsPreviewed:
        return _finish(
            job,
            ImportJobStatus.FAILED,
            problems=[
                _(
                    "The data have changed since the preview, so nothing was imported: upload "
                    "the file again to see what it does now."
                )
            ],
        )
    except ImportFailed as failure:
        return _finish(job, ImportJobStatus.FAILED, problems=[str(p) for p in failure.problems])
    except (PermissionDenied, ValidationError) as exc:
        return _finish(job, ImportJobStatus.FAILED, problems=_messages(exc))
    except SoftTimeLimitExceeded:
        limit = settings.PARINDEX_IMPORT_TASK_SOFT_TIME_LIMIT
        return _finish(
            job,
            ImportJobStatus.FAILED,
            problems=[
                _("Reading the file took longer than %(limit)s seconds: split it.")
                % {"limit": limit}
            ],
        )
    except Exception:
        logger.exception("Import job %s failed", job_id)
        return _finish(
            job,
            ImportJobStatus.FAILED,
            problems=[_("The import failed unexpectedly; nothing was changed.")],
        )
    # What the page says besides the lines: how many there were (the preview keeps the first
    # MAX_PREVIEW_LINES), and whether confirming would change anything.
    remember = {
        **outcome.remember,
        "preview_total": len(outcome.changes),
        "nothing_changes": outcome.nothing_changes,
    }
    ImportJob.objects.filter(pk=job.pk).update(params={**job.params, **remember})
    return _finish(
        job, status, summary=outcome.summary, preview=outcome.changes[:MAX_PREVIEW_LINES]
    )


def _messages(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc) or _("You may not import this file.")]


def _finish(job: ImportJob, status, *, summary="", preview=None, problems=None) -> str:
    fields = {"status": status, "progress": 100, "problems": problems or []}
    if summary:
        fields["summary"] = summary
    if preview is not None:
        fields["preview"] = preview
    if status != ImportJobStatus.READY:
        fields["finished_at"] = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    return status
