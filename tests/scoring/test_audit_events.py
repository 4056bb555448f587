"""The audit log's events are typed: one constructor per kind, nothing else can be written, and
no state is read back from the log's text. The admin moves a status only through the services
(never by editing the field), and every move it makes is audited like any other."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring.models import Assessment, AssessmentPeriod, AuditAction, AuditEntry
from scoring.selectors.explanation import explanation_sent
from scoring.services import audit
from scoring.services.transitions import assessment_move
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import AssessmentFactory, IndexSetFactory, PeriodFactory

S = AssessmentStatus


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_every_entry_of_a_whole_demo_year_is_a_declared_event(demo):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions <= set(AuditAction.values)
    assert {AuditAction.STATUS, AuditAction.PUBLISH, AuditAction.LOAD_DEMO} <= actions
    # The demo's own moves went through the door too: each has its event.
    submitted = Assessment.objects.filter(period__year=2026, status=S.SUBMITTED)
    for assessment in submitted:
        assert AuditEntry.objects.filter(
            assessment=assessment, action=AuditAction.STATUS, new_value=S.SUBMITTED
        ).exists()


def test_a_misspelt_event_cannot_be_written(personas):
    period = PeriodFactory(organiser=personas["organiser"])
    with pytest.raises(ValueError):
        audit.field_changes(
            action="self-score",  # not an AuditAction
            actor=personas["staff_a"],
            obj=period,
            before={"name": ""},
        )
    with pytest.raises(ValueError):
        audit.index_set_versioned(
            action=AuditAction.PUBLISH,
            actor=None,
            period=period,
            old_id=None,
            new_id=1,
            reason="",
        )


def test_whether_a_unit_was_asked_is_its_own_field_not_the_logs_text(personas):
    period = PeriodFactory(organiser=personas["organiser"], status=PeriodStatus.APPRAISAL)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    assessment = AssessmentFactory(
        period=period, unit=personas["unit_a"], index_set=index_set, status=S.IN_APPRAISAL
    )
    # Text in the log that once meant "asked" decides nothing now.
    audit.record(
        audit.status_changed(
            actor=None, obj=assessment, old=S.IN_APPRAISAL, new=S.EXPLANATION_REQUESTED
        )
    )
    assessment = Assessment.objects.select_related("period").get(pk=assessment.pk)
    with CaptureQueriesContext(connection) as queries:
        assert not explanation_sent(assessment)
    assert len(queries) == 0
    assessment_move(
        assessment=assessment, target=S.EXPLANATION_REQUESTED, by=personas["home_affairs"]
    )
    Assessment.objects.filter(pk=assessment.pk).update(status=S.APPRAISED)  # later on
    assessment = Assessment.objects.select_related("period").get(pk=assessment.pk)
    assert explanation_sent(assessment)


# ---------------------------------------------------------------- the admin


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["admin"])
    return client


def test_the_admin_cannot_edit_a_periods_status(admin_client, personas):
    period = PeriodFactory(organiser=personas["organiser"], status=PeriodStatus.SETUP)
    url = reverse("admin:scoring_assessmentperiod_change", args=[period.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="status"' not in page
    admin_client.post(
        url,
        {
            "organiser": personas["organiser"].pk,
            "year": period.year,
            "name": "Sửa tên",
            "status": PeriodStatus.PUBLISHED,
            "tie_breaker": "none",
        },
    )
    period.refresh_from_db()
    assert period.status == PeriodStatus.SETUP


def test_the_admin_does_not_open_a_period(admin_client, personas):
    """Opening the year is Home Affairs' (units.roles): the admin's action says so, and nothing
    moves."""
    period = PeriodFactory(
        organiser=personas["organiser"],
        status=PeriodStatus.SETUP,
        self_assessment_deadline=timezone.now() + timedelta(days=20),
    )
    IndexSetFactory(period=period, unit_kind=personas["kind"])
    changelist = reverse("admin:scoring_assessmentperiod_changelist")
    response = admin_client.post(
        changelist, {"action": "open_period", "_selected_action": [period.pk]}, follow=True
    )
    assert response.status_code == 200
    assert AssessmentPeriod.objects.get(pk=period.pk).status == PeriodStatus.SETUP
    assert not AuditEntry.objects.filter(period=period, action=AuditAction.STATUS).exists()
    assert not Assessment.objects.filter(period=period).exists()


def test_the_admins_deadlines_are_read_only(admin_client, personas):
    period = PeriodFactory(organiser=personas["organiser"], status=PeriodStatus.SETUP)
    page = admin_client.get(reverse("admin:scoring_assessmentperiod_change", args=[period.pk]))
    assert 'name="self_assessment_deadline' not in page.content.decode()


def test_a_status_or_publication_event_is_not_written_as_a_field_change(personas):
    period = PeriodFactory(organiser=personas["organiser"])
    for action in (AuditAction.STATUS, AuditAction.PUBLISH, AuditAction.CREATE):
        with pytest.raises(ValueError):
            audit.field_changes(action=action, actor=None, obj=period, before={"status": "x"})
