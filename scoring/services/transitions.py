"""The one door through which an assessment's or a period's status changes.

Every move — a unit submitting, the chair finalising, Home Affairs opening a round for every
unit, a publication, a score import settling a past year — goes through `assessment_move`,
`assessments_move` or `period_move`. They check the move against scoring.workflow, check who
is acting, make a conditional update (a row somebody else moved meanwhile is not overwritten),
stamp the times the move implies, and write one typed audit event per row moved, in bulk when
many rows move.

`assessment_move` is also the guarded helper the single-unit actions share: lock the row, run
the action's own check (`guard`), move, then tell people (`notify`); the e-mails of a
notification leave only after commit, and a failed enqueue never undoes the move."""

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.exceptions import StatusConflict, TransitionRefused
from scoring.models import Assessment, AssessmentPeriod
from scoring.signals import period_moved
from scoring.workflow import (
    AssessmentStatus,
    PeriodStatus,
    Transition,
    assessment_transition_for,
    period_transition_for,
)
from units.access import acts_for, has_permission

from . import audit

S = AssessmentStatus
SYSTEM = None  # the actor of a move the system makes itself (a command, a beat task, an import)


def _stamps(target: str, now) -> dict:
    """The times a move implies: when the unit submitted, when the council finalised, when
    the unit was asked to explain."""
    if target == S.SUBMITTED:
        return {"submitted_at": now}
    if target == S.DRAFT:
        return {"submitted_at": None}
    if target == S.APPRAISED:
        return {"finalised_at": now}
    if target == S.IN_APPRAISAL:
        return {"finalised_at": None}  # a reopened appraisal is no longer final
    if target == S.EXPLANATION_REQUESTED:
        return {"explanation_sent_at": now}
    return {}


def _assessment_transition(source: str, target: str) -> Transition:
    transition = assessment_transition_for(source, target)
    if transition is None:
        raise TransitionRefused(
            _("An assessment cannot go from “%(source)s” to “%(target)s”.")
            % {"source": S(source).label, "target": S(target).label}
        )
    return transition


def _check_actor(
    transition: Transition, by, allowed: Callable[[object], bool], message: str
) -> None:
    if by is SYSTEM:
        return
    if transition.system_only or not any(allowed(p) for p in transition.permissions):
        raise PermissionDenied(message)


def _check_system_only(transition: Transition, by) -> None:
    """The system's own moves (the score import's) are refused to every person, whatever the
    caller has checked before."""
    if by is not SYSTEM and transition.system_only:
        raise PermissionDenied(_("This change is made only by the system (the score import)."))


def _assessment_refusal() -> str:
    return _("You may not make this change to this unit's assessment.")


def _check_reason(transition: Transition, reason: str) -> str:
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise TransitionRefused(_("Please give a reason for this change."))
    return reason


def assessments_move(
    *,
    assessments: Iterable[Assessment],
    target: str,
    by,
    reason: str = "",
    permission_checked: bool = False,
) -> list[Assessment]:
    """Move every one of `assessments` (loaded with their current status) to `target`: one
    conditional UPDATE per source status and one audit event per row, in bulk. Refused as a
    whole if any row may not move, or if any was moved by someone else meanwhile.

    `by=SYSTEM` skips the permission check, as does `permission_checked` for a move that
    follows from an action the caller has already checked more narrowly (an area appraiser's
    first save starts the unit's appraisal)."""
    rows = list(assessments)
    if not rows:
        return rows
    target = S(target)
    by_source: dict[str, list[Assessment]] = {}
    for row in rows:
        by_source.setdefault(row.status, []).append(row)
    transitions = {source: _assessment_transition(source, target) for source in by_source}
    for source, transition in transitions.items():
        reason = _check_reason(transition, reason)
        _check_system_only(transition, by)
        if not permission_checked:
            for row in by_source[source]:
                _check_actor(
                    transition,
                    by,
                    lambda permission, row=row: has_permission(by, permission, unit=row.unit),
                    _assessment_refusal(),
                )
    now = timezone.now()
    stamps = _stamps(target, now)
    content_type = ContentType.objects.get_for_model(Assessment)
    with transaction.atomic():
        events = []
        for source, group in by_source.items():
            ids = [row.pk for row in group]
            moved = Assessment.objects.filter(pk__in=ids, status=source).update(
                status=target, updated_at=now, **stamps
            )
            if moved != len(ids):
                # Someone else moved one of them meanwhile: refuse rather than overwrite.
                raise StatusConflict(
                    _("An assessment was changed by someone else meanwhile; reload the page.")
                )
            for row in group:
                row.status = target
                row.updated_at = now
                for name, value in stamps.items():
                    setattr(row, name, value)
                events.append(
                    audit.status_changed(
                        actor=by,
                        obj=row,
                        old=source,
                        new=target,
                        reason=reason,
                        content_type=content_type,
                    )
                )
        audit.record(events)
    return rows


def assessment_move(
    *,
    assessment: Assessment,
    target: str,
    by,
    reason: str = "",
    guard: Callable[[Assessment], None] | None = None,
    notify: Callable[[Assessment], object] | None = None,
    permission_checked: bool = False,
) -> Assessment:
    """Lock one assessment, check the move and the action's own `guard` (which raises a
    refusal), move it, audit, and `notify` — all in one transaction. A move somebody else
    made since the row was read is refused (StatusConflict), not overwritten."""
    transition = _assessment_transition(assessment.status, target)
    _check_system_only(transition, by)
    if not permission_checked:
        _check_actor(
            transition,
            by,
            lambda permission: has_permission(by, permission, unit=assessment.unit),
            _assessment_refusal(),
        )
    _check_reason(transition, reason)
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("period", "unit")
            .get(pk=assessment.pk)
        )
        if locked.status != transition.source:
            raise StatusConflict(
                _("This assessment is now “%(status)s”; reload the page.")
                % {"status": S(locked.status).label}
            )
        if guard is not None:
            guard(locked)
        assessments_move(
            assessments=[locked], target=target, by=by, reason=reason, permission_checked=True
        )
        if notify is not None:
            notify(locked)
    assessment.refresh_from_db()
    return assessment


def period_move_refusal(source: str, target: str) -> TransitionRefused:
    return TransitionRefused(
        _("The period cannot go from “%(source)s” to “%(target)s”.")
        % {"source": PeriodStatus(source).label, "target": PeriodStatus(target).label}
    )


def period_move(
    *, period: AssessmentPeriod, target: str, by, reason: str = "", **fields
) -> AssessmentPeriod:
    """Move a period (locked by the caller, or here) to `target`, with `fields` saved along
    (published_at, a deadline); audited. The rounds' own rules live with their callers
    (scoring.services.appraisal.period_advance, scoring.services.publication)."""
    source = PeriodStatus(period.status)
    target = PeriodStatus(target)
    transition = period_transition_for(source, target)
    if transition is None:
        raise period_move_refusal(source, target)
    _check_actor(
        transition,
        by,
        lambda permission: acts_for(by, permission, period.organiser_id),
        _("Only Home Affairs of this organiser moves the period on."),
    )
    reason = _check_reason(transition, reason)
    with transaction.atomic():
        moved = AssessmentPeriod.objects.filter(pk=period.pk, status=source).update(
            status=target, **fields
        )
        if not moved:
            raise StatusConflict(
                _("The period was moved by someone else meanwhile; reload the page.")
            )
        period.status = target
        for name, value in fields.items():
            setattr(period, name, value)
        audit.record(
            audit.status_changed(actor=by, obj=period, old=source, new=target, reason=reason)
        )
        period_moved.send(sender=AssessmentPeriod, period=period, source=source, target=target)
    return period
