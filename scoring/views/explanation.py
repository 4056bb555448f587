"""The unit's explanation screen: the items the council asked about, an answer and files per
item, and the send button. The unit's staff write while the round is open; the council, Home
Affairs and the admin read. Answers save as plain form posts, or as JSON for the page's script
(Accept: application/json)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parindex.dates import datetime_text, time_text
from parindex.parsing import parse_id
from units.access import has_permission
from units.roles import Permission

from ..access import get_assessment_for_user
from ..exceptions import ScoreConflict
from ..forms import EvidenceCiteForm
from ..models import Evidence, EvidenceStage, IndexItem, Score
from ..selectors.explanation import Explanation, explanation, explanation_problems
from ..services.appraisal import explanation_save, explanation_send
from ..services.evidence import (
    ALLOWED_FILE_TYPES,
    evidence_cite,
    evidence_delete,
    evidence_upload,
)
from .common import REFUSALS, is_closed, refusal_status, wants_json


def _page_url(assessment, item_id=None) -> str:
    url = reverse("scoring:explanation", args=[assessment.pk])
    return f"{url}#item-{item_id}" if item_id else url


def _is_unit_staff(user, assessment) -> bool:
    return has_permission(user, Permission.ANSWER_EXPLANATION, unit=assessment.unit)


def _load(user, assessment) -> Explanation:
    council_view = has_permission(user, Permission.VIEW_AUDIT, unit=assessment.unit)
    return explanation(assessment, council_view=council_view)


def _render(request, assessment, view: Explanation | None = None, *, status: int = 200):
    view = view or _load(request.user, assessment)
    staff = _is_unit_staff(request.user, assessment)
    return render(
        request,
        "scoring/explanation/page.html",
        {
            "assessment": assessment,
            "view": view,
            "is_staff_of_unit": staff,
            "editable": staff and not view.closed_reason,
            "cite_form": EvidenceCiteForm(),
            "max_upload_mb": settings.PARINDEX_EVIDENCE_MAX_MB,
            "accept": ",".join(sorted(ALLOWED_FILE_TYPES)),
        },
        status=status,
    )


def _with_state(request, assessment, item_id: int, **state):
    """The page again with one row's refused input kept on screen."""
    view = _load(request.user, assessment)
    for row in view.rows:
        if row.item.pk == item_id:
            for name, value in state.items():
                setattr(row, name, value)
    return view


@login_required
@require_GET
def explanation_view(request, pk: int):
    return _render(request, get_assessment_for_user(request.user, pk))


def _current_json(score: Score | None) -> dict:
    if score is None:
        return {"version": 0, "text": "", "updated_by": "", "updated_at": ""}
    return {
        "version": score.version,
        "text": score.explanation_text,
        "updated_by": score.updated_by.get_full_name() if score.updated_by else "",
        "updated_at": datetime_text(score.updated_at),
    }


@login_required
@require_POST
def explanation_item_save(request, pk: int, item_pk: int):
    """The answer to one question, under the optimistic lock: a stale version is refused with
    409 and the text stored meanwhile, and the user's own text is kept on screen."""
    assessment = get_assessment_for_user(request.user, pk, Permission.ANSWER_EXPLANATION)
    item = get_object_or_404(IndexItem, pk=item_pk, index_set_id=assessment.index_set_id)
    text = request.POST.get("text", "")
    answer_json = wants_json(request)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        message = _("The page is out of date: reload it.")
        if answer_json:
            return JsonResponse({"ok": False, "message": message}, status=400)
        messages.error(request, message)
        return redirect(_page_url(assessment, item.pk))
    try:
        score = explanation_save(
            assessment=assessment, item=item, text=text, expected_version=version, by=request.user
        )
    except ScoreConflict as conflict:
        current = conflict.current
        if current is None or not current.review_request:
            # Not a question to this unit: say only that, whatever is stored for the item.
            return _refused(
                request, assessment, item, text, _("The council did not ask about this item.")
            )
        message = _(
            "The answer to %(code)s was changed elsewhere (another tab or a colleague) since you "
            "opened it. Your text is kept on screen: compare it with the stored one and save "
            "again to keep yours."
        ) % {"code": item.code}
        if answer_json:
            return JsonResponse(
                {
                    "ok": False,
                    "conflict": True,
                    "message": message,
                    "current": _current_json(
                        Score.objects.select_related("updated_by").get(pk=current.pk)
                    ),
                },
                status=409,
            )
        view = _with_state(
            request, assessment, item.pk, draft=text, conflict=current, error=message
        )
        return _render(request, assessment, view, status=409)
    except REFUSALS as exc:
        return _refused(
            request,
            assessment,
            item,
            text,
            " ".join(exc.messages),
            closed=is_closed(exc),
            status=refusal_status(exc),
        )
    if answer_json:
        return JsonResponse(
            {
                "ok": True,
                "version": score.version,
                "text": score.explanation_text,
                "saved_at": time_text(),
                "problems": explanation_problems(assessment),
            }
        )
    messages.success(request, _("Your answer to %(code)s is saved.") % {"code": item.code})
    return redirect(_page_url(assessment, item.pk))


def _refused(
    request, assessment, item, text: str, message: str, *, closed=False, status: int = 400
):
    if wants_json(request):
        return JsonResponse({"ok": False, "closed": closed, "message": message}, status=status)
    view = _with_state(request, assessment, item.pk, draft=text, error=message)
    if not any(row.item.pk == item.pk for row in view.rows):
        messages.error(request, message)
    return _render(request, assessment, view, status=status)


@login_required
@require_POST
def explanation_evidence_add(request, pk: int):
    """A file uploaded, or a document cited, for one asked item (stage: explanation)."""
    assessment = get_assessment_for_user(request.user, pk, Permission.ANSWER_EXPLANATION)
    posted = request.POST.get("items", "")
    item = (
        IndexItem.objects.filter(pk=parse_id(posted), index_set_id=assessment.index_set_id).first()
        if parse_id(posted)
        else None
    )
    upload = request.FILES.get("file")
    try:
        if item is None:
            raise ValidationError(_("Choose the item the document supports."))
        if upload is not None:
            evidence = evidence_upload(
                assessment=assessment,
                by=request.user,
                upload=upload,
                items=[item],
                description=request.POST.get("description", ""),
                stage=EvidenceStage.EXPLANATION,
            )
        else:
            form = EvidenceCiteForm(request.POST)
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            evidence = evidence_cite(
                assessment=assessment,
                by=request.user,
                items=[item],
                stage=EvidenceStage.EXPLANATION,
                **form.cleaned_data,
            )
    except REFUSALS as exc:
        message = " ".join(exc.messages)
        if wants_json(request):
            return JsonResponse({"ok": False, "message": message}, status=400)
        if item is None:
            messages.error(request, message)
            return redirect(_page_url(assessment))
        cite = {} if upload is not None else request.POST.dict()
        view = _with_state(request, assessment, item.pk, error=message, cite=cite)
        if not any(row.item.pk == item.pk for row in view.rows):
            messages.error(request, message)
        return _render(request, assessment, view, status=400)
    message = _("“%(evidence)s” is attached to %(code)s.") % {
        "evidence": evidence,
        "code": item.code,
    }
    if wants_json(request):
        return JsonResponse({"ok": True, "message": message, "evidence": evidence.pk})
    messages.success(request, message)
    return redirect(_page_url(assessment, item.pk))


@login_required
@require_POST
def explanation_send_view(request, pk: int):
    assessment = get_assessment_for_user(request.user, pk, Permission.ANSWER_EXPLANATION)
    try:
        explanation_send(assessment=assessment, by=request.user)
    except REFUSALS as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Your explanation is sent to the appraisal council. The answers are now read-only."),
        )
    return redirect(_page_url(assessment))


@login_required
@require_POST
def explanation_evidence_delete(request, pk: int, evidence_pk: int):
    """Take back a file or citation given for an answer, while the answers are not sent."""
    assessment = get_assessment_for_user(request.user, pk, Permission.ANSWER_EXPLANATION)
    evidence = get_object_or_404(
        Evidence, pk=evidence_pk, assessment=assessment, stage=EvidenceStage.EXPLANATION
    )
    label = str(evidence)
    item = evidence.items.first()
    try:
        evidence_delete(evidence=evidence, by=request.user)
    except REFUSALS as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(evidence)s” is removed.") % {"evidence": label})
    return redirect(_page_url(assessment, item.pk if item else None))
