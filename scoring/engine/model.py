"""Plain data the engine reads and returns."""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


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


@dataclass
class IndexSetDef:
    """An index set as the engine needs it, with the tree resolved once."""

    id: int
    items: list[ItemDef]
    bands: list[tuple[str, Decimal]]  # (label, minimum %), any order
    bonus_cap: Decimal | None = None
    penalty_cap: Decimal | None = None
    # Filled by prepare(): the scored items and each one's criterion and area.
    scored: list[ItemDef] = field(default_factory=list)
    areas: list[ItemDef] = field(default_factory=list)
    criteria: list[ItemDef] = field(default_factory=list)
    criterion_of: dict[int, int] = field(default_factory=dict)
    area_of: dict[int, int] = field(default_factory=dict)

    def prepare(self) -> "IndexSetDef":
        by_id = {item.id: item for item in self.items}
        ordered = sorted(self.items, key=lambda item: item.position)
        self.areas = [i for i in ordered if i.level == "area"]
        self.criteria = [i for i in ordered if i.level == "criterion"]
        self.scored = [i for i in ordered if i.level in ("sub_criterion", "bonus", "penalty")]
        for item in self.scored:
            if item.level == "sub_criterion":
                criterion = by_id[item.parent_id]
                self.criterion_of[item.id] = criterion.id
                self.area_of[item.id] = criterion.parent_id
        self.bands = sorted(self.bands, key=lambda band: band[1], reverse=True)
        return self

    def self_assessed_part(self) -> "IndexSetDef":
        """The set without its survey items: what a unit scores itself, for its running totals
        before Home Affairs enters the survey."""
        return IndexSetDef(
            id=self.id,
            items=[item for item in self.items if item.method != "survey"],
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
