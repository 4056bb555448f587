"""The assessment state machine: every allowed move by the role that may make it, every other
move refused, reasons where the rules want them, all of it in the audit log."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from scoring.models import Assessment, AuditEntry
from scoring.services.assessments import assessment_transition, period_open_assessments
from scoring.workflow import TRANSITIONS, AssessmentStatus, find_transition
from tests.factories import AssessmentFactory, IndexSetFactory, PeriodFactory, UnitFactory

S = AssessmentStatus
# Who makes each allowed move in the matrix below.
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
}


@pytest.fixture
def assessment(personas):
    period = PeriodFactory(organiser=personas["organiser"])
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    return AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)


def test_every_declared_transition_has_an_actor_here():
    assert {(t.source, t.target) for t in TRANSITIONS} == set(ACTOR)


@pytest.mark.parametrize(("source", "target"), list(ACTOR), ids=lambda s: str(s))
def test_allowed_transition_by_its_role(personas, assessment, source, target):
    Assessment.objects.filter(pk=assessment.pk).update(status=source)
    assessment.refresh_from_db()
    reason = (
        "Đơn vị xin bổ sung tài liệu" if find_transition(source, target).reason_required else ""
    )
    assessment_transition(
        assessment=assessment, target=target, by=personas[ACTOR[source, target]], reason=reason
    )
    assert assessment.status == target
    entry = AuditEntry.objects.get(assessment=assessment, action="transition")
    assert (entry.old_value, entry.new_value, entry.reason) == (source, target, reason)
    assert entry.actor == personas[ACTOR[source, target]]


REFUSED = [(s, t) for s, t in itertools.product(S, S) if (s, t) not in ACTOR]


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=lambda s: str(s))
def test_every_other_transition_is_refused(personas, assessment, source, target):
    Assessment.objects.filter(pk=assessment.pk).update(status=source)
    assessment.refresh_from_db()
    with pytest.raises(ValidationError):
        assessment_transition(assessment=assessment, target=target, by=None)
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
    ],
)
def test_wrong_role_is_refused(personas, assessment, source, target, wrong_persona):
    Assessment.objects.filter(pk=assessment.pk).update(status=source)
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        assessment_transition(
            assessment=assessment, target=target, by=personas[wrong_persona], reason="lý do"
        )
    assert Assessment.objects.get(pk=assessment.pk).status == source


def test_reopening_needs_a_reason(personas, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(status=S.SUBMITTED)
    assessment.refresh_from_db()
    with pytest.raises(ValidationError):
        assessment_transition(
            assessment=assessment, target=S.DRAFT, by=personas["home_affairs"], reason="   "
        )
    assert Assessment.objects.get(pk=assessment.pk).status == S.SUBMITTED


def test_a_move_made_meanwhile_by_someone_else_is_not_overwritten(personas, assessment):
    stale = Assessment.objects.get(pk=assessment.pk)
    assessment_transition(assessment=assessment, target=S.SUBMITTED, by=personas["staff_a"])
    with pytest.raises(ValidationError):
        assessment_transition(assessment=stale, target=S.IN_APPRAISAL, by=personas["home_affairs"])
    assert Assessment.objects.get(pk=assessment.pk).status == S.SUBMITTED


def test_submission_and_finalisation_times_are_kept(personas, assessment):
    assessment_transition(assessment=assessment, target=S.SUBMITTED, by=personas["staff_a"])
    assert assessment.submitted_at is not None
    assessment_transition(
        assessment=assessment,
        target=S.DRAFT,
        by=personas["home_affairs"],
        reason="Mở lại để bổ sung",
    )
    assert assessment.submitted_at is None


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
