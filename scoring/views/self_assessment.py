"""The self-assessment screens: the form with autosave, evidence, review and submit, the Excel
round trip, and Home Affairs' reopen and deadline extension. Views parse input, call one
service or selector, and answer in HTML or — for the form's scripts — JSON."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.dates import datetime_text, time_text
from parindex.parsing import parse_id
from scoring.display import format_number, format_percent
from units.access import has_permission
from units.roles import Permission

from ..access import get_assessment_for_user, get_evidence_for_user, get_period_for_user
from ..entries import self_entry_clean
from ..exceptions import ScoreConflict
from ..forms import DeadlineForm, EvidenceCiteForm, ReopenForm, WorkbookUploadForm
from ..models import Evidence, IndexItem, Score
from ..selectors.improvement_notes import lessons_by_code
from ..selectors.score_redos import score_redos_open
from ..selectors.self_assessment import SelfAssessment, self_assessment
from ..services.evidence import (
    ALLOWED_FILE_TYPES,
    evidence_attach,
    evidence_cite,
    evidence_delete,
    evidence_detach,
    evidence_upload,
)
from ..services.self_assessment import (
    assessment_reopen,
    assessment_submit,
    period_deadline_extend,
    self_score_save,
)
from ..services.self_assessment_workbook import (
    self_assessment_import_queue,
    self_assessment_workbook,
    workbook_filename,
)
from ..workflow import self_assessment_closed_reason
from .common import (
    REFUSALS,
    add_errors,
    field_errors,
    is_closed,
    private_file_response,
    refusal_status,
    wants_json,
)


def _form_url(assessment, item_id=None) -> str:
    url = reverse("scoring:self_assessment", args=[assessment.pk])
    return f"{url}#item-{item_id}" if item_id else url


def _may_edit(user, assessment) -> bool:
    return has_permission(user, Permission.EDIT_SELF_ASSESSMENT, unit=assessment.unit)


# ---------------------------------------------------------------- the form


@login_required
@require_GET
def self_assessment_form(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk)
    view = self_assessment(assessment)
    staff = _may_edit(request.user, assessment)
    return render(
        request,
        "scoring/self_assessment/form.html",
        {
            "view": view,
            "assessment": assessment,
            "editable": staff and not view.closed_reason,
            "is_staff_of_unit": staff,
            "may_reopen": has_permission(
                request.user, Permission.REOPEN_SELF_ASSESSMENT, unit=assessment.unit
            ),
            "cite_form": EvidenceCiteForm(),
            "max_upload_mb": settings.PARINDEX_EVIDENCE_MAX_MB,
            "accept": ",".join(sorted(ALLOWED_FILE_TYPES)),
            "redos": score_redos_open(assessment),
            "lessons": lessons_by_code(assessment),
        },
    )


def summary_json(view: SelfAssessment) -> dict:
    """Totals and progress as the form's script shows them (already formatted for people)."""
    result = view.result
    return {
        "total": {
            "points": format_number(result.total_points),
            "max": format_number(result.max_points),
            "index": format_percent(result.index) or "—",
        },
        "areas": {
            str(area.item.pk): {
                "points": format_number(area.points),
                "max": format_number(area.max_points),
                "index": format_percent(area.index) or "—",
                "scored": area.scored,
                "required": area.required,
            }
            for area in view.areas
        },
        "progress": {
            "scored": view.scored,
            "required": view.required,
            "lacking_evidence": view.lacking_evidence,
            "problems": len(view.problems),
        },
    }


def _row_json(view: SelfAssessment, item_id: int) -> dict:
    row = next(row for row in view.rows if row.item.pk == item_id)
    return {
        "id": item_id,
        "version": row.version,
        "points": format_number(row.points, None) if row.points is not None else "",
        "problems": row.problems,
        "lacks_evidence": row.lacks_evidence,
    }


def _score_json(score: Score | None) -> dict:
    if score is None:
        return {
            "version": 0,
            "points": "",
            "ratio": "",
            "not_applicable": False,
            "reason": "",
            "note": "",
            "updated_by": "",
            "updated_at": "",
        }
    return {
        "version": score.version,
        "points": format_number(score.self_points, None),
        "ratio": format_number(score.self_ratio, None),
        "not_applicable": score.not_applicable,
        "reason": score.not_applicable_reason,
        "note": score.self_note,
        "updated_by": score.updated_by.get_full_name() if score.updated_by else "",
        "updated_at": datetime_text(score.updated_at),
    }


@login_required
@require_POST
def self_score_save_view(request, pk: int, item_pk: int):
    """Autosave of one item (JSON for the script; a plain form post falls back to a redirect)."""
    assessment = get_assessment_for_user(request.user, pk, Permission.EDIT_SELF_ASSESSMENT)
    item = get_object_or_404(IndexItem, pk=item_pk, index_set_id=assessment.index_set_id)
    data = request.POST
    try:
        version = int(data.get("version", ""))
    except ValueError:
        return JsonResponse(
            {"ok": False, "message": _("The page is out of date: reload it.")}, status=400
        )
    # "Không có": the line's value is emptied (a bonus or penalty line may stay empty).
    clear = data.get("clear") == "1"
    try:
        entry = self_entry_clean(
            item,
            points=None if clear else data.get("points"),
            ratio=None if clear else data.get("ratio"),
            not_applicable=not clear and data.get("not_applicable") in ("1", "on", "true"),
            reason="" if clear else data.get("reason", ""),
            note=data.get("note", ""),
            step=assessment.index_set.points_step,
        )
        self_score_save(
            assessment=assessment,
            item=item,
            entry=entry,
            expected_version=version,
            by=request.user,
        )
    except ScoreConflict as conflict:
        message = _(
            "Item %(code)s was changed elsewhere (another tab or a colleague) since you opened "
            "it. Your input is kept on screen: reload the item, or save yours over it."
        ) % {"code": item.code}
        if wants_json(request):
            return JsonResponse(
                {
                    "ok": False,
                    "conflict": True,
                    "message": message,
                    "current": _score_json(conflict.current),
                },
                status=409,
            )
        messages.error(request, message)
        return redirect(_form_url(assessment, item.pk))
    except REFUSALS as exc:
        errors = field_errors(exc)
        if "form" in errors:
            errors["__all__"] = errors.pop("form")
        flat = " ".join(errors.values())
        if wants_json(request):
            return JsonResponse(
                {"ok": False, "closed": is_closed(exc), "message": flat, "errors": errors},
                status=refusal_status(exc),
            )
        messages.error(
            request,
            _("Item %(code)s was not saved: %(errors)s") % {"code": item.code, "errors": flat},
        )
        return redirect(_form_url(assessment, item.pk))
    if not wants_json(request):
        if clear:
            messages.success(request, _("Item %(code)s is cleared.") % {"code": item.code})
            return redirect(_form_url(assessment, item.pk))
        messages.success(request, _("Item %(code)s is saved.") % {"code": item.code})
        return redirect(_form_url(assessment, item.pk))
    view = self_assessment(assessment, with_evidence=False)
    return JsonResponse(
        {
            "ok": True,
            "item": _row_json(view, item.pk),
            "summary": summary_json(view),
            "saved_at": time_text(),
        }
    )


# ---------------------------------------------------------------- evidence


def _items_from(request, assessment) -> list[IndexItem]:
    """The items posted, all of them of this assessment's set; anything else is bad input."""
    posted = request.POST.getlist("items")
    items = list(
        IndexItem.objects.filter(
            pk__in=[parse_id(value) for value in posted if parse_id(value)],
            index_set_id=assessment.index_set_id,
        )
    )
    if not items or len(items) != len(set(posted)):
        raise ValidationError(_("Choose the item the document supports."))
    return items


def _library_evidence(assessment, evidence_id) -> Evidence:
    """A document of this unit's library. Any other id (another unit's, a deleted one, not a
    number) is refused the same way, so the answer tells nothing about other units."""
    text = str(evidence_id)
    evidence = (
        Evidence.objects.filter(pk=parse_id(text), assessment=assessment).first()
        if parse_id(text)
        else None
    )
    if evidence is None:
        raise ValidationError(
            _(
                "This document is not in your unit's library (it may have been deleted): "
                "reload the page."
            )
        )
    return evidence


def _evidence_answer(request, assessment, item_ids, message: str, *, error: bool = False):
    if not wants_json(request):
        (messages.error if error else messages.success)(request, message)
        return redirect(_form_url(assessment, item_ids[0] if item_ids else None))
    if error:
        return JsonResponse({"ok": False, "message": message}, status=400)
    view = self_assessment(assessment)
    rows = {row.item.pk: row for row in view.rows}
    context = {"view": view, "assessment": assessment, "editable": True}
    return JsonResponse(
        {
            "ok": True,
            "message": message,
            "items": {
                str(item_id): {
                    "html": render_to_string(
                        "scoring/self_assessment/_evidence_list.html",
                        {**context, "row": rows[item_id]},
                        request=request,
                    ),
                    **_row_json(view, item_id),
                }
                for item_id in item_ids
                if item_id in rows
            },
            "library_html": render_to_string(
                "scoring/self_assessment/_library_options.html", context, request=request
            ),
            "summary": summary_json(view),
        }
    )


@login_required
@require_POST
def evidence_add_view(request, pk: int):
    """Upload a file, cite a document, or attach one already given, for the items posted."""
    assessment = get_assessment_for_user(request.user, pk, Permission.EDIT_SELF_ASSESSMENT)
    upload = request.FILES.get("file")
    existing = request.POST.get("evidence", "")
    item_ids = []
    try:
        items = _items_from(request, assessment)
        item_ids = [item.pk for item in items]
        if existing:
            evidence = _library_evidence(assessment, existing)
            for item in items:
                evidence_attach(evidence=evidence, item=item, by=request.user)
        elif upload is not None:
            evidence = evidence_upload(
                assessment=assessment,
                by=request.user,
                upload=upload,
                items=items,
                description=request.POST.get("description", ""),
            )
        else:
            form = EvidenceCiteForm(request.POST)
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            evidence = evidence_cite(
                assessment=assessment, by=request.user, items=items, **form.cleaned_data
            )
    except REFUSALS as exc:
        return _evidence_answer(request, assessment, item_ids, " ".join(exc.messages), error=True)
    return _evidence_answer(
        request,
        assessment,
        item_ids,
        _("“%(evidence)s” is attached.") % {"evidence": evidence},
    )


@login_required
@require_POST
def evidence_link_view(request, pk: int, evidence_pk: int):
    """Attach an existing document to an item, or take it off (action=detach)."""
    assessment = get_assessment_for_user(request.user, pk, Permission.EDIT_SELF_ASSESSMENT)
    try:
        evidence = _library_evidence(assessment, evidence_pk)
        items = _items_from(request, assessment)
    except REFUSALS as exc:
        return _evidence_answer(request, assessment, [], " ".join(exc.messages), error=True)
    item = items[0]
    try:
        if request.POST.get("action") == "detach":
            evidence_detach(evidence=evidence, item=item, by=request.user)
            message = _("“%(evidence)s” is no longer attached to %(code)s.")
        else:
            evidence_attach(evidence=evidence, item=item, by=request.user)
            message = _("“%(evidence)s” is attached to %(code)s.")
    except REFUSALS as exc:
        return _evidence_answer(request, assessment, [item.pk], " ".join(exc.messages), error=True)
    return _evidence_answer(
        request, assessment, [item.pk], message % {"evidence": evidence, "code": item.code}
    )


@login_required
@require_POST
def evidence_delete_view(request, pk: int, evidence_pk: int):
    assessment = get_assessment_for_user(request.user, pk, Permission.EDIT_SELF_ASSESSMENT)
    try:
        evidence = _library_evidence(assessment, evidence_pk)
    except REFUSALS as exc:
        return _evidence_answer(request, assessment, [], " ".join(exc.messages), error=True)
    item_ids = list(evidence.items.values_list("pk", flat=True))
    label = str(evidence)
    try:
        evidence_delete(evidence=evidence, by=request.user)
    except REFUSALS as exc:
        return _evidence_answer(request, assessment, item_ids, " ".join(exc.messages), error=True)
    return _evidence_answer(
        request, assessment, item_ids, _("“%(evidence)s” is deleted.") % {"evidence": label}
    )


@login_required
@require_GET
def evidence_file_view(request, pk: int):
    """Stream an evidence file after the permission check: there is no public media URL."""
    evidence = get_evidence_for_user(request.user, pk)
    return private_file_response(evidence.file, evidence.original_name)


# ---------------------------------------------------------------- review and submit


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_submit_view(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk)
    view = self_assessment(assessment)
    staff = _may_edit(request.user, assessment)
    confirm_error = ""
    if request.method == "POST":
        if not staff:
            raise PermissionDenied
        if not request.POST.get("confirm"):
            # Submitting cannot be undone by the unit: the tick says it knows what follows.
            confirm_error = _("Tick the box to confirm the submission.")
        else:
            try:
                assessment_submit(assessment=assessment, by=request.user)
            except REFUSALS as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _(
                        "Your unit's self-assessment is submitted. It is now read-only; the "
                        "appraisal council will review it."
                    ),
                )
                return redirect("scoring:self_assessment", pk=assessment.pk)
    return render(
        request,
        "scoring/self_assessment/review.html",
        {
            "view": view,
            "assessment": assessment,
            "may_submit": staff and not view.closed_reason and not view.problems,
            "is_staff_of_unit": staff,
            "confirm_error": confirm_error,
        },
    )


# ---------------------------------------------------------------- Excel round trip


@login_required
@require_GET
def self_assessment_workbook_view(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk)
    response = HttpResponse(
        self_assessment_workbook(assessment),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{workbook_filename(assessment)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_import_view(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk, Permission.EDIT_SELF_ASSESSMENT)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    problems = []
    closed = self_assessment_closed_reason(assessment)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Read by a worker, never here: the page that follows shows its progress.
            job = self_assessment_import_queue(
                assessment=assessment, data=upload.read(), filename=upload.name, by=request.user
            )
        except REFUSALS as exc:
            problems = exc.messages
        else:
            return redirect("scoring:import_job", pk=job.pk)
    return render(
        request,
        "scoring/self_assessment/import.html",
        {"assessment": assessment, "form": form, "problems": problems, "closed": closed},
    )


# ---------------------------------------------------------------- Home Affairs


@login_required
@require_http_methods(["GET", "POST"])
def assessment_reopen_view(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk, Permission.REOPEN_SELF_ASSESSMENT)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_reopen(
                assessment=assessment,
                by=request.user,
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The self-assessment of %(unit)s is open again until %(when)s.")
                % {
                    "unit": assessment.unit.name,
                    "when": datetime_text(form.cleaned_data["until"]),
                },
            )
            return redirect("scoring:self_assessment", pk=assessment.pk)
    return render(
        request, "scoring/self_assessment/reopen.html", {"assessment": assessment, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_deadline_view(request, pk: int):
    period = get_period_for_user(request.user, pk, Permission.MANAGE_PERIOD)
    form = DeadlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period_deadline_extend(
                period=period,
                by=request.user,
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The self-assessment deadline is extended."))
            return redirect("scoring:period_dashboard", pk=period.pk)
    return render(request, "scoring/period_deadline.html", {"period": period, "form": form})
