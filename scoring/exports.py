"""Results as rows for machines (the `rankings` command's JSON and CSV): numbers rounded like the
display but written with a dot, keys in English. The contract is documented in the README."""

from scoring.display import machine_number, rank_label
from scoring.selectors.results import PeriodResults

RANKING_COLUMNS = [
    "group",
    "group_name",
    "rank",
    "rank_of",
    "rank_label",
    "unit_code",
    "unit_name",
    "kind",
    "points",
    "max_points",
    "direct_points",
    "survey_points",
    "bonus_points",
    "penalty_points",
    "index_percent",
    "band",
    "previous_rank",
    "rank_change",
    "index_change",
    "points_change",
]


def ranking_rows(results: PeriodResults, *, group: str | None = None) -> list[dict]:
    """One row per unit, groups in order, units in rank order; unranked units come last with
    group and rank empty."""
    rows = []
    for group_results in results.groups:
        if group is not None and group_results.code.casefold() != group.casefold():
            continue
        for row in group_results.rows:
            result, change = row.result, row.change
            rows.append(
                {
                    "group": row.group_code or None,
                    "group_name": row.group_name or None,
                    "rank": row.rank,
                    "rank_of": row.rank_of,
                    "rank_label": rank_label(row.rank, row.rank_of, official=True) or None,
                    "unit_code": row.unit_code,
                    "unit_name": row.unit_name,
                    "kind": row.kind_code,
                    "points": machine_number(result.total_points),
                    "max_points": machine_number(result.max_points),
                    "direct_points": machine_number(result.direct_points),
                    "survey_points": machine_number(result.survey_points),
                    "bonus_points": machine_number(result.bonus_points),
                    "penalty_points": machine_number(result.penalty_points),
                    "index_percent": machine_number(result.index),
                    "band": result.band or None,
                    "previous_rank": change.previous_rank,
                    "rank_change": change.rank_change,
                    "index_change": machine_number(change.index_change),
                    "points_change": machine_number(change.points_change),
                }
            )
    return rows
