"""The rules of improvement work after publication, in one place: when a task is overdue, when
owners are reminded, which deadline a proposed task gets, the dashboard's order, who reports a
task's progress, and how long each typed text may be."""

from datetime import date, timedelta

from units.access import has_permission
from units.roles import Permission

from .models import PlanStatus, TaskStatus

# How long each text typed in a plan, a task, a progress report or an inspection may be
# (characters, after trimming); the forms and the services both read them from here.
PLAN_TITLE_MAX = 300
CONCLUSION_MAX = 20000
TASK_TITLE_MAX = 1000
MEASURABLE_TARGET_MAX = 300
OWNER_PERSON_MAX = 200
PROGRESS_NOTE_MAX = 5000  # "what was done"
INSPECTION_TITLE_MAX = 300
INSPECTION_TEXT_MAX = 10_000  # the team, the summary, a finding and its remedy

# Owners are reminded this many days before a task's deadline (and once it has passed).
TASK_REMINDER_DAYS = 7
# A plan drafted too late for the usual deadline gives its tasks this many days.
LATE_PLAN_DAYS = 90


def task_is_overdue(task, today: date) -> bool:
    """Past its deadline and not done. A task done late is not overdue: it is done."""
    return task.status != TaskStatus.DONE and task.deadline < today


def task_is_due_soon(task, today: date) -> bool:
    return task.status != TaskStatus.DONE and today <= task.deadline <= today + timedelta(
        days=TASK_REMINDER_DAYS
    )


def default_task_deadline(period_year: int, today: date) -> date:
    """Year N's results are published in N+1; what they teach must be done before N+1 is
    assessed, so a proposed task is due by the end of November of N+1 — or, for a plan drafted
    late (after September of N+1), three months from the day it is drafted."""
    return max(date(period_year + 1, 11, 30), today + timedelta(days=LATE_PLAN_DAYS))


def dashboard_order(task, today: date) -> tuple:
    """Overdue first (the longest overdue first), then by deadline; done tasks last."""
    done = task.status == TaskStatus.DONE
    return (done, not task_is_overdue(task, today), task.deadline, task.pk or 0)


def progress_reportable(user, task) -> bool:
    """Progress is reported by the owner unit's staff, on tasks of issued plans."""
    return progress_plan_open(task) and progress_reporter(user, task)


def progress_plan_open(task) -> bool:
    return task.plan.status == PlanStatus.ISSUED


def progress_reporter(user, task) -> bool:
    return has_permission(user, Permission.REPORT_TASK_PROGRESS, unit=task.owner_unit)
