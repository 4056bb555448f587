"""The two state machines, through the one door: every declared move by the role (or the system)
that may make it, every other move refused, reasons where the rules want them, the times a move
stamps, bulk moves, and one typed audit event per row moved."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.exceptions import StatusConflict, TransitionRefused
from scoring.models import Assessment, AssessmentPeriod, AuditAction, AuditEntry
from scoring.services.periods import period_open, period_open_assessments
from scoring.services.transitions import (
    SYSTEM,
    assessment_move,
    assessments_move,
    period_move,
)
from scoring.workflow import (
    ASSESSMENT_TRANSITIONS,
    PERIOD_TRANSITIONS,
    AssessmentStatus,
    PeriodStatus,
    assessment_transition_for,
    period_transition_for,
)
from tests.factories import AssessmentFactory, IndexSetFactory, PeriodFactory, UnitFactory

S = AssessmentStatus
PS = PeriodStatus
# Who makes each allowed move in the matrices below ("system": a command, a beat task, the
# score import — no person may).
ACTOR = {
    (S.DRAFT, S.SUBMITTED): "staff_a",
    (S.SUBMITTED, S.DRAFT): "home_affairs",
    (S.SUBMITTED, S.IN_APPRAISAL): "home_affairs",
    (S.DRAFT, S.IN_APPRAISAL): "home_affairs",
    (S.IN_APPRAISAL, S.EXPLANATION_REQUESTED): "home_affairs",
    (S.EXPLANATION_REQUESTED, S.EXPLAINED): "staff_a",
    (S.IN_APPRAISAL, S.APPRAISED): "chair",
    (S.EXPLAINED, S.APPRAISED): "chair",
    (S.APPRAISED, S.IN_APPRAISAL): "chair",
    (S.APPRAISED, S.EXPLAINED): "chair",
    (S.APPRAISED, S.PUBLISHED): "home_affairs",
    (S.PUBLISHED, S.IN_APPRAISAL): "chair",
    (S.DRAFT, S.APPRAISED): "system",
    (S.SUBMITTED, S.APPRAISED): "system",
    (S.EXPLANATION_REQUESTED, S.APPRAISED): "system",
    (S.PUBLISHED, S.APPRAISED): "system",
    # A unit merged, split or dissolved during the period leaves it, before publication only.
    **{
        (source, S.WITHDRAWN): "home_affairs"
        for source in S
        if source not in (S.PUBLISHED, S.WITHDRAWN)
    },
}
PERIOD_ACTOR = {
    (PS.SETUP, PS.SELF_ASSESSMENT): "home_affairs",
    (PS.SELF_ASSESSMENT, PS.APPRAISAL): "home_affairs",
    (PS.APPRAISAL, PS.EXPLANATION): "home_affairs",
    (PS.EXPLANATION, PS.SECOND_APPRAISAL): "home_affairs",
    (PS.APPRAISAL, PS.FINALISING): "home_affairs",
    (PS.SECOND_APPRAISAL, PS.FINALISING): "home_affairs",
    **{(source, PS.PUBLISHED): "home_affairs" for source in PS if source != PS.PUBLISHED},
}
REASON = "Đơn vị xin bổ sung tài liệu"


@pytest.fixture
def assessment(personas):
    period = PeriodFactory(organiser=personas["organiser"])
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    return AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)


def at(assessment, status):
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    assessment.refresh_from_db()
    return assessment


def actor(personas, name):
    return SYSTEM if name == "system" else personas[name]


def test_every_declared_transition_has_an_actor_here():
    assert {(t.source, t.target) for t in ASSESSMENT_TRANSITIONS} == set(ACTOR)
    assert {(t.source, t.target) for t in PERIOD_TRANSITIONS} == set(PERIOD_ACTOR)
    system_only = {(t.source, t.target) for t in ASSESSMENT_TRANSITIONS if t.system_only}
    assert system_only == {edge for edge, name in ACTOR.items() if name == "system"}


@pytest.mark.parametrize(("source", "target"), list(ACTOR), ids=str)
def test_allowed_transition_by_its_role(personas, assessment, source, target):
    at(assessment, source)
    reason = REASON if assessment_transition_for(source, target).reason_required else ""
    by = actor(personas, ACTOR[source, target])
    assessment_move(assessment=assessment, target=target, by=by, reason=reason)
    assert assessment.status == target
    entry = AuditEntry.objects.get(assessment=assessment, action=AuditAction.STATUS)
    assert (entry.old_value, entry.new_value, entry.reason) == (source, target, reason)
    assert entry.actor == by


REFUSED = [(s, t) for s, t in itertools.product(S, S) if (s, t) not in ACTOR]


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=str)
def test_every_other_transition_is_refused_even_to_the_system(personas, assessment, source, target):
    at(assessment, source)
    with pytest.raises(TransitionRefused):
        assessment_move(assessment=assessment, target=target, by=SYSTEM, reason=REASON)
    assert Assessment.objects.get(pk=assessment.pk).status == source
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("source", "target", "wrong_persona"),
    [
        (S.DRAFT, S.SUBMITTED, "staff_b"),
        (S.DRAFT, S.SUBMITTED, "home_affairs"),
        (S.SUBMITTED, S.DRAFT, "staff_a"),
        (S.IN_APPRAISAL, S.APPRAISED, "appraiser"),
        (S.APPRAISED, S.PUBLISHED, "chair"),
        (S.APPRAISED, S.PUBLISHED, "admin"),
        # The import's own moves: no person may make them, Home Affairs and the admin included.
        (S.DRAFT, S.APPRAISED, "home_affairs"),
        (S.PUBLISHED, S.APPRAISED, "admin"),
    ],
)
def test_wrong_role_is_refused(personas, assessment, source, target, wrong_persona):
    at(assessment, source)
    with pytest.raises(PermissionDenied):
        assessment_move(
            assessment=assessment, target=target, by=personas[wrong_persona], reason="lý do"
        )
    assert Assessment.objects.get(pk=assessment.pk).status == source


def test_reopening_needs_a_reason(personas, assessment):
    at(assessment, S.SUBMITTED)
    with pytest.raises(TransitionRefused, match="lý do"):
        assessment_move(
            assessment=assessment, target=S.DRAFT, by=personas["home_affairs"], reason="   "
        )
    assert Assessment.objects.get(pk=assessment.pk).status == S.SUBMITTED


def test_a_move_made_meanwhile_by_someone_else_is_not_overwritten(personas, assessment):
    stale = Assessment.objects.get(pk=assessment.pk)
    assessment_move(assessment=assessment, target=S.SUBMITTED, by=personas["staff_a"])
    with pytest.raises(StatusConflict):
        assessment_move(assessment=stale, target=S.IN_APPRAISAL, by=personas["home_affairs"])
    assert Assessment.objects.get(pk=assessment.pk).status == S.SUBMITTED


def test_a_guard_refusal_changes_nothing(personas, assessment):
    def guard(locked):
        raise TransitionRefused("Chưa đủ điều kiện", ["Mục 1.1 chưa chấm"])

    told = []
    with pytest.raises(TransitionRefused) as refusal:
        assessment_move(
            assessment=assessment,
            target=S.SUBMITTED,
            by=personas["staff_a"],
            guard=guard,
            notify=told.append,
        )
    assert refusal.value.messages == ["Chưa đủ điều kiện", "Mục 1.1 chưa chấm"]
    assert Assessment.objects.get(pk=assessment.pk).status == S.DRAFT
    assert told == [] and not AuditEntry.objects.exists()


def test_submission_finalisation_and_request_times_are_stamped(personas, assessment):
    assessment_move(assessment=assessment, target=S.SUBMITTED, by=personas["staff_a"])
    assert assessment.submitted_at is not None
    assessment_move(
        assessment=assessment,
        target=S.DRAFT,
        by=personas["home_affairs"],
        reason="Mở lại để bổ sung",
    )
    assert assessment.submitted_at is None
    at(assessment, S.IN_APPRAISAL)
    assert assessment.explanation_sent_at is None
    assessment_move(
        assessment=assessment, target=S.EXPLANATION_REQUESTED, by=personas["home_affairs"]
    )
    assert assessment.explanation_sent_at is not None
    at(assessment, S.IN_APPRAISAL)
    assessment_move(assessment=assessment, target=S.APPRAISED, by=personas["chair"])
    assert assessment.finalised_at is not None


def test_many_rows_move_in_bulk_with_one_event_each(personas):
    period = PeriodFactory(organiser=personas["organiser"])
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    units = [UnitFactory(organiser=personas["organiser"], kind=personas["kind"]) for _ in range(30)]
    rows = [AssessmentFactory(period=period, unit=u, index_set=index_set) for u in units]
    Assessment.objects.filter(pk__in=[a.pk for a in rows[:10]]).update(status=S.SUBMITTED)
    rows = list(Assessment.objects.filter(period=period).select_related("unit", "period"))
    with CaptureQueriesContext(connection) as queries:
        moved = assessments_move(
            assessments=rows, target=S.IN_APPRAISAL, by=personas["home_affairs"]
        )
    assert len(moved) == 30
    # Two sources (draft, submitted): one conditional UPDATE each, one INSERT of the events.
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert (statements.count("UPDATE"), statements.count("INSERT")) == (2, 1)
    assert set(Assessment.objects.filter(period=period).values_list("status", flat=True)) == {
        S.IN_APPRAISAL
    }
    events = AuditEntry.objects.filter(action=AuditAction.STATUS, period=period)
    assert events.count() == 30
    assert set(events.values_list("old_value", flat=True)) == {S.DRAFT, S.SUBMITTED}


def test_a_bulk_move_refuses_as_a_whole_when_one_row_moved_meanwhile(personas):
    period = PeriodFactory(organiser=personas["organiser"])
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    b = AssessmentFactory(period=period, unit=personas["unit_b"], index_set=index_set)
    stale = list(Assessment.objects.filter(pk__in=[a.pk, b.pk]).select_related("unit", "period"))
    Assessment.objects.filter(pk=b.pk).update(status=S.SUBMITTED)  # someone else, meanwhile
    with pytest.raises(StatusConflict):
        assessments_move(assessments=stale, target=S.IN_APPRAISAL, by=personas["home_affairs"])
    assert Assessment.objects.get(pk=a.pk).status == S.DRAFT
    assert not AuditEntry.objects.exists()


# ---------------------------------------------------------------- the period


@pytest.mark.parametrize(("source", "target"), list(PERIOD_ACTOR), ids=str)
def test_every_declared_period_move_by_home_affairs(personas, source, target):
    period = PeriodFactory(organiser=personas["organiser"], status=source)
    assert period_transition_for(source, target) is not None
    period_move(period=period, target=target, by=personas["home_affairs"])
    assert AssessmentPeriod.objects.get(pk=period.pk).status == target
    entry = AuditEntry.objects.get(period=period, action=AuditAction.STATUS)
    assert (entry.old_value, entry.new_value) == (source, target)


PERIOD_REFUSED = [(s, t) for s, t in itertools.product(PS, PS) if (s, t) not in PERIOD_ACTOR]


@pytest.mark.parametrize(("source", "target"), PERIOD_REFUSED, ids=str)
def test_every_other_period_move_is_refused(personas, source, target):
    period = PeriodFactory(organiser=personas["organiser"], status=source)
    with pytest.raises(TransitionRefused):
        period_move(period=period, target=target, by=SYSTEM)
    assert AssessmentPeriod.objects.get(pk=period.pk).status == source


@pytest.mark.parametrize("persona", ["staff_a", "appraiser", "chair"])
def test_only_home_affairs_moves_a_period(personas, persona):
    period = PeriodFactory(organiser=personas["organiser"], status=PS.SETUP)
    with pytest.raises(PermissionDenied):
        period_move(period=period, target=PS.SELF_ASSESSMENT, by=personas[persona])
    assert AssessmentPeriod.objects.get(pk=period.pk).status == PS.SETUP


def test_opening_a_period_needs_an_index_set_and_a_future_deadline(personas):
    from datetime import timedelta

    from django.utils import timezone

    period = PeriodFactory(organiser=personas["organiser"], year=2026, status=PS.SETUP)
    with pytest.raises(TransitionRefused) as refusal:
        period_open(period=period, by=personas["home_affairs"])
    assert len(refusal.value.problems) == 2
    IndexSetFactory(period=period, unit_kind=personas["kind"])
    period.self_assessment_deadline = timezone.now() + timedelta(days=10)
    period.save()
    period_open(period=period, by=personas["home_affairs"])
    period.refresh_from_db()
    assert period.status == PS.SELF_ASSESSMENT
    assert Assessment.objects.filter(period=period).count() == 2


def test_opening_a_period_creates_one_assessment_per_unit_that_exists_that_year(personas):
    period = PeriodFactory(organiser=personas["organiser"], year=2026)
    IndexSetFactory(period=period, unit_kind=personas["kind"])
    UnitFactory(
        code="OLD", organiser=personas["organiser"], kind=personas["kind"], valid_to_year=2025
    )
    UnitFactory(code="OFF", organiser=personas["organiser"], kind=personas["kind"], active=False)
    assert period_open_assessments(period=period) == 2
    assert period_open_assessments(period=period) == 0  # idempotent
    assert set(period.assessments.values_list("unit__code", flat=True)) == {"A", "B"}


def test_a_callers_own_check_never_opens_the_systems_moves_to_a_person(personas, assessment):
    at(assessment, S.PUBLISHED)
    with pytest.raises(PermissionDenied):
        assessment_move(
            assessment=assessment,
            target=S.APPRAISED,
            by=personas["home_affairs"],
            reason="lý do",
            permission_checked=True,
        )
    assert Assessment.objects.get(pk=assessment.pk).status == S.PUBLISHED
