"""The two state machines of the yearly cycle, declared completely in one place — the period's
rounds and each unit's assessment — and which work each state opens: the unit's entry, the
council's rounds, the unit's explanation.

scoring.services.transitions is the one door through which a status changes; it reads these
tables. A transition with no permission is the system's own (a management command, a beat
task, a score import): no person may ask for it."""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.dates import datetime_text
from units.roles import Permission


class PeriodStatus(models.TextChoices):
    SETUP = "setup", gettext_lazy("Setting up")
    SELF_ASSESSMENT = "self_assessment", gettext_lazy("Self-assessment")
    APPRAISAL = "appraisal", gettext_lazy("Appraisal")
    EXPLANATION = "explanation", gettext_lazy("Explanation round")
    SECOND_APPRAISAL = "second_appraisal", gettext_lazy("Second appraisal")
    FINALISING = "finalising", gettext_lazy("Finalising results")
    PUBLISHED = "published", gettext_lazy("Published")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    IN_APPRAISAL = "in_appraisal", gettext_lazy("In appraisal")
    EXPLANATION_REQUESTED = "explanation_requested", gettext_lazy("Explanation requested")
    EXPLAINED = "explained", gettext_lazy("Explained")
    APPRAISED = "appraised", gettext_lazy("Appraised")
    PUBLISHED = "published", gettext_lazy("Published")
    # The unit ceased to exist during the period (merged, split or dissolved): it leaves the
    # ranking; what it entered is kept and shown on its successors.
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn (unit reorganised)")


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    permissions: frozenset[Permission]  # any one of them allows the move; none: system only
    reason_required: bool = False

    @property
    def system_only(self) -> bool:
        return not self.permissions


S = AssessmentStatus
PS = PeriodStatus
P = Permission


def _t(source, target, *permissions, reason_required=False) -> Transition:
    return Transition(source, target, frozenset(permissions), reason_required)


ASSESSMENT_TRANSITIONS: tuple[Transition, ...] = (
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
    # The score import (a past year migrated from files): final scores settle the appraisal
    # wherever the unit stood, and any other stage imported into a published unit changes its
    # results, which must then be published again.
    _t(S.DRAFT, S.APPRAISED, reason_required=True),
    _t(S.SUBMITTED, S.APPRAISED, reason_required=True),
    _t(S.EXPLANATION_REQUESTED, S.APPRAISED, reason_required=True),
    _t(S.PUBLISHED, S.APPRAISED, reason_required=True),
    # A unit merged, split or dissolved during the period leaves it (units' reorganisation,
    # scoring.services.unit_changes); only before publication, and always with the reason.
    *[
        _t(source, S.WITHDRAWN, P.MANAGE_PERIOD, reason_required=True)
        for source in (
            S.DRAFT,
            S.SUBMITTED,
            S.IN_APPRAISAL,
            S.EXPLANATION_REQUESTED,
            S.EXPLAINED,
            S.APPRAISED,
        )
    ],
)

PERIOD_TRANSITIONS: tuple[Transition, ...] = (
    # Home Affairs opens a year it has set up; until then units do not see it.
    _t(PS.SETUP, PS.SELF_ASSESSMENT, P.MANAGE_PERIOD),
    # The council's rounds (scoring.services.appraisal.period_advance).
    _t(PS.SELF_ASSESSMENT, PS.APPRAISAL, P.MANAGE_PERIOD),
    _t(PS.APPRAISAL, PS.EXPLANATION, P.MANAGE_PERIOD),
    _t(PS.EXPLANATION, PS.SECOND_APPRAISAL, P.MANAGE_PERIOD),
    # Nobody was asked anything, or round 2 is done: the chair finalises what remains.
    _t(PS.APPRAISAL, PS.FINALISING, P.MANAGE_PERIOD),
    _t(PS.SECOND_APPRAISAL, PS.FINALISING, P.MANAGE_PERIOD),
    # Publishing needs every unit appraised, whatever round the period stands in: a past year
    # imported from files is published straight from set-up. A later version (a correction)
    # leaves the period published.
    *[
        _t(source, PS.PUBLISHED, P.PUBLISH_RESULTS)
        for source in PeriodStatus
        if source != PS.PUBLISHED
    ],
)

_ASSESSMENT_EDGES = {(t.source, t.target): t for t in ASSESSMENT_TRANSITIONS}
_PERIOD_EDGES = {(t.source, t.target): t for t in PERIOD_TRANSITIONS}


def assessment_transition_for(source: str, target: str) -> Transition | None:
    return _ASSESSMENT_EDGES.get((S(source), S(target)))


def period_transition_for(source: str, target: str) -> Transition | None:
    return _PERIOD_EDGES.get((PS(source), PS(target)))


# The council's rounds Home Affairs moves the period through, in the order of the cycle.
ROUND_TARGETS = (PS.APPRAISAL, PS.EXPLANATION, PS.SECOND_APPRAISAL, PS.FINALISING)


def period_round_targets(status: str) -> list[PeriodStatus]:
    """The rounds a period may move to from `status`."""
    return [target for target in ROUND_TARGETS if period_transition_for(status, target)]


# ---------------------------------------------------------------- what each state opens

# Periods in which the council works: a unit that submitted early can be appraised at once.
APPRAISAL_PERIODS = frozenset(
    {PS.SELF_ASSESSMENT, PS.APPRAISAL, PS.EXPLANATION, PS.SECOND_APPRAISAL, PS.FINALISING}
)
# Periods in which the council may still ask a unit to explain.
REQUEST_PERIODS = frozenset({PS.SELF_ASSESSMENT, PS.APPRAISAL})
# Statuses in which round 1 is written; a returned item is written in round 1 also while
# the unit's round 2 runs, when the unit was not asked about it.
ROUND_1_STATUSES = frozenset({S.SUBMITTED, S.IN_APPRAISAL})
# A unit whose assessment reached these was asked to explain (or went on without answering).
ASKED_STATUSES = frozenset({S.EXPLANATION_REQUESTED, S.EXPLAINED})


def self_assessment_closed_reason(assessment, *, now: datetime | None = None) -> str:
    """Why the unit can no longer change its entry; empty while it is open. The one rule that
    the form, autosave, evidence, upload and submit all obey."""
    now = now or timezone.now()
    if assessment.status != S.DRAFT:
        if assessment.status == S.SUBMITTED and assessment.submitted_at:
            return _("Submitted on %(when)s: the entry is read-only.") % {
                "when": datetime_text(assessment.submitted_at)
            }
        return _("The assessment is “%(status)s”: the self-assessment is read-only.") % {
            "status": S(assessment.status).label
        }
    period = assessment.period
    if period.status != PS.SELF_ASSESSMENT:
        return _("The period is not open for self-assessment (now: %(status)s).") % {
            "status": PS(period.status).label
        }
    deadline = assessment.self_assessment_deadline
    if deadline and now > deadline:
        return _(
            "The self-assessment deadline passed on %(when)s. Ask Home Affairs to reopen "
            "your unit's entry."
        ) % {"when": datetime_text(deadline)}
    return ""


def is_requested(score) -> bool:
    return bool(score and score.review_request)


def item_round(assessment, score) -> int | None:
    """The round an appraiser writes for this item now: 1, 2, or None (closed)."""
    if assessment.period.status not in APPRAISAL_PERIODS:
        return None
    if assessment.status in ROUND_1_STATUSES:
        return 1
    if assessment.status == S.EXPLAINED:
        if is_requested(score):
            return 2
        if score is None or score.appraised_at is None or score.return_note:
            return 1  # not reviewed in round 1 yet, or sent back by the chair
    return None


def item_closed_reason(assessment, score) -> str:
    """Why an appraiser cannot write this item now; empty when they can."""
    if item_round(assessment, score) is not None:
        return ""
    status = assessment.status
    if status in (S.APPRAISED, S.PUBLISHED):
        return _("The appraisal of this unit is finalised: it is read-only.")
    if status == S.DRAFT:
        return _("The unit has not submitted its self-assessment yet.")
    if status == S.EXPLANATION_REQUESTED:
        return _("Waiting for the unit's explanation.")
    if status == S.EXPLAINED:
        return _("The unit was not asked about this item: its round-1 value is final.")
    return _("The period is not in appraisal (now: %(status)s).") % {
        "status": PS(assessment.period.status).label
    }


def explanation_closed_reason(assessment, *, now: datetime | None = None) -> str:
    """Why the unit cannot answer the council now; empty while it can."""
    now = now or timezone.now()
    if assessment.status == S.EXPLAINED:
        return _("Your answers were sent: they are read-only.")
    if assessment.status != S.EXPLANATION_REQUESTED:
        return _("Your unit has no open explanation request.")
    deadline = assessment.period.explanation_deadline
    if deadline and now > deadline:
        return _("The explanation deadline has passed.")
    return ""
