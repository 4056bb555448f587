"""A published unit's target: the points to climb to a rank in its group, against the others'
published results, ties shared as the ranking shares them, a target out of reach told with
the best rank every recoverable point would give, and where the points can come from."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from scoring.models import Assessment, IndexItem, ItemLevel, Score, ScoringMethod
from scoring.selectors.remediation_plans import default_target_rank, unit_target
from scoring.services.publication import period_publish
from scoring.workflow import AssessmentStatus

D = Decimal


def _target(year, code, rank):
    return unit_target(year["publication"], year["units"][code].pk, rank)


def test_from_4th_to_2nd_needs_three_points(improvement_year):
    target = _target(improvement_year, "B", 2)  # 5 points against C's 8
    assert target.gap.needed == D("3.00")
    assert target.text == "Từ hạng 04/5 lên 02/5: cần thêm 3,00 điểm."
    assert target.recoverable == D("5")


def test_equalling_the_unit_ahead_shares_its_rank(improvement_year):
    # E has 6,5; C 8: 1,5 more makes an equal index, and equal indices share 2nd place.
    target = _target(improvement_year, "E", 2)
    assert target.gap.needed == D("1.50")
    assert "cần thêm 1,50 điểm" in target.text


def test_a_target_already_held_needs_nothing(improvement_year):
    target = _target(improvement_year, "C", 3)
    assert target.gap.reached
    assert target.text == "Đã đạt hạng 03/5 (hiện xếp hạng 02/5)."


def test_the_sub_criteria_with_most_recoverable_points_come_first(improvement_year):
    target = _target(improvement_year, "D", 1)  # lost 1 on 1.1.1, 2 on 1.1.2, 3 on 2.1.1
    assert [(item.code, item.lost) for item in target.items] == [
        ("2.1.1", D("3")),
        ("1.1.2", D("2")),
        ("1.1.1", D("1")),
    ]
    assert target.gap.needed == D("5.50")  # 9,5 equals A's


def test_a_rank_outside_the_group_is_refused_in_vietnamese(improvement_year):
    for rank in (0, 6):
        with pytest.raises(ValidationError) as refused:
            _target(improvement_year, "B", rank)
        assert refused.value.messages == ["Hạng mục tiêu là số nguyên từ 1 đến 5."]


def test_the_default_target_is_one_place_up(improvement_year):
    assert default_target_rank(_target(improvement_year, "B", None).row) == 3
    assert default_target_rank(_target(improvement_year, "A", None).row) == 1


def republish(year, personas, unit_code, reason, **assessment_fields):
    """Version 2 of 2025 after changing one unit's assessment (published rows never change)."""
    Assessment.objects.filter(period=year["period"], unit=year["units"][unit_code]).update(
        status=AssessmentStatus.APPRAISED, **assessment_fields
    )
    year["publication"] = period_publish(
        period=year["period"], by=personas["home_affairs"], reason=reason
    )
    return year


def test_a_unit_outside_every_group_is_not_ranked(improvement_year, personas):
    year = republish(improvement_year, personas, "D", "D không xếp hạng", ranking_group=None)
    target = _target(year, "D", 1)
    assert not target.ranked and target.gap is None and target.text == ""
    assert target.recoverable == D("6")


def test_an_unknown_unit_has_no_target(improvement_year, personas):
    assert unit_target(improvement_year["publication"], 999_999, 1) is None


@pytest.fixture
def penalised_year(improvement_year, personas):
    """Version 2 of 2025: D penalised 2 points (a penalty line recovers nothing), so even with
    every lost point back it only equals C."""
    period = improvement_year["period"]
    index_set = improvement_year["items"]["1"].index_set
    penalty = IndexItem.objects.create(
        index_set=index_set,
        code="9",
        name="Vi phạm kỷ luật hành chính",
        level=ItemLevel.PENALTY,
        max_points=D("2"),
        method=ScoringMethod.MANUAL,
        position=9,
    )
    assessment = Assessment.objects.get(period=period, unit=improvement_year["units"]["D"])
    Score.objects.create(
        assessment=assessment, item=penalty, self_points=D("2"), final_points=D("2")
    )
    return republish(improvement_year, personas, "D", "Bổ sung điểm trừ")


def test_a_target_out_of_reach_says_the_best_rank(penalised_year):
    target = _target(penalised_year, "D", 1)
    assert target.row.result.total_points == D("2")
    assert not target.gap.reachable and target.gap.best_rank == 2
    assert target.text == (
        "Không thể đạt hạng 01/5: dù lấy lại toàn bộ 6,00 điểm còn thiếu, đơn vị chỉ đạt hạng 02/5."
    )
    reachable = _target(penalised_year, "D", 2)
    assert reachable.gap.needed == D("6.00")
