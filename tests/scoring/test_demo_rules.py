"""The demo index sets' rule texts, as units read them on their form: Vietnamese only, and read
by the parser as the method and parameters they describe."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.models import ScoringMethod
from scoring.services.index_set_import import parse_index_set_file

DEMO = Path(__file__).resolve().parents[2] / "scoring" / "demo_data"
KINDS = ("department", "district", "commune")
# English that slipped into rule texts before; a rule a unit reads has none of it.
ENGLISH = re.compile(
    r"\b(points?|full|survey|proportional|self-scored|area total|max|cap|removed|units?)\b",
    re.IGNORECASE,
)


def rule_texts(kind: str) -> list[tuple[str, str]]:
    """(code, text) of every rule and area guidance of a demo file."""
    text = (DEMO / f"index-set-{kind}.csv").read_text(encoding="utf-8-sig")
    texts = []
    for row in csv.DictReader(io.StringIO(text)):
        code = row.get("code") or row.get("subcriterion_code") or row.get("area_code")
        for column in ("rule", "scoring_rule", "guidance"):
            if row.get(column):
                texts.append((code, row[column]))
    return texts


def parsed(kind: str) -> dict:
    path = DEMO / f"index-set-{kind}.csv"
    items = parse_index_set_file(path.read_bytes(), path.name).items
    return {item.code: item.parsed for item in items if item.parsed is not None}


@pytest.mark.parametrize("kind", KINDS)
def test_every_demo_rule_text_is_vietnamese(kind):
    english = [(code, text) for code, text in rule_texts(kind) if ENGLISH.search(text)]
    assert english == []
    assert len(rule_texts(kind)) > 40


def test_the_demo_province_writes_no_english_rule_text():
    source = (DEMO / "province.py").read_text(encoding="utf-8")
    assert not re.search(r"\brule\s*=", source)  # its rules all come from the CSV files


def test_the_department_rules_rewritten_in_vietnamese_read_as_before():
    rules = parsed("department")
    alternative = rules["3.3.2"].params["alternatives"]
    assert alternative == [{"label": "không có hồ sơ trễ hạn", "points": "1"}]
    assert (rules["3.6.1"].method, rules["3.6.1"].params["full_at"]) == (
        ScoringMethod.PROPORTIONAL,
        "90",
    )
    assert (rules["7.2.2"].method, rules["7.2.2"].params["full_at"]) == (
        ScoringMethod.PROPORTIONAL,
        None,
    )
    assert rules["8.1.1"].params["weights"] == {"A": "1", "B": "0.6", "C": "0.2", "D": "0"}
    assert rules["8.2.1"].params == {"basis": "satisfaction_rate"}
    assert rules["8.2.1"].not_applicable_allowed
    assert rules["1.3.3"].not_applicable_condition == "không phát hiện vấn đề"


@pytest.mark.parametrize(
    ("kind", "code", "rate", "cap"),
    [
        ("commune", "T1", "0.5", "1.5"),
        ("commune", "D1", "1", "2"),
        ("commune", "D2", "0.5", "1"),
        ("district", "T1", "0.5", "2"),
        ("district", "D1", "1", "2"),
    ],
)
def test_demo_lines_written_per_case_are_per_case(kind, code, rate, cap):
    rule = parsed(kind)[code]
    assert rule.method == ScoringMethod.PER_CASE
    assert rule.params == {"rate": rate, "cap": cap}


@pytest.mark.parametrize(
    ("kind", "code"), [("commune", "T2"), ("district", "T2"), ("district", "D2")]
)
def test_the_cap_of_a_demo_levels_line_is_not_one_of_its_levels(kind, code):
    rule = parsed(kind)[code]
    assert rule.method == ScoringMethod.LEVELS
    assert [Decimal(level["points"]) for level in rule.params["levels"]] == [
        Decimal("1"),
        Decimal("0.5"),
    ]
    assert not any("tối đa" in level["label"] for level in rule.params["levels"])
