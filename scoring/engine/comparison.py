"""Against last year's publication.

Rule for merged units: a unit that lists predecessors is compared with the combined result of
every unit it now stands for that was published last year (itself, if it existed, and its
predecessors): their points added up over their maxima added up, so the index change is
(this year's index) − (combined points / combined maxima × 100). A combined result has no rank
and no points change (its points were counted on a larger maximum). A unit with exactly one
predecessor, and no result of its own, was renamed or re-coded: it keeps that history, rank
and points included."""

from dataclasses import dataclass
from decimal import Decimal

from .results import index_of


@dataclass(frozen=True)
class PreviousResult:
    total_points: Decimal
    max_points: Decimal
    rank: int | None
    group_code: str
    combined: bool = False  # several units' results added up (a merger)

    @property
    def index(self) -> Decimal | None:
        return index_of(self.total_points, self.max_points)


def previous_for(
    unit_id: int, predecessor_ids: list[int], previous: dict[int, PreviousResult]
) -> PreviousResult | None:
    if not predecessor_ids:
        return previous.get(unit_id)
    if len(predecessor_ids) == 1 and unit_id not in previous:
        return previous.get(predecessor_ids[0])  # renamed or re-coded
    found = [previous[pk] for pk in [unit_id, *predecessor_ids] if pk in previous]
    if not found:
        return None
    return PreviousResult(
        total_points=sum((p.total_points for p in found), Decimal(0)),
        max_points=sum((p.max_points for p in found), Decimal(0)),
        rank=None,
        group_code="",
        combined=True,
    )


@dataclass(frozen=True)
class Change:
    previous_rank: int | None
    rank_change: int | None  # positive: up that many places ("tăng 3 bậc")
    index_change: Decimal | None  # percentage points
    points_change: Decimal | None


def change_against(
    previous: PreviousResult | None,
    *,
    rank: int | None,
    group_code: str,
    index: Decimal | None,
    total_points: Decimal,
) -> Change:
    if previous is None:
        return Change(None, None, None, None)
    # A rank compares only with a rank in the same group.
    same_group = previous.group_code == group_code and bool(group_code)
    previous_rank = previous.rank if same_group else None
    rank_change = previous_rank - rank if previous_rank is not None and rank is not None else None
    previous_index = previous.index
    index_change = (
        index - previous_index if index is not None and previous_index is not None else None
    )
    points_change = None if previous.combined else total_points - previous.total_points
    return Change(previous_rank, rank_change, index_change, points_change)
