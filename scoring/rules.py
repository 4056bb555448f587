"""Scoring rules as officials write them ("100%: 2; 90% - <100%: 1,5; <90%: 0") read into
structured parameters. What a ratio earns under those parameters is scoring.policy's rule.

Pure Python over Decimal: no database. Parameters are stored as JSON with decimals as strings so
that nothing passes through a float.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext as _

from parindex.parsing import ParseError, parse_decimal

from .display import format_number
from .engine.policy import DEFAULT_SURVEY_WEIGHTS, HUNDRED, ZERO
from .models import ScoringMethod

NUMBER = r"(\d+(?:[.,]\d+)?)"
_RANGE = re.compile(r"(>=|≥|>)?\s*" + NUMBER + r"\s*%?\s*[-–—]\s*(<=|≤|<)?\s*" + NUMBER + r"\s*%")
_COMPARISON = re.compile(r"(>=|≥|>|<=|≤|<)\s*" + NUMBER + r"\s*%")
_BARE_PERCENT = re.compile(NUMBER + r"\s*%")
_TARGET_MET = re.compile(r"(≥|>=)?\s*(đạt\s+)?chỉ tiêu", re.IGNORECASE)
_NOT_APPLICABLE = re.compile(r"\bN/?A\b|không áp dụng", re.IGNORECASE)
_FULL_POINTS = re.compile(r"full(\s+points)?|điểm tối đa|tối đa", re.IGNORECASE)
_SURVEY_HINT = re.compile(r"^\s*(survey|điều tra)|không tự chấm|not self-scored", re.IGNORECASE)
_PROPORTIONAL_HINT = re.compile(r"^\s*(proportional|tỷ lệ thuận)", re.IGNORECASE)
_FULL_AT = re.compile(
    r"(?:≥|>=)\s*" + NUMBER + r"[^:;]*:\s*(?:full|điểm tối đa|tối đa)", re.IGNORECASE
)
_SURVEY_WEIGHT = re.compile(r"\b([A-E])\s*=\s*" + NUMBER + r"\s*%")
_SATISFACTION = re.compile(r"hài lòng", re.IGNORECASE)
# Per-case wording: "Mỗi sáng kiến được công nhận: 0,5", "0,5 điểm mỗi sáng kiến", "1 điểm/trường
# hợp"; the cap is "tổng điểm thưởng tối đa: 1,5" or "tối đa 1,5".
_EACH = re.compile(r"^\s*(?:cứ\s+)?mỗi\b", re.IGNORECASE)
_RATE_PER = re.compile(
    NUMBER + r"\s*(?:điểm\s*)?(?:/\s*(?:01\s+|1\s+|một\s+)?(?=[^\W\d_])|(?:cho\s+)?mỗi\b)",
    re.IGNORECASE,
)
_CAP_CONDITION = re.compile(
    r"(?:tổng\s+(?:số\s+)?điểm(?:\s+(?:thưởng|trừ|cộng))?\s+)?(?:được\s+)?tối\s+đa",
    re.IGNORECASE,
)
_CAP_IN_TEXT = re.compile(r"tối\s+đa\s*(?:là\s*|:\s*)?" + NUMBER, re.IGNORECASE)
# Vietnamese wording of bounds, rewritten into the symbols the band patterns read.
_VIETNAMESE_BOUNDS = [
    (
        re.compile(r"từ\s+" + NUMBER + r"\s*%?\s*đến\s+dưới\s+" + NUMBER + r"\s*%", re.I),
        r"\1% - <\2%",
    ),
    (re.compile(r"từ\s+" + NUMBER + r"\s*%?\s*đến\s+" + NUMBER + r"\s*%", re.I), r"\1% - \2%"),
    (re.compile(r"từ\s+" + NUMBER + r"\s*%\s*trở\s+lên", re.I), r"≥\1%"),
    (re.compile(r"trên\s+" + NUMBER + r"\s*%", re.I), r">\1%"),
    (re.compile(r"dưới\s+" + NUMBER + r"\s*%", re.I), r"<\1%"),
    (re.compile(r"(?:không\s+quá|tối\s+đa)\s+" + NUMBER + r"\s*%", re.I), r"≤\1%"),
    (re.compile(r"từ\s+" + NUMBER + r"\s*%", re.I), r"≥\1%"),
]


class RuleError(ValueError):
    """The rule text cannot be read as the stated method; the message is for the user."""


def to_decimal(text: str) -> Decimal:
    """A number written in a rule ("1,5", "90"), read as every number is (parindex.parsing)."""
    try:
        number = parse_decimal(text, label="")
    except ParseError as exc:
        raise RuleError(str(exc)) from exc
    if number is None:
        raise RuleError(_("“%(text)s” is not a number.") % {"text": text})
    return number


@dataclass
class ParsedRule:
    method: str
    params: dict = field(default_factory=dict)
    not_applicable_allowed: bool = False
    not_applicable_condition: str = ""


@dataclass
class _Segment:
    condition: str
    value: str


def _segments(rule: str) -> list[_Segment]:
    segments = []
    for part in rule.split(";"):
        part = part.strip()
        if not part:
            continue
        condition, sep, value = part.rpartition(":")
        if not sep:
            segments.append(_Segment(condition=part, value=""))
        else:
            segments.append(_Segment(condition=condition.strip(), value=value.strip()))
    return segments


def _is_not_applicable(segment: _Segment) -> bool:
    return bool(_NOT_APPLICABLE.search(segment.value))


def _value_points(value: str, max_points: Decimal) -> Decimal | None:
    """Points written in a segment: a number, or 'full points'; None when neither."""
    match = re.fullmatch(r"\s*" + NUMBER + r"\s*(điểm)?\s*", value)
    if match:
        return to_decimal(match.group(1))
    if _FULL_POINTS.fullmatch(value.strip()):
        return max_points
    return None


def _normalise_bounds(condition: str) -> str:
    for pattern, replacement in _VIETNAMESE_BOUNDS:
        condition = pattern.sub(replacement, condition)
    return condition


def _band(condition: str) -> dict | None:
    """Lower/upper bounds (in %) with inclusive flags, or None if the condition has no ratio."""
    condition = _normalise_bounds(condition)
    if match := _RANGE.search(condition):
        lower_op, lower, upper_op, upper = match.groups()
        return _band_dict(to_decimal(lower), lower_op != ">", to_decimal(upper), upper_op != "<")
    if match := _COMPARISON.search(condition):
        op, number = match.groups()
        value = to_decimal(number)
        if op in (">=", "≥"):
            return _band_dict(value, True, None, False)
        if op == ">":
            return _band_dict(value, False, None, False)
        if op in ("<=", "≤"):
            return _band_dict(ZERO, True, value, True)
        return _band_dict(ZERO, True, value, False)
    if match := _BARE_PERCENT.search(condition):
        # "100%: 2" — reaching the figure; a ratio above it earns the same.
        return _band_dict(to_decimal(match.group(1)), True, None, False)
    if _TARGET_MET.search(condition) and not re.search(r"không\s+đạt|chưa\s+đạt", condition, re.I):
        # "Đạt chỉ tiêu", "≥ chỉ tiêu giao": the ratio is measured against the target, so 100%.
        return _band_dict(HUNDRED, True, None, False)
    return None


def _band_dict(lower, lower_inclusive, upper, upper_inclusive) -> dict:
    return {
        "lower": str(lower),
        "lower_inclusive": lower_inclusive,
        "upper": None if upper is None else str(upper),
        "upper_inclusive": upper_inclusive,
    }


def _check_bands(bands: list[dict]) -> None:
    """Bands must not overlap and must cover every ratio from 0%: the top band is open upwards
    or ends at 100% inclusive (a ratio above 100% then counts as 100%)."""
    ordered = sorted(bands, key=lambda b: (Decimal(b["lower"]), not b["lower_inclusive"]))
    if Decimal(ordered[0]["lower"]) > ZERO or not ordered[0]["lower_inclusive"]:
        raise RuleError(_("The bands do not cover ratios from 0%."))
    for below, above in pairwise(ordered):
        if below["upper"] is None:
            raise RuleError(
                _("Two bands overlap above %(value)s%%.")
                % {"value": format_number(Decimal(below["lower"]), None)}
            )
        upper, lower = Decimal(below["upper"]), Decimal(above["lower"])
        touching = upper == lower and below["upper_inclusive"] != above["lower_inclusive"]
        if upper > lower or (
            upper == lower and below["upper_inclusive"] and above["lower_inclusive"]
        ):
            raise RuleError(
                _("Two bands overlap at %(value)s%%.")
                % {"value": format_number(Decimal(above["lower"]), None)}
            )
        if not touching:
            raise RuleError(
                _("No band covers ratios between %(low)s%% and %(high)s%%.")
                % {"low": format_number(upper, None), "high": format_number(lower, None)}
            )
    top = ordered[-1]
    if top["upper"] is not None and (
        Decimal(top["upper"]) < HUNDRED
        or (Decimal(top["upper"]) == HUNDRED and not top["upper_inclusive"])
    ):
        raise RuleError(_("No band covers ratios up to 100%."))


def _points_within(points: Decimal, max_points: Decimal) -> Decimal:
    if points < ZERO or points > max_points:
        raise RuleError(
            _("The rule gives %(points)s points, outside 0 to the maximum of %(max)s.")
            % {"points": format_number(points, None), "max": format_number(max_points, None)}
        )
    return points


def parse_rule(rule: str, max_points: Decimal, method: str | None = None) -> ParsedRule:
    """Read `rule` as `method`, or infer the method when it is not given.

    With an explicit method, a rule that does not fit raises RuleError. When inferring, a rule
    whose shape is not recognised becomes a manual item (points typed within the maximum): the
    written rule is still shown to whoever scores it.
    """
    rule = (rule or "").strip()
    segments = _segments(rule)
    not_applicable = [s for s in segments if _is_not_applicable(s)]
    scored = [s for s in segments if not _is_not_applicable(s)]
    # "tổng điểm thưởng tối đa: 1,5" caps a per-case line; it is never a level to choose.
    caps = [s for s in scored if _is_cap(s)]
    scored = [s for s in scored if not _is_cap(s)]
    parsed = ParsedRule(
        method=ScoringMethod.MANUAL,
        not_applicable_allowed=bool(not_applicable),
        not_applicable_condition="; ".join(s.condition for s in not_applicable)[:255],
    )

    if method is None:
        method = _infer_method(rule, scored, caps, max_points)
    parsed.method = method

    if method == ScoringMethod.SURVEY:
        weights = {
            letter: str(to_decimal(pct) / HUNDRED) for letter, pct in _SURVEY_WEIGHT.findall(rule)
        }
        if weights:
            parsed.params = {"basis": "weighted_answers", "weights": weights}
        elif _SATISFACTION.search(rule):
            parsed.params = {"basis": "satisfaction_rate"}
        else:
            parsed.params = {"basis": "weighted_answers", "weights": DEFAULT_SURVEY_WEIGHTS}
    elif method == ScoringMethod.PROPORTIONAL:
        full_at = _FULL_AT.search(rule)
        parsed.params = {
            "target": "100",
            "full_at": str(to_decimal(full_at.group(1))) if full_at else None,
        }
    elif method == ScoringMethod.RATIO_BANDS:
        parsed.params = _ratio_bands(scored, max_points)
    elif method == ScoringMethod.PER_CASE:
        parsed.params = _per_case(rule, scored, caps, max_points)
    elif method in (ScoringMethod.LEVELS, ScoringMethod.YES_NO):
        parsed.params = {"levels": _levels(scored, max_points, method)}
    elif method == ScoringMethod.MANUAL:
        parsed.params = {}
    else:
        raise RuleError(_("Unknown scoring method “%(method)s”.") % {"method": method})
    return parsed


def _infer_method(
    rule: str, scored: list[_Segment], caps: list[_Segment], max_points: Decimal
) -> str:
    """The method a rule is written in. A rule with two or more percentage conditions is a
    ratio-band rule, and its faults (gaps, overlaps) are reported rather than guessed around;
    so is a per-case rule ("Mỗi sáng kiến: 0,5; tối đa: 1,5"). A rule mixing several rates
    per case, or rates and levels, has its points typed."""
    if _SURVEY_HINT.search(rule):
        return ScoringMethod.SURVEY
    if _PROPORTIONAL_HINT.search(rule):
        return ScoringMethod.PROPORTIONAL
    if not scored:
        return ScoringMethod.MANUAL
    if any(_case_rate(s) is not None for s in scored):
        if not _is_plain_per_case(scored, max_points):
            return ScoringMethod.MANUAL
        _per_case(rule, scored, caps, max_points)
        return ScoringMethod.PER_CASE
    percent_conditions = [s for s in scored if "%" in s.condition and _band(s.condition)]
    if len(percent_conditions) >= 2:
        _ratio_bands(scored, max_points)
        return ScoringMethod.RATIO_BANDS
    if any(_band(s.condition) for s in scored):
        try:
            _ratio_bands(scored, max_points)
            return ScoringMethod.RATIO_BANDS
        except RuleError:
            pass  # "Đạt chỉ tiêu: 1; không đạt: 0" mentions a target but is a yes/no
    if not all(s.condition and _value_points(s.value, max_points) is not None for s in scored):
        return ScoringMethod.MANUAL  # not written as "level: points": points are typed
    levels = _levels(scored, max_points, ScoringMethod.LEVELS)
    values = sorted(Decimal(level["points"]) for level in levels)
    if len(levels) == 2 and values == [ZERO, max_points]:
        return ScoringMethod.YES_NO
    return ScoringMethod.LEVELS


def _levels(scored: list[_Segment], max_points: Decimal, method: str) -> list[dict]:
    levels = []
    for segment in scored:
        points = _value_points(segment.value, max_points)
        if points is None or not segment.condition:
            raise RuleError(
                _("“%(segment)s” is not written as “level: points”.")
                % {"segment": f"{segment.condition}: {segment.value}".strip(": ")}
            )
        levels.append(
            {"label": segment.condition, "points": str(_points_within(points, max_points))}
        )
    if not levels:
        raise RuleError(_("The rule lists no levels."))
    if method == ScoringMethod.YES_NO and len(levels) != 2:
        raise RuleError(_("A yes/no rule has exactly two answers."))
    _check_best_is_max([Decimal(level["points"]) for level in levels], max_points)
    return levels


def _check_best_is_max(points: list[Decimal], max_points: Decimal) -> None:
    """The best answer must give the item's maximum, or no unit could ever reach it."""
    if max(points) != max_points:
        raise RuleError(
            _("The best answer of the rule gives %(best)s points, but the maximum is %(max)s.")
            % {"best": format_number(max(points), None), "max": format_number(max_points, None)}
        )


def _ratio_bands(scored: list[_Segment], max_points: Decimal) -> dict:
    bands, alternatives = [], []
    for segment in scored:
        points = _value_points(segment.value, max_points)
        if points is None:
            raise RuleError(
                _("“%(segment)s” gives no points.")
                % {"segment": f"{segment.condition}: {segment.value}"}
            )
        _points_within(points, max_points)
        band = _band(segment.condition)
        if band is None:
            # "không có hồ sơ trễ hạn: full points" — a situation, not a ratio.
            alternatives.append({"label": segment.condition, "points": str(points)})
        else:
            band.update(label=segment.condition, points=str(points))
            bands.append(band)
    if not bands:
        raise RuleError(_("The rule has no ratio bands (e.g. “≥ 90%: 2; < 90%: 0”)."))
    _check_bands(bands)
    _check_best_is_max([Decimal(x["points"]) for x in bands + alternatives], max_points)
    return {"bands": bands, "alternatives": alternatives}


# ---------------------------------------------------------------- per case


_PLAIN_NUMBER = re.compile(r"\s*" + NUMBER + r"\s*(?:điểm)?\s*")


def _is_cap(segment: _Segment) -> bool:
    """ "Tổng điểm thưởng tối đa: 1,5", "tối đa: 1": the cap of a line, not a level."""
    return bool(
        _CAP_CONDITION.fullmatch(segment.condition.strip())
        and _PLAIN_NUMBER.fullmatch(segment.value)
    )


def _case_rate(segment: _Segment) -> Decimal | None:
    """The points one case earns, when the segment is written per case: "Mỗi sáng kiến: 0,5",
    "0,5 điểm mỗi sáng kiến", "Bị kỷ luật: 1 điểm/trường hợp"; None otherwise."""
    if segment.value and _EACH.search(segment.condition):
        match = re.match(r"\s*" + NUMBER + r"\s*(?:điểm)?\s*(?:[,(]|$)", segment.value)
        if match:
            return to_decimal(match.group(1))
    text = f"{segment.condition}: {segment.value}" if segment.value else segment.condition
    match = _RATE_PER.search(text)
    return to_decimal(match.group(1)) if match else None


def _is_plain_per_case(scored: list[_Segment], max_points: Decimal) -> bool:
    """One rate per case; any other segment gives nothing ("không có: 0")."""
    rates = [s for s in scored if _case_rate(s) is not None]
    others = [s for s in scored if _case_rate(s) is None]
    return len(rates) == 1 and all(_value_points(s.value, max_points) == ZERO for s in others)


def _per_case(rule: str, scored: list[_Segment], caps: list[_Segment], max_points) -> dict:
    if not _is_plain_per_case(scored, max_points):
        raise RuleError(
            _(
                "Write a per-case rule as “Mỗi trường hợp: 0,5; tối đa: 1,5”: one number of "
                "points per case, and the cap."
            )
        )
    rate = next(r for s in scored if (r := _case_rate(s)) is not None)
    if rate <= ZERO or rate > max_points:
        raise RuleError(
            _(
                "One case gives %(rate)s points: it must be above 0 and at most the "
                "maximum of %(max)s."
            )
            % {"rate": format_number(rate, None), "max": format_number(max_points, None)}
        )
    cap = None
    if caps:
        cap = to_decimal(_PLAIN_NUMBER.fullmatch(caps[0].value).group(1))
    elif match := _CAP_IN_TEXT.search(rule):
        cap = to_decimal(match.group(1))
    if cap is not None and not rate <= cap <= max_points:
        raise RuleError(
            _(
                "The rule caps the line at %(cap)s points: it must be between one case "
                "(%(rate)s) and the maximum of %(max)s."
            )
            % {
                "cap": format_number(cap, None),
                "rate": format_number(rate, None),
                "max": format_number(max_points, None),
            }
        )
    return {"rate": str(rate), "cap": None if cap is None else str(cap)}
