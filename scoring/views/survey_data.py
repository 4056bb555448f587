"""Home Affairs' uploads of what no unit scores: survey results (`/periods/<pk>/survey/`) and
figures from other systems (`/periods/<pk>/data/`). Each is upload → a dry-run preview of every
row (or every problem by row) → confirm with a tick → applied all or none. The file waits
server-side between preview and confirmation (upload_stash); the services check it again."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parindex.tabular import ImportFailed
from units.roles import Permission

from ..access import get_period_for_user
from ..forms_survey_data import DataUploadForm, SurveyUploadForm, UploadConfirmForm
from ..services.data_import import (
    data_fed_items,
    data_import,
    data_preview,
    data_template,
    data_upload_check,
)
from ..services.import_rows import upload_closed_reason
from ..services.survey_import import RowStatus, survey_import, survey_preview, survey_template
from .common import field_errors
from .upload_stash import forget, stash, unstash

SURVEY_KEY = "survey_uploads"
DATA_KEY = "data_uploads"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request, pk):
    """Only Home Affairs of the period's organiser enters survey results and data (the system
    admin runs the system, not the scores): 403 for others who see the period, else 404."""
    return get_period_for_user(request.user, pk, Permission.ENTER_SURVEY)


def _workbook(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# A province's file has some 20 000 rows: the page lists the first of each kind and counts the
# rest, or it would weigh megabytes.
ROWS_SHOWN = 500


def _split(rows) -> dict:
    """Rows that change something first; unchanged and empty rows apart (folded)."""
    changing = (RowStatus.NEW, RowStatus.CHANGED)
    changes = [r for r in rows if r.status in changing]
    others = [r for r in rows if r.status not in changing]
    return {
        "changes": changes[:ROWS_SHOWN],
        "changes_count": len(changes),
        "others": others[:ROWS_SHOWN],
        "others_count": len(others),
        "rows_shown": ROWS_SHOWN,
    }


# ---------------------------------------------------------------- survey


@login_required
@require_http_methods(["GET", "POST"])
def survey_upload_view(request, pk: int):
    period = _period(request, pk)
    closed = upload_closed_reason(period)
    if request.method == "POST" and not closed and "token" in request.POST:
        return _survey_confirm(request, period)
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    context = {"period": period, "form": form, "closed": closed, "problems": []}
    if request.method == "POST" and not closed and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            preview = survey_preview(period=period, data=data, filename=upload.name)
        except ImportFailed as failure:
            context["problems"] = failure.problems
        else:
            if preview.problems:
                context.update(problems=preview.problems, preview=preview)
            else:
                meta = {"period": period.pk, "filename": upload.name, "reopened": preview.reopened}
                token = stash(request, data, meta, key=SURVEY_KEY)
                return _survey_preview_page(request, period, preview, token, upload.name)
    status = 400 if context["problems"] or form.errors else 200
    return render(request, "scoring/uploads/survey_upload.html", context, status=status)


def _survey_label(preview) -> str:
    return _(
        "Enter these survey results: %(n)s value(s) are written or replaced, with an audit "
        "entry for each changed field."
    ) % {"n": len(preview.changes)}


def _survey_preview_page(request, period, preview, token, filename, form=None, status=200):
    return render(
        request,
        "scoring/uploads/survey_preview.html",
        {
            "period": period,
            "preview": preview,
            **_split(preview.rows),
            "token": token,
            "filename": filename,
            "confirm_form": form or UploadConfirmForm(label=_survey_label(preview)),
        },
        status=status,
    )


def _survey_confirm(request, period):
    token = request.POST.get("token", "")
    stashed = unstash(request, token, period.pk, key=SURVEY_KEY)
    if stashed is None:
        messages.error(request, _("The previewed file is no longer kept. Upload it again."))
        return redirect("scoring:survey_upload", pk=period.pk)
    data, meta = stashed
    filename = meta["filename"]
    try:
        form = UploadConfirmForm(request.POST)
        if not form.is_valid():  # the preview again, with the reason (parsed only then)
            preview = survey_preview(period=period, data=data, filename=filename)
            form.fields["confirm"].label = _survey_label(preview)
            return _survey_preview_page(request, period, preview, token, filename, form, 400)
        summary = survey_import(
            period=period,
            data=data,
            filename=filename,
            by=request.user,
            previewed_reopened=meta.get("reopened"),
        )
    except ImportFailed as failure:
        forget(request, token, key=SURVEY_KEY)
        return render(
            request,
            "scoring/uploads/survey_upload.html",
            {"period": period, "form": SurveyUploadForm(), "problems": failure.problems},
            status=400,
        )
    forget(request, token, key=SURVEY_KEY)
    messages.success(
        request,
        _(
            "Survey results entered from %(file)s: %(created)s new, %(updated)s replaced, "
            "%(unchanged)s unchanged."
        )
        % {
            "file": filename,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
        },
    )
    return redirect("scoring:period_dashboard", pk=period.pk)


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
    if request.method == "POST" and not closed and "token" in request.POST:
        return _data_confirm(request, period)
    form = DataUploadForm(request.POST or None, request.FILES or None, items=items)
    context = {"period": period, "form": form, "closed": closed, "items": items, "problems": []}
    if request.method == "POST" and not closed and form.is_valid():
        upload, values = form.cleaned_data["file"], form.cleaned_data
        data = upload.read()
        try:
            data_upload_check(source=values["source"], as_of=values["as_of"])
            preview = data_preview(
                period=period, data=data, filename=upload.name, item_codes=values["items"]
            )
        except ValidationError as exc:
            for name, message in field_errors(exc).items():
                form.add_error(name if name in form.fields else None, message)
        except ImportFailed as failure:
            context["problems"] = failure.problems
        else:
            if preview.problems:
                context.update(problems=preview.problems, preview=preview)
            else:
                meta = {
                    "period": period.pk,
                    "filename": upload.name,
                    "items": values["items"],
                    "source": values["source"],
                    "as_of": values["as_of"].isoformat(),
                    "reopened": preview.reopened,
                }
                token = stash(request, data, meta, key=DATA_KEY)
                return _data_preview_page(request, period, preview, token, meta)
    status = 400 if context["problems"] or form.errors else 200
    return render(request, "scoring/uploads/data_upload.html", context, status=status)


def _data_label(preview, meta) -> str:
    return _(
        "Upload these figures as one data set (%(source)s, as of %(date)s): %(n)s figure(s) "
        "are written or replaced, with an audit entry for each changed field."
    ) % {
        "source": meta["source"],
        "date": f"{date.fromisoformat(meta['as_of']):%d/%m/%Y}",
        "n": preview.count(RowStatus.NEW) + preview.count(RowStatus.CHANGED),
    }


def _data_preview_page(request, period, preview, token, meta, form=None, status=200):
    return render(
        request,
        "scoring/uploads/data_preview.html",
        {
            "period": period,
            "preview": preview,
            **_split(preview.rows),
            "token": token,
            "meta": meta,
            "as_of": date.fromisoformat(meta["as_of"]),
            "confirm_form": form or UploadConfirmForm(label=_data_label(preview, meta)),
        },
        status=status,
    )


def _data_confirm(request, period):
    token = request.POST.get("token", "")
    stashed = unstash(request, token, period.pk, key=DATA_KEY)
    if stashed is None:
        messages.error(request, _("The previewed file is no longer kept. Upload it again."))
        return redirect("scoring:data_upload", pk=period.pk)
    data, meta = stashed
    arguments = {
        "period": period,
        "data": data,
        "filename": meta["filename"],
        "item_codes": meta["items"],
    }
    try:
        form = UploadConfirmForm(request.POST)
        if not form.is_valid():  # the preview again, with the reason (parsed only then)
            preview = data_preview(**arguments)
            form.fields["confirm"].label = _data_label(preview, meta)
            return _data_preview_page(request, period, preview, token, meta, form, 400)
        data_set, preview = data_import(
            **arguments,
            source=meta["source"],
            as_of=date.fromisoformat(meta["as_of"]),
            by=request.user,
            previewed_reopened=meta.get("reopened"),
        )
    except (ImportFailed, ValidationError) as failure:
        forget(request, token, key=DATA_KEY)
        problems = failure.problems if isinstance(failure, ImportFailed) else failure.messages
        return render(
            request,
            "scoring/uploads/data_upload.html",
            {
                "period": period,
                "form": DataUploadForm(items=data_fed_items(period=period)),
                "problems": problems,
            },
            status=400,
        )
    forget(request, token, key=DATA_KEY)
    messages.success(
        request,
        _("%(n)s figure(s) uploaded from %(file)s as the data set “%(set)s”.")
        % {"n": len(preview.rows), "file": meta["filename"], "set": data_set},
    )
    return redirect("scoring:period_dashboard", pk=period.pk)


@login_required
@require_GET
def data_template_view(request, pk: int):
    period = _period(request, pk)
    codes = [code for code in request.GET.getlist("item") if code][:50]
    return _workbook(data_template(period=period, item_codes=codes), f"so-lieu-{period.year}.xlsx")
