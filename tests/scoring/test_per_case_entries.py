"""What a unit or the council may enter on a per-case line ("0,5 điểm mỗi sáng kiến, tối đa
1,5"): a whole number of cases, which the rule turns into points within the cap."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from scoring.engine.policy import StageValue
from scoring.entries import (
    SelfEntry,
    earned,
    figure_text,
    item_problems,
    self_entry_clean,
    value_clean,
)
from scoring.models import ItemLevel, Score, ScoringMethod
from scoring.rules import parse_rule
from tests.factories import IndexItemFactory

D = Decimal
RULE = "Mỗi mô hình, sáng kiến được công nhận: 0.5; tổng điểm thưởng tối đa: 1.5"
pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    parsed = parse_rule(RULE, D("1.5"))
    assert parsed.method == ScoringMethod.PER_CASE
    return IndexItemFactory(
        level=ItemLevel.BONUS,
        code="T1",
        max_points=D("1.5"),
        method=parsed.method,
        method_params=parsed.params,
        rule=RULE,
    )


@pytest.mark.parametrize(("count", "points"), [("0", "0"), ("1", "0.5"), ("2", "1"), ("7", "1.5")])
def test_a_count_of_cases_earns_count_times_rate_within_the_cap(line, count, points):
    value = value_clean(line, ratio=count)
    assert value == StageValue(ratio=D(count))
    assert earned(line, value) == D(points)


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("1,5", "Số trường hợp phải là số nguyên."),
        ("2.00001", "Số trường hợp phải là số nguyên."),
        ("-1", "Số trường hợp không được là số âm."),
        ("5000", "5000 trường hợp là con số không hợp lý"),
        ("=1+1", "Số trường hợp"),
    ],
)
def test_a_count_that_is_not_a_number_of_cases_is_refused_with_a_clear_message(
    line, count, message
):
    with pytest.raises(ValidationError) as refused:
        value_clean(line, ratio=count)
    assert message in refused.value.message_dict["ratio"][0]


def test_typed_points_are_refused_and_the_message_names_the_rule(line):
    with pytest.raises(ValidationError) as refused:
        self_entry_clean(line, points="1")
    assert refused.value.message_dict["points"] == [
        "Nhập số trường hợp (0,5 điểm mỗi trường hợp, tối đa 1,5 điểm): hệ thống quy đổi ra "
        "điểm theo quy tắc chấm điểm."
    ]


def test_the_line_may_stay_empty_and_has_nothing_to_finish(line):
    assert self_entry_clean(line) == SelfEntry()
    assert item_problems(line, None, has_evidence=False, points=None) == []


def test_a_stored_part_of_a_case_earns_nothing_and_is_reported(line):
    score = Score(item=line, self_ratio=D("1.5"))
    value = StageValue(ratio=D("1.5"))
    assert earned(line, value) is None
    assert item_problems(line, score, has_evidence=False, points=None) == [
        "Số trường hợp phải là số nguyên."
    ]


def test_a_count_is_worded_as_cases_and_a_ratio_as_a_percentage(line):
    assert figure_text(line, D("2.0000")) == "2 trường hợp"
    ratio_item = IndexItemFactory(method=ScoringMethod.PROPORTIONAL, method_params={})
    assert figure_text(ratio_item, D("95.5")) == "95,5%"


def test_points_above_the_maximum_of_a_levels_item_say_so_first():
    item = IndexItemFactory(
        max_points=D("1"),
        method=ScoringMethod.LEVELS,
        method_params={
            "levels": [{"label": "Có", "points": "1"}, {"label": "Không", "points": "0"}]
        },
    )
    with pytest.raises(ValidationError) as refused:
        value_clean(item, points="5")
    assert refused.value.message_dict["points"] == ["5 điểm vượt quá điểm tối đa 1."]
    with pytest.raises(ValidationError) as refused:
        value_clean(item, points="-1")
    assert refused.value.message_dict["points"] == ["Điểm không được là số âm."]
