"""Home Affairs' uploads of what no unit scores: survey results (`/periods/<pk>/survey/`) and
figures from other systems (`/periods/<pk>/data/`). Each is upload → a background import job
(survey_data_jobs) whose page shows the dry-run preview of every row that changes (or every
problem by row) → confirm there → applied all or none by a worker. The web process never reads
the file."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from units.roles import Permission

from ..access import get_period_for_user
from ..forms_survey_data import DataUploadForm, SurveyUploadForm
from ..services.data_import import data_fed_items, data_template
from ..services.import_rows import upload_closed_reason
from ..services.survey_data_jobs import data_import_queue, survey_import_queue
from ..services.survey_import import survey_template
from .common import field_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request, pk):
    """Only Home Affairs of the period's organiser enters survey results and data (the system
    admin runs the system, not the scores): 403 for others who see the period, else 404."""
    return get_period_for_user(request.user, pk, Permission.ENTER_SURVEY)


def _workbook(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _add_errors(form, exc: ValidationError) -> None:
    for name, message in field_errors(exc).items():
        form.add_error(name if name in form.fields else None, message)


# ---------------------------------------------------------------- survey


@login_required
@require_http_methods(["GET", "POST"])
def survey_upload_view(request, pk: int):
    period = _period(request, pk)
    closed = upload_closed_reason(period)
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not closed and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = survey_import_queue(
                period=period, data=upload.read(), filename=upload.name, by=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("scoring:import_job", pk=job.pk)
    context = {"period": period, "form": form, "closed": closed, "problems": []}
    return render(
        request,
        "scoring/uploads/survey_upload.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def survey_template_view(request, pk: int):
    period = _period(request, pk)
    return _workbook(survey_template(period=period), f"dieu-tra-xhh-{period.year}.xlsx")


# ---------------------------------------------------------------- data from other systems


@login_required
@require_http_methods(["GET", "POST"])
def data_upload_view(request, pk: int):
    period = _period(request, pk)
    closed = upload_closed_reason(period)
    items = data_fed_items(period=period)
    form = DataUploadForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and not closed and form.is_valid():
        upload, values = form.cleaned_data["file"], form.cleaned_data
        try:
            job = data_import_queue(
                period=period,
                data=upload.read(),
                filename=upload.name,
                item_codes=values["items"],
                source=values["source"],
                as_of=values["as_of"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("scoring:import_job", pk=job.pk)
    context = {"period": period, "form": form, "closed": closed, "items": items, "problems": []}
    return render(
        request,
        "scoring/uploads/data_upload.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def data_template_view(request, pk: int):
    period = _period(request, pk)
    codes = [code for code in request.GET.getlist("item") if code][:50]
    return _workbook(data_template(period=period, item_codes=codes), f"so-lieu-{period.year}.xlsx")
