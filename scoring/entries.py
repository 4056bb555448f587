"""What may be entered for an item, and what an entry still lacks — the rules of entry that the
unit's form, its autosave and Excel upload, and the council's appraisal all go through.

`value_clean` is the one check of a value against the item's method (the council enters
exactly what a unit could); `self_entry_clean` adds what only the unit writes: why an item does
not apply, and its note. What a checked value earns is scoring.policy's rule."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.parsing import ParseError, parse_decimal
from parindex.text import has_control_character

from .display import format_number
from .engine.model import CHOICE_METHODS, FIGURE_METHODS, Stage
from .engine.policy import (
    NegativeRatio,
    NotACount,
    StageValue,
    UncoveredRatio,
    item_def,
    ratio_points,
    score_entry,
    value_at,
    value_points,
)
from .models import ItemLevel, ScoringMethod

ZERO = Decimal(0)
# A plan can be over-fulfilled (120%), but not a thousand times: that is a typing slip.
MAX_RATIO = Decimal(1000)
MAX_TEXT = 5000
STORED_PLACES = Decimal("0.0001")
# The Score fields a unit's own entry writes.
SELF_FIELDS = ("self_points", "self_ratio", "not_applicable", "not_applicable_reason", "self_note")


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

    @property
    def value(self) -> StageValue:
        return StageValue(self.points, self.ratio, self.not_applicable)


def stored(value: Decimal | None) -> Decimal | None:
    """As the database keeps it (4 places), so the audit does not see 1 → 1.0000 as a change."""
    return None if value is None else value.quantize(STORED_PLACES)


def entry_of(score) -> SelfEntry:
    """The unit's own entry of a stored score (empty when there is none)."""
    if score is None:
        return SelfEntry()
    return SelfEntry(
        points=score.self_points,
        ratio=score.self_ratio,
        not_applicable=score.not_applicable,
        not_applicable_reason=score.not_applicable_reason,
        note=score.self_note,
    )


def stored_value(item, score, stage: Stage) -> StageValue:
    """The value of a stored score at `stage` (scoring.policy.value_at on the model rows)."""
    return value_at(item_def(item), None if score is None else score_entry(score), stage)


def earned(item, value: StageValue | None) -> Decimal | None:
    """What a value earns on this item (scoring.policy.value_points on the model row)."""
    return value_points(item_def(item), value)


def item_choices(item) -> list[dict]:
    """The answers a unit picks from: the rule's levels, or a ratio rule's alternatives
    ("không có hồ sơ trễ hạn: điểm tối đa")."""
    params = item.method_params or {}
    if item.method in CHOICE_METHODS:
        return list(params.get("levels") or [])
    if item.method == ScoringMethod.RATIO_BANDS:
        return list(params.get("alternatives") or [])
    return []


def chosen_answer(choices: list[dict], value: StageValue) -> dict | None:
    """The rule's answer whose points a value picked (levels, yes/no, another case)."""
    if value.points is None or value.ratio is not None or value.not_applicable:
        return None
    return next((c for c in choices if Decimal(c["points"]) == value.points), None)


def per_case_text(params: dict, max_points: Decimal) -> str:
    """A per-case rule in words: "0,5 điểm mỗi trường hợp, tối đa 1,5 điểm"."""
    cap = Decimal(params["cap"]) if params.get("cap") is not None else max_points
    return _("%(rate)s points per case, up to %(cap)s points") % {
        "rate": format_number(Decimal(params["rate"]), None),
        "cap": format_number(min(cap, max_points), None),
    }


# ---------------------------------------------------------------- checking a value


def value_clean(
    item,
    *,
    points=None,
    ratio=None,
    not_applicable: bool = False,
    step: Decimal | None = None,
) -> StageValue:
    """Check a value entered for `item` (by the unit or the council) and return it exact.
    Raises ValidationError with one message per field, in words a unit's staff understand."""
    check_entered_item(item)
    errors: dict[str, str] = {}
    points = _number(points, _("Points"), "points", errors, percent=False)
    ratio = _number(ratio, figure_label(item), "ratio", errors)
    if not_applicable:
        if not item.not_applicable_allowed:
            errors["not_applicable"] = _("This item cannot be marked not applicable.")
        if errors:
            raise ValidationError(errors)
        return StageValue(not_applicable=True)
    if item.method in FIGURE_METHODS:
        _check_ratio_entry(item, points, ratio, errors)
        if "ratio" not in errors and ratio is not None:
            points = None  # the rule decides the points
    elif ratio is not None:
        errors["ratio"] = _("This item is not scored from a ratio.")
    if points is not None and "points" not in errors:
        _check_points(item, points, step, errors)
    if errors:
        raise ValidationError(errors)
    return StageValue(points=points, ratio=ratio)


def check_entered_item(item) -> None:
    """Only self-scored items take a value: not an area or criterion, not a survey item."""
    if item.is_survey:
        raise ValidationError(_("This item comes from the survey: Home Affairs enters it."))
    if item.is_data_fed:
        raise ValidationError(
            _("This item is scored from data Home Affairs uploads (%(source)s).")
            % {"source": item.data_source}
        )
    if not item.is_scored:
        raise ValidationError(_("Only sub-criteria and bonus or penalty lines are scored."))


def self_entry_clean(
    item,
    *,
    points=None,
    ratio=None,
    not_applicable: bool = False,
    reason: str = "",
    note: str = "",
    step: Decimal | None = None,
) -> SelfEntry:
    """A unit's entry: a checked value, why the item does not apply (required then), a note."""
    check_entered_item(item)
    reason = (reason or "").strip()
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if len(note) > MAX_TEXT or len(reason) > MAX_TEXT:
        errors["note" if len(note) > MAX_TEXT else "reason"] = too_long_message()
    for name, text, label in (("note", note, _("Note")), ("reason", reason, _("Reason"))):
        if has_control_character(text):  # pasted from another program; never storable
            errors[name] = _("%(label)s contains a character that is not allowed.") % {
                "label": label
            }
    try:
        value = value_clean(
            item, points=points, ratio=ratio, not_applicable=not_applicable, step=step
        )
    except ValidationError as exc:  # field by field: the item itself was checked above
        errors.update({key: " ".join(messages) for key, messages in exc.message_dict.items()})
        value = None
    if value is not None and value.not_applicable and not reason:
        errors["reason"] = _("Say why this item does not apply to your unit.")
    if errors:
        raise ValidationError(errors)
    if value.not_applicable:
        return SelfEntry(not_applicable=True, not_applicable_reason=reason, note=note)
    return SelfEntry(points=value.points, ratio=value.ratio, note=note)


def too_long_message() -> str:
    return _("Please keep this under %(n)s characters.") % {"n": MAX_TEXT}


def _number(text, label: str, name: str, errors: dict, *, percent: bool = True) -> Decimal | None:
    try:
        number = parse_decimal(text, label=label, percent=percent)
    except ParseError as exc:
        errors[name] = str(exc)
        return None
    if number is not None and number < ZERO:
        errors[name] = _("%(field)s cannot be negative.") % {"field": label}
        return None
    return number


def is_per_case(item) -> bool:
    """Scored from a count of cases ("0,5 điểm mỗi sáng kiến, tối đa 1,5"), kept in the
    score's *_ratio fields like a reported ratio."""
    return item.method == ScoringMethod.PER_CASE


def figure_label(item) -> str:
    """What the figure a rule scores is called: a number of cases, or a ratio."""
    return _("Number of cases") if is_per_case(item) else _("Ratio")


def figure_text(item, figure: Decimal) -> str:
    """A reported figure in words: "95,5%" or "2 trường hợp"."""
    if is_per_case(item):
        count = int(figure)
        return ngettext("%(n)s case", "%(n)s cases", count) % {"n": count}
    return f"{format_number(figure, None)}%"


def ratio_message(item, ratio: Decimal) -> str:
    """Why a reported ratio cannot be scored by the item's rule; empty when it can. The one
    answer to a ratio no band covers, wherever it is entered."""
    try:
        ratio_points(item.method, item.method_params or {}, item.max_points, ratio)
    except UncoveredRatio:
        return _(
            "No band of the rule covers %(ratio)s%%: check the figure, or choose one of the "
            "rule's other cases."
        ) % {"ratio": format_number(ratio, None)}
    except NegativeRatio:
        if is_per_case(item):
            return _("The number of cases cannot be negative.")
        return _("A ratio cannot be negative.")
    except NotACount:
        return _("The number of cases must be a whole number.")
    return ""


def _check_ratio_entry(item, points, ratio, errors) -> None:
    if is_per_case(item):
        _check_count_entry(item, points, ratio, errors)
        return
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
        message = ratio_message(item, ratio)
        if message:
            errors["ratio"] = message
    elif points is not None and not item_choices(item):
        errors["points"] = _("Report the ratio: the rule turns it into points.")


def _check_count_entry(item, points, count, errors) -> None:
    """A per-case line takes the number of cases; the rule gives the points."""
    if points is not None:
        errors["points"] = _(
            "Enter the number of cases (%(rule)s): the rule turns it into points."
        ) % {"rule": per_case_text(item.method_params or {}, item.max_points)}
        return
    if count is None:
        return
    message = ratio_message(item, count)
    if not message and count > MAX_RATIO:
        message = _("%(n)s cases is not plausible; check the figure.") % {
            "n": format_number(count, None)
        }
    if message:
        errors["ratio"] = message


def _check_points(item, points, step, errors) -> None:
    # Above the maximum is said as such, whatever the rule lists: "5 points exceed 1".
    if points > item.max_points:
        errors["points"] = _("%(points)s points exceed the maximum of %(max)s.") % {
            "points": format_number(points, None),
            "max": format_number(item.max_points, None),
        }
        return
    choices = item_choices(item)
    if choices:
        if all(Decimal(choice["points"]) != points for choice in choices):
            errors["points"] = _("Choose one of the answers the rule lists.")
        return
    if -points.as_tuple().exponent > 4:
        errors["points"] = _("Use at most 4 decimal places.")
    elif step and points != item.max_points and points % step != 0:
        errors["points"] = _("Points go in steps of %(step)s.") % {
            "step": format_number(step, None)
        }


# ---------------------------------------------------------------- what an entry still lacks


@dataclass(frozen=True)
class ItemProblem:
    item_id: int
    code: str
    name: str
    message: str


def lacks_evidence(item, *, points: Decimal | None, has_evidence: bool) -> bool:
    """Points claimed on an item that asks for evidence, with none attached."""
    return item.evidence_required and bool(points) and points > 0 and not has_evidence


def needs_explanation(item, *, points: Decimal | None, has_evidence: bool, note: str) -> bool:
    """The evidence rule: points above 0 need evidence, or else a written explanation."""
    return lacks_evidence(item, points=points, has_evidence=has_evidence) and not note.strip()


def item_problems(item, score, *, has_evidence: bool, points: Decimal | None) -> list[str]:
    """What keeps one item from being submitted. Bonus and penalty lines may stay empty
    (nothing claimed); every other self-scored item needs an answer."""
    if item.is_entered_by_home_affairs or not item.is_scored:
        return []
    entry = entry_of(score)
    problems = []
    if entry.is_empty and item.level == ItemLevel.SUB_CRITERION:
        problems.append(_("Not scored yet."))
    elif points is None and entry.ratio is not None and not entry.not_applicable:
        # Stored before the rule changed, or imported: refused at entry, so said here too.
        problems.append(ratio_message(item, entry.ratio) or _("Not scored yet."))
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
