"""The statuses of a period and of an assessment, and every allowed assessment transition —
declared once; scoring.services.assessments applies them."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from units.roles import Permission


class PeriodStatus(models.TextChoices):
    SETUP = "setup", _("Setting up")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    APPRAISAL = "appraisal", _("Appraisal")
    EXPLANATION = "explanation", _("Explanation round")
    SECOND_APPRAISAL = "second_appraisal", _("Second appraisal")
    FINALISING = "finalising", _("Finalising results")
    PUBLISHED = "published", _("Published")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_APPRAISAL = "in_appraisal", _("In appraisal")
    EXPLANATION_REQUESTED = "explanation_requested", _("Explanation requested")
    EXPLAINED = "explained", _("Explained")
    APPRAISED = "appraised", _("Appraised")
    PUBLISHED = "published", _("Published")


@dataclass(frozen=True)
class Transition:
    source: AssessmentStatus
    target: AssessmentStatus
    permissions: frozenset[Permission]  # any one of them allows the move
    reason_required: bool = False


S = AssessmentStatus
P = Permission


def _t(source, target, *permissions, reason_required=False) -> Transition:
    return Transition(source, target, frozenset(permissions), reason_required)


TRANSITIONS: tuple[Transition, ...] = (
    _t(S.DRAFT, S.SUBMITTED, P.SUBMIT_SELF_ASSESSMENT),
    # Only the organiser reopens a submitted entry, and says why.
    _t(S.SUBMITTED, S.DRAFT, P.REOPEN_SELF_ASSESSMENT, reason_required=True),
    # Appraisal of a submitted unit starts with its appraisers' first save (or for every unit
    # when Home Affairs opens the appraisal).
    _t(S.SUBMITTED, S.IN_APPRAISAL, P.MANAGE_PERIOD, P.APPRAISE),
    # At the self-assessment deadline, appraisal opens on whatever a unit entered.
    _t(S.DRAFT, S.IN_APPRAISAL, P.MANAGE_PERIOD),
    _t(S.IN_APPRAISAL, S.EXPLANATION_REQUESTED, P.MANAGE_PERIOD),
    _t(S.EXPLANATION_REQUESTED, S.EXPLAINED, P.ANSWER_EXPLANATION, P.MANAGE_PERIOD),
    _t(S.IN_APPRAISAL, S.APPRAISED, P.FINALISE_APPRAISAL),
    _t(S.EXPLAINED, S.APPRAISED, P.FINALISE_APPRAISAL),
    _t(S.APPRAISED, S.IN_APPRAISAL, P.REOPEN_APPRAISAL, reason_required=True),
    # Reopening a unit that was asked and answered returns it to round 2.
    _t(S.APPRAISED, S.EXPLAINED, P.REOPEN_APPRAISAL, reason_required=True),
    _t(S.APPRAISED, S.PUBLISHED, P.PUBLISH_RESULTS),
    # A correction after publication goes back through appraisal and is republished as a new
    # version; the published snapshot stays as it was.
    _t(S.PUBLISHED, S.IN_APPRAISAL, P.REOPEN_APPRAISAL, reason_required=True),
)

_BY_EDGE = {(t.source, t.target): t for t in TRANSITIONS}


def find_transition(source: str, target: str) -> Transition | None:
    return _BY_EDGE.get((AssessmentStatus(source), AssessmentStatus(target)))


# The council's rounds, moved by Home Affairs (scoring.services.appraisal.period_advance).
PERIOD_TRANSITIONS: frozenset[tuple[PeriodStatus, PeriodStatus]] = frozenset(
    {
        (PeriodStatus.SELF_ASSESSMENT, PeriodStatus.APPRAISAL),
        (PeriodStatus.APPRAISAL, PeriodStatus.EXPLANATION),
        (PeriodStatus.EXPLANATION, PeriodStatus.SECOND_APPRAISAL),
        # Nobody was asked anything, or round 2 is done: the chair finalises what remains.
        (PeriodStatus.APPRAISAL, PeriodStatus.FINALISING),
        (PeriodStatus.SECOND_APPRAISAL, PeriodStatus.FINALISING),
    }
)
