"""The appraisal council's screens: each appraiser's work queue and review page (one item saved
at a time: JSON for the page's script, plain form posts without it), the chair's progress,
differences, returns, finalisation and reopening, and Home Affairs moving the period from round
to round. Views parse input, call one service or selector, and render."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.dates import datetime_text
from parindex.parsing import parse_id
from units.access import acts_for, area_codes_for, has_permission, holds_anywhere
from units.models import UnitKind
from units.roles import Permission

from ..access import get_assessment_for_user, get_period_for_user
from ..exceptions import RoundClosed, ScoreConflict
from ..forms_appraisal import AppraisalReopenForm, ItemReturnForm, PeriodAdvanceForm
from ..models import Assessment, IndexItem, ReviewRequest, Score
from ..selectors.appraisal import (
    AppraisalReview,
    appraisal_differences,
    appraisal_review_items,
    council_progress_summary,
    is_appraised_item,
    queue_assessments,
    queue_periods,
    queue_rows,
    stage_value_text,
)
from ..selectors.improvement_notes import lessons_by_code
from ..selectors.index_sets import index_set_tree
from ..selectors.score_redos import council_redos_open
from ..services.appraisal import (
    appraisal_accept,
    appraisal_accept_rest,
    appraisal_entry_clean,
    appraisal_finalise,
    appraisal_reopen,
    appraisal_save,
    finalise_problems,
    item_return,
    may_appraise,
    period_advance,
)
from ..workflow import AssessmentStatus, PeriodStatus, item_closed_reason, item_round
from .common import REFUSALS, field_errors, refusal_status, wants_json

ROWS_PER_PAGE = 50
INPUT_FIELDS = ("points", "ratio", "reason", "request", "question")


def _appraiser_assessment(user, pk: int) -> Assessment:
    """An assessment the user appraises at least one area of: 404 when they may not see it,
    403 when they may see it but appraise nothing there (its staff, Home Affairs)."""
    assessment = get_assessment_for_user(user, pk)
    codes = area_codes_for(user, Permission.APPRAISE, unit=assessment.unit)
    if codes is not None and not codes:
        raise PermissionDenied
    return assessment


def _review_url(assessment, area: str = "", item_id: int | None = None) -> str:
    url = reverse("scoring:appraisal_review", args=[assessment.pk])
    if area:
        url += "?" + urlencode({"area": area})
    return f"{url}#item-{item_id}" if item_id else url


# ---------------------------------------------------------------- the work queue


@login_required
@require_GET
def appraisal_queue(request):
    user = request.user
    if not holds_anywhere(user, Permission.APPRAISE):
        raise PermissionDenied
    periods = list(queue_periods(user))
    period_param = request.GET.get("period", "")
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    assessments = queue_assessments(
        user,
        period_id=parse_id(period_param),
        status=status,
        q=q,
    )
    page = Paginator(assessments, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/appraisal/queue.html",
        {
            "page": page,
            "rows": queue_rows(user, list(page)),
            "periods": periods,
            "statuses": [
                (value, label)
                for value, label in AssessmentStatus.choices
                if value != AssessmentStatus.DRAFT
            ],
            "query": urlencode({"period": period_param, "status": status, "q": q}) + "&",
        },
    )


# ---------------------------------------------------------------- one unit's review page


@dataclass
class _Posted:
    """What the user posted for one item, kept on screen when the save is refused."""

    item_id: int
    input: dict
    errors: dict
    conflict: dict | None = None
    version: int | None = None


def _apply_posted(review: AppraisalReview, posted: _Posted | None) -> None:
    row = review.row_for(posted.item_id) if posted else None
    if row is None:
        return
    row.input = posted.input
    row.errors = posted.errors
    row.conflict = posted.conflict
    if posted.version is not None:
        row.version_override = posted.version


def _review_context(request, assessment, review: AppraisalReview) -> dict:
    unit = assessment.unit
    return {
        "assessment": assessment,
        "review": review,
        "may_finalise": has_permission(request.user, Permission.FINALISE_APPRAISAL, unit=unit),
        "may_view_history": has_permission(request.user, Permission.VIEW_AUDIT, unit=unit),
        "request_choices": ReviewRequest.choices,
        "council_redos": council_redos_open(assessment),
        "lessons": lessons_by_code(assessment),
    }


def _render_review(request, assessment, *, area: str, posted=None, status: int = 200):
    review = appraisal_review_items(assessment, request.user, area=area)
    _apply_posted(review, posted)
    return render(
        request,
        "scoring/appraisal/review.html",
        _review_context(request, assessment, review),
        status=status,
    )


@login_required
@require_GET
def appraisal_review(request, pk: int):
    assessment = _appraiser_assessment(request.user, pk)
    return _render_review(request, assessment, area=request.GET.get("area", ""))


def stored_json(item: IndexItem, score: Score | None) -> dict:
    """The stored appraisal of an item, in words, for a refused save to show."""
    if score is None:
        return {"version": 0, "round_1": "", "final": "", "return_note": "", "by": "", "at": ""}

    def value(prefix):
        return stage_value_text(
            item,
            points=getattr(score, f"{prefix}_points"),
            ratio=getattr(score, f"{prefix}_ratio"),
            not_applicable=bool(getattr(score, f"{prefix}_not_applicable")),
        )

    return {
        "version": score.version,
        "round_1": value("appraisal") if score.appraised_at else "",
        "round_1_reason": score.appraisal_reason,
        "request": ReviewRequest(score.review_request).label if score.review_request else "",
        "question": score.review_question,
        "final": value("final") if score.final_at else "",
        "final_reason": score.final_reason,
        "return_note": score.return_note,
        "by": score.updated_by.get_full_name() if score.updated_by else "",
        "at": datetime_text(score.updated_at, empty=""),
    }


def _posted_input(data) -> dict:
    posted = {name: data.get(name, "") for name in INPUT_FIELDS}
    posted["not_applicable"] = data.get("not_applicable") in ("1", "on", "true")
    return posted


def _item_answer(request, assessment, item, *, area, posted=None, status=200, message=""):
    """The answer to an item save: JSON with the item re-rendered (the script swaps it in),
    or for a plain form a redirect on success and the page again, with the input kept, when
    the save was refused."""
    if not wants_json(request):
        if status == 200:
            messages.success(request, message)
            return redirect(_review_url(assessment, area, item.pk))
        messages.error(request, message)
        return _render_review(request, assessment, area=area, posted=posted, status=status)
    review = appraisal_review_items(assessment, request.user, area=area)
    if review.row_for(item.pk) is None:  # posted from another filter: the full page has it
        review = appraisal_review_items(assessment, request.user)
    _apply_posted(review, posted)
    context = _review_context(request, assessment, review)
    row = review.row_for(item.pk)
    html = render_to_string(
        "scoring/appraisal/_item.html", {**context, "row": row}, request=request
    )
    answer = {
        "ok": status == 200,
        "message": message,
        "html": html,
        "to_review": review.to_review,
        "returned": review.returned,
        "version": row.version if row else 0,
    }
    if posted is not None:
        answer["errors"] = posted.errors
        if posted.conflict is not None:
            answer["conflict"] = True
            answer["current"] = posted.conflict
    return JsonResponse(answer, status=status)


@login_required
@require_POST
def appraisal_item_save(request, pk: int, item_pk: int):
    """Save (or accept) one item. Never outside the user's areas and units: the access helper
    and may_appraise answer 404/403 before anything is read, and the service checks again."""
    assessment = _appraiser_assessment(request.user, pk)
    item = get_object_or_404(IndexItem, pk=item_pk, index_set_id=assessment.index_set_id)
    if not is_appraised_item(item):
        raise Http404  # areas, criteria and survey items have no appraised value
    tree = index_set_tree(assessment.index_set_id)  # read once for the view and the save
    if not may_appraise(request.user, assessment, item, tree):
        raise PermissionDenied(_("You do not appraise this area of this unit."))
    data = request.POST
    area = data.get("area", "")
    posted = _Posted(item.pk, _posted_input(data), {})
    try:
        version = int(data.get("version", ""))
    except ValueError:
        posted.errors = {"form": _("The page is out of date: reload it.")}
        message = posted.errors["form"]
        return _item_answer(
            request, assessment, item, area=area, posted=posted, status=400, message=message
        )
    score = Score.objects.filter(assessment=assessment, item=item).first()
    try:
        if (score.version if score else 0) != version:
            raise ScoreConflict(score)  # told before any rule, so the stored value is shown
        if data.get("action") == "accept":
            appraisal_accept(
                assessment=assessment,
                item=item,
                expected_version=version,
                by=request.user,
                tree=tree,
            )
        else:
            round = item_round(assessment, score)
            if round is None:
                raise RoundClosed(item_closed_reason(assessment, score))
            entry = appraisal_entry_clean(
                item,
                score,
                round=round,
                points=posted.input["points"],
                ratio=posted.input["ratio"],
                not_applicable=posted.input["not_applicable"],
                reason=posted.input["reason"],
                request=posted.input["request"],
                question=posted.input["question"],
                step=assessment.index_set.points_step,
            )
            appraisal_save(
                assessment=assessment,
                item=item,
                entry=entry,
                expected_version=version,
                by=request.user,
                tree=tree,
            )
    except ScoreConflict as conflict:
        current = stored_json(item, conflict.current)
        posted.conflict = current
        # The next save replaces what is stored now: the user has seen it.
        posted.version = current["version"]
        message = _(
            "Item %(code)s was changed by %(name)s at %(time)s since you opened it. Now stored: "
            "%(value)s. Your input is kept: check it, then save again to replace the stored "
            "value, or reload the page to start from it."
        ) % {
            "code": item.code,
            "name": current["by"] or _("someone else"),
            "time": current["at"],
            "value": _current_text(current),
        }
        return _item_answer(
            request, assessment, item, area=area, posted=posted, status=409, message=message
        )
    except REFUSALS as exc:
        posted.errors = field_errors(exc)
        message = _("Item %(code)s was not saved: %(errors)s") % {
            "code": item.code,
            "errors": " ".join(posted.errors.values()),
        }
        return _item_answer(
            request,
            assessment,
            item,
            area=area,
            posted=posted,
            status=refusal_status(exc),
            message=message,
        )
    message = (
        _("Item %(code)s: the self-score is accepted.")
        if data.get("action") == "accept"
        else _("Item %(code)s is saved.")
    ) % {"code": item.code}
    return _item_answer(request, assessment, item, area=area, message=message)


def _current_text(current: dict) -> str:
    parts = []
    if current.get("final"):
        parts.append(_("final value %(value)s") % {"value": current["final"]})
    if current.get("round_1"):
        parts.append(_("round 1 %(value)s") % {"value": current["round_1"]})
    if current.get("return_note"):
        parts.append(_("returned by the chair: “%(note)s”") % {"note": current["return_note"]})
    return "; ".join(parts) or _("no appraisal yet")


@login_required
@require_POST
def appraisal_accept_rest_view(request, pk: int):
    """Accept the self-score of every item of the user's (filtered) areas nobody reviewed."""
    assessment = _appraiser_assessment(request.user, pk)
    area = request.POST.get("area", "")
    review = appraisal_review_items(assessment, request.user, area=area)
    items = [row.item for row in review.unreviewed_round_1]
    if not items:
        messages.info(request, _("Every item here has already been reviewed."))
        return redirect(_review_url(assessment, area))
    try:
        count = appraisal_accept_rest(assessment=assessment, by=request.user, items=items)
    except REFUSALS as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "The self-score of %(n)s item is accepted.",
                "The self-scores of %(n)s items are accepted.",
                count,
            )
            % {"n": count},
        )
        if count < len(items):
            messages.warning(
                request,
                _(
                    "%(n)s item(s) were saved by someone else meanwhile and were left as they "
                    "are: check them."
                )
                % {"n": len(items) - count},
            )
    return redirect(_review_url(assessment, area))


# ---------------------------------------------------------------- the chair


def _may_read_results(user, assessment) -> bool:
    return acts_for(user, Permission.VIEW_RESULTS, assessment.period.organiser_id)


def _render_finalise(
    request, assessment, *, returned=None, status: int = 200, confirm_error: str = ""
):
    """The differences page; `returned` keeps a refused return's note on screen."""
    unit = assessment.unit
    differences = appraisal_differences(assessment)
    for line in differences.items:
        kept = (returned or {}).get(line.item.pk)
        if kept:
            line.return_note_kept, line.return_error = kept["note"], kept["error"]
    return render(
        request,
        "scoring/appraisal/finalise.html",
        {
            "assessment": assessment,
            "differences": differences,
            "problems": finalise_problems(assessment),
            "may_finalise": has_permission(request.user, Permission.FINALISE_APPRAISAL, unit=unit),
            "may_reopen": has_permission(request.user, Permission.REOPEN_APPRAISAL, unit=unit)
            and assessment.status == AssessmentStatus.APPRAISED,
            "returnable": assessment.status
            not in (AssessmentStatus.APPRAISED, AssessmentStatus.PUBLISHED),
            "confirm_error": confirm_error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_finalise_view(request, pk: int):
    """The chair's page for one unit: what blocks finalisation, the differences between self
    and appraised scores, returns, and the finalise button. Home Affairs may read it."""
    assessment = get_assessment_for_user(request.user, pk)
    may_finalise = has_permission(request.user, Permission.FINALISE_APPRAISAL, unit=assessment.unit)
    if not may_finalise and not _may_read_results(request.user, assessment):
        raise PermissionDenied
    if request.method == "POST":
        if not may_finalise:
            raise PermissionDenied
        if not request.POST.get("confirm"):
            # Finalising makes the council's values read-only: the tick says the chair knows.
            return _render_finalise(
                request,
                assessment,
                status=400,
                confirm_error=_("Tick the box to confirm the finalisation."),
            )
        try:
            appraisal_finalise(assessment=assessment, by=request.user)
        except REFUSALS as exc:
            messages.error(request, " ".join(exc.messages))
            return _render_finalise(request, assessment, status=400)
        messages.success(
            request,
            _("The appraisal of %(unit)s is finalised: it is now read-only.")
            % {"unit": assessment.unit.name},
        )
        return redirect("scoring:council_progress", pk=assessment.period_id)
    return _render_finalise(request, assessment)


@login_required
@require_POST
def appraisal_return_view(request, pk: int, item_pk: int):
    assessment = get_assessment_for_user(request.user, pk, Permission.FINALISE_APPRAISAL)
    item = get_object_or_404(IndexItem, pk=item_pk, index_set_id=assessment.index_set_id)
    form = ItemReturnForm(request.POST)
    note = request.POST.get("note", "")
    status = 400
    if not form.is_valid():
        error = " ".join(m for errors in form.errors.values() for m in errors)
    else:
        try:
            item_return(
                assessment=assessment,
                item=item,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ScoreConflict as conflict:
            current = stored_json(item, conflict.current)
            status = 409
            error = _(
                "Item %(code)s was changed by %(name)s at %(time)s (now: %(value)s). Check the "
                "new value; your note is kept."
            ) % {
                "code": item.code,
                "name": current["by"] or _("someone else"),
                "time": current["at"],
                "value": _current_text(current),
            }
        except REFUSALS as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Item %(code)s is returned to its appraiser.") % {"code": item.code},
            )
            url = reverse("scoring:appraisal_finalise", args=[assessment.pk])
            return redirect(f"{url}#diff-{item.pk}")
    messages.error(request, error)
    return _render_finalise(
        request, assessment, returned={item.pk: {"note": note, "error": error}}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_reopen_view(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk, Permission.REOPEN_APPRAISAL)
    form = AppraisalReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appraisal_reopen(
                assessment=assessment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except REFUSALS as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("The appraisal of %(unit)s is open again.") % {"unit": assessment.unit.name},
            )
            return redirect("scoring:appraisal_finalise", pk=assessment.pk)
    return render(
        request,
        "scoring/appraisal/reopen.html",
        {
            "assessment": assessment,
            "form": form,
            "reopenable": assessment.status == AssessmentStatus.APPRAISED,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def council_progress(request, pk: int):
    """Every unit of the period and how far the council is with it (chair, Home Affairs)."""
    period = get_period_for_user(request.user, pk)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    progress = council_progress_summary(period, status=status, kind=kind, q=q)
    page = Paginator(progress.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/appraisal/council.html",
        {
            "period": period,
            "progress": progress,
            "page": page,
            "statuses": AssessmentStatus.choices,
            "kinds": UnitKind.objects.filter(units__assessments__period=period).distinct(),
            "may_finalise": acts_for(
                request.user, Permission.FINALISE_APPRAISAL, period.organiser_id
            ),
            "may_manage": acts_for(request.user, Permission.MANAGE_PERIOD, period.organiser_id),
            "query": urlencode({"status": status, "kind": kind, "q": q}) + "&",
        },
    )


# ---------------------------------------------------------------- Home Affairs: the rounds


@login_required
@require_POST
def period_advance_view(request, pk: int):
    period = get_period_for_user(request.user, pk, Permission.MANAGE_PERIOD)
    form = PeriodAdvanceForm(request.POST)
    if form.is_valid():
        try:
            period = period_advance(
                period=period,
                target=form.cleaned_data["target"],
                by=request.user,
                deadline=form.cleaned_data["deadline"],
            )
        except REFUSALS as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The period is now in the round “%(status)s”.")
                % {"status": PeriodStatus(period.status).label},
            )
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(reverse("scoring:period_dashboard", args=[period.pk]) + "#rounds")
