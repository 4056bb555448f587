"""Plain data the engine reads and returns, and the plain enums it decides by.

Nothing here imports Django: the engine can be tested and reused alone. The models' choices
(scoring.models) carry the same values with their Vietnamese labels; a test keeps them equal."""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Level(StrEnum):
    AREA = "area"
    CRITERION = "criterion"
    SUB_CRITERION = "sub_criterion"
    BONUS = "bonus"
    PENALTY = "penalty"


SCORED_LEVELS = frozenset({Level.SUB_CRITERION, Level.BONUS, Level.PENALTY})
EXTRA_LEVELS = frozenset({Level.BONUS, Level.PENALTY})  # outside the 100-point tree


class Method(StrEnum):
    MANUAL = "manual"
    LEVELS = "levels"
    YES_NO = "yes_no"
    RATIO_BANDS = "ratio_bands"
    PROPORTIONAL = "proportional"
    SURVEY = "survey"
    PER_CASE = "per_case"


# Methods that score a reported figure: a ratio in % (bands, proportional) or a count of cases
# ("0,5 điểm mỗi sáng kiến, tối đa 1,5"). The figure is stored in a score's *_ratio fields.
FIGURE_METHODS = frozenset({Method.RATIO_BANDS, Method.PROPORTIONAL, Method.PER_CASE})
PERCENT_METHODS = frozenset({Method.RATIO_BANDS, Method.PROPORTIONAL})
CHOICE_METHODS = frozenset({Method.LEVELS, Method.YES_NO})


class TieBreaker(StrEnum):
    NONE = "none"
    POINTS = "points"
    DIRECT_POINTS = "direct_points"


class Stage(StrEnum):
    """Which points count. A later stage falls back to the earlier one where it has no value:
    an item the council did not adjust keeps the unit's points; an item without a round-2
    decision keeps its round-1 points."""

    SELF = "self"
    APPRAISAL = "appraisal"
    FINAL = "final"


@dataclass(frozen=True)
class ItemDef:
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    max_points: Decimal
    method: str
    params: dict
    position: int
    data_fed: bool = False  # its figure comes from another system (a data set)

    @property
    def is_survey(self) -> bool:
        return self.method == Method.SURVEY

    @property
    def is_entered_by_home_affairs(self) -> bool:
        return self.is_survey or self.data_fed

    @property
    def is_scored(self) -> bool:
        return self.level in SCORED_LEVELS


@dataclass
class IndexSetDef:
    """An index set as the engine needs it, with the tree resolved once by prepare(): the one
    source, for the engine and the screens alike, of an item's criterion and area."""

    id: int
    items: list[ItemDef]
    bands: list[tuple[str, Decimal]]  # (label, minimum %), any order
    bonus_cap: Decimal | None = None
    penalty_cap: Decimal | None = None
    # Filled by prepare(): the scored items and each one's criterion and area.
    scored: list[ItemDef] = field(default_factory=list)
    areas: list[ItemDef] = field(default_factory=list)
    criteria: list[ItemDef] = field(default_factory=list)
    # Each criterion's and sub-criterion's area id, each sub-criterion's criterion id; bonus
    # and penalty lines (and areas) have neither.
    criterion_of: dict[int, int] = field(default_factory=dict)
    area_of: dict[int, int] = field(default_factory=dict)
    by_id: dict[int, ItemDef] = field(default_factory=dict)
    children_of: dict[int | None, list[ItemDef]] = field(default_factory=dict)

    def prepare(self) -> "IndexSetDef":
        self.by_id = {item.id: item for item in self.items}
        ordered = sorted(self.items, key=lambda item: item.position)
        self.children_of = {}
        for item in ordered:
            self.children_of.setdefault(item.parent_id, []).append(item)
        self.areas = [i for i in ordered if i.level == Level.AREA]
        self.criteria = [i for i in ordered if i.level == Level.CRITERION]
        self.scored = [i for i in ordered if i.level in SCORED_LEVELS]
        for criterion in self.criteria:
            if criterion.parent_id is not None:
                self.area_of[criterion.id] = criterion.parent_id
        for item in self.scored:
            criterion = self.by_id.get(item.parent_id)
            if item.level == Level.SUB_CRITERION and criterion is not None:
                self.criterion_of[item.id] = criterion.id
                if criterion.parent_id is not None:
                    self.area_of[item.id] = criterion.parent_id
        self.bands = sorted(self.bands, key=lambda band: band[1], reverse=True)
        return self

    def area(self, item_id: int) -> ItemDef | None:
        """The area an item sits in (itself for an area); None for bonus and penalty lines."""
        item = self.by_id.get(item_id)
        if item is not None and item.level == Level.AREA:
            return item
        area_id = self.area_of.get(item_id)
        return self.by_id.get(area_id) if area_id is not None else None

    def area_code(self, item_id: int) -> str | None:
        area = self.area(item_id)
        return area.code if area is not None else None

    def children(self, parent_id: int | None) -> list[ItemDef]:
        """An item's children in position order (None: the top level)."""
        return self.children_of.get(parent_id, [])

    def self_assessed_part(self) -> "IndexSetDef":
        """The set without its survey and data items: what a unit scores itself, for its
        running totals before Home Affairs enters the survey and the data."""
        return IndexSetDef(
            id=self.id,
            items=[item for item in self.items if not item.is_entered_by_home_affairs],
            bands=list(self.bands),
            bonus_cap=self.bonus_cap,
            penalty_cap=self.penalty_cap,
        ).prepare()


@dataclass(frozen=True)
class ScoreEntry:
    """A unit's stored values for one self-assessed item (Score row)."""

    self_points: Decimal | None = None
    self_ratio: Decimal | None = None
    appraisal_points: Decimal | None = None
    appraisal_ratio: Decimal | None = None
    final_points: Decimal | None = None
    final_ratio: Decimal | None = None
    not_applicable: bool = False  # the unit's claim
    appraisal_reason: str = ""
    final_reason: str = ""
    appraisal_not_applicable: bool | None = None  # None: the earlier stage's stands
    final_not_applicable: bool | None = None


@dataclass(frozen=True)
class SurveyEntry:
    """Home Affairs' survey result: answers per option, a rate (%), or points entered."""

    points: Decimal | None = None
    not_applicable: bool = False
    ratio: Decimal | None = None
    answer_counts: dict | None = None


@dataclass
class UnitInput:
    unit_id: int
    index_set: IndexSetDef
    scores: dict[int, ScoreEntry] = field(default_factory=dict)  # by item id
    surveys: dict[int, SurveyEntry] = field(default_factory=dict)
    figures: dict[int, Decimal] = field(default_factory=dict)  # data-fed items, by item id


@dataclass
class LevelResult:
    """An area's or criterion's sub-index for one unit."""

    item_id: int
    code: str
    name: str
    max_points: Decimal
    points: Decimal
    index: Decimal | None


@dataclass
class ItemResult:
    item_id: int
    code: str
    name: str
    level: str
    max_points: Decimal
    is_survey: bool
    not_applicable: bool
    self_points: Decimal | None
    appraisal_points: Decimal | None
    final_points: Decimal | None
    points: Decimal  # at the stage computed
    appraisal_reason: str = ""
    final_reason: str = ""
    is_data_fed: bool = False

    @property
    def lost(self) -> Decimal:
        """Points the unit did not get on this item (0 when not applicable)."""
        return Decimal(0) if self.not_applicable else self.max_points - self.points


@dataclass
class UnitResult:
    unit_id: int
    max_points: Decimal  # the unit's own maximum: the set's, less not-applicable items
    direct_points: Decimal
    survey_points: Decimal
    bonus_points: Decimal
    penalty_points: Decimal
    total_points: Decimal
    index: Decimal | None  # None when every item is not applicable
    band: str
    areas: list[LevelResult]
    criteria: list[LevelResult]
    items: list[ItemResult]
