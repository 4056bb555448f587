"""Home Affairs' survey and data uploads as background import jobs (units.import_jobs): the web
process stores the file, a worker reads it into a preview (every row that changes, or every
problem by row) with nothing written, the uploader confirms on the job page, and a worker
applies it through survey_import / data_import in one transaction (their audit unchanged). The
preview remembers how many published assessments it sends back: the apply refuses more."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.display import format_number
from scoring.models import AssessmentPeriod
from units.access import acts_for
from units.import_jobs import ImportOutcome, import_job_create, import_kind_register
from units.roles import Permission

from .data_import import data_import, data_upload_check
from .import_rows import upload_closed_reason
from .survey_import import RowStatus, survey_import

SURVEY_IMPORT = "survey"
DATA_IMPORT = "data"


def _open_period(job) -> AssessmentPeriod:
    """The job's period, checked again when the worker reads and when it applies: still open
    to uploads, and the uploader still Home Affairs of its organiser."""
    period = AssessmentPeriod.objects.select_related("organiser").get(pk=job.params["period"])
    if not acts_for(job.owner, Permission.ENTER_SURVEY, period.organiser_id):
        raise PermissionDenied(_("You may no longer enter survey results or data for this period."))
    closed = upload_closed_reason(period)
    if closed:
        raise ValidationError(closed)
    return period


def _points(value) -> str:
    return "—" if value is None else format_number(value)


def _reopened_line(count: int) -> list[str]:
    if not count:
        return []
    return [
        ngettext(
            "%(n)s published assessment changes: it goes back to “appraised” and the period "
            "must be published again.",
            "%(n)s published assessments change: they go back to “appraised” and the period "
            "must be published again.",
            count,
        )
        % {"n": count}
    ]


# ---------------------------------------------------------------- survey


def survey_import_queue(*, period: AssessmentPeriod, data: bytes, filename: str, by):
    """Store the upload for a worker; refused at once (ValidationError) when the period takes
    no upload now."""
    closed = upload_closed_reason(period)
    if closed:
        raise ValidationError(closed)
    return import_job_create(
        kind=SURVEY_IMPORT,
        owner=by,
        data=data,
        filename=filename,
        params={"period": period.pk},
        organiser=period.organiser,
    )


def _survey_run(job, data: bytes) -> ImportOutcome:
    period = _open_period(job)
    summary = survey_import(
        period=period,
        data=data,
        filename=job.filename,
        by=job.owner,
        previewed_reopened=job.params.get("reopened"),
    )
    lines = [
        _("Row %(row)s: %(unit)s — %(item)s %(name)s: %(given)s (points %(old)s → %(new)s)")
        % {
            "row": row.row,
            "unit": row.assessment.unit.code,
            "item": row.item.code,
            "name": row.item.name,
            "given": row.given or "—",
            "old": _("not applicable") if row.old_not_applicable else _points(row.old_points),
            "new": _("not applicable") if row.not_applicable else _points(row.new_points),
        }
        for row in summary.changes
    ]
    return ImportOutcome(
        summary=_(
            "Survey results from %(file)s: %(created)s new, %(updated)s replaced, "
            "%(unchanged)s unchanged."
        )
        % {
            "file": job.filename,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
        },
        changes=[*_reopened_line(summary.appraised), *summary.warnings, *lines],
        remember={"reopened": summary.appraised},
        nothing_changes=not (summary.created or summary.updated),
    )


# ---------------------------------------------------------------- data from other systems


def data_import_queue(
    *,
    period: AssessmentPeriod,
    data: bytes,
    filename: str,
    item_codes: list[str],
    source: str,
    as_of: date,
    by,
):
    """As survey_import_queue; the source and the date are checked at once (ValidationError
    by field), the file by the worker."""
    closed = upload_closed_reason(period)
    if closed:
        raise ValidationError(closed)
    data_upload_check(source=source, as_of=as_of)
    return import_job_create(
        kind=DATA_IMPORT,
        owner=by,
        data=data,
        filename=filename,
        params={
            "period": period.pk,
            "items": list(item_codes),
            "source": source,
            "as_of": as_of.isoformat(),
        },
        organiser=period.organiser,
    )


def _data_run(job, data: bytes) -> ImportOutcome:
    period = _open_period(job)
    data_set, preview = data_import(
        period=period,
        data=data,
        filename=job.filename,
        item_codes=job.params["items"],
        source=job.params["source"],
        as_of=date.fromisoformat(job.params["as_of"]),
        by=job.owner,
        previewed_reopened=job.params.get("reopened"),
    )
    changing = (RowStatus.NEW, RowStatus.CHANGED)
    lines = [
        _("Row %(row)s: %(unit)s — %(item)s %(name)s: %(old)s → %(figure)s (points %(points)s)")
        % {
            "row": row.row,
            "unit": row.assessment.unit.code,
            "item": row.item.code,
            "name": row.item.name,
            "old": _points(row.old_figure),
            "figure": format_number(row.figure),
            "points": _points(row.new_points),
        }
        for row in preview.rows
        if row.status in changing
    ]
    return ImportOutcome(
        summary=_(
            "%(n)s figure(s) from %(file)s as the data set “%(source)s, %(date)s”: %(new)s new, "
            "%(changed)s replaced, %(unchanged)s unchanged."
        )
        % {
            "n": len(preview.rows),
            "file": job.filename,
            "source": data_set.source,
            "date": f"{data_set.as_of:%d/%m/%Y}",
            "new": preview.count(RowStatus.NEW),
            "changed": preview.count(RowStatus.CHANGED),
            "unchanged": preview.count(RowStatus.UNCHANGED),
        },
        changes=[*_reopened_line(preview.reopened), *lines],
        remember={"reopened": preview.reopened},
        nothing_changes=not lines,
    )


def _done_url(job) -> str:
    return reverse("scoring:period_dashboard", kwargs={"pk": job.params["period"]})


import_kind_register(SURVEY_IMPORT, run=_survey_run, done_url=_done_url)
import_kind_register(DATA_IMPORT, run=_data_run, done_url=_done_url)
