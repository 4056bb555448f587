"""The appraisal council's work: round 1 (accept or adjust each self-score, with a reason when
different, and ask for explanations), the unit's explanation, round 2 (final values of the items
asked about), the chair's returns, finalisation and reopening, and Home Affairs moving the
period from round to round.

Every rule of appraisal lives here; the screens, the JSON saves and the tests go through these
functions. Values are checked with the self-assessment's own rules (`self_entry_clean`), so an
appraiser can enter exactly what a unit could."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.dates import datetime_text
from scoring.engine.model import IndexSetDef, Stage
from scoring.engine.policy import StageValue
from scoring.entries import (
    MAX_TEXT,
    check_entered_item,
    earned,
    stored,
    stored_value,
    too_long_message,
    value_clean,
)
from scoring.exceptions import (
    DutyConflict,
    EntryClosed,
    RoundClosed,
    ScoreConflict,
    StatusConflict,
    TransitionRefused,
)
from scoring.models import (
    SCORED_LEVELS,
    Assessment,
    AssessmentPeriod,
    AuditAction,
    IndexItem,
    RedoStage,
    ReviewRequest,
    Score,
    ScoringMethod,
)
from scoring.selectors.explanation import explanation_problems
from scoring.selectors.index_sets import index_set_tree, item_area_code
from scoring.workflow import (
    REQUEST_PERIODS,
    ROUND_TARGETS,
    AssessmentStatus,
    PeriodStatus,
    explanation_closed_reason,
    is_requested,
    item_closed_reason,
    item_round,
)
from units.access import duty_refusal, has_permission
from units.roles import Permission

from . import audit, notifications
from .index_set_replace import score_redos_resolve
from .transitions import assessment_move, assessments_move, period_move, period_move_refusal

S = AssessmentStatus

ROUND_1_FIELDS = (
    "appraisal_points",
    "appraisal_ratio",
    "appraisal_reason",
    "appraisal_not_applicable",
    "review_request",
    "review_question",
    "return_note",
)
ROUND_2_FIELDS = (
    "final_points",
    "final_ratio",
    "final_reason",
    "final_not_applicable",
    "return_note",
)
REQUEST_FIELDS = frozenset({"review_request", "review_question"})


# ---------------------------------------------------------------- who may write


def may_appraise(user, assessment: Assessment, item: IndexItem, tree: IndexSetDef | None = None):
    """Whether `user` appraises this item of this unit: its area (read from the set's prepared
    tree; pass `tree` when checking many items) within their grants."""
    return has_permission(
        user, Permission.APPRAISE, unit=assessment.unit, area_code=item_area_code(item, tree)
    )


# ---------------------------------------------------------------- entering a value


@dataclass(frozen=True)
class AppraisalEntry:
    """An appraiser's value for one item (round 1 or 2), the reason, and in round 1 an
    optional request to the unit."""

    value: StageValue
    reason: str = ""
    request: str = ReviewRequest.NONE
    question: str = ""


def appraisal_entry_clean(
    item: IndexItem,
    score: Score | None,
    *,
    round: int,
    points=None,
    ratio=None,
    not_applicable: bool = False,
    reason: str = "",
    request: str = "",
    question: str = "",
    step: Decimal | None = None,
) -> AppraisalEntry:
    """Check an appraiser's input with the same value check as the unit's (the council enters
    exactly what a unit could). A value different from the unit's self-score (in round 2: from
    the self-score or the round-1 value) needs a reason, which also covers "không áp dụng"."""
    check_entered_item(item)  # a survey item, an area: not appraised at all
    reason = (reason or "").strip()
    question = (question or "").strip()
    errors: dict[str, str] = {}
    try:
        value = value_clean(
            item, points=points, ratio=ratio, not_applicable=not_applicable, step=step
        )
    except ValidationError as exc:  # field by field: the item itself was checked above
        errors.update({key: " ".join(msgs) for key, msgs in exc.message_dict.items()})
        value = StageValue()
    if len(reason) > MAX_TEXT or len(question) > MAX_TEXT:
        errors["reason" if len(reason) > MAX_TEXT else "question"] = too_long_message()
    if request not in ReviewRequest.values:
        errors["request"] = _("Choose what the unit is asked for.")
    elif request and round != 1:
        errors["request"] = _("Explanations are asked for in round 1 only.")
    elif request and not question:
        errors["question"] = _("Write the question the unit must answer.")
    if not errors and value.is_empty and not stored_value(item, score, Stage.SELF).is_empty:
        errors["points"] = _("Enter the appraised value (0 when the unit earns nothing).")
    if not errors and not reason and value_differs(item, score, value, round=round):
        errors["reason"] = _(
            "The appraised value differs from the unit's self-score: give the reason."
        )
    if errors:
        raise ValidationError(errors)
    return AppraisalEntry(
        value=value,
        reason=reason,
        request=request,
        question=question if request else "",
    )


def _same(item: IndexItem, a: StageValue, b: StageValue) -> bool:
    return (a.not_applicable, earned(item, a), a.ratio) == (
        b.not_applicable,
        earned(item, b),
        b.ratio,
    )


def value_differs(item: IndexItem, score: Score | None, value: StageValue, *, round: int) -> bool:
    """Whether the appraised value moves from the unit's (and in round 2, from round 1's)."""
    if not _same(item, value, _claim(item, score)):
        return True
    return round == 2 and not _same(item, value, stored_value(item, score, Stage.APPRAISAL))


def _claim(item: IndexItem, score: Score | None) -> StageValue:
    """The unit's own claim: its value at the self stage."""
    return stored_value(item, score, Stage.SELF)


# ---------------------------------------------------------------- saving


def _check_may_write(assessment: Assessment, item: IndexItem, by, tree=None) -> None:
    _check_duties(assessment, by, Permission.APPRAISE)
    if not may_appraise(by, assessment, item, tree):
        raise PermissionDenied(_("You do not appraise this area of this unit."))
    if (
        item.index_set_id != assessment.index_set_id
        or item.is_entered_by_home_affairs
        or not item.is_scored
    ):
        raise ValidationError(_("Only this unit's self-scored items are appraised."))


def _locked(assessment: Assessment, item: IndexItem, expected_version: int):
    """The assessment and the item's score under row locks, the version checked."""
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("period", "unit")
        .get(pk=assessment.pk)
    )
    score = Score.objects.select_for_update().filter(assessment=assessment, item=item).first()
    if (score.version if score else 0) != expected_version:
        raise ScoreConflict(score)
    return locked, score


def appraisal_save(
    *,
    assessment: Assessment,
    item: IndexItem,
    entry: AppraisalEntry,
    expected_version: int,
    by,
    tree: IndexSetDef | None = None,
) -> Score:
    """Store an appraiser's value for one item in the round that applies now. Refused with
    ScoreConflict (carrying the stored row) when someone saved the item since
    `expected_version`: two appraisers, or an appraiser and the chair, never overwrite each
    other silently. Audited field by field with the reason."""
    _check_may_write(assessment, item, by, tree)
    try:
        with transaction.atomic():
            locked, score = _locked(assessment, item, expected_version)
            round = item_round(locked, score)
            if round is None:
                raise RoundClosed(item_closed_reason(locked, score))
            if score is None:
                score = Score(assessment=locked, item=item, version=0)
            request, question = entry.request, entry.question
            if round == 1 and locked.period.status not in REQUEST_PERIODS:
                # Too late to ask: a request already sent stays as it is, a new one is refused.
                kept = (score.review_request, score.review_question)
                if request and (request, question) != kept:
                    raise ValidationError(
                        {"request": _("The explanation round has begun: no new requests.")}
                    )
                request, question = kept
            fields = ROUND_1_FIELDS if round == 1 else ROUND_2_FIELDS
            before = audit.audit_snapshot(score, fields)
            now = timezone.now()
            value = entry.value
            if round == 1:
                score.appraisal_points = stored(value.points)
                score.appraisal_ratio = stored(value.ratio)
                score.appraisal_reason = entry.reason
                score.review_request = request
                score.review_question = question
                score.appraisal_not_applicable = value.not_applicable
                score.appraised_at, score.appraised_by = now, by
            else:
                score.final_points = stored(value.points)
                score.final_ratio = stored(value.ratio)
                score.final_reason = entry.reason
                score.final_not_applicable = value.not_applicable
                score.final_at, score.final_by = now, by
            score.return_note = ""
            score.version += 1
            score.updated_by = by
            score.save()
            # The reason explains the value; a question explains itself.
            action = AuditAction.APPRAISAL if round == 1 else AuditAction.FINAL
            audit.record(
                audit.field_changes(
                    action=action,
                    actor=by,
                    obj=score,
                    before={k: v for k, v in before.items() if k not in REQUEST_FIELDS},
                    reason=entry.reason,
                ),
                audit.field_changes(
                    action=AuditAction.REQUEST,
                    actor=by,
                    obj=score,
                    before={k: v for k, v in before.items() if k in REQUEST_FIELDS},
                ),
            )
            score_redos_resolve(
                assessment=locked,
                item=item,
                stage=RedoStage.APPRAISAL if round == 1 else RedoStage.FINAL,
            )
            if locked.status == S.SUBMITTED:
                # The first save of a unit that submitted early starts its appraisal.
                assessments_move(
                    assessments=[locked], target=S.IN_APPRAISAL, by=by, permission_checked=True
                )
    except IntegrityError as exc:
        raise ScoreConflict(Score.objects.filter(assessment=assessment, item=item).first()) from exc
    assessment.refresh_from_db()
    return score


def appraisal_accept(
    *,
    assessment: Assessment,
    item: IndexItem,
    expected_version: int,
    by,
    tree: IndexSetDef | None = None,
) -> Score:
    """One click: the appraised value is the unit's self-score (round 1), or the round-1 value
    stays final (round 2). No reason needed."""
    score = Score.objects.filter(assessment=assessment, item=item).first()
    round = item_round(assessment, score)
    stage = Stage.APPRAISAL if round == 2 else Stage.SELF
    value = stored_value(item, score, stage)
    request = (score.review_request, score.review_question) if score and round == 1 else ("", "")
    return appraisal_save(
        assessment=assessment,
        item=item,
        entry=AppraisalEntry(value=value, request=request[0], question=request[1]),
        expected_version=expected_version,
        by=by,
        tree=tree,
    )


def appraisal_accept_rest(*, assessment: Assessment, by, items: list[IndexItem]) -> int:
    """Accept the self-score of every item in `items` the user may appraise and nobody has
    reviewed yet in round 1. Returns how many. Each item is saved (and audited) alone."""
    _check_duties(assessment, by, Permission.APPRAISE)
    scores = {s.item_id: s for s in Score.objects.filter(assessment=assessment, item__in=items)}
    tree = index_set_tree(assessment.index_set_id)
    accepted = 0
    for item in items:
        score = scores.get(item.pk)
        if score is not None and score.appraised_at is not None:
            continue
        if (
            item.is_entered_by_home_affairs
            or not item.is_scored
            or not may_appraise(by, assessment, item, tree)
        ):
            continue
        if item_round(assessment, score) != 1:
            continue
        try:
            appraisal_accept(
                assessment=assessment,
                item=item,
                expected_version=score.version if score else 0,
                by=by,
                tree=tree,
            )
        except (ScoreConflict, RoundClosed, StatusConflict, ValidationError):
            continue  # someone else is on it, or it closed meanwhile: theirs stands
        accepted += 1
    return accepted


# ---------------------------------------------------------------- the chair


def _check_duties(assessment: Assessment, by, permission: Permission) -> None:
    conflict = duty_refusal(by, permission, unit=assessment.unit)
    if conflict:
        raise DutyConflict(conflict)


def _check_chair(assessment: Assessment, by, permission=Permission.FINALISE_APPRAISAL) -> None:
    _check_duties(assessment, by, permission)
    if not has_permission(by, permission, unit=assessment.unit):
        raise PermissionDenied(_("Only the council chair may do this."))


def item_return(
    *, assessment: Assessment, item: IndexItem, note: str, expected_version: int, by
) -> Score:
    """The chair sends an item back to its appraiser with a note; finalisation waits until the
    appraiser saves it again. The appraisers are told once the note is stored."""
    _check_chair(assessment, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Tell the appraiser what to look at again.")})
    with transaction.atomic():
        locked, score = _locked(assessment, item, expected_version)
        if locked.status in (S.APPRAISED, S.PUBLISHED, S.DRAFT):
            raise RoundClosed(
                _("The assessment is “%(status)s”: nothing to return.")
                % {"status": S(locked.status).label}
            )
        if score is None or score.appraised_at is None:
            raise RoundClosed(_("This item has not been appraised yet."))
        before = audit.audit_snapshot(score, ["return_note"])
        score.return_note = note
        score.version += 1
        score.updated_by = by
        score.save()
        audit.record(
            audit.field_changes(
                action=AuditAction.RETURN, actor=by, obj=score, before=before, reason=note
            )
        )
        notifications.notify_item_returned(score=score, note=note)
    return score


def finalise_problems(assessment: Assessment) -> list[str]:
    """What keeps the chair from finalising this unit; empty when it can be finalised."""
    status = assessment.status
    if status not in (S.IN_APPRAISAL, S.EXPLAINED):
        if status == S.EXPLANATION_REQUESTED:
            return [_("The unit has not answered the explanation request yet.")]
        return [
            _("An assessment that is “%(status)s” cannot be finalised.")
            % {"status": S(status).label}
        ]
    items = (
        IndexItem.objects.filter(index_set_id=assessment.index_set_id, level__in=SCORED_LEVELS)
        .exclude(method=ScoringMethod.SURVEY)
        .filter(data_source="")
    )  # Home Affairs enters both
    scores = {
        s.item_id: s for s in Score.objects.filter(assessment=assessment).select_related("item")
    }
    not_reviewed = [
        i.code for i in items if scores.get(i.pk) is None or not scores[i.pk].appraised_at
    ]
    problems = []
    if not_reviewed:
        problems.append(
            _("%(n)s item(s) not appraised yet: %(codes)s")
            % {"n": len(not_reviewed), "codes": ", ".join(not_reviewed[:15])}
        )
    returned = [s.item.code for s in scores.values() if s.return_note]
    if returned:
        problems.append(
            _("Returned to the appraiser and not yet saved again: %(codes)s")
            % {"codes": ", ".join(sorted(returned))}
        )
    requested = [s for s in scores.values() if s.review_request]
    if requested and status == S.IN_APPRAISAL:
        problems.append(
            _("%(n)s item(s) wait for the unit's explanation: open the explanation round first.")
            % {"n": len(requested)}
        )
    if status == S.EXPLAINED:
        missing = sorted(s.item.code for s in requested if s.final_at is None)
        if missing:
            problems.append(
                _("Round 2 has no final value yet for: %(codes)s") % {"codes": ", ".join(missing)}
            )
    return problems


def appraisal_finalise(*, assessment: Assessment, by) -> Assessment:
    """The chair closes the unit's appraisal: its values are final and read-only."""
    _check_chair(assessment, by)

    def guard(locked: Assessment) -> None:
        problems = finalise_problems(locked)
        if problems:
            raise TransitionRefused(_("The appraisal cannot be finalised yet."), problems)

    if assessment.status not in (S.IN_APPRAISAL, S.EXPLAINED):
        raise TransitionRefused(
            _("The appraisal cannot be finalised yet."), finalise_problems(assessment)
        )
    return assessment_move(
        assessment=assessment,
        target=S.APPRAISED,
        by=by,
        guard=guard,
        notify=lambda locked: notifications.notify_finalised(assessment=locked),
    )


def appraisal_reopen(*, assessment: Assessment, by, reason: str) -> Assessment:
    """The chair reopens a finalised appraisal, with a reason (audited)."""
    _check_chair(assessment, by, Permission.REOPEN_APPRAISAL)
    if assessment.status != S.APPRAISED:
        raise TransitionRefused(_("Only a finalised, unpublished appraisal is reopened here."))
    # A unit that went through the explanation round goes back to it, round 2 open: its
    # questions were answered, and its final values stay editable.
    asked = Score.objects.filter(assessment=assessment).exclude(review_request="").exists()
    target = S.EXPLAINED if asked else S.IN_APPRAISAL
    return assessment_move(assessment=assessment, target=target, by=by, reason=reason)


# ---------------------------------------------------------------- the unit's explanation


def _check_may_answer(assessment: Assessment, by) -> None:
    if not has_permission(by, Permission.ANSWER_EXPLANATION, unit=assessment.unit):
        raise PermissionDenied(_("Only your unit's staff can answer for it."))
    closed = explanation_closed_reason(assessment)
    if closed:
        raise EntryClosed(closed)


def explanation_evidence_check(assessment: Assessment, by, items: list[IndexItem]) -> None:
    """Files of the explanation round: while the unit may answer, for items asked about."""
    _check_may_answer(assessment, by)
    asked = set(
        Score.objects.filter(assessment=assessment, item__in=items)
        .exclude(review_request="")
        .values_list("item_id", flat=True)
    )
    if not items or any(item.pk not in asked for item in items):
        raise ValidationError(_("The council did not ask about this item."))


def explanation_save(
    *, assessment: Assessment, item: IndexItem, text: str, expected_version: int, by
) -> Score:
    """The unit's answer to one question. Only items asked about can be answered; nothing
    else of the unit's entry changes."""
    _check_may_answer(assessment, by)
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": too_long_message()})
    with transaction.atomic():
        locked, score = _locked(assessment, item, expected_version)
        closed = explanation_closed_reason(locked)
        if closed:
            raise EntryClosed(closed)
        if not is_requested(score):
            raise ValidationError(_("The council did not ask about this item."))
        before = audit.audit_snapshot(score, ["explanation_text"])
        score.explanation_text = text
        score.explained_at = timezone.now()
        score.version += 1
        score.updated_by = by
        score.save()
        audit.record(
            audit.field_changes(action=AuditAction.EXPLANATION, actor=by, obj=score, before=before)
        )
    return score


def explanation_send(*, assessment: Assessment, by) -> Assessment:
    """The unit sends its answers: they go to the appraisers and become read-only."""
    _check_may_answer(assessment, by)

    def guard(locked: Assessment) -> None:
        closed = explanation_closed_reason(locked)
        if closed:
            raise EntryClosed(closed)
        problems = explanation_problems(locked)
        if problems:
            raise TransitionRefused(_("The answers cannot be sent yet."), problems)

    return assessment_move(
        assessment=assessment,
        target=S.EXPLAINED,
        by=by,
        guard=guard,
        notify=lambda locked: notifications.notify_answered(assessment=locked),
    )


# ---------------------------------------------------------------- Home Affairs: the rounds


def period_advance(
    *, period: AssessmentPeriod, target: str, by, deadline: datetime | None = None
) -> AssessmentPeriod:
    """Move the period to its next round, and every unit with it (in bulk, one audit event
    per unit moved). The move itself is checked by the one door (who may, from which round);
    each round adds its own rule, and any refusal leaves everything as it was:

    - to appraisal: every unit not yet in appraisal enters it with what it entered;
    - to the explanation round (needs a deadline): units with requests are asked;
    - to round 2: units that did not answer by the deadline go on without an answer;
    - to finalising: nothing more is asked; the chair finalises what remains."""
    target = PeriodStatus(target)
    now = timezone.now()
    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        if target not in ROUND_TARGETS:
            raise period_move_refusal(period.status, target)
        period_move(period=period, target=target, by=by)
        assessments = list(
            Assessment.objects.select_for_update(of=("self",))
            .taking_part()
            .filter(period=period)
            .select_related("period", "unit")
        )
        if target == PeriodStatus.APPRAISAL:
            _refuse_open_entries(period, assessments, now)
            assessments_move(
                assessments=[a for a in assessments if a.status in (S.DRAFT, S.SUBMITTED)],
                target=S.IN_APPRAISAL,
                by=by,
            )
        elif target == PeriodStatus.EXPLANATION:
            if deadline is None or deadline <= now:
                raise ValidationError({"deadline": _("Give a future deadline for the answers.")})
            before = audit.audit_snapshot(period, ["explanation_deadline"])
            period.explanation_deadline = deadline
            period.save(update_fields=["explanation_deadline"])
            audit.record(
                audit.field_changes(
                    action=AuditAction.DEADLINE, actor=by, obj=period, before=before
                )
            )
            asked = set(
                Score.objects.filter(assessment__period=period)
                .exclude(review_request="")
                .values_list("assessment_id", flat=True)
            )
            moved = assessments_move(
                assessments=[
                    a for a in assessments if a.pk in asked and a.status == S.IN_APPRAISAL
                ],
                target=S.EXPLANATION_REQUESTED,
                by=by,
            )
            for assessment in moved:
                assessment.period = period  # the notice names the deadline just set
                notifications.notify_explanation_requested(assessment=assessment)
        elif target == PeriodStatus.SECOND_APPRAISAL:
            explanation_deadline = period.explanation_deadline
            waiting = [a for a in assessments if a.status == S.EXPLANATION_REQUESTED]
            if waiting and explanation_deadline and now <= explanation_deadline:
                raise TransitionRefused(
                    _(
                        "%(n)s unit(s) may still answer until %(when)s: wait for the deadline "
                        "or for their answers."
                    )
                    % {"n": len(waiting), "when": datetime_text(explanation_deadline)}
                )
            assessments_move(
                assessments=waiting,
                target=S.EXPLAINED,
                by=by,
                reason=_("The explanation deadline passed without an answer."),
            )
        elif any(a.status == S.EXPLANATION_REQUESTED for a in assessments) or (
            Score.objects.filter(assessment__period=period, assessment__status=S.IN_APPRAISAL)
            .exclude(review_request="")
            .exists()
        ):
            raise TransitionRefused(
                _(
                    "Some units have questions not yet sent or not yet answered: open the "
                    "explanation round first."
                )
            )
    return period


def _refuse_open_entries(period, assessments, now) -> None:
    drafts = [a for a in assessments if a.status == S.DRAFT]
    open_until = [a.self_assessment_deadline for a in drafts if a.self_assessment_deadline]
    if drafts and (not open_until or max(open_until) >= now):
        raise TransitionRefused(
            _(
                "%(n)s unit(s) have not submitted and their self-assessment is still open: wait "
                "for the deadline."
            )
            % {"n": len(drafts)}
        )


def periods_open_appraisal_due(*, now: datetime | None = None) -> int:
    """Run hourly by Celery beat: a period whose self-assessment deadline has passed opens its
    appraisal by itself, once no unit may still enter (a unit reopened until later keeps the
    period waiting). Returns how many periods were opened."""
    now = now or timezone.now()
    opened = 0
    due = AssessmentPeriod.objects.filter(
        status=PeriodStatus.SELF_ASSESSMENT, self_assessment_deadline__lt=now
    )
    for period in due:
        try:
            period_advance(period=period, target=PeriodStatus.APPRAISAL, by=None)
        except (TransitionRefused, StatusConflict):
            continue  # a unit may still enter: try again at the next run
        opened += 1
    return opened
