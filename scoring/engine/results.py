"""A unit's result: own maximum, direct and survey points, bonus and penalty within their caps,
total, index, classification band, and the sub-index of every area and criterion."""

from collections import defaultdict
from decimal import Decimal

from .model import ItemResult, Level, LevelResult, Method, Stage, UnitInput, UnitResult
from .policy import figure_points, own_points, survey_points, value_at, value_points

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def index_of(points: Decimal, max_points: Decimal) -> Decimal | None:
    """Index (%) = points / maximum × 100 — the one place it is computed. One division, so equal
    ratios give equal indices to the last digit; None when there is no maximum to measure by."""
    if max_points <= 0:
        return None
    return points * HUNDRED / max_points


def band_of(index: Decimal | None, bands: list[tuple[str, Decimal]]) -> str:
    """The highest band whose minimum the exact index reaches (bands sorted high to low)."""
    if index is None:
        return ""
    for label, minimum in bands:
        if index >= minimum:
            return label
    return ""


def unit_result(
    unit: UnitInput, stage: Stage = Stage.FINAL, *, with_items: bool = True
) -> UnitResult:
    index_set = unit.index_set
    own_max = direct = survey = bonus = penalty = ZERO
    level_max: dict[int, Decimal] = defaultdict(Decimal)
    level_points: dict[int, Decimal] = defaultdict(Decimal)
    items: list[ItemResult] = []
    for item in index_set.scored:
        is_survey = item.method == Method.SURVEY
        score = None
        if is_survey:
            entry = unit.surveys.get(item.id)
            not_applicable = bool(entry and entry.not_applicable)
            points = survey_points(item, entry) or ZERO
        elif item.data_fed:
            not_applicable = False
            points = figure_points(item, unit.figures.get(item.id)) or ZERO
        else:
            score = unit.scores.get(item.id)
            value = value_at(item, score, stage)
            not_applicable = value.not_applicable
            points = value_points(item, value) or ZERO
        if not_applicable:
            points = ZERO
        if item.level == Level.BONUS:
            bonus += min(points, item.max_points)  # each line within its own cap
        elif item.level == Level.PENALTY:
            penalty += min(points, item.max_points)
        elif not not_applicable:
            own_max += item.max_points
            if is_survey:
                survey += points
            else:
                direct += points
            for level_id in (index_set.criterion_of[item.id], index_set.area_of[item.id]):
                level_max[level_id] += item.max_points
                level_points[level_id] += points
        if with_items:
            items.append(_item_result(item, score, points, is_survey, not_applicable))
    if index_set.bonus_cap is not None:
        bonus = min(bonus, index_set.bonus_cap)
    if index_set.penalty_cap is not None:
        penalty = min(penalty, index_set.penalty_cap)
    # Bonus never lifts the index above 100%, penalty never takes the total below 0.
    total = max(ZERO, min(direct + survey + bonus - penalty, own_max))
    index = index_of(total, own_max)
    return UnitResult(
        unit_id=unit.unit_id,
        max_points=own_max,
        direct_points=direct,
        survey_points=survey,
        bonus_points=bonus,
        penalty_points=penalty,
        total_points=total,
        index=index,
        band=band_of(index, index_set.bands),
        areas=_levels(index_set.areas, level_max, level_points),
        criteria=_levels(index_set.criteria, level_max, level_points) if with_items else [],
        items=items,
    )


def _levels(defs, level_max, level_points) -> list[LevelResult]:
    return [
        LevelResult(
            item_id=item.id,
            code=item.code,
            name=item.name,
            max_points=level_max[item.id],
            points=level_points[item.id],
            index=index_of(level_points[item.id], level_max[item.id]),
        )
        for item in defs
    ]


def _item_result(item, score, points, is_survey, not_applicable) -> ItemResult:
    def at(stage):
        return own_points(item, score, stage)

    # Survey and data points are Home Affairs' alone: no self or appraisal column.
    entered = is_survey or item.data_fed

    return ItemResult(
        item_id=item.id,
        code=item.code,
        name=item.name,
        level=item.level,
        max_points=item.max_points,
        is_survey=is_survey,
        not_applicable=not_applicable,
        self_points=points if entered else at(Stage.SELF),
        appraisal_points=None if entered else at(Stage.APPRAISAL),
        final_points=None if entered else at(Stage.FINAL),
        points=points,
        appraisal_reason=score.appraisal_reason if score else "",
        final_reason=score.final_reason if score else "",
        is_data_fed=item.data_fed,
    )
