"""The points of one item at one stage. For ratio methods the points come from the rule applied
to the reported ratio; typed points count only where no ratio was reported."""

from decimal import ROUND_HALF_UP, Decimal

from scoring.models import ScoringMethod
from scoring.rules import DEFAULT_SURVEY_WEIGHTS, HUNDRED, ratio_points

from .model import ItemDef, ScoreEntry, Stage, SurveyEntry

POINTS_PLACES = Decimal("0.0001")
RATIO_METHODS = frozenset({ScoringMethod.RATIO_BANDS, ScoringMethod.PROPORTIONAL})
_STAGE_FIELDS = {
    Stage.SELF: ("self_points", "self_ratio"),
    Stage.APPRAISAL: ("appraisal_points", "appraisal_ratio"),
    Stage.FINAL: ("final_points", "final_ratio"),
}
_FALLBACK = {Stage.SELF: None, Stage.APPRAISAL: Stage.SELF, Stage.FINAL: Stage.APPRAISAL}


def survey_points(item: ItemDef, entry: SurveyEntry | None) -> Decimal | None:
    """Survey points come from the answers when they were recorded (max × the weighted average
    of the answers, with the rule's weights), else from the rate (max × rate / 100), else from
    the points entered."""
    if entry is None:
        return None
    counts = {option: int(n) for option, n in (entry.answer_counts or {}).items() if int(n) > 0}
    weights = item.params.get("weights") or DEFAULT_SURVEY_WEIGHTS
    if counts and all(option in weights for option in counts):
        weighted = sum((Decimal(weights[option]) * n for option, n in counts.items()), Decimal(0))
        # An average over respondents rarely ends (7 answers: sevenths), so it is kept, like
        # every stored score, to 4 decimals (half-up) — the one rounding before display.
        return (item.max_points * weighted / sum(counts.values())).quantize(
            POINTS_PLACES, rounding=ROUND_HALF_UP
        )
    if entry.ratio is not None:
        return item.max_points * entry.ratio / HUNDRED
    return entry.points


def own_stage_points(item: ItemDef, entry: ScoreEntry, stage: Stage) -> Decimal | None:
    """The points set at exactly this stage, or None when the stage left the item alone."""
    points_field, ratio_field = _STAGE_FIELDS[stage]
    ratio = getattr(entry, ratio_field)
    if ratio is not None and item.method in RATIO_METHODS:
        return ratio_points(item.method, item.params, item.max_points, ratio)
    return getattr(entry, points_field)


def stage_not_applicable(entry: ScoreEntry | None, stage: Stage) -> bool:
    """Whether the item is out of the unit's maximum at `stage`: the latest decision made up to
    that stage (the council may refuse or grant the unit's "không áp dụng")."""
    if entry is None:
        return False
    if stage == Stage.FINAL and entry.final_not_applicable is not None:
        return entry.final_not_applicable
    if stage in (Stage.FINAL, Stage.APPRAISAL) and entry.appraisal_not_applicable is not None:
        return entry.appraisal_not_applicable
    return entry.not_applicable


def stage_points(item: ItemDef, entry: ScoreEntry | None, stage: Stage) -> Decimal | None:
    """The points that count at `stage`, falling back to earlier stages; None if never scored."""
    if entry is None:
        return None
    current: Stage | None = stage
    while current is not None:
        points = own_stage_points(item, entry, current)
        if points is not None:
            return points
        current = _FALLBACK[current]
    return None
