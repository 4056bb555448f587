"""A unit's self-assessment: what it may enter for each item, when its entry is open, saving one
item with an optimistic lock, what blocks submission, and Home Affairs' reopen and extension.

Every rule of self-scoring lives here; the form, the autosave endpoint and the Excel upload all
go through `self_entry_clean` and `self_score_save`."""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from scoring.display import format_number
from scoring.engine.points import RATIO_METHODS
from scoring.models import (
    Assessment,
    AssessmentPeriod,
    IndexItem,
    ItemLevel,
    Score,
    ScoringMethod,
)
from scoring.rules import RuleError, ratio_points
from scoring.workflow import AssessmentStatus, PeriodStatus
from units.access import acts_for, has_permission
from units.roles import Permission

from .assessments import assessment_transition
from .audit import audit_changes, audit_snapshot

ZERO = Decimal(0)
# A plan can be over-fulfilled (120%), but not a thousand times: that is a typing slip.
MAX_RATIO = Decimal(1000)
MAX_TEXT = 5000
STORED_PLACES = Decimal("0.0001")
SELF_FIELDS = ("self_points", "self_ratio", "not_applicable", "not_applicable_reason", "self_note")
CHOICE_METHODS = frozenset({ScoringMethod.LEVELS, ScoringMethod.YES_NO})
_NUMBER = re.compile(r"^[+]?(\d+)(?:[.,](\d+))?$")


class ScoreConflict(Exception):
    """The item changed since the user loaded it: `current` is what is stored now."""

    def __init__(self, current: Score | None):
        super().__init__("score changed meanwhile")
        self.current = current


@dataclass(frozen=True)
class SelfEntry:
    """What a unit enters for one item, checked against the item's method."""

    points: Decimal | None = None
    ratio: Decimal | None = None
    not_applicable: bool = False
    not_applicable_reason: str = ""
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return self.points is None and self.ratio is None and not self.not_applicable


def parse_decimal_text(text, *, field_label: str) -> Decimal | None:
    """'1,5', '1.5' and ' 95 % ' as typed by people; empty is None. No thousands separators:
    scores and ratios never need them, and '1.234' would be ambiguous."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    cleaned = str(text).strip().rstrip("%").strip().replace(" ", "")
    if not cleaned:
        return None
    if cleaned.startswith("-") and _NUMBER.match(cleaned[1:]):
        raise ValidationError(_("%(field)s cannot be negative.") % {"field": field_label})
    if not _NUMBER.match(cleaned):
        raise ValidationError(
            _("%(field)s: “%(text)s” is not a number (write e.g. 1,5 or 1.5).")
            % {"field": field_label, "text": str(text).strip()}
        )
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes these
        raise ValidationError(_("“%(text)s” is not a number.") % {"text": text}) from exc


def item_choices(item: IndexItem) -> list[dict]:
    """The answers a unit picks from: the rule's levels, or a ratio rule's alternatives
    ("không có hồ sơ trễ hạn: điểm tối đa")."""
    params = item.method_params or {}
    if item.method in CHOICE_METHODS:
        return list(params.get("levels") or [])
    if item.method == ScoringMethod.RATIO_BANDS:
        return list(params.get("alternatives") or [])
    return []


def entry_points(item: IndexItem, entry: SelfEntry) -> Decimal | None:
    """The points an entry earns: from the reported ratio for ratio rules, else as entered."""
    if entry.not_applicable:
        return None
    if entry.ratio is not None and item.method in RATIO_METHODS:
        return ratio_points(item.method, item.method_params, item.max_points, entry.ratio)
    return entry.points


def self_entry_clean(
    item: IndexItem,
    *,
    points=None,
    ratio=None,
    not_applicable: bool = False,
    reason: str = "",
    note: str = "",
    step: Decimal | None = None,
) -> SelfEntry:
    """Check what was entered for `item` and return it as exact values. Raises ValidationError
    with one message per field, in words a unit's staff understand."""
    if item.is_survey:
        raise ValidationError(_("This item comes from the survey: Home Affairs enters it."))
    if not item.is_scored:
        raise ValidationError(_("Only sub-criteria and bonus or penalty lines are scored."))
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    note = (note or "").strip()
    if len(note) > MAX_TEXT or len(reason) > MAX_TEXT:
        errors["note" if len(note) > MAX_TEXT else "reason"] = _(
            "Please keep this under %(n)s characters."
        ) % {"n": MAX_TEXT}
    try:
        points = parse_decimal_text(points, field_label=_("Points"))
    except ValidationError as exc:
        errors["points"] = exc.messages[0]
        points = None
    try:
        ratio = parse_decimal_text(ratio, field_label=_("Ratio"))
    except ValidationError as exc:
        errors["ratio"] = exc.messages[0]
        ratio = None

    if not_applicable:
        if not item.not_applicable_allowed:
            errors["not_applicable"] = _("This item cannot be marked not applicable.")
        elif not reason:
            errors["reason"] = _("Say why this item does not apply to your unit.")
        if errors:
            raise ValidationError(errors)
        return SelfEntry(not_applicable=True, not_applicable_reason=reason, note=note)

    if item.method in RATIO_METHODS:
        _check_ratio_entry(item, points, ratio, errors)
        if "ratio" not in errors and ratio is not None:
            points = None  # the rule decides the points
    elif ratio is not None:
        errors["ratio"] = _("This item is not scored from a ratio.")
    if points is not None and "points" not in errors:
        _check_points(item, points, step, errors)
    if errors:
        raise ValidationError(errors)
    return SelfEntry(points=points, ratio=ratio, note=note)


def _check_ratio_entry(item, points, ratio, errors) -> None:
    if ratio is not None and points is not None:
        errors["ratio"] = _("Report the ratio or choose another case, not both.")
        return
    if ratio is not None:
        if -ratio.as_tuple().exponent > 4:
            errors["ratio"] = _("Use at most 4 decimal places.")
            return
        if ratio > MAX_RATIO:
            errors["ratio"] = _("A ratio of %(ratio)s%% is not plausible; check the figure.") % {
                "ratio": format_number(ratio, None)
            }
            return
        try:
            ratio_points(item.method, item.method_params, item.max_points, ratio)
        except RuleError as exc:
            errors["ratio"] = str(exc)
    elif points is not None and not item_choices(item):
        errors["points"] = _("Report the ratio: the rule turns it into points.")


def _check_points(item, points, step, errors) -> None:
    choices = item_choices(item)
    if choices:
        if all(Decimal(choice["points"]) != points for choice in choices):
            errors["points"] = _("Choose one of the answers the rule lists.")
        return
    if points < ZERO:
        errors["points"] = _("Points cannot be negative.")
    elif points > item.max_points:
        errors["points"] = _("%(points)s points exceed the maximum of %(max)s.") % {
            "points": format_number(points, None),
            "max": format_number(item.max_points, None),
        }
    elif -points.as_tuple().exponent > 4:
        errors["points"] = _("Use at most 4 decimal places.")
    elif step and points != item.max_points and points % step != 0:
        errors["points"] = _("Points go in steps of %(step)s.") % {
            "step": format_number(step, None)
        }


# ---------------------------------------------------------------- when the entry is open


def self_assessment_closed_reason(assessment: Assessment, *, now=None) -> str:
    """Why the unit can no longer change its entry; empty while it is open. The one rule that
    the form, autosave, evidence, upload and submit all obey."""
    now = now or timezone.now()
    if assessment.status != AssessmentStatus.DRAFT:
        if assessment.status == AssessmentStatus.SUBMITTED and assessment.submitted_at:
            return _("Submitted on %(when)s: the entry is read-only.") % {
                "when": _local(assessment.submitted_at)
            }
        return _("The assessment is “%(status)s”: the self-assessment is read-only.") % {
            "status": AssessmentStatus(assessment.status).label
        }
    period = assessment.period
    if period.status != PeriodStatus.SELF_ASSESSMENT:
        return _("The period is not open for self-assessment (now: %(status)s).") % {
            "status": PeriodStatus(period.status).label
        }
    deadline = assessment.self_assessment_deadline
    if deadline and now > deadline:
        return _(
            "The self-assessment deadline passed on %(when)s. Ask Home Affairs to reopen "
            "your unit's entry."
        ) % {"when": _local(deadline)}
    return ""


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _check_may_edit(assessment: Assessment, by) -> None:
    if not has_permission(by, Permission.EDIT_SELF_ASSESSMENT, unit=assessment.unit):
        raise PermissionDenied(_("Only your unit's staff can change its self-assessment."))
    closed = self_assessment_closed_reason(assessment)
    if closed:
        raise ValidationError(closed)


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
    try:
        with transaction.atomic():
            # Locked, then checked again: a submission or a reopening that lands meanwhile
            # decides, not the state read when the request began.
            locked = (
                Assessment.objects.select_for_update(of=("self",))
                .select_related("period")
                .get(pk=assessment.pk)
            )
            closed = self_assessment_closed_reason(locked)
            if closed:
                raise ValidationError(closed)
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
            before = audit_snapshot(score, SELF_FIELDS)
            _apply(score, entry)
            score.version += 1
            score.updated_by = by
            score.save()
            score.assessment = assessment
            audit_changes(actor=by, obj=score, before=before, action="self_score")
    except IntegrityError as exc:
        # Another tab created the row between our read and our insert.
        raise ScoreConflict(
            Score.objects.select_related("updated_by")
            .filter(assessment=assessment, item=item)
            .first()
        ) from exc
    return score


def _stored(value: Decimal | None) -> Decimal | None:
    # As the database keeps it (4 places), so the audit does not see 1 → 1.0000 as a change.
    return None if value is None else value.quantize(STORED_PLACES)


def _apply(score: Score, entry: SelfEntry) -> None:
    score.self_points = _stored(entry.points)
    score.self_ratio = _stored(entry.ratio)
    score.not_applicable = entry.not_applicable
    score.not_applicable_reason = entry.not_applicable_reason
    score.self_note = entry.note


def entry_of(score: Score | None) -> SelfEntry:
    if score is None:
        return SelfEntry()
    return SelfEntry(
        points=score.self_points,
        ratio=score.self_ratio,
        not_applicable=score.not_applicable,
        not_applicable_reason=score.not_applicable_reason,
        note=score.self_note,
    )


# ---------------------------------------------------------------- what blocks submission


@dataclass(frozen=True)
class ItemProblem:
    item_id: int
    code: str
    name: str
    message: str


def item_problems(
    item: IndexItem, score: Score | None, *, has_evidence: bool, points: Decimal | None
) -> list[str]:
    """What keeps one item from being submitted. Bonus and penalty lines may stay empty
    (nothing claimed); every other self-scored item needs an answer."""
    if item.is_survey or not item.is_scored:
        return []
    entry = entry_of(score)
    problems = []
    if entry.is_empty and item.level == ItemLevel.SUB_CRITERION:
        problems.append(_("Not scored yet."))
    if entry.not_applicable and not entry.not_applicable_reason:
        problems.append(_("Say why this item does not apply."))
    if needs_explanation(item, points=points, has_evidence=has_evidence, note=entry.note):
        problems.append(
            _(
                "Scored above 0 without evidence: attach evidence or explain how the points "
                "were reached."
            )
        )
    return problems


def lacks_evidence(item: IndexItem, *, points: Decimal | None, has_evidence: bool) -> bool:
    """Points claimed on an item that asks for evidence, with none attached."""
    return item.evidence_required and bool(points) and points > 0 and not has_evidence


def needs_explanation(
    item: IndexItem, *, points: Decimal | None, has_evidence: bool, note: str
) -> bool:
    """The evidence rule: points above 0 need evidence, or else a written explanation."""
    return lacks_evidence(item, points=points, has_evidence=has_evidence) and not note.strip()


def assessment_submit(*, assessment: Assessment, by) -> Assessment:
    """Submit the entry; refused while the entry is closed or any item needs attention. The
    check runs under the assessment's row lock, which every save also takes, so an item
    cleared in the same instant cannot slip through. After this the entry is read-only."""
    from scoring.selectors.self_assessment import self_assessment  # the selector uses us

    if not has_permission(by, Permission.SUBMIT_SELF_ASSESSMENT, unit=assessment.unit):
        raise PermissionDenied(_("Only your unit's staff can submit its self-assessment."))
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        closed = self_assessment_closed_reason(locked)
        if closed:
            raise ValidationError(closed)
        problems = self_assessment(locked).problems
        if problems:
            raise ValidationError(
                _("The self-assessment cannot be submitted yet: %(n)s item(s) need attention.")
                % {"n": len(problems)}
            )
        assessment_transition(assessment=locked, target=AssessmentStatus.SUBMITTED, by=by)
    assessment.refresh_from_db()
    return assessment


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
        raise ValidationError(
            _("The period is not in self-assessment (now: %(status)s).")
            % {"status": PeriodStatus(assessment.period.status).label}
        )
    if assessment.status not in (AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED):
        raise ValidationError(
            _("The assessment is already “%(status)s” and cannot be reopened here.")
            % {"status": AssessmentStatus(assessment.status).label}
        )
    with transaction.atomic():
        if assessment.status == AssessmentStatus.SUBMITTED:
            assessment_transition(
                assessment=assessment, target=AssessmentStatus.DRAFT, by=by, reason=reason
            )
        before = audit_snapshot(assessment, ["unit_deadline"])
        assessment.unit_deadline = until
        assessment.save(update_fields=["unit_deadline", "updated_at"])
        audit_changes(actor=by, obj=assessment, before=before, reason=reason, action="reopen")
    return assessment


def period_deadline_extend(
    *, period: AssessmentPeriod, by, deadline: datetime, reason: str
) -> AssessmentPeriod:
    """Move the self-assessment deadline later for every unit (audited)."""
    if not acts_for(by, Permission.MANAGE_PERIOD, period.organiser_id):
        raise PermissionDenied(_("Only Home Affairs can change the period's deadlines."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for the new deadline.")})
    current = period.self_assessment_deadline
    if current and deadline <= current:
        raise ValidationError(
            {
                "deadline": _("The new deadline must be later than the current one (%(when)s).")
                % {"when": _local(current)}
            }
        )
    if period.appraisal_deadline and deadline > period.appraisal_deadline:
        raise ValidationError(
            {
                "deadline": _(
                    "The new deadline must come before the appraisal deadline (%(when)s)."
                )
                % {"when": _local(period.appraisal_deadline)}
            }
        )
    with transaction.atomic():
        before = audit_snapshot(period, ["self_assessment_deadline"])
        period.self_assessment_deadline = deadline
        period.save(update_fields=["self_assessment_deadline"])
        audit_changes(actor=by, obj=period, before=before, reason=reason, action="extend_deadline")
    return period


def evidence_closed_check(assessment: Assessment, by) -> None:
    """Evidence follows the same lock as the scores it supports."""
    _check_may_edit(assessment, by)
