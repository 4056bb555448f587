"""Reading rules as decisions write them, and the points a ratio earns."""

from decimal import Decimal

import pytest

from scoring.engine.policy import ratio_points
from scoring.models import ScoringMethod
from scoring.rules import RuleError, parse_rule

D = Decimal


def test_levels_are_read_with_their_points():
    parsed = parse_rule("Ban hành kịp thời: 0.5; không kịp thời: 0.25; không ban hành: 0", D("0.5"))
    assert parsed.method == ScoringMethod.LEVELS
    assert [(lvl["label"], lvl["points"]) for lvl in parsed.params["levels"]] == [
        ("Ban hành kịp thời", "0.5"),
        ("không kịp thời", "0.25"),
        ("không ban hành", "0"),
    ]


def test_two_answers_max_and_zero_are_yes_no_and_comma_decimals_are_accepted():
    parsed = parse_rule("Đạt: 1,5; không đạt: 0", D("1.5"))
    assert parsed.method == ScoringMethod.YES_NO
    assert parsed.params["levels"][0]["points"] == "1.5"


def test_target_wording_without_percent_is_yes_no_not_bands():
    assert parse_rule("Đạt chỉ tiêu: 1.5; không đạt: 0", D("1.5")).method == ScoringMethod.YES_NO


@pytest.mark.parametrize(
    ("ratio", "points"),
    [
        ("100", "2"),
        ("120", "2"),
        ("99.99", "1.5"),
        ("90", "1.5"),
        ("89.9", "1"),
        ("80", "1"),
        ("79.99", "0"),
        ("0", "0"),
    ],
)
def test_band_edges_follow_inclusive_and_exclusive_bounds(ratio, points):
    parsed = parse_rule("100%: 2; 90% - <100%: 1.5; 80% - <90%: 1; <80%: 0", D("2"))
    assert parsed.method == ScoringMethod.RATIO_BANDS
    assert ratio_points(parsed.method, parsed.params, D("2"), D(ratio)) == D(points)


def test_greater_than_is_exclusive_and_both_inclusive_ranges_work():
    parsed = parse_rule(">90%: 2; 70% - 90%: 1; <70%: 0", D("2"))
    assert ratio_points(parsed.method, parsed.params, D("2"), D("90")) == D("1")
    assert ratio_points(parsed.method, parsed.params, D("2"), D("90.01")) == D("2")
    assert ratio_points(parsed.method, parsed.params, D("2"), D("70")) == D("1")


def test_not_applicable_segment_allows_na_and_keeps_its_condition():
    parsed = parse_rule("100%: 1; <100%: 0; không có PAKN: N/A", D("1"))
    assert parsed.not_applicable_allowed
    assert parsed.not_applicable_condition == "không có PAKN"
    assert len(parsed.params["bands"]) == 2


def test_full_points_situation_becomes_an_alternative_to_the_ratio():
    parsed = parse_rule(
        "100% hồ sơ trễ hạn có văn bản xin lỗi: 1; <100%: 0; không có hồ sơ trễ hạn: full points",
        D("1"),
    )
    assert parsed.method == ScoringMethod.RATIO_BANDS
    assert parsed.params["alternatives"] == [{"label": "không có hồ sơ trễ hạn", "points": "1"}]


def test_target_relative_bands():
    parsed = parse_rule(
        "Tỷ lệ số hóa ≥ chỉ tiêu giao: 2; đạt 80% - <100% chỉ tiêu: 1; <80%: 0", D("2")
    )
    assert ratio_points(parsed.method, parsed.params, D("2"), D("100")) == D("2")
    assert ratio_points(parsed.method, parsed.params, D("2"), D("85")) == D("1")


def test_proportional_is_capped_and_reaches_full_points_at_threshold():
    parsed = parse_rule("Proportional: max × (điểm 766 / 100); ≥90 điểm: full", D("2"))
    assert parsed.method == ScoringMethod.PROPORTIONAL
    assert ratio_points(parsed.method, parsed.params, D("2"), D("75")) == D("1.5")
    assert ratio_points(parsed.method, parsed.params, D("2"), D("90")) == D("2")
    capped = parse_rule("Proportional: max × tỷ lệ đạt / chỉ tiêu (cap at max)", D("2.5"))
    assert ratio_points(capped.method, capped.params, D("2.5"), D("130")) == D("2.5")
    # Exact: 2,5 × 87,3 / 100 = 2,1825, not a float approximation.
    assert ratio_points(capped.method, capped.params, D("2.5"), D("87.3")) == D("2.1825")


def test_survey_weights_are_read_or_default():
    parsed = parse_rule(
        "Survey: points = max × average answer weight (e.g. A=100%, B=60%, "
        "C=20%, D=0%); not self-scored",
        D("20"),
    )
    assert parsed.method == ScoringMethod.SURVEY
    assert parsed.params["weights"] == {"A": "1", "B": "0.6", "C": "0.2", "D": "0"}
    sipas = parse_rule("Survey: points = max × tỷ lệ hài lòng; not self-scored", D("15"))
    assert sipas.params == {"basis": "satisfaction_rate"}


def test_unrecognised_rule_is_manual_when_inferred():
    assert parse_rule("Chấm theo mức độ thực hiện", D("1")).method == ScoringMethod.MANUAL


@pytest.mark.parametrize(
    ("rule", "method", "message"),
    [
        ("100%: 2; 80% - <90%: 1; <80%: 0", ScoringMethod.RATIO_BANDS, "từ 90% đến 100%"),
        ("≥80%: 2; ≥70%: 1; <70%: 0", ScoringMethod.RATIO_BANDS, "chồng lấn"),
        ("Có: 3,5; không: 0", ScoringMethod.YES_NO, "3,5 điểm"),  # above the maximum of 2
        ("Có: 1; chưa đủ: 0.5; không: 0", ScoringMethod.YES_NO, "hai phương án"),
        ("Có; không", ScoringMethod.LEVELS, "mức: điểm"),
    ],
)
def test_explicit_method_with_a_rule_that_does_not_fit_is_refused(rule, method, message):
    with pytest.raises(RuleError, match=message):
        parse_rule(rule, D("2"), method)


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("≥90%: 2; 70% - <80%: 1; <70%: 0", "từ 80% đến 90%"),  # gap: not quietly "levels"
        (">=80%: 2; 70% - 90%: 1; <70%: 0", "chồng lấn"),
        ("80% - <100%: 2; <80%: 0", "100%"),  # nobody can reach 100%
        ("100%: 1; <100%: 0", "tối đa là 2"),  # best band below the maximum
        ("Có: 1; không: 0", "tối đa là 2"),
    ],
)
def test_inferred_rules_with_faults_are_reported_not_guessed(rule, fragment):
    with pytest.raises(RuleError, match=fragment):
        parse_rule(rule, D("2"))


def test_lower_bound_operator_of_a_range_is_respected():
    parsed = parse_rule("≤80%: 0; >80% - 90%: 1; >90%: 2", D("2"))
    assert parsed.method == ScoringMethod.RATIO_BANDS
    assert ratio_points(parsed.method, parsed.params, D("2"), D("80")) == D("0")
    assert ratio_points(parsed.method, parsed.params, D("2"), D("80.5")) == D("1")
    assert ratio_points(parsed.method, parsed.params, D("2"), D("90")) == D("1")


def test_vietnamese_wording_of_bounds():
    parsed = parse_rule("Trên 90%: 2; từ 70% đến 90%: 1; dưới 70%: 0", D("2"))
    points = [
        ratio_points(parsed.method, parsed.params, D("2"), D(r)) for r in ("95", "90", "70", "69")
    ]
    assert points == [D("2"), D("1"), D("1"), D("0")]
    parsed = parse_rule("Từ 80% trở lên: 1; từ 50% đến dưới 80%: 0,5; dưới 50%: 0", D("1"))
    points = [
        ratio_points(parsed.method, parsed.params, D("1"), D(r)) for r in ("80", "79.9", "50", "10")
    ]
    assert points == [D("1"), D("0.5"), D("0.5"), D("0")]


def test_a_plan_over_fulfilled_counts_as_100_percent_when_the_top_band_ends_at_100():
    parsed = parse_rule("90% - 100%: 2; <90%: 0", D("2"))
    assert ratio_points(parsed.method, parsed.params, D("2"), D("105")) == D("2")


# ---------------------------------------------------------------- per case


@pytest.mark.parametrize(
    ("rule", "rate", "cap"),
    [
        ("Mỗi mô hình, sáng kiến được công nhận: 0.5; tổng điểm thưởng tối đa: 1.5", "0.5", "1.5"),
        ("Mỗi trường hợp bị xử lý kỷ luật: 1; tổng điểm trừ tối đa: 2", "1", "2"),
        ("0,5 điểm mỗi sáng kiến, tối đa 1,5", "0.5", "1.5"),
        ("Trừ 0,5 điểm cho mỗi vụ việc; tối đa: 1,5", "0.5", "1.5"),
        ("Bị kỷ luật: 0,5 điểm/trường hợp; tổng điểm trừ tối đa: 1", "0.5", "1"),
        ("Mỗi sáng kiến: 0,5 điểm", "0.5", None),
        ("Mỗi sáng kiến: 0,5; không có: 0; tối đa: 1", "0.5", "1"),
    ],
)
def test_per_case_wording_is_a_rate_per_case_within_a_cap(rule, rate, cap):
    parsed = parse_rule(rule, D("2"))
    assert parsed.method == ScoringMethod.PER_CASE
    assert parsed.params == {"rate": rate, "cap": cap}


def test_two_initiatives_at_half_a_point_earn_one_point_and_five_stop_at_the_cap():
    rule = "Mỗi mô hình, sáng kiến được công nhận: 0.5; tổng điểm thưởng tối đa: 1.5"
    parsed = parse_rule(rule, D("1.5"))
    points = [
        ratio_points(parsed.method, parsed.params, D("1.5"), D(n)) for n in ("0", "2", "3", "5")
    ]
    assert points == [D("0"), D("1.0"), D("1.5"), D("1.5")]


def test_the_cap_segment_of_a_levels_rule_is_not_a_level():
    parsed = parse_rule(
        "Được UBND tỉnh khen thưởng: 1; được UBND cấp huyện khen thưởng: 0.5; "
        "tổng điểm thưởng tối đa: 1",
        D("1"),
    )
    assert parsed.method == ScoringMethod.LEVELS
    assert [level["points"] for level in parsed.params["levels"]] == ["1", "0.5"]


def test_several_rates_per_case_are_typed_points():
    rule = "Mỗi sáng kiến cấp tỉnh: 1; mỗi sáng kiến cấp huyện: 0,5; tối đa: 2"
    assert parse_rule(rule, D("2")).method == ScoringMethod.MANUAL


def test_the_per_case_method_may_be_named_and_a_rule_that_does_not_fit_is_refused():
    parsed = parse_rule("Mỗi sáng kiến: 0,5; tối đa: 1", D("1"), ScoringMethod.PER_CASE)
    assert parsed.params == {"rate": "0.5", "cap": "1"}
    with pytest.raises(RuleError, match="Mỗi trường hợp: 0,5"):
        parse_rule("Có: 1; không: 0", D("1"), ScoringMethod.PER_CASE)


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("Mỗi sáng kiến: 3; tối đa: 2", "3 điểm"),  # one case above the maximum
        ("Mỗi sáng kiến: 0,5; tối đa: 2,5", "2,5 điểm"),  # cap above the maximum
        ("Mỗi sáng kiến: 1; tối đa: 0,5", "0,5 điểm"),  # cap below one case
    ],
)
def test_per_case_rules_with_faults_are_reported(rule, fragment):
    with pytest.raises(RuleError, match=fragment):
        parse_rule(rule, D("2"))
