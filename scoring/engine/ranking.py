"""Ranking inside a group: by index (never raw points), equal indices share a rank (1, 2, 2, 4),
unless the period configures a tie-breaker."""

from dataclasses import dataclass
from decimal import Decimal

from .model import TieBreaker


@dataclass(frozen=True)
class Rankable:
    key: object
    index: Decimal | None
    total_points: Decimal
    direct_points: Decimal


def _sort_key(entry: Rankable, tie_breaker: str) -> tuple:
    if tie_breaker == TieBreaker.POINTS:
        return (entry.index, entry.total_points)
    if tie_breaker == TieBreaker.DIRECT_POINTS:
        return (entry.index, entry.direct_points)
    return (entry.index,)


def competition_ranks(
    entries: list[Rankable], tie_breaker: str = TieBreaker.NONE
) -> dict[object, int]:
    """Standard competition ranking: a unit's rank is 1 + the number of units strictly ahead of
    it. Units without an index are not ranked."""
    ranked = sorted(
        (e for e in entries if e.index is not None),
        key=lambda e: _sort_key(e, tie_breaker),
        reverse=True,
    )
    ranks: dict[object, int] = {}
    previous_key, previous_rank = None, 0
    for position, entry in enumerate(ranked, start=1):
        key = _sort_key(entry, tie_breaker)
        rank = previous_rank if key == previous_key else position
        ranks[entry.key] = rank
        previous_key, previous_rank = key, rank
    return ranks
