"""The set-up's index-set upload as a background import job (units.import_jobs): the web
process stores the file, a worker reads it into a preview (the command's lines, then every item
in tree order) with nothing written, Home Affairs confirms on the job page, and a worker imports
it through index_set_import. The preview remembers whether the file becomes a draft (units
already score the current set): if that changed before the confirmation, nothing is imported."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from parindex.tabular import ImportFailed, ImportProblem
from scoring.display import format_number
from scoring.models import AssessmentPeriod
from units.access import acts_for
from units.import_jobs import ImportOutcome, import_job_create, import_kind_register
from units.models import ImportJobStatus, UnitKind
from units.roles import Permission

from .index_set_import import index_set_import, index_set_preview

INDEX_SET_IMPORT = "index_set"


def index_set_import_queue(
    *,
    period: AssessmentPeriod,
    unit_kind: UnitKind,
    data: bytes,
    filename: str,
    name: str,
    decision_number: str,
    decision_date: date | None,
    decision_issuer: str,
    by,
):
    return import_job_create(
        kind=INDEX_SET_IMPORT,
        owner=by,
        data=data,
        filename=filename,
        params={
            "period": period.pk,
            "kind": unit_kind.pk,
            "name": name,
            "decision_number": decision_number,
            "decision_date": decision_date.isoformat() if decision_date else "",
            "decision_issuer": decision_issuer,
        },
        organiser=period.organiser,
    )


def _run(job, data: bytes) -> ImportOutcome:
    params = job.params
    period = AssessmentPeriod.objects.select_related("organiser").get(pk=params["period"])
    if not acts_for(job.owner, Permission.MANAGE_PERIOD, period.organiser_id):
        raise PermissionDenied(_("You may no longer set up this period."))
    unit_kind = UnitKind.objects.get(pk=params["kind"])
    preview = index_set_preview(
        period=period, unit_kind=unit_kind, data=data, filename=job.filename, draft_when_in_use=True
    )
    seen = params.get("becomes_draft")
    if seen is not None and seen != preview.becomes_draft:
        raise ImportFailed(
            [
                ImportProblem(
                    None,
                    _(
                        "The current index set changed since the preview (units started or "
                        "stopped scoring it): upload the file again to see what it does now."
                    ),
                )
            ]
        )
    index_set = index_set_import(
        period=period,
        unit_kind=unit_kind,
        data=data,
        filename=job.filename,
        name=params["name"],
        by=job.owner,
        draft_when_in_use=True,
        decision_number=params["decision_number"],
        decision_date=date.fromisoformat(params["decision_date"])
        if params["decision_date"]
        else None,
        decision_issuer=params["decision_issuer"],
    )
    items = [
        _("%(code)s %(name)s — %(level)s, %(points)s points, %(method)s")
        % {
            "code": code,
            "name": name,
            "level": level,
            "points": format_number(maximum, places=None) if maximum is not None else "—",
            "method": method or "—",
        }
        for code, name, level, maximum, method in preview.rows
    ]
    return ImportOutcome(
        summary=preview.lines[0],
        changes=[*preview.lines[1:], *items],
        remember={"becomes_draft": preview.becomes_draft, "index_set": index_set.pk},
    )


def _done_url(job) -> str:
    if job.status == ImportJobStatus.DONE and job.params.get("index_set"):
        if job.params.get("becomes_draft"):
            return reverse("scoring:index_set_replace", kwargs={"pk": job.params["index_set"]})
        return reverse("scoring:setup_home")
    return reverse("scoring:index_set_upload", kwargs={"pk": job.params["period"]})


import_kind_register(INDEX_SET_IMPORT, run=_run, done_url=_done_url)
