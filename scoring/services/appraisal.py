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

from scoring.models import (
    SCORED_LEVELS,
    Assessment,
    AssessmentPeriod,
    Evidence,
    EvidenceStage,
    IndexItem,
    ItemLevel,
    ReviewRequest,
    Score,
    ScoringMethod,
)
from scoring.workflow import PERIOD_TRANSITIONS, AssessmentStatus, PeriodStatus
from units.access import acts_for, has_permission
from units.roles import Permission

from . import notifications
from .assessments import assessment_transition
from .audit import audit_changes, audit_record, audit_snapshot
from .self_assessment import (
    MAX_TEXT,
    ScoreConflict,
    SelfEntry,
    _local,
    _stored,
    entry_of,
    entry_points,
    self_entry_clean,
)

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
# Fields a unit's staff never see before publication (their own items' questions excepted).
APPRAISAL_FIELDS = frozenset(
    {
        "appraisal_points",
        "appraisal_ratio",
        "appraisal_reason",
        "appraisal_not_applicable",
        "final_points",
        "final_ratio",
        "final_reason",
        "final_not_applicable",
        "return_note",
    }
)
# Statuses in which round 1 is written; a returned item is written in round 1 also while
# the unit's round 2 runs, when the unit was not asked about it.
ROUND_1_STATUSES = frozenset({S.SUBMITTED, S.IN_APPRAISAL})
APPRAISAL_PERIODS = frozenset(
    {
        PeriodStatus.SELF_ASSESSMENT,  # a unit that submitted early can be appraised at once
        PeriodStatus.APPRAISAL,
        PeriodStatus.EXPLANATION,
        PeriodStatus.SECOND_APPRAISAL,
        PeriodStatus.FINALISING,
    }
)
REQUEST_PERIODS = frozenset({PeriodStatus.SELF_ASSESSMENT, PeriodStatus.APPRAISAL})


# ---------------------------------------------------------------- which round, who may write


def area_code_of(item: IndexItem) -> str | None:
    """The code of the item's area (sub-criteria and criteria); None for bonus and penalty
    lines, which only an appraiser of every area (or the chair) may appraise."""
    node = item
    while node is not None and node.level != ItemLevel.AREA:
        node = node.parent
    return node.code if node is not None else None


def may_appraise(user, assessment: Assessment, item: IndexItem) -> bool:
    return has_permission(
        user, Permission.APPRAISE, unit=assessment.unit, area_code=area_code_of(item)
    )


def is_requested(score: Score | None) -> bool:
    return bool(score and score.review_request)


def item_round(assessment: Assessment, score: Score | None) -> int | None:
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


def item_closed_reason(assessment: Assessment, score: Score | None) -> str:
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
        "status": PeriodStatus(assessment.period.status).label
    }


# ---------------------------------------------------------------- entering a value


@dataclass(frozen=True)
class AppraisalEntry:
    """An appraiser's value for one item (round 1 or 2), the reason, and in round 1 an
    optional request to the unit."""

    value: SelfEntry
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
    """Check an appraiser's input. A value different from the unit's self-score (in round 2:
    from the self-score or the round-1 value) needs a reason."""
    reason = (reason or "").strip()
    question = (question or "").strip()
    errors: dict[str, str] = {}
    try:
        value = self_entry_clean(
            item,
            points=points,
            ratio=ratio,
            not_applicable=not_applicable,
            # The unit's "why not applicable" rule does not apply: the appraiser's reason,
            # required whenever the value differs from the unit's, covers it.
            reason=reason or "-",
            step=step,
        )
        if value.not_applicable:
            value = SelfEntry(not_applicable=True)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise  # not a value error: the item itself is not appraised (survey, area…)
        errors.update({key: " ".join(msgs) for key, msgs in exc.message_dict.items()})
        value = SelfEntry()
    if len(reason) > MAX_TEXT or len(question) > MAX_TEXT:
        errors["reason" if len(reason) > MAX_TEXT else "question"] = _(
            "Please keep this under %(n)s characters."
        ) % {"n": MAX_TEXT}
    if request not in ReviewRequest.values:
        errors["request"] = _("Choose what the unit is asked for.")
    elif request and round != 1:
        errors["request"] = _("Explanations are asked for in round 1 only.")
    elif request and not question:
        errors["question"] = _("Write the question the unit must answer.")
    if not errors and value.is_empty and not self_value(score).is_empty:
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


def _same(item: IndexItem, a: SelfEntry, b: SelfEntry) -> bool:
    return (a.not_applicable, entry_points(item, a), a.ratio) == (
        b.not_applicable,
        entry_points(item, b),
        b.ratio,
    )


def self_value(score: Score | None) -> SelfEntry:
    """The unit's claim as an entry, without its texts."""
    entry = entry_of(score)
    return SelfEntry(points=entry.points, ratio=entry.ratio, not_applicable=entry.not_applicable)


def round_1_value(score: Score | None) -> SelfEntry:
    """The value after round 1: the appraised one, or the self-score if not adjusted."""
    if score is None or score.appraised_at is None:
        return self_value(score)
    not_applicable = score.appraisal_not_applicable
    return SelfEntry(
        points=score.appraisal_points,
        ratio=score.appraisal_ratio,
        not_applicable=score.not_applicable if not_applicable is None else not_applicable,
    )


def value_differs(item: IndexItem, score: Score | None, value: SelfEntry, *, round: int) -> bool:
    if not _same(item, value, self_value(score)):
        return True
    return round == 2 and not _same(item, value, round_1_value(score))


# ---------------------------------------------------------------- saving


def _check_may_write(assessment: Assessment, item: IndexItem, by) -> None:
    if not may_appraise(by, assessment, item):
        raise PermissionDenied(_("You do not appraise this area of this unit."))
    if item.index_set_id != assessment.index_set_id or item.is_survey or not item.is_scored:
        raise ValidationError(_("Only this unit's self-scored items are appraised."))


def _locked(assessment: Assessment, item: IndexItem, expected_version: int):
    """The assessment and the item's score under row locks, the version checked."""
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("period")
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
) -> Score:
    """Store an appraiser's value for one item in the round that applies now. Refused with
    ScoreConflict (carrying the stored row) when someone saved the item since
    `expected_version`: two appraisers, or an appraiser and the chair, never overwrite each
    other silently. Audited field by field with the reason."""
    _check_may_write(assessment, item, by)
    try:
        with transaction.atomic():
            locked, score = _locked(assessment, item, expected_version)
            round = item_round(locked, score)
            if round is None:
                raise ValidationError(item_closed_reason(locked, score))
            if score is None:
                score = Score(assessment=locked, item=item, version=0)
            request, question = entry.request, entry.question
            if round == 1 and locked.period.status not in REQUEST_PERIODS:
                # Too late to ask: a request already sent stays as it is, a new one is refused.
                stored = (score.review_request, score.review_question)
                if request and (request, question) != stored:
                    raise ValidationError(
                        {"request": _("The explanation round has begun: no new requests.")}
                    )
                request, question = stored
            fields = ROUND_1_FIELDS if round == 1 else ROUND_2_FIELDS
            before = audit_snapshot(score, fields)
            now = timezone.now()
            value = entry.value
            if round == 1:
                score.appraisal_points = _stored(value.points)
                score.appraisal_ratio = _stored(value.ratio)
                score.appraisal_reason = entry.reason
                score.review_request = request
                score.review_question = question
                score.appraisal_not_applicable = value.not_applicable
                score.appraised_at, score.appraised_by = now, by
            else:
                score.final_points = _stored(value.points)
                score.final_ratio = _stored(value.ratio)
                score.final_reason = entry.reason
                score.final_not_applicable = value.not_applicable
                score.final_at, score.final_by = now, by
            score.return_note = ""
            score.version += 1
            score.updated_by = by
            score.save()
            # The reason explains the value; a question explains itself.
            value_fields = {k: v for k, v in before.items() if k not in REQUEST_FIELDS}
            audit_changes(
                actor=by,
                obj=score,
                before=value_fields,
                reason=entry.reason,
                action="appraisal" if round == 1 else "final",
            )
            request_fields = {k: v for k, v in before.items() if k in REQUEST_FIELDS}
            audit_changes(actor=by, obj=score, before=request_fields, action="request")
            if locked.status == S.SUBMITTED:
                assessment_transition(
                    assessment=locked, target=S.IN_APPRAISAL, by=by, permission_checked=True
                )
    except IntegrityError as exc:
        raise ScoreConflict(Score.objects.filter(assessment=assessment, item=item).first()) from exc
    assessment.refresh_from_db()
    return score


def appraisal_accept(
    *, assessment: Assessment, item: IndexItem, expected_version: int, by
) -> Score:
    """One click: the appraised value is the unit's self-score (round 1), or the round-1 value
    stays final (round 2). No reason needed."""
    score = Score.objects.filter(assessment=assessment, item=item).first()
    round = item_round(assessment, score)
    value = round_1_value(score) if round == 2 else self_value(score)
    request = (score.review_request, score.review_question) if score and round == 1 else ("", "")
    return appraisal_save(
        assessment=assessment,
        item=item,
        entry=AppraisalEntry(value=value, request=request[0], question=request[1]),
        expected_version=expected_version,
        by=by,
    )


def appraisal_accept_rest(*, assessment: Assessment, by, items: list[IndexItem]) -> int:
    """Accept the self-score of every item in `items` the user may appraise and nobody has
    reviewed yet in round 1. Returns how many. Each item is saved (and audited) alone."""
    scores = {s.item_id: s for s in Score.objects.filter(assessment=assessment, item__in=items)}
    accepted = 0
    for item in items:
        score = scores.get(item.pk)
        if score is not None and score.appraised_at is not None:
            continue
        if not may_appraise(by, assessment, item) or item.is_survey or not item.is_scored:
            continue
        if item_round(assessment, score) != 1:
            continue
        try:
            appraisal_accept(
                assessment=assessment,
                item=item,
                expected_version=score.version if score else 0,
                by=by,
            )
        except (ScoreConflict, ValidationError):
            continue  # someone else is on it, or it closed meanwhile: theirs stands
        accepted += 1
    return accepted


# ---------------------------------------------------------------- the chair


def _check_chair(assessment: Assessment, by, permission=Permission.FINALISE_APPRAISAL) -> None:
    if not has_permission(by, permission, unit=assessment.unit):
        raise PermissionDenied(_("Only the council chair may do this."))


def item_return(
    *, assessment: Assessment, item: IndexItem, note: str, expected_version: int, by
) -> Score:
    """The chair sends an item back to its appraiser with a note; finalisation waits until the
    appraiser saves it again."""
    _check_chair(assessment, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Tell the appraiser what to look at again.")})
    with transaction.atomic():
        locked, score = _locked(assessment, item, expected_version)
        if locked.status in (S.APPRAISED, S.PUBLISHED, S.DRAFT):
            raise ValidationError(
                _("The assessment is “%(status)s”: nothing to return.")
                % {"status": S(locked.status).label}
            )
        if score is None or score.appraised_at is None:
            raise ValidationError(_("This item has not been appraised yet."))
        before = audit_snapshot(score, ["return_note"])
        score.return_note = note
        score.version += 1
        score.updated_by = by
        score.save()
        audit_changes(actor=by, obj=score, before=before, reason=note, action="return")
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
    items = IndexItem.objects.filter(
        index_set_id=assessment.index_set_id, level__in=SCORED_LEVELS
    ).exclude(method=ScoringMethod.SURVEY)
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
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("period")
            .get(pk=assessment.pk)
        )
        problems = finalise_problems(locked)
        if problems:
            raise ValidationError(problems)
        assessment_transition(assessment=locked, target=S.APPRAISED, by=by)
        notifications.notify_finalised(assessment=locked)
    assessment.refresh_from_db()
    return assessment


def appraisal_reopen(*, assessment: Assessment, by, reason: str) -> Assessment:
    """The chair reopens a finalised appraisal, with a reason (audited)."""
    _check_chair(assessment, by, Permission.REOPEN_APPRAISAL)
    if assessment.status != S.APPRAISED:
        raise ValidationError(_("Only a finalised, unpublished appraisal is reopened here."))
    # A unit that went through the explanation round goes back to it, round 2 open: its
    # questions were answered, and its final values stay editable.
    asked = Score.objects.filter(assessment=assessment).exclude(review_request="").exists()
    target = S.EXPLAINED if asked else S.IN_APPRAISAL
    return assessment_transition(assessment=assessment, target=target, by=by, reason=reason)


# ---------------------------------------------------------------- the unit's explanation


def explanation_closed_reason(assessment: Assessment, *, now: datetime | None = None) -> str:
    """Why the unit cannot answer now; empty while it can."""
    now = now or timezone.now()
    if assessment.status == S.EXPLAINED:
        return _("Your answers were sent: they are read-only.")
    if assessment.status != S.EXPLANATION_REQUESTED:
        return _("Your unit has no open explanation request.")
    deadline = assessment.period.explanation_deadline
    if deadline and now > deadline:
        return _("The explanation deadline has passed.")
    return ""


def _check_may_answer(assessment: Assessment, by) -> None:
    if not has_permission(by, Permission.ANSWER_EXPLANATION, unit=assessment.unit):
        raise PermissionDenied(_("Only your unit's staff can answer for it."))
    closed = explanation_closed_reason(assessment)
    if closed:
        raise ValidationError(closed)


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
        raise ValidationError(
            {"text": _("Please keep this under %(n)s characters.") % {"n": MAX_TEXT}}
        )
    with transaction.atomic():
        locked, score = _locked(assessment, item, expected_version)
        closed = explanation_closed_reason(locked)
        if closed:
            raise ValidationError(closed)
        if not is_requested(score):
            raise ValidationError(_("The council did not ask about this item."))
        before = audit_snapshot(score, ["explanation_text"])
        score.explanation_text = text
        score.explained_at = timezone.now()
        score.version += 1
        score.updated_by = by
        score.save()
        audit_changes(actor=by, obj=score, before=before, action="explanation")
    return score


def explanation_problems(assessment: Assessment) -> list[str]:
    """Questions still without an answer (text or a file)."""
    answered_by_file = set(
        Evidence.objects.filter(assessment=assessment, stage=EvidenceStage.EXPLANATION).values_list(
            "items", flat=True
        )
    )
    missing = [
        score.item.code
        for score in Score.objects.filter(assessment=assessment)
        .exclude(review_request="")
        .select_related("item")
        if not score.explanation_text and score.item_id not in answered_by_file
    ]
    if missing:
        return [_("No answer yet for: %(codes)s") % {"codes": ", ".join(sorted(missing))}]
    return []


def explanation_send(*, assessment: Assessment, by) -> Assessment:
    """The unit sends its answers: they go to the appraisers and become read-only."""
    _check_may_answer(assessment, by)
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("period")
            .get(pk=assessment.pk)
        )
        closed = explanation_closed_reason(locked)
        if closed:
            raise ValidationError(closed)
        problems = explanation_problems(locked)
        if problems:
            raise ValidationError(problems)
        assessment_transition(assessment=locked, target=S.EXPLAINED, by=by)
        notifications.notify_answered(assessment=locked)
    assessment.refresh_from_db()
    return assessment


# ---------------------------------------------------------------- Home Affairs: the rounds


def _check_manager(period: AssessmentPeriod, by) -> None:
    if by is None:
        return  # the system itself: the hourly job that opens appraisal at the deadline
    if not acts_for(by, Permission.MANAGE_PERIOD, period.organiser_id):
        raise PermissionDenied(_("Only Home Affairs of this organiser moves the period on."))


def period_advance(
    *, period: AssessmentPeriod, target: str, by, deadline: datetime | None = None
) -> AssessmentPeriod:
    """Move the period to its next round, and every unit with it:

    - to appraisal: every unit not yet in appraisal enters it with what it entered;
    - to the explanation round (needs a deadline): units with requests are asked;
    - to round 2: units that did not answer by the deadline go on without an answer;
    - to finalising: nothing more is asked; the chair finalises what remains."""
    _check_manager(period, by)
    target = PeriodStatus(target)
    now = timezone.now()
    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        if (PeriodStatus(period.status), target) not in PERIOD_TRANSITIONS:
            raise ValidationError(
                _("The period cannot go from “%(source)s” to “%(target)s”.")
                % {"source": PeriodStatus(period.status).label, "target": target.label}
            )
        assessments = list(
            Assessment.objects.select_for_update(of=("self",))
            .filter(period=period)
            .select_related("period", "unit")
        )
        if target == PeriodStatus.APPRAISAL:
            _refuse_open_entries(period, assessments, now)
            for a in assessments:
                if a.status in (S.DRAFT, S.SUBMITTED):
                    assessment_transition(assessment=a, target=S.IN_APPRAISAL, by=by)
        elif target == PeriodStatus.EXPLANATION:
            if deadline is None or deadline <= now:
                raise ValidationError({"deadline": _("Give a future deadline for the answers.")})
            before = audit_snapshot(period, ["explanation_deadline"])
            period.explanation_deadline = deadline
            period.save(update_fields=["explanation_deadline"])
            audit_changes(actor=by, obj=period, before=before, action="deadline")
            asked = set(
                Score.objects.filter(assessment__period=period)
                .exclude(review_request="")
                .values_list("assessment_id", flat=True)
            )
            for a in assessments:
                if a.pk in asked and a.status == S.IN_APPRAISAL:
                    assessment_transition(assessment=a, target=S.EXPLANATION_REQUESTED, by=by)
                    notifications.notify_explanation_requested(assessment=a)
        elif target == PeriodStatus.SECOND_APPRAISAL:
            deadline = period.explanation_deadline
            waiting = [a for a in assessments if a.status == S.EXPLANATION_REQUESTED]
            if waiting and deadline and now <= deadline:
                raise ValidationError(
                    _(
                        "%(n)s unit(s) may still answer until %(when)s: wait for the deadline "
                        "or for their answers."
                    )
                    % {"n": len(waiting), "when": _local(deadline)}
                )
            for a in waiting:
                assessment_transition(
                    assessment=a,
                    target=S.EXPLAINED,
                    by=by,
                    reason=_("The explanation deadline passed without an answer."),
                )
        elif target == PeriodStatus.FINALISING and (
            any(a.status == S.EXPLANATION_REQUESTED for a in assessments)
            or Score.objects.filter(assessment__period=period, assessment__status=S.IN_APPRAISAL)
            .exclude(review_request="")
            .exists()
        ):
            raise ValidationError(
                _(
                    "Some units have questions not yet sent or not yet answered: open the "
                    "explanation round first."
                )
            )
        old = period.status
        period.status = target
        period.save(update_fields=["status"])
        audit_record(actor=by, obj=period, action="transition", field="status", old=old, new=target)
    return period


def _refuse_open_entries(period, assessments, now) -> None:
    drafts = [a for a in assessments if a.status == S.DRAFT]
    open_until = [a.self_assessment_deadline for a in drafts if a.self_assessment_deadline]
    if drafts and (not open_until or max(open_until) >= now):
        raise ValidationError(
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
        except ValidationError:
            continue  # a unit may still enter: try again at the next run
        opened += 1
    return opened
