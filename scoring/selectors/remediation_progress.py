"""Reads for the progress pages: a unit's remediation tasks, Home Affairs' dashboard of every
task of the organiser's issued plans (overdue first), and a task's history of reports.

The dashboard sorts in the database, with an ordering that mirrors
scoring.remediation.dashboard_order (and filters "overdue" as task_is_overdue decides): a
province has hundreds of units, so the page is cut into pages after sorting, not before.
tests/scoring/improvement/test_progress_order.py holds the two to the same answer."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from scoring.models import (
    ImprovementFile,
    PlanStatus,
    RemediationPlan,
    RemediationTask,
    TaskProgress,
    TaskStatus,
)
from scoring.remediation import task_is_due_soon, task_is_overdue
from units.access import units_for
from units.models import Unit
from units.roles import Permission

OVERDUE = "overdue"  # the dashboard's filter for tasks past their deadline and not done


def _overdue_q(today: date) -> Q:
    """task_is_overdue in SQL: past its deadline and not done."""
    return Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)


def in_dashboard_order(tasks: QuerySet, *, today: date) -> QuerySet:
    """dashboard_order in SQL: not done before done, overdue first, then by deadline (so the
    longest overdue first), then by id."""
    return tasks.annotate(
        _done=Case(
            When(status=TaskStatus.DONE, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        _not_overdue=Case(
            When(_overdue_q(today), then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    ).order_by("_done", "_not_overdue", "deadline", "pk")


def _issued_tasks() -> QuerySet:
    return RemediationTask.objects.filter(plan__status=PlanStatus.ISSUED).select_related(
        "plan", "owner_unit"
    )


@dataclass(frozen=True)
class TaskRow:
    task: RemediationTask
    overdue: bool
    due_soon: bool


def task_rows(tasks, *, today: date) -> list[TaskRow]:
    return [
        TaskRow(task, task_is_overdue(task, today), task_is_due_soon(task, today)) for task in tasks
    ]


# ---------------------------------------------------------------- a unit's tasks


def unit_tasks(*, user, today: date) -> QuerySet:
    """The tasks of issued plans owned by the units whose progress the user reports."""
    units = units_for(user, Permission.REPORT_TASK_PROGRESS)
    return in_dashboard_order(_issued_tasks().filter(owner_unit__in=units), today=today)


def has_unit_tasks(user) -> bool:
    units = units_for(user, Permission.REPORT_TASK_PROGRESS)
    return _issued_tasks().filter(owner_unit__in=units).exists()


# ---------------------------------------------------------------- Home Affairs' dashboard


def _organiser_tasks(*, organisers, unit_id=None, plan_id=None) -> QuerySet:
    tasks = _issued_tasks().filter(plan__period__organiser__in=organisers)
    if unit_id:
        tasks = tasks.filter(owner_unit_id=unit_id)
    if plan_id:
        tasks = tasks.filter(plan_id=plan_id)
    return tasks


def dashboard_tasks(
    *, organisers, today: date, status: str = "", unit_id=None, plan_id=None
) -> QuerySet:
    """Every task of the organisers' issued plans, filtered, in dashboard order."""
    tasks = _organiser_tasks(organisers=organisers, unit_id=unit_id, plan_id=plan_id)
    if status == OVERDUE:
        tasks = tasks.filter(_overdue_q(today))
    elif status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    return in_dashboard_order(tasks, today=today)


def dashboard_counts(*, organisers, today: date, unit_id=None, plan_id=None) -> dict[str, int]:
    """How many tasks stand in each status, how many are overdue, and the total — for the
    unit and plan chosen (the status filter does not narrow its own counts)."""
    counts = _organiser_tasks(organisers=organisers, unit_id=unit_id, plan_id=plan_id).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=_overdue_q(today)),
        **{value: Count("pk", filter=Q(status=value)) for value in TaskStatus.values},
    )
    return counts


def dashboard_choices(*, organisers) -> dict:
    """The units owning a task and the issued plans, for the dashboard's filters."""
    tasks = RemediationTask.objects.filter(
        plan__status=PlanStatus.ISSUED, plan__period__organiser__in=organisers
    )
    return {
        "units": Unit.objects.filter(pk__in=tasks.values("owner_unit_id")).order_by("code"),
        "plans": RemediationPlan.objects.filter(
            status=PlanStatus.ISSUED, period__organiser__in=organisers
        )
        .select_related("period", "unit")
        .order_by("-period__year", F("unit__code").asc(nulls_first=True), "pk"),
    }


# ---------------------------------------------------------------- one task


def task_history(task: RemediationTask) -> list[TaskProgress]:
    """The task's progress reports, newest first, with their files and who reported."""
    return list(
        TaskProgress.objects.filter(task=task)
        .select_related("reported_by")
        .prefetch_related(
            Prefetch("files", queryset=ImprovementFile.objects.order_by("original_name", "pk"))
        )
        .order_by("-reported_at", "-pk")
    )
