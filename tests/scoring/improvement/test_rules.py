"""The improvement rules of scoring.remediation: a proposed task's deadline, overdue, due soon."""

from datetime import date

from scoring.models import RemediationTask, TaskStatus
from scoring.remediation import default_task_deadline, task_is_due_soon, task_is_overdue


def test_a_proposed_task_is_due_by_the_end_of_november_after_publication():
    assert default_task_deadline(2025, date(2026, 4, 10)) == date(2026, 11, 30)


def test_a_plan_drafted_late_gives_its_tasks_three_months_never_a_past_deadline():
    assert default_task_deadline(2025, date(2026, 12, 4)) == date(2027, 3, 4)
    assert default_task_deadline(2025, date(2026, 9, 1)) == date(2026, 11, 30)


def test_a_task_done_late_is_done_not_overdue():
    task = RemediationTask(deadline=date(2026, 5, 1), status=TaskStatus.IN_PROGRESS)
    assert task_is_overdue(task, date(2026, 5, 2)) and not task_is_overdue(task, date(2026, 5, 1))
    task.status = TaskStatus.DONE
    assert not task_is_overdue(task, date(2026, 6, 1))


def test_due_soon_is_the_week_before_the_deadline():
    task = RemediationTask(deadline=date(2026, 5, 10), status=TaskStatus.NOT_STARTED)
    assert task_is_due_soon(task, date(2026, 5, 3)) and task_is_due_soon(task, date(2026, 5, 10))
    assert not task_is_due_soon(task, date(2026, 5, 2))
    assert not task_is_due_soon(task, date(2026, 5, 11))
