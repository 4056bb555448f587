"""Home Affairs' side of per-case lines: the index-set file names the method in Vietnamese, and
the editor shows how a per-case rule is read."""

from decimal import Decimal

import pytest

from scoring.models import ItemLevel, ScoringMethod
from scoring.selectors.index_set_editor import rule_preview
from scoring.services.index_set_import import index_set_import
from tests.factories import PeriodFactory, UnitKindFactory
from tests.helpers import csv_text

D = Decimal
HEADER = ["code", "name", "max_points", "method", "rule", "evidence_required", "survey"]


@pytest.mark.parametrize("method", ["mỗi trường hợp", "theo số trường hợp", "per_case"])
@pytest.mark.django_db
def test_the_index_set_file_names_the_per_case_method_in_vietnamese(method):
    rows = [
        HEADER,
        ["1", "Công tác chỉ đạo, điều hành", "1", "", "", "", ""],
        ["1.1", "Sáng kiến", "1", "", "", "", ""],
        [
            "1.1.1",
            "Sáng kiến được công nhận",
            "1",
            method,
            "Mỗi sáng kiến: 0,5; tối đa: 1",
            "1",
            "",
        ],
        ["T1", "Mô hình được nhân rộng", "1", "bonus", "0,25 điểm mỗi mô hình, tối đa 1", "1", ""],
    ]
    index_set = index_set_import(
        period=PeriodFactory(year=2026),
        unit_kind=UnitKindFactory(),
        data=csv_text(rows),
        filename="bo-chi-so.csv",
    )
    sub = index_set.items.get(code="1.1.1")
    assert (sub.method, sub.method_params) == (ScoringMethod.PER_CASE, {"rate": "0.5", "cap": "1"})
    bonus = index_set.items.get(code="T1", level=ItemLevel.BONUS)
    assert (bonus.method, bonus.method_params) == (
        ScoringMethod.PER_CASE,
        {"rate": "0.25", "cap": "1"},
    )


def test_the_editor_shows_a_per_case_rule_as_its_rate_and_cap():
    answer = rule_preview(
        rule="Mỗi trường hợp bị xử lý kỷ luật: 1; tổng điểm trừ tối đa: 2",
        max_points="2",
        method="",
    )
    assert answer["errors"] == []
    assert (answer["method"], answer["method_label"]) == (
        "per_case",
        "Điểm theo mỗi trường hợp, có mức tối đa",
    )
    assert answer["levels"] == [{"label": "1 điểm mỗi trường hợp, tối đa 2 điểm", "points": "2"}]


def test_the_editor_reports_a_rule_that_is_not_per_case_when_the_method_says_so():
    answer = rule_preview(rule="Có: 1; không: 0", max_points="1", method="per_case")
    assert answer["levels"] == [] and "Mỗi trường hợp: 0,5" in answer["errors"][0]
