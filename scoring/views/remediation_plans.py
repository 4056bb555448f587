"""Improvement after publication: a unit's target rank, and the remediation plans — the list,
drafting one, a plan's page, editing a draft and its tasks, and issuing it.

Who may do what is scoring.access's (get_plan_for_user, plan_editable_by); the rules and
their refusals are scoring.services.remediation_plans'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units.access import acts_for, units_for
from units.models import Unit
from units.roles import Permission

from ..access import (
    get_plan_for_user,
    get_unit_for_user,
    plan_author,
    plan_editable_by,
    plan_visible_to,
    plans_visible_to,
)
from ..exceptions import Refused
from ..forms_remediation import PlanHeaderForm, PlanIssueForm, TargetForm, TaskForm
from ..models import AssessmentPeriod, PlanStatus, RemediationPlan, RemediationTask
from ..selectors.remediation_plans import (
    TARGET_ITEMS_SHOWN,
    default_target_rank,
    plan_draft_offers,
    plan_for,
    plan_tasks_by_owner,
    publication_item_choices,
    unit_target,
)
from ..selectors.results import latest_publication
from ..services.remediation_plans import (
    plan_draft,
    plan_issue,
    plan_issue_problems,
    plan_may_draft,
    plan_task_add,
    plan_task_move,
    plan_task_remove,
    plan_task_update,
    plan_update,
    task_owner_choices,
)
from .common import add_errors

PLANS_PER_PAGE = 25
OWNERS_PER_PAGE = 20


# ---------------------------------------------------------------- the target page


@login_required
@require_GET
def unit_target_view(request, pk: int, unit_pk: int):
    period = get_object_or_404(AssessmentPeriod.objects.select_related("organiser"), pk=pk)
    unit = get_unit_for_user(request.user, period, unit_pk)
    publication = latest_publication(period)
    if publication is None:
        raise Http404(_("The results of this period are not published yet."))
    target = unit_target(publication, unit.pk)
    if target is None:
        raise Http404
    form = TargetForm(
        request.GET if "rank" in request.GET else {"rank": default_target_rank(target.row)}
    )
    if target.ranked and form.is_valid():
        try:
            target = unit_target(publication, unit.pk, form.cleaned_data["rank"])
        except ValidationError as exc:
            form.add_error("rank", exc.messages)
    plan = plan_for(period, unit)
    return render(
        request,
        "scoring/remediation/unit_target.html",
        {
            "period": period,
            "unit": unit,
            "publication": publication,
            "target": target,
            "items": target.items[:TARGET_ITEMS_SHOWN],
            "form": form,
            "plan": plan if plan is not None and plan_visible_to(request.user, plan) else None,
            "may_draft": plan is None and plan_may_draft(request.user, period, unit),
        },
    )


# ---------------------------------------------------------------- the list and drafting


@login_required
@require_GET
def plan_list(request):
    plans = (
        plans_visible_to(request.user)
        .select_related("period__organiser", "unit")
        .order_by(
            "-period__year",
            "period__organiser__code",
            F("unit__code").asc(nulls_first=True),  # the province's plan first
            "pk",
        )
    )
    periods = list(
        AssessmentPeriod.objects.filter(remediation_plans__in=plans)
        .distinct()
        .order_by("-year", "pk")
    )
    period = next((p for p in periods if str(p.pk) == request.GET.get("period")), None)
    if period is not None:
        plans = plans.filter(period=period)
    status = request.GET.get("status")
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    offers = plan_draft_offers(request.user)
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode(
        {k: v for k, v in (("period", period.pk if period else ""), ("status", status)) if v}
    )
    return render(
        request,
        "scoring/remediation/plan_list.html",
        {
            "page": page,
            "periods": periods,
            "period": period,
            "status": status if status in PlanStatus.values else "",
            "statuses": PlanStatus.choices,
            "offers": offers,
            "query": f"{query}&" if query else "",
        },
    )


@login_required
@require_POST
def plan_draft_view(request, pk: int):
    period = get_object_or_404(AssessmentPeriod.objects.select_related("organiser"), pk=pk)
    unit = None
    if request.POST.get("unit"):
        unit = Unit.objects.filter(pk=_int(request.POST["unit"]), organiser=period.organiser_id)
        unit = unit.first()
        if unit is None:
            raise Http404
    if not plan_may_draft(request.user, period, unit):
        if _relates_to_period(request.user, period):
            raise PermissionDenied
        raise Http404
    try:
        plan, created = plan_draft(period=period, unit=unit, by=request.user)
    except Refused as exc:
        messages.error(request, exc.message)
        return redirect("scoring:plan_list")
    if created:
        messages.success(
            request,
            _(
                "The draft plan is ready, with %(count)s tasks proposed from the points lost. "
                "Edit them, then issue the plan."
            )
            % {"count": plan.tasks.count()},
        )
    elif plan.status == PlanStatus.DRAFT:
        messages.info(request, _("This plan was drafted already: here is the draft."))
    else:
        messages.info(request, _("This plan is issued already."))
    return redirect("scoring:plan_detail", pk=plan.pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _relates_to_period(user, period) -> bool:
    """Works with the period's organiser at all (its council, its officers, its units' staff):
    refused with 403, not 404."""
    return (
        acts_for(user, Permission.VIEW_RESULTS, period.organiser_id)
        or (
            units_for(user, Permission.VIEW_ASSESSMENT).filter(organiser_id=period.organiser_id)
        ).exists()
    )


# ---------------------------------------------------------------- a plan


@login_required
@require_GET
def plan_detail(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    owners = plan_tasks_by_owner(plan, timezone.localdate())
    page = Paginator(owners, OWNERS_PER_PAGE).get_page(request.GET.get("page"))
    target = None
    if plan.unit_id is not None and plan.target_rank:
        try:
            target = unit_target(plan.publication, plan.unit_id, plan.target_rank)
        except ValidationError:
            target = None  # the group changed size with a later version: no gap to show
    editable = plan_editable_by(request.user, plan)
    return render(
        request,
        "scoring/remediation/plan_detail.html",
        {
            "plan": plan,
            "period": plan.period,
            "page": page,
            "task_count": sum(len(owner.tasks) for owner in owners),
            "target": target,
            "editable": editable,
            "issue_problems": plan_issue_problems(plan) if editable else [],
        },
    )


def _editable_plan(request, pk: int) -> RemediationPlan:
    """The draft the user may change. An issued plan they could have changed as a draft sends
    them back to its page with a message (Refused); anyone else gets 403/404."""
    plan = get_plan_for_user(request.user, pk)
    if plan.status != PlanStatus.DRAFT and plan_author(request.user, plan):
        raise Refused(_("The plan is issued: it can no longer be changed."))
    if not plan_editable_by(request.user, plan):
        raise PermissionDenied
    return plan


def _issued_back(request, pk, exc: Refused):
    messages.error(request, exc.message)
    return redirect("scoring:plan_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    try:
        plan = _editable_plan(request, pk)
    except Refused as exc:
        return _issued_back(request, pk, exc)
    form = PlanHeaderForm(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan_update(plan=plan, header=form.header(), by=request.user)
        except Refused as exc:
            return _issued_back(request, pk, exc)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("scoring:plan_detail", pk=plan.pk)
    target = unit_target(plan.publication, plan.unit_id) if plan.unit_id else None
    return render(
        request,
        "scoring/remediation/plan_edit.html",
        {"plan": plan, "period": plan.period, "form": form, "target": target},
    )


def _task_form(request, plan, task=None):
    owners = task_owner_choices(plan)
    return TaskForm(
        request.POST if request.method == "POST" else None,
        owners=owners,
        items=publication_item_choices(plan.publication, plan.unit_id),
        task=task,
        initial=None if task is not None else _new_task_initial(plan),
    )


def _new_task_initial(plan) -> dict:
    from_publication = plan.tasks.order_by("-position").first()
    initial = {"deadline": from_publication.deadline if from_publication else None}
    if plan.unit_id is not None:
        initial["owner_unit"] = plan.unit_id
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def plan_task_add_view(request, pk: int):
    try:
        plan = _editable_plan(request, pk)
    except Refused as exc:
        return _issued_back(request, pk, exc)
    form = _task_form(request, plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan_task_add(plan=plan, data=form.task_input(), by=request.user)
        except Refused as exc:
            return _issued_back(request, pk, exc)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The task is added."))
            return redirect("scoring:plan_detail", pk=plan.pk)
    return render(
        request,
        "scoring/remediation/task_form.html",
        {"plan": plan, "period": plan.period, "form": form, "task": None},
    )


def _plan_task(request, pk: int, task_pk: int):
    plan = _editable_plan(request, pk)
    task = get_object_or_404(
        RemediationTask.objects.select_related("owner_unit").prefetch_related("items"),
        pk=task_pk,
        plan=plan,
    )
    task.plan = plan
    return plan, task


@login_required
@require_http_methods(["GET", "POST"])
def plan_task_edit_view(request, pk: int, task_pk: int):
    try:
        plan, task = _plan_task(request, pk, task_pk)
    except Refused as exc:
        return _issued_back(request, pk, exc)
    form = _task_form(request, plan, task)
    if request.method == "POST" and form.is_valid():
        try:
            plan_task_update(task=task, data=form.task_input(), by=request.user)
        except Refused as exc:
            return _issued_back(request, pk, exc)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The task is saved."))
            return redirect(f"{_detail_url(plan)}#task-{task.pk}")
    return render(
        request,
        "scoring/remediation/task_form.html",
        {"plan": plan, "period": plan.period, "form": form, "task": task},
    )


def _detail_url(plan) -> str:
    return reverse("scoring:plan_detail", args=[plan.pk])


@login_required
@require_http_methods(["GET", "POST"])
def plan_task_remove_view(request, pk: int, task_pk: int):
    try:
        plan, task = _plan_task(request, pk, task_pk)
    except Refused as exc:
        return _issued_back(request, pk, exc)
    if request.method == "POST":
        try:
            plan_task_remove(task=task, by=request.user)
        except Refused as exc:
            return _issued_back(request, pk, exc)
        messages.success(request, _("The task is removed from the plan."))
        return redirect("scoring:plan_detail", pk=plan.pk)
    return render(
        request,
        "scoring/remediation/task_remove.html",
        {"plan": plan, "period": plan.period, "task": task},
    )


@login_required
@require_POST
def plan_task_move_view(request, pk: int, task_pk: int):
    try:
        plan, task = _plan_task(request, pk, task_pk)
        plan_task_move(task=task, up=request.POST.get("direction") != "down", by=request.user)
    except Refused as exc:
        return _issued_back(request, pk, exc)
    return redirect(f"{_detail_url(plan)}#task-{task.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def plan_issue_view(request, pk: int):
    try:
        plan = _editable_plan(request, pk)
    except Refused as exc:
        return _issued_back(request, pk, exc)
    form = PlanIssueForm(request.POST if request.method == "POST" else None, plan=plan)
    problems = plan_issue_problems(plan)
    if request.method == "POST" and form.is_valid() and not problems:
        try:
            plan_issue(plan=plan, header=form.header(), by=request.user)
        except Refused as exc:
            problems = exc.messages
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The plan is issued; the responsible units are told of their tasks."),
            )
            return redirect("scoring:plan_detail", pk=plan.pk)
    owners = plan_tasks_by_owner(plan, timezone.localdate())
    return render(
        request,
        "scoring/remediation/plan_issue.html",
        {
            "plan": plan,
            "period": plan.period,
            "form": form,
            "problems": problems,
            "owners": owners,
            "task_count": sum(len(owner.tasks) for owner in owners),
        },
    )
