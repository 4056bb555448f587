"""The shared published year is what the improvement tests assume."""

from decimal import Decimal

from scoring.selectors.results import publication_results


def test_the_published_year_ranks_five_departments(improvement_year):
    results = publication_results(improvement_year["publication"])
    ranks = {
        row.unit_code: (row.rank, row.rank_of, row.result.total_points) for row in results.rows
    }
    assert ranks == {
        "A": (1, 5, Decimal("9.5")),
        "C": (2, 5, Decimal("8")),
        "E": (3, 5, Decimal("6.5")),
        "B": (4, 5, Decimal("5")),
        "D": (5, 5, Decimal("4")),
    }
