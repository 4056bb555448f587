"""Inspection visits (kiểm tra công tác CCHC): the list, one visit with its findings, Home
Affairs' forms for the visit, its findings and a finding made a task, and the documents.
Who sees what is scoring.access's; what may be written, scoring.services.inspections'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parindex.parsing import parse_id
from scoring.remediation import default_task_deadline
from units.access import holds_anywhere, organisers_for
from units.roles import Permission

from ..access import (
    finding_units_for,
    get_finding_for_user,
    get_inspection_file_for_user,
    get_inspection_for_user,
    manages_improvement,
)
from ..forms_inspections import FindingForm, FindingTaskForm, InspectionForm
from ..models import AssessmentPeriod
from ..selectors.inspections import (
    INSPECTIONS_PER_PAGE,
    inspection_detail,
    inspections_for,
    units_to_visit,
)
from ..services.inspections import (
    FindingInput,
    TaskInput,
    VisitInput,
    finding_add,
    finding_task_plans,
    finding_to_task,
    finding_update,
    inspection_create,
    inspection_update,
)
from ..workflow import PeriodStatus
from .common import REFUSALS, add_errors, private_file_response


def _detail_url(inspection, anchor: str = "") -> str:
    url = reverse("scoring:inspection_detail", args=[inspection.pk])
    return f"{url}#{anchor}" if anchor else url


def _managed_periods(user):
    """The periods whose inspections the user records: Home Affairs' organisers, opened."""
    return (
        AssessmentPeriod.objects.filter(
            organiser__in=organisers_for(user, Permission.MANAGE_IMPROVEMENT)
        )
        .exclude(status=PeriodStatus.SETUP)
        .select_related("organiser")
        .order_by("-year", "organiser__name")
    )


# ---------------------------------------------------------------- reading


@login_required
@require_GET
def inspection_list(request):
    period_id = parse_id(request.GET.get("period", ""))
    inspections = inspections_for(request.user, period_id=period_id)
    page = Paginator(inspections, INSPECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/inspections/list.html",
        {
            "page": page,
            "may_record": holds_anywhere(request.user, Permission.MANAGE_IMPROVEMENT),
            "periods": _managed_periods(request.user),
            "period_id": period_id,
            "query": urlencode({"period": period_id}) + "&" if period_id else "",
        },
    )


@login_required
@require_GET
def inspection_detail_view(request, pk: int):
    inspection = get_inspection_for_user(request.user, pk)
    detail = inspection_detail(inspection, unit_ids=finding_units_for(request.user, inspection))
    return render(
        request,
        "scoring/inspections/detail.html",
        {
            "inspection": inspection,
            "detail": detail,
            "may_edit": manages_improvement(request.user, inspection.period.organiser_id),
        },
    )


@login_required
@require_GET
def inspection_file_view(request, pk: int):
    """Stream an inspection's document after the permission check (no public media URL)."""
    upload = get_inspection_file_for_user(request.user, pk)
    return private_file_response(upload.file, upload.original_name, upload.content_type)


# ---------------------------------------------------------------- the visit


def _visit_input(form) -> VisitInput:
    data = form.cleaned_data
    return VisitInput(
        title=data["title"],
        visited_on=data["visited_on"],
        team=data["team"],
        units=list(data["units"]),
        summary=data.get("summary", ""),
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create_view(request):
    if not holds_anywhere(request.user, Permission.MANAGE_IMPROVEMENT):
        raise PermissionDenied
    periods = list(_managed_periods(request.user))
    asked = request.POST.get("period") or request.GET.get("period", "")
    wanted = parse_id(asked)
    period = next((p for p in periods if p.pk == wanted), None)
    if asked and period is None:  # not a period id, another organiser's, or one in set-up
        raise Http404  # another organiser's period, or one being set up
    period = period or (periods[0] if periods else None)
    if period is None:
        return render(request, "scoring/inspections/no_period.html", status=200)
    units = units_to_visit(period.organiser_id, period.year)
    status = 200
    if request.method == "POST":
        form = InspectionForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            try:
                inspection = inspection_create(
                    period=period,
                    by=request.user,
                    data=_visit_input(form),
                    files=form.cleaned_data["files"],
                )
            except REFUSALS as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("The inspection is recorded. Now record its findings by unit.")
                )
                return redirect(_detail_url(inspection))
        status = 400
    else:
        form = InspectionForm(units=units)
    return render(
        request,
        "scoring/inspections/form.html",
        {"form": form, "period": period, "periods": periods, "inspection": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit_view(request, pk: int):
    inspection = get_inspection_for_user(request.user, pk, edit=True)
    period = inspection.period
    units = units_to_visit(period.organiser_id, period.year) | inspection.units.all()
    status = 200
    if request.method == "POST":
        form = InspectionForm(request.POST, request.FILES, units=units.distinct())
        if form.is_valid():
            try:
                changed = inspection_update(
                    inspection=inspection,
                    by=request.user,
                    data=_visit_input(form),
                    files=form.cleaned_data["files"],
                )
            except REFUSALS as exc:
                add_errors(form, exc)
            else:
                if changed:
                    messages.success(request, _("The inspection is saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(_detail_url(inspection))
        status = 400
    else:
        form = InspectionForm(
            units=units.distinct(),
            initial={
                "title": inspection.title,
                "visited_on": inspection.visited_on,
                "team": inspection.team,
                "units": list(inspection.units.all()),
                "summary": inspection.summary,
            },
        )
    return render(
        request,
        "scoring/inspections/form.html",
        {"form": form, "period": period, "periods": [], "inspection": inspection},
        status=status,
    )


# ---------------------------------------------------------------- findings


def _finding_input(form) -> FindingInput:
    data = form.cleaned_data
    return FindingInput(
        unit=data["unit"],
        text=data["text"],
        remedy=data.get("remedy", ""),
        item_codes=data.get("item_codes", ""),
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_form_view(request, pk: int, finding_pk: int | None = None):
    """Add a finding (without `finding_pk`) or change one."""
    inspection = get_inspection_for_user(request.user, pk, edit=True)
    finding = get_finding_for_user(request.user, inspection, finding_pk) if finding_pk else None
    units = inspection.units.order_by("code")
    status = 200
    if request.method == "POST":
        form = FindingForm(request.POST, units=units)
        if form.is_valid():
            try:
                if finding is None:
                    finding = finding_add(
                        inspection=inspection, by=request.user, data=_finding_input(form)
                    )
                    messages.success(request, _("The finding is recorded."))
                else:
                    changed = finding_update(
                        finding=finding, by=request.user, data=_finding_input(form)
                    )
                    messages.success(
                        request,
                        _("The finding is saved.") if changed else _("Nothing was changed."),
                    )
            except REFUSALS as exc:
                add_errors(form, exc)
            else:
                return redirect(_detail_url(inspection, f"finding-{finding.pk}"))
        status = 400
    elif finding is not None:
        form = FindingForm(
            units=units,
            initial={
                "unit": finding.unit,
                "text": finding.text,
                "remedy": finding.remedy,
                "item_codes": ", ".join(
                    finding.items.order_by("code").values_list("code", flat=True)
                ),
            },
        )
    else:
        form = FindingForm(units=units, initial={"unit": parse_id(request.GET.get("unit", ""))})
    return render(
        request,
        "scoring/inspections/finding_form.html",
        {"form": form, "inspection": inspection, "finding": finding},
        status=status,
    )


def _proposed_deadline(year: int):
    """The rule's deadline for a task made from a finding (never already past)."""
    return default_task_deadline(year, timezone.localdate())


@login_required
@require_http_methods(["GET", "POST"])
def finding_task_view(request, pk: int, finding_pk: int):
    """A finding made a task of a draft plan: the province's or the unit's own."""
    inspection = get_inspection_for_user(request.user, pk, edit=True)
    finding = get_finding_for_user(request.user, inspection, finding_pk)
    plans = finding_task_plans(finding)
    status = 200
    if request.method == "POST":
        form = FindingTaskForm(request.POST, plans=plans)
        if form.is_valid():
            data = form.cleaned_data
            try:
                finding_to_task(
                    finding=finding,
                    by=request.user,
                    data=TaskInput(
                        plan=data["plan"],
                        title=data["title"],
                        deadline=data["deadline"],
                        measurable_target=data["measurable_target"],
                        owner_person=data.get("owner_person", ""),
                    ),
                )
            except REFUSALS as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The finding is now a task of “%(plan)s”.") % {"plan": data["plan"].title},
                )
                return redirect(_detail_url(inspection, f"finding-{finding.pk}"))
        status = 400
    else:
        form = FindingTaskForm(
            plans=plans,
            initial={
                "plan": plans.first(),
                "title": finding.remedy or finding.text,
                "deadline": _proposed_deadline(inspection.period.year),
            },
        )
    return render(
        request,
        "scoring/inspections/finding_task.html",
        {
            "form": form,
            "inspection": inspection,
            "finding": finding,
            "has_plans": plans.exists(),
        },
        status=status,
    )
