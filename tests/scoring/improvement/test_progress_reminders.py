"""Task reminders in the daily reminder job: the owner unit's staff are told once when a
deadline is TASK_REMINDER_DAYS away or less and once when it has passed; never for a done task
or a draft plan's; a moved deadline is told again."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from scoring import tasks as periodic
from scoring.models import Notification, NotificationKind, TaskStatus
from scoring.remediation import TASK_REMINDER_DAYS
from scoring.services.remediation_progress import task_deadline_reminders
from tests.factories import RoleGrantFactory
from tests.scoring.improvement.progress_helpers import make_draft_plan, make_task
from units.roles import Role

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def _told(kind=NotificationKind.TASK_DEADLINE_NEAR):
    return sorted(
        (n.recipient.username, n.link, n.subject)
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    )


@pytest.fixture
def plan(issued_province_plan):
    return issued_province_plan


def test_due_soon_tells_the_owner_units_staff_once(
    plan, personas, mailoutbox, django_capture_on_commit_callbacks
):
    second = RoleGrantFactory(role=Role.UNIT_STAFF, unit=personas["unit_b"]).user
    for user in (personas["staff_b"], second):
        user.email = f"{user.username}@hoaan.gov.vn"
        user.save()
    task = make_task(plan, personas["unit_b"], TODAY + timedelta(days=TASK_REMINDER_DAYS))
    make_task(plan, personas["unit_a"], TODAY + timedelta(days=TASK_REMINDER_DAYS + 5))
    with django_capture_on_commit_callbacks(execute=True):
        assert task_deadline_reminders(today=TODAY) == 2
    assert task_deadline_reminders(today=TODAY) == 0
    assert task_deadline_reminders(today=TODAY + timedelta(days=1)) == 0  # still the same deadline
    told = _told()
    assert {username for username, _, _ in told} == {
        personas["staff_b"].username,
        second.username,
    }
    link = reverse("scoring:task_detail", args=[task.pk])
    assert {row[1] for row in told} == {link}
    assert "Sở Y tế: nhiệm vụ khắc phục" in told[0][2] and "27/11/2026" in told[0][2]
    assert len(mailoutbox) == 2 and link in mailoutbox[0].body


def test_overdue_is_told_once_more_when_the_deadline_passes(plan, personas):
    task = make_task(plan, personas["unit_b"], TODAY + timedelta(days=2))
    assert task_deadline_reminders(today=TODAY) == 1  # due soon
    assert task_deadline_reminders(today=TODAY + timedelta(days=2)) == 0  # due today: still soon
    assert task_deadline_reminders(today=TODAY + timedelta(days=3)) == 1  # overdue
    assert task_deadline_reminders(today=TODAY + timedelta(days=30)) == 0  # once only
    subjects = [row[2] for row in _told()]
    assert any("quá hạn" in subject for subject in subjects)
    # A moved deadline is a new deadline: told again when it comes near.
    task.deadline = TODAY + timedelta(days=40)
    task.save()
    assert task_deadline_reminders(today=TODAY + timedelta(days=35)) == 1


def test_no_reminder_for_a_done_task_a_far_deadline_or_a_draft_plan(
    plan, personas, improvement_year
):
    make_task(plan, personas["unit_b"], TODAY - timedelta(days=3), status=TaskStatus.DONE)
    make_task(plan, personas["unit_b"], TODAY + timedelta(days=1), status=TaskStatus.DONE)
    make_task(plan, personas["unit_b"], TODAY + timedelta(days=30))
    draft = make_draft_plan(improvement_year, personas["unit_b"], personas["staff_b"])
    make_task(draft, personas["unit_b"], TODAY + timedelta(days=1))
    make_task(draft, personas["unit_b"], TODAY - timedelta(days=1))
    assert task_deadline_reminders(today=TODAY) == 0
    assert not Notification.objects.exists()


def test_the_daily_job_and_the_command_send_task_reminders_too(plan, personas, monkeypatch):
    make_task(plan, personas["unit_b"], date.today() + timedelta(days=1))
    assert periodic.send_deadline_reminders() == 1
    make_task(plan, personas["unit_a"], date.today() - timedelta(days=1))
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "1" in out.getvalue()
    assert len(_told()) == 2
