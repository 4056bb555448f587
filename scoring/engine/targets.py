"""What it takes to climb: the points a published unit would need to reach a target rank in its
group, against the others' results as published, and where those points can come from.

The ranking itself is not re-implemented here: every candidate is ranked by
`competition_ranks`, so ties are broken exactly as the published ranking broke them."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from .model import EXTRA_LEVELS, ItemResult, UnitResult
from .ranking import Rankable, competition_ranks
from .results import index_of

ZERO = Decimal(0)
# Points are proposed in hundredths, rounded up: "6,35 điểm" is always enough, and 0,01 less
# would not be.
POINTS_STEP = Decimal("0.01")
_SELF = object()  # the unit's own key among the others' while it is ranked


@dataclass(frozen=True)
class Contender:
    """A unit as the ranking sees it. `raw_points` is direct + survey + bonus − penalty before
    the total is held between 0 and the maximum, so added points are counted exactly."""

    key: object
    max_points: Decimal
    total_points: Decimal
    direct_points: Decimal
    raw_points: Decimal

    # The published row's columns a contender is made of (PublishedUnitResult).
    PUBLISHED_FIELDS = (
        "unit_id",
        "max_points",
        "total_points",
        "direct_points",
        "survey_points",
        "bonus_points",
        "penalty_points",
    )

    @classmethod
    def of(cls, key, result: UnitResult) -> "Contender":
        return cls.of_points(
            key,
            max_points=result.max_points,
            total_points=result.total_points,
            direct_points=result.direct_points,
            survey_points=result.survey_points,
            bonus_points=result.bonus_points,
            penalty_points=result.penalty_points,
        )

    @classmethod
    def of_published(cls, columns: dict) -> "Contender":
        """From a published row's PUBLISHED_FIELDS (a `values()` dict), keyed by its unit."""
        return cls.of_points(columns["unit_id"], **{
            name: columns[name] for name in cls.PUBLISHED_FIELDS if name != "unit_id"
        })  # fmt: skip

    @classmethod
    def of_points(
        cls, key, *, max_points, total_points, direct_points, survey_points, bonus_points,
        penalty_points,
    ) -> "Contender":  # fmt: skip
        raw = direct_points + survey_points + bonus_points - penalty_points
        return cls(key, max_points, total_points, direct_points, raw)

    def gaining(self, points: Decimal) -> Rankable:
        total = max(ZERO, min(self.raw_points + points, self.max_points))
        return Rankable(_SELF, index_of(total, self.max_points), total, self.direct_points + points)


@dataclass(frozen=True)
class TargetGap:
    current_rank: int | None
    target_rank: int
    ranked: int  # units ranked in the group, the unit included
    recoverable: Decimal  # every point the unit lost on items it could still earn
    # Points to add (0: the target is already reached); None when even every recoverable
    # point would not reach it.
    needed: Decimal | None
    best_rank: int | None  # the rank with every recoverable point earned

    @property
    def reached(self) -> bool:
        return self.needed == ZERO

    @property
    def reachable(self) -> bool:
        return self.needed is not None

    @property
    def ranks_to_climb(self) -> int:
        return max(0, (self.current_rank or 0) - self.target_rank)


def recoverable_items(result: UnitResult) -> list[ItemResult]:
    """The sub-criteria the unit lost points on, most points first (then by code): bonus and
    penalty lines and items not applicable to the unit recover nothing."""
    items = [item for item in result.items if item.level not in EXTRA_LEVELS and item.lost > ZERO]
    return sorted(items, key=lambda item: (-item.lost, _code_key(item.code)))


def _code_key(code: str) -> tuple:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in code.split("."))


def rank_gaining(
    unit: Contender, others: list[Contender], points: Decimal, tie_breaker
) -> int | None:
    """The unit's rank in its group if it earned `points` more, the others as they are."""
    entries = [
        Rankable(o.key, index_of(o.total_points, o.max_points), o.total_points, o.direct_points)
        for o in others
    ]
    entries.append(unit.gaining(points))
    return competition_ranks(entries, tie_breaker).get(_SELF)


def _reaches(unit, others, points, target_rank, tie_breaker) -> bool:
    rank = rank_gaining(unit, others, points, tie_breaker)
    return rank is not None and rank <= target_rank


def points_to_reach(
    unit: Contender,
    others: list[Contender],
    target_rank: int,
    *,
    tie_breaker,
    recoverable: Decimal,
) -> TargetGap:
    """The fewest points (in hundredths, rounded up) that lift `unit` to `target_rank` or
    better among `others`, or None when `recoverable` points do not suffice."""
    ranked = 1 + sum(1 for o in others if o.max_points > 0)
    if not 1 <= target_rank <= ranked:
        raise ValueError(f"target rank {target_rank} is outside 1…{ranked}")
    current = rank_gaining(unit, others, ZERO, tie_breaker)
    best = rank_gaining(unit, others, recoverable, tie_breaker)

    def gap(needed):
        return TargetGap(current, target_rank, ranked, recoverable, needed, best)

    if current is None:
        return gap(None)  # no maximum to measure an index by: never ranked
    if current <= target_rank:
        return gap(ZERO)
    # Fewer than target_rank others may stay ahead: the unit must at least equal the index of
    # the target_rank-th best of them. Solve for it, then let the ranking confirm (a tie-breaker
    # may ask for one step more).
    indices = sorted(
        (index_of(o.total_points, o.max_points) for o in others if o.max_points > 0),
        reverse=True,
    )
    threshold = indices[target_rank - 1]
    exact = threshold * unit.max_points / 100 - unit.raw_points
    needed = max(exact, ZERO).quantize(POINTS_STEP, rounding=ROUND_CEILING)
    # The solved threshold carries the division's last digit (318/27 × 27/100 is 3,1800…01):
    # a hundredth less may already reach the rank, so step back while it does.
    while needed > ZERO and _reaches(unit, others, needed - POINTS_STEP, target_rank, tie_breaker):
        needed -= POINTS_STEP
    while needed <= recoverable:
        if _reaches(unit, others, needed, target_rank, tie_breaker):
            return gap(needed)
        needed += POINTS_STEP
    if best is not None and best <= target_rank:
        return gap(recoverable)  # every point, recoverable not a whole hundredth
    return gap(None)
