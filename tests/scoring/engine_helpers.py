"""Small index sets for engine tests, built as plain data (no database)."""

from decimal import Decimal

from scoring.engine.model import IndexSetDef, ItemDef

D = Decimal


def item(pk, code, level, parent, max_points, method="manual", params=None, position=None):
    return ItemDef(
        pk,
        code,
        f"Mục {code}",
        level,
        parent,
        D(max_points),
        method,
        params or {},
        position if position is not None else pk,
    )


def simple_set(*, bonus_cap=None, penalty_cap=None, bands=None) -> IndexSetDef:
    """Area 1 (direct, 65) and area 2 (survey, 35) — the tables officials publish.

    1 → 1.1 → 1.1.1 (30, manual), 1.1.2 (3.5, manual), 1.1.3 (28.5, manual), 1.1.4 (3, bands)
    2 → 2.1 → 2.1.1 (35, survey); T1 bonus (2), D1 penalty (3).
    """
    bands_rule = {
        "bands": [
            {
                "lower": "100",
                "lower_inclusive": True,
                "upper": None,
                "upper_inclusive": False,
                "points": "3",
            },
            {
                "lower": "80",
                "lower_inclusive": True,
                "upper": "100",
                "upper_inclusive": False,
                "points": "1.5",
            },
            {
                "lower": "0",
                "lower_inclusive": True,
                "upper": "80",
                "upper_inclusive": False,
                "points": "0",
            },
        ],
        "alternatives": [],
    }
    items = [
        item(1, "1", "area", None, "65"),
        item(2, "1.1", "criterion", 1, "65"),
        item(3, "1.1.1", "sub_criterion", 2, "30"),
        item(4, "1.1.2", "sub_criterion", 2, "3.5"),
        item(5, "1.1.3", "sub_criterion", 2, "28.5"),
        item(6, "1.1.4", "sub_criterion", 2, "3", "ratio_bands", bands_rule),
        item(7, "2", "area", None, "35"),
        item(8, "2.1", "criterion", 7, "35"),
        item(9, "2.1.1", "sub_criterion", 8, "35", "survey"),
        item(10, "T1", "bonus", None, "2"),
        item(11, "D1", "penalty", None, "3"),
    ]
    return IndexSetDef(
        id=1,
        items=items,
        bands=bands if bands is not None else [("Tốt", D("80")), ("Khá", D("60")), ("Kém", D("0"))],
        bonus_cap=bonus_cap,
        penalty_cap=penalty_cap,
    ).prepare()
