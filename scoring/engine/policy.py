"""What an item is worth: the one owner of the rules that the engine, the self-assessment and
appraisal screens, the explanation page and the reports all follow.

1. **The value of an item at a stage** (`value_at`). The unit scores (self), the council
   adjusts in round 1 (appraisal) and sets final values in round 2 (final). A stage that did not
   touch an item falls back to the stage before it: an item the council left alone keeps the
   unit's value. "Không áp dụng" is the latest decision made up to the stage: the council may
   grant or refuse the unit's claim, and an item out of the unit's maximum earns nothing.
2. **How a value becomes points** (`value_points`). Ratio rules turn the reported ratio into
   points (typed points count only where no ratio was reported); every other method takes the
   points as entered. A ratio that no band of the rule covers is refused where it is entered
   (`ratio_points` raises `UncoveredRatio`, which the entry check turns into a message); one
   stored anyway (imported, or older than the rule) earns nothing and shows as unscored — it
   never stops a dashboard or a report.
3. **The engine's input is built here only** (`item_def`, `score_entry`, `survey_entry`,
   `index_set_def`, `index_tree`), from model instances or from `values()` rows.

Pure Python over Decimal, like the engine: no Django, so it is tested alone."""

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from .model import (
    FIGURE_METHODS,
    IndexSetDef,
    ItemDef,
    Method,
    ScoreEntry,
    Stage,
    SurveyEntry,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
# Stored scores keep 4 decimals; so do survey points averaged over respondents.
POINTS_PLACES = Decimal("0.0001")
DEFAULT_SURVEY_WEIGHTS = {"A": "1", "B": "0.6", "C": "0.2", "D": "0"}


# ---------------------------------------------------------------- a ratio under a rule


class UncoveredRatio(ValueError):
    """No band of the rule covers the reported ratio."""

    def __init__(self, ratio: Decimal):
        super().__init__(f"no band covers {ratio}%")
        self.ratio = ratio


class NegativeRatio(ValueError):
    """A ratio below 0%."""


class NotACount(ValueError):
    """A per-case rule counts whole cases: 1,5 cases is a typing slip."""


def band_contains(band: dict, ratio: Decimal) -> bool:
    lower = Decimal(band["lower"])
    if ratio < lower or (ratio == lower and not band["lower_inclusive"]):
        return False
    if band["upper"] is None:
        return True
    upper = Decimal(band["upper"])
    return ratio < upper or (ratio == upper and band["upper_inclusive"])


def ratio_points(method: str, params: dict, max_points: Decimal, ratio: Decimal) -> Decimal:
    """Points for a reported figure: a ratio (in %) under a ratio-band or proportional rule, or
    a count of cases under a per-case rule (count × rate, within the cap; the item's maximum
    when the rule names none). Raises UncoveredRatio, NegativeRatio or NotACount for a figure
    the rule cannot score."""
    if ratio < ZERO:
        raise NegativeRatio(ratio)
    if method == Method.PER_CASE:
        if ratio != ratio.to_integral_value():
            raise NotACount(ratio)
        cap = Decimal(params["cap"]) if params.get("cap") is not None else max_points
        return min(ratio * Decimal(params["rate"]), cap, max_points)
    if method == Method.RATIO_BANDS:
        # A top band ending at 100% inclusive scores an over-fulfilled plan as 100%.
        bands = params.get("bands") or []
        if bands and all(band["upper"] is not None for band in bands):
            ratio = min(ratio, HUNDRED)
        for band in bands:
            if band_contains(band, ratio):
                return Decimal(band["points"])
        raise UncoveredRatio(ratio)
    if method == Method.PROPORTIONAL:
        full_at = params.get("full_at")
        if full_at is not None and ratio >= Decimal(full_at):
            return max_points
        return min(max_points, max_points * ratio / Decimal(params.get("target") or HUNDRED))
    raise ValueError(f"method {method} does not score a ratio")


# ---------------------------------------------------------------- values at a stage


class StageValue(NamedTuple):
    """A value as entered: points, or the ratio the rule turns into points, or not applicable.
    (A named tuple: the engine builds one per item and stage, 65,000 for a province.)"""

    points: Decimal | None = None
    ratio: Decimal | None = None
    not_applicable: bool = False

    @property
    def is_empty(self) -> bool:
        return self.points is None and self.ratio is None and not self.not_applicable


_STAGE_FIELDS = {
    Stage.SELF: ("self_points", "self_ratio"),
    Stage.APPRAISAL: ("appraisal_points", "appraisal_ratio"),
    Stage.FINAL: ("final_points", "final_ratio"),
}
_EARLIER = {Stage.SELF: None, Stage.APPRAISAL: Stage.SELF, Stage.FINAL: Stage.APPRAISAL}


def _set_at(item: ItemDef, entry: ScoreEntry, stage: Stage) -> tuple | None:
    """(points, ratio) set at exactly `stage`, or None when that stage left the item alone: it
    set neither points nor, for a ratio rule, a ratio (a ratio means nothing to other rules)."""
    points_field, ratio_field = _STAGE_FIELDS[stage]
    points = getattr(entry, points_field)
    ratio = getattr(entry, ratio_field) if item.method in FIGURE_METHODS else None
    if points is None and ratio is None:
        return None
    return points, ratio


def _earned(item: ItemDef, points: Decimal | None, ratio: Decimal | None) -> Decimal | None:
    """The one rule of what a value earns: a ratio rule scores the reported ratio (typed points
    count only where none was reported); a ratio no band covers earns nothing."""
    if ratio is not None and item.method in FIGURE_METHODS:
        try:
            return ratio_points(item.method, item.params, item.max_points, ratio)
        except (UncoveredRatio, NegativeRatio, NotACount):
            return None  # refused at entry; stored anyway, it counts as unscored
    return points


def own_value(item: ItemDef, entry: ScoreEntry | None, stage: Stage) -> StageValue | None:
    """The points and ratio set at exactly `stage`; None when that stage left the item alone."""
    set_here = None if entry is None else _set_at(item, entry, stage)
    return None if set_here is None else StageValue(*set_here)


def not_applicable_at(entry: ScoreEntry | None, stage: Stage) -> bool:
    """Whether the item is out of the unit's maximum at `stage`: the latest decision made up to
    that stage (the council may refuse or grant the unit's "không áp dụng")."""
    if entry is None:
        return False
    if stage == Stage.FINAL and entry.final_not_applicable is not None:
        return entry.final_not_applicable
    if stage in (Stage.FINAL, Stage.APPRAISAL) and entry.appraisal_not_applicable is not None:
        return entry.appraisal_not_applicable
    return entry.not_applicable


def _latest_set(item: ItemDef, entry: ScoreEntry | None, stage: Stage) -> tuple | None:
    """(points, ratio) of the latest stage up to `stage` that set a value: the fallback."""
    current: Stage | None = stage if entry is not None else None
    while current is not None:
        set_here = _set_at(item, entry, current)
        if set_here is not None:
            return set_here
        current = _EARLIER[current]
    return None


def value_at(item: ItemDef, entry: ScoreEntry | None, stage: Stage) -> StageValue:
    """The value that counts at `stage`: the latest stage up to it that set points or a ratio
    (later stages fall back to earlier ones), with the not-applicable decision of `stage`."""
    set_here = _latest_set(item, entry, stage)
    points, ratio = set_here if set_here is not None else (None, None)
    return StageValue(points, ratio, not_applicable_at(entry, stage))


def value_points(item: ItemDef, value: StageValue | None) -> Decimal | None:
    """The points a value earns: None when there are none to count (empty, not applicable, or a
    stored ratio no band covers)."""
    if value is None or value.not_applicable:
        return None
    return _earned(item, value.points, value.ratio)


def points_at(item: ItemDef, entry: ScoreEntry | None, stage: Stage) -> Decimal | None:
    """The points that count at `stage`: value_points(value_at(…)), without building the value
    (the engine asks this 65,000 times for a province)."""
    if not_applicable_at(entry, stage):
        return None
    set_here = _latest_set(item, entry, stage)
    return None if set_here is None else _earned(item, *set_here)


def own_points(item: ItemDef, entry: ScoreEntry | None, stage: Stage) -> Decimal | None:
    """The points `stage` itself gave (a column of the scorecard), whatever came later."""
    set_here = None if entry is None else _set_at(item, entry, stage)
    return None if set_here is None else _earned(item, *set_here)


def figure_points(item: ItemDef, figure: Decimal | None) -> Decimal | None:
    """Points a data-fed item earns from the figure uploaded for it: its rule scores the figure
    as it would a unit's reported one; None without a figure, or for one the rule cannot score
    (refused at upload)."""
    if figure is None:
        return None
    return _earned(item, None, figure)


def survey_points(item: ItemDef, entry: SurveyEntry | None) -> Decimal | None:
    """Survey points come from the answers when they were recorded (max × the weighted average
    of the answers, with the rule's weights), else from the rate (max × rate / 100), else from
    the points entered."""
    if entry is None:
        return None
    counts = {option: int(n) for option, n in (entry.answer_counts or {}).items() if int(n) > 0}
    weights = item.params.get("weights") or DEFAULT_SURVEY_WEIGHTS
    if counts and all(option in weights for option in counts):
        weighted = sum((Decimal(weights[option]) * n for option, n in counts.items()), ZERO)
        # An average over respondents rarely ends (7 answers: sevenths), so it is kept, like
        # every stored score, to 4 decimals (half-up) — the one rounding before display.
        return (item.max_points * weighted / sum(counts.values())).quantize(
            POINTS_PLACES, rounding=ROUND_HALF_UP
        )
    if entry.ratio is not None:
        return item.max_points * entry.ratio / HUNDRED
    return entry.points


# ---------------------------------------------------------------- the engine's input


def _reader(source):
    """Read fields by name from a model instance or a `values()` row alike."""
    if isinstance(source, Mapping):
        return source.get
    return lambda name, default=None: getattr(source, name, default)


# The IndexItem fields an ItemDef is built from (for `values()` queries).
ITEM_FIELDS = (
    "id",
    "code",
    "name",
    "level",
    "parent_id",
    "max_points",
    "method",
    "method_params",
    "position",
    "data_source",
)
# The Score fields a ScoreEntry is built from; reasons only where items are shown.
SCORE_VALUE_FIELDS = (
    "self_points",
    "self_ratio",
    "appraisal_points",
    "appraisal_ratio",
    "final_points",
    "final_ratio",
    "not_applicable",
    "appraisal_not_applicable",
    "final_not_applicable",
)
SCORE_REASON_FIELDS = ("appraisal_reason", "final_reason")
SURVEY_FIELDS = ("points", "not_applicable", "ratio", "answer_counts")


def item_def(item) -> ItemDef:
    """An index item (model instance or `values(*ITEM_FIELDS)` row) as the engine reads it."""
    get = _reader(item)
    return ItemDef(
        id=get("id"),
        code=get("code"),
        name=get("name"),
        level=get("level"),
        parent_id=get("parent_id"),
        max_points=get("max_points"),
        method=get("method"),
        params=get("method_params") or {},
        position=get("position"),
        data_fed=bool(get("data_source")),
    )


def score_entry(score) -> ScoreEntry:
    """A Score (model instance or `values()` row) as the engine reads it."""
    get = _reader(score)
    return ScoreEntry(
        **{name: get(name) for name in SCORE_VALUE_FIELDS if name != "not_applicable"},
        not_applicable=bool(get("not_applicable")),
        appraisal_reason=get("appraisal_reason") or "",
        final_reason=get("final_reason") or "",
    )


def survey_entry(result) -> SurveyEntry:
    """A SurveyResult (model instance or `values()` row) as the engine reads it."""
    get = _reader(result)
    return SurveyEntry(
        points=get("points"),
        not_applicable=bool(get("not_applicable")),
        ratio=get("ratio"),
        answer_counts=get("answer_counts") or None,
    )


def index_set_def(
    *,
    set_id: int,
    items: Iterable,
    bands: Iterable[tuple[str, Decimal]] = (),
    bonus_cap: Decimal | None = None,
    penalty_cap: Decimal | None = None,
) -> IndexSetDef:
    """An index set, its tree prepared, from its items (instances, rows or ItemDefs)."""
    return IndexSetDef(
        id=set_id,
        items=[item if isinstance(item, ItemDef) else item_def(item) for item in items],
        bands=list(bands),
        bonus_cap=bonus_cap,
        penalty_cap=penalty_cap,
    ).prepare()


def index_tree(items: Iterable, set_id: int = 0) -> IndexSetDef:
    """The prepared tree of some items of one set, for screens that need an item's area or
    criterion (no bands or caps)."""
    return index_set_def(set_id=set_id, items=items)
