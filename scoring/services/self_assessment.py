"""A unit's self-assessment: saving one item with an optimistic lock, submitting, and Home
Affairs' reopen and extension.

What may be entered is checked by scoring.entries.self_entry_clean and when the entry is open
by scoring.workflow.self_assessment_closed_reason; the form, the autosave endpoint and the Excel
upload all save through `self_score_save`."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.dates import datetime_text
from scoring.entries import SELF_FIELDS, SelfEntry, check_entered_item, entry_of, stored
from scoring.exceptions import EntryClosed, ScoreConflict, TransitionRefused
from scoring.models import Assessment, AssessmentPeriod, AuditAction, IndexItem, Score
from scoring.selectors.self_assessment import self_assessment
from scoring.workflow import AssessmentStatus, PeriodStatus, self_assessment_closed_reason
from units.access import acts_for, has_permission
from units.roles import Permission

from . import audit
from .index_set_replace import score_redos_resolve
from .period_setup import period_deadline_change
from .transitions import assessment_move

# ---------------------------------------------------------------- when the entry is open


def _check_open(assessment: Assessment) -> None:
    closed = self_assessment_closed_reason(assessment)
    if closed:
        raise EntryClosed(closed)


def _check_may_edit(assessment: Assessment, by) -> None:
    if not has_permission(by, Permission.EDIT_SELF_ASSESSMENT, unit=assessment.unit):
        raise PermissionDenied(_("Only your unit's staff can change its self-assessment."))
    _check_open(assessment)


# ---------------------------------------------------------------- saving


def self_score_save(
    *, assessment: Assessment, item: IndexItem, entry: SelfEntry, expected_version: int, by
) -> Score:
    """Store one item's self-assessment if nobody changed it since `expected_version` (0 when
    the user saw no score yet). Raises ScoreConflict otherwise: the last write never silently
    wins. Audited field by field."""
    _check_may_edit(assessment, by)
    if item.index_set_id != assessment.index_set_id:
        raise ValidationError(_("This item belongs to another index set."))
    check_entered_item(item)  # survey and data items are Home Affairs', whatever the caller
    try:
        with transaction.atomic():
            # Locked, then checked again: a submission or a reopening that lands meanwhile
            # decides, not the state read when the request began.
            locked = (
                Assessment.objects.select_for_update(of=("self",))
                .select_related("period")
                .get(pk=assessment.pk)
            )
            _check_open(locked)
            # No join here: PostgreSQL cannot lock the nullable side of an outer join.
            score = (
                Score.objects.select_for_update().filter(assessment=assessment, item=item).first()
            )
            if (score.version if score else 0) != expected_version:
                raise ScoreConflict(score)
            if score is None:
                score = Score(assessment=assessment, item=item, version=0)
                if entry == SelfEntry():
                    return score  # nothing entered yet: no row to keep
            elif entry_of(score) == entry:  # compared as numbers: 1.0000 == 1
                return score  # nothing changed: keep the version, write nothing
            before = audit.audit_snapshot(score, SELF_FIELDS)
            _apply(score, entry)
            score.version += 1
            score.updated_by = by
            score.save()
            score.assessment = assessment
            audit.record(
                audit.field_changes(
                    action=AuditAction.SELF_SCORE, actor=by, obj=score, before=before
                )
            )
            score_redos_resolve(assessment=assessment, item=item)
    except IntegrityError as exc:
        # Another tab created the row between our read and our insert.
        raise ScoreConflict(
            Score.objects.select_related("updated_by")
            .filter(assessment=assessment, item=item)
            .first()
        ) from exc
    return score


def _apply(score: Score, entry: SelfEntry) -> None:
    score.self_points = stored(entry.points)
    score.self_ratio = stored(entry.ratio)
    score.not_applicable = entry.not_applicable
    score.not_applicable_reason = entry.not_applicable_reason
    score.self_note = entry.note


# ---------------------------------------------------------------- submitting


def assessment_submit(*, assessment: Assessment, by) -> Assessment:
    """Submit the entry; refused while the entry is closed or any item needs attention. The
    check runs under the assessment's row lock, which every save also takes, so an item
    cleared in the same instant cannot slip through. After this the entry is read-only."""
    if not has_permission(by, Permission.SUBMIT_SELF_ASSESSMENT, unit=assessment.unit):
        raise PermissionDenied(_("Only your unit's staff can submit its self-assessment."))
    _check_open(assessment)

    def guard(locked: Assessment) -> None:
        _check_open(locked)
        problems = self_assessment(locked, with_evidence=False).problems
        if problems:
            raise TransitionRefused(
                _("The self-assessment cannot be submitted yet: %(n)s item(s) need attention.")
                % {"n": len(problems)}
            )

    return assessment_move(
        assessment=assessment, target=AssessmentStatus.SUBMITTED, by=by, guard=guard
    )


# ---------------------------------------------------------------- Home Affairs


def assessment_reopen(*, assessment: Assessment, by, reason: str, until: datetime) -> Assessment:
    """Reopen one unit's self-assessment with a reason and its own new deadline (audited):
    a submitted entry goes back to draft, a late unit gets time to finish."""
    if not has_permission(by, Permission.REOPEN_SELF_ASSESSMENT, unit=assessment.unit):
        raise PermissionDenied(_("Only Home Affairs can reopen a unit's self-assessment."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for reopening.")})
    if until <= timezone.now():
        raise ValidationError({"until": _("The new deadline must be in the future.")})
    if assessment.period.status != PeriodStatus.SELF_ASSESSMENT:
        raise TransitionRefused(
            _("The period is not in self-assessment (now: %(status)s).")
            % {"status": PeriodStatus(assessment.period.status).label}
        )
    if assessment.status not in (AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED):
        raise TransitionRefused(
            _("The assessment is already “%(status)s” and cannot be reopened here.")
            % {"status": AssessmentStatus(assessment.status).label}
        )
    with transaction.atomic():
        if assessment.status == AssessmentStatus.SUBMITTED:
            assessment_move(
                assessment=assessment, target=AssessmentStatus.DRAFT, by=by, reason=reason
            )
        before = audit.audit_snapshot(assessment, ["unit_deadline"])
        assessment.unit_deadline = until
        assessment.save(update_fields=["unit_deadline", "updated_at"])
        audit.record(
            audit.field_changes(
                action=AuditAction.REOPEN, actor=by, obj=assessment, before=before, reason=reason
            )
        )
    return assessment


def period_deadline_extend(
    *, period: AssessmentPeriod, by, deadline: datetime, reason: str
) -> AssessmentPeriod:
    """Move the self-assessment deadline later for every unit: the dashboard's “extend”. The
    rules of any deadline change (reason, order, audit, who is told) are
    scoring.services.period_setup.period_deadline_change's."""
    if not acts_for(by, Permission.MANAGE_PERIOD, period.organiser_id):
        raise PermissionDenied(_("Only Home Affairs can change the period's deadlines."))
    current = period.self_assessment_deadline
    if current and deadline <= current:
        raise ValidationError(
            {
                "deadline": _("The new deadline must be later than the current one (%(when)s).")
                % {"when": datetime_text(current)}
            }
        )
    try:
        return period_deadline_change(
            period=period,
            field="self_assessment_deadline",
            deadline=deadline,
            reason=reason,
            by=by,
        )
    except ValidationError as exc:
        # This form has one deadline field: say it there.
        raise ValidationError(
            {
                ("deadline" if name == "self_assessment_deadline" else name): messages
                for name, messages in exc.message_dict.items()
            }
        ) from exc


def evidence_closed_check(assessment: Assessment, by) -> None:
    """Evidence follows the same lock as the scores it supports."""
    _check_may_edit(assessment, by)
