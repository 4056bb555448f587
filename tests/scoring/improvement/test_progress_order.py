"""Overdue and the dashboard's order: the query sorts and filters as scoring.remediation
decides (dashboard_order, task_is_overdue), and the counts agree with the rows."""

from datetime import date, timedelta

import pytest

from scoring.models import PlanStatus, RemediationTask, TaskStatus
from scoring.remediation import dashboard_order, task_is_overdue
from scoring.selectors.remediation_progress import (
    OVERDUE,
    dashboard_counts,
    dashboard_tasks,
    unit_tasks,
)
from tests.factories import OrganiserFactory
from tests.scoring.improvement.progress_helpers import make_draft_plan, make_task

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)


@pytest.fixture
def tasks(issued_province_plan, improvement_year):
    units = improvement_year["units"]
    plan = issued_province_plan
    day = TODAY.toordinal()
    specs = [
        ("B", -30, TaskStatus.NOT_STARTED),  # overdue a month
        ("D", -1, TaskStatus.IN_PROGRESS),  # overdue since yesterday
        ("B", 0, TaskStatus.IN_PROGRESS),  # due today: not overdue
        ("C", 3, TaskStatus.NOT_STARTED),
        ("D", 40, TaskStatus.NOT_STARTED),
        ("E", -10, TaskStatus.DONE),  # done late: done, not overdue
        ("B", 5, TaskStatus.DONE),
        ("D", -30, TaskStatus.NOT_STARTED),  # same deadline as the first: by id
    ]
    made = [
        make_task(plan, units[code], date.fromordinal(day + offset), status=status)
        for code, offset, status in specs
    ]
    # A draft unit plan's task never shows on the dashboard.
    draft = make_draft_plan(improvement_year, units["B"], issued_province_plan.created_by)
    make_task(draft, units["B"], TODAY - timedelta(days=100))
    return made


def test_a_task_done_late_is_not_overdue_and_a_task_due_today_is_not_yet(tasks):
    done_late, due_today = tasks[5], tasks[2]
    assert done_late.deadline < TODAY and not task_is_overdue(done_late, TODAY)
    assert not task_is_overdue(due_today, TODAY)
    assert task_is_overdue(tasks[1], TODAY)


def test_the_dashboards_query_order_is_dashboard_order(tasks, personas):
    rows = list(dashboard_tasks(organisers=[personas["organiser"]], today=TODAY))
    expected = sorted(
        RemediationTask.objects.filter(plan__status=PlanStatus.ISSUED),
        key=lambda task: dashboard_order(task, TODAY),
    )
    assert [t.pk for t in rows] == [t.pk for t in expected]
    # Spelled out: the longest overdue first, then the other open tasks, done last.
    order = [tasks.index(t) for t in rows]
    assert order == [0, 7, 1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("offset", [-400, -1, 0, 1, 200])
def test_the_query_and_the_rule_agree_on_any_day(tasks, personas, offset):
    today = TODAY + timedelta(days=offset)
    rows = list(dashboard_tasks(organisers=[personas["organiser"]], today=today))
    assert rows == sorted(rows, key=lambda task: dashboard_order(task, today))
    overdue = dashboard_tasks(organisers=[personas["organiser"]], today=today, status=OVERDUE)
    assert {t.pk for t in overdue} == {t.pk for t in rows if task_is_overdue(t, today)}


def test_filters_and_counts(tasks, personas, improvement_year):
    organisers = [personas["organiser"]]
    counts = dashboard_counts(organisers=organisers, today=TODAY)
    assert counts == {"total": 8, "overdue": 3, "not_started": 4, "in_progress": 2, "done": 2}
    unit_d = improvement_year["units"]["D"]
    only_d = dashboard_tasks(organisers=organisers, today=TODAY, unit_id=unit_d.pk)
    assert {t.owner_unit_id for t in only_d} == {unit_d.pk} and len(only_d) == 3
    assert dashboard_counts(organisers=organisers, today=TODAY, unit_id=unit_d.pk)["overdue"] == 2
    done = dashboard_tasks(organisers=organisers, today=TODAY, status=TaskStatus.DONE)
    assert {t.status for t in done} == {TaskStatus.DONE}
    # An unknown status is no filter at all, never an error.
    assert len(dashboard_tasks(organisers=organisers, today=TODAY, status="xyz")) == 8


def test_another_organisers_dashboard_is_empty(tasks):
    other = OrganiserFactory(code="org-other")
    assert not dashboard_tasks(organisers=[other], today=TODAY).exists()


def test_a_units_list_holds_its_own_tasks_of_issued_plans_in_the_same_order(tasks, personas):
    rows = list(unit_tasks(user=personas["staff_b"], today=TODAY))
    assert [tasks.index(t) for t in rows] == [0, 2, 6]
    assert not unit_tasks(user=personas["home_affairs"], today=TODAY).exists()
