"""Progress on remediation tasks: a unit's tasks ("Nhiệm vụ khắc phục"), one task with its
history and the report form, a report's files, and Home Affairs' dashboard of every task."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from scoring.display import format_number
from units.access import holds_anywhere, organisers_for
from units.roles import Permission

from ..access import get_improvement_file_for_user, get_task_for_user, progress_reportable_by
from ..forms_remediation_progress import DashboardFilterForm, TaskProgressForm
from ..models import TaskStatus
from ..remediation import TASK_REMINDER_DAYS
from ..selectors.remediation_progress import (
    dashboard_choices,
    dashboard_counts,
    dashboard_tasks,
    task_history,
    task_rows,
    unit_tasks,
)
from ..services.remediation_progress import task_progress_report
from .common import REFUSALS, add_errors, private_file_response, refusal_status

TASKS_PER_PAGE = 25
DASHBOARD_PER_PAGE = 50


@login_required
@require_GET
def task_list(request):
    """The tasks of issued plans that the user's unit owns, overdue first."""
    user = request.user
    if not holds_anywhere(user, Permission.REPORT_TASK_PROGRESS):
        if holds_anywhere(user, Permission.MANAGE_IMPROVEMENT):
            return redirect("scoring:improvement_dashboard")
        raise PermissionDenied
    today = timezone.localdate()
    page = Paginator(unit_tasks(user=user, today=today), TASKS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "scoring/remediation/progress/task_list.html",
        {"page": page, "rows": task_rows(page, today=today), "reminder_days": TASK_REMINDER_DAYS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request, pk: int):
    """A task, its reports (newest first) and, for the owner unit's staff, the report form."""
    posting = request.method == "POST"
    task = get_task_for_user(request.user, pk, report=posting)
    form = TaskProgressForm(initial={"status": task.status})
    status = 200
    if posting:
        form = TaskProgressForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                task_progress_report(
                    task=task,
                    by=request.user,
                    status=data["status"],
                    note=data["note"],
                    files=data["files"],
                )
            except REFUSALS as exc:
                add_errors(form, exc)
                status = refusal_status(exc)
            else:
                messages.success(
                    request,
                    _("Your report is saved: the task is now “%(status)s”.")
                    % {"status": TaskStatus(data["status"]).label},
                )
                return redirect("scoring:task_detail", pk=task.pk)
        else:
            status = 400
    today = timezone.localdate()
    (row,) = task_rows([task], today=today)
    return render(
        request,
        "scoring/remediation/progress/task_detail.html",
        {
            "task": task,
            "row": row,
            "items": task.items.order_by("position", "code"),
            "lost_points": format_number(task.lost_points) if task.lost_points is not None else "",
            "history": task_history(task),
            "form": form,
            "may_report": progress_reportable_by(request.user, task),
        },
        status=status,
    )


@login_required
@require_GET
def task_file(request, pk: int):
    """A progress report's file, for those who see its task (404 for anyone else)."""
    upload = get_improvement_file_for_user(request.user, pk)
    return private_file_response(upload.file, upload.original_name)


@login_required
@require_GET
def improvement_dashboard(request):
    """Home Affairs: every task of the organiser's issued plans, overdue first, with the counts
    by status, filtered by status, unit and plan."""
    organisers = organisers_for(request.user, Permission.MANAGE_IMPROVEMENT)
    if not organisers.exists():
        raise PermissionDenied
    today = timezone.localdate()
    choices = dashboard_choices(organisers=organisers)
    filters = DashboardFilterForm(request.GET, **choices)
    status, unit_id, plan_id = filters.value("status"), filters.value("unit"), filters.value("plan")
    tasks = dashboard_tasks(
        organisers=organisers, today=today, status=status, unit_id=unit_id, plan_id=plan_id
    )
    page = Paginator(tasks, DASHBOARD_PER_PAGE).get_page(request.GET.get("page"))
    query = {"status": status, "unit": unit_id or "", "plan": plan_id or ""}
    return render(
        request,
        "scoring/remediation/progress/dashboard.html",
        {
            "filters": filters,
            "counts": dashboard_counts(
                organisers=organisers, today=today, unit_id=unit_id, plan_id=plan_id
            ),
            "status": status,
            "page": page,
            "rows": task_rows(page, today=today),
            "query": urlencode(query) + "&",
            "status_query": urlencode({"unit": unit_id or "", "plan": plan_id or ""}) + "&",
        },
    )
