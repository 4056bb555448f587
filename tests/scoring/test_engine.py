"""The engine's arithmetic, rule by rule, on plain data."""

import pytest

from scoring.display import (
    format_number,
    index_change_text,
    machine_number,
    points_change_text,
    rank_change_text,
    rank_label,
)
from scoring.engine.comparison import PreviousResult, change_against, previous_for
from scoring.engine.model import ScoreEntry, Stage, SurveyEntry, UnitInput
from scoring.engine.policy import points_at
from scoring.engine.ranking import Rankable, competition_ranks
from scoring.engine.results import band_of, index_of, unit_result
from scoring.models import TieBreaker
from tests.scoring.engine_helpers import D, simple_set


def result_of(scores=None, surveys=None, stage=Stage.FINAL, **set_kwargs):
    index_set = simple_set(**set_kwargs)
    return unit_result(UnitInput(1, index_set, scores or {}, surveys or {}), stage)


def full_marks():
    return {
        3: ScoreEntry(final_points=D("30")),
        4: ScoreEntry(final_points=D("3.5")),
        5: ScoreEntry(final_points=D("28.5")),
        6: ScoreEntry(final_ratio=D("100")),
    }


def test_later_stages_fall_back_to_earlier_ones():
    index_set = simple_set()
    manual = index_set.scored[0]
    entry = ScoreEntry(self_points=D("20"), appraisal_points=None, final_points=None)
    assert points_at(manual, entry, Stage.FINAL) == D("20")
    entry = ScoreEntry(self_points=D("20"), appraisal_points=D("18"))
    assert points_at(manual, entry, Stage.SELF) == D("20")
    assert points_at(manual, entry, Stage.FINAL) == D("18")
    assert points_at(
        manual,
        ScoreEntry(self_points=D("20"), appraisal_points=D("18"), final_points=D("19")),
        Stage.FINAL,
    ) == D("19")
    assert points_at(manual, None, Stage.FINAL) is None


def test_ratio_items_take_their_points_from_the_rule():
    bands_item = simple_set().scored[3]
    # The unit typed 3 points but reported 85%: the rule gives 1,5.
    entry = ScoreEntry(self_points=D("3"), self_ratio=D("85"))
    assert points_at(bands_item, entry, Stage.SELF) == D("1.5")
    # The council corrected the ratio to 79%: 0 points at appraisal, and final falls back.
    entry = ScoreEntry(self_ratio=D("85"), appraisal_ratio=D("79"))
    assert points_at(bands_item, entry, Stage.APPRAISAL) == D("0")
    assert points_at(bands_item, entry, Stage.FINAL) == D("0")


def test_totals_direct_plus_survey_and_index():
    result = result_of(
        {**full_marks(), 3: ScoreEntry(final_points=D("20.25"))},
        {9: SurveyEntry(points=D("28.1234"))},
    )
    assert result.max_points == D("100")
    assert result.direct_points == D("55.25")
    assert result.survey_points == D("28.1234")
    assert result.total_points == D("83.3734") == result.direct_points + result.survey_points
    assert result.index == D("83.3734")
    assert result.band == "Tốt"


def test_not_applicable_items_leave_the_units_own_maximum():
    scores = {
        **full_marks(),
        4: ScoreEntry(not_applicable=True, final_points=D("3.5")),
        5: ScoreEntry(not_applicable=True),
    }
    result = result_of(scores, {9: SurveyEntry(points=D("35"))})
    assert result.max_points == D("68")  # 100 − 3,5 − 28,5
    assert result.total_points == D("68")  # points on a not-applicable item never count
    assert result.index == D("100")
    area = result.areas[0]
    assert (area.max_points, area.points, area.index) == (D("33"), D("33"), D("100"))


def test_a_not_applicable_survey_item_leaves_the_maximum_too():
    result = result_of(full_marks(), {9: SurveyEntry(not_applicable=True)})
    assert result.max_points == D("65")
    assert result.areas[1].index is None  # nothing to measure in that area
    assert result.index == D("100")


def test_unscored_items_count_zero_but_stay_in_the_maximum():
    result = result_of({3: ScoreEntry(final_points=D("30"))})
    assert (result.total_points, result.max_points, result.index) == (D("30"), D("100"), D("30"))


def test_bonus_never_lifts_the_index_above_100_and_caps_apply():
    scores = {**full_marks(), 10: ScoreEntry(final_points=D("2"))}
    result = result_of(scores, {9: SurveyEntry(points=D("34"))})
    assert result.bonus_points == D("2")
    assert result.total_points == D("100")  # 99 + 2, held at the unit's maximum
    assert result.index == D("100")
    capped = result_of(scores, {9: SurveyEntry(points=D("30"))}, bonus_cap=D("1.5"))
    assert capped.bonus_points == D("1.5")
    assert capped.total_points == D("96.5")


def test_penalty_never_takes_the_total_below_zero():
    result = result_of({11: ScoreEntry(final_points=D("3"))})
    assert result.penalty_points == D("3")
    assert result.total_points == D("0")
    assert result.index == D("0")
    capped = result_of(
        {3: ScoreEntry(final_points=D("10")), 11: ScoreEntry(final_points=D("3"))},
        penalty_cap=D("2"),
    )
    assert capped.total_points == D("8")


def test_index_keeps_every_digit_and_rounds_only_for_display():
    # 69,25 / 71,5 × 100 = 96,853146853…
    assert index_of(D("69.25"), D("71.5")) == D("96.85314685314685314685314685")
    assert format_number(index_of(D("69.25"), D("71.5"))) == "96,85"
    assert format_number(D("93.5959")) == "93,60"
    assert format_number(D("88.525")) == "88,53"  # half-up, not banker's rounding
    assert machine_number(D("88.525")) == "88.53"
    assert index_of(D("1"), D("0")) is None


def test_band_is_decided_on_the_exact_index():
    bands = [("Tốt", D("80")), ("Khá", D("60")), ("Kém", D("0"))]
    assert band_of(D("80"), bands) == "Tốt"
    assert band_of(D("79.996"), bands) == "Khá"  # shown as 80,00% yet below the threshold
    assert band_of(D("0"), bands) == "Kém"
    assert band_of(D("50"), [("Nhóm I", D("90"))]) == ""
    assert band_of(None, bands) == ""


def rankable(key, index, total="0", direct="0"):
    return Rankable(key, None if index is None else D(index), D(total), D(direct))


def test_equal_indices_share_a_rank():
    ranks = competition_ranks(
        [
            rankable("a", "90"),
            rankable("b", "85.5"),
            rankable("c", "85.5"),
            rankable("d", "70"),
            rankable("e", None),
        ]
    )
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


@pytest.mark.parametrize(
    ("tie_breaker", "expected"),
    [
        (TieBreaker.NONE, {"a": 1, "b": 1, "c": 1}),
        (TieBreaker.POINTS, {"b": 1, "a": 2, "c": 2}),
        (TieBreaker.DIRECT_POINTS, {"c": 1, "a": 2, "b": 3}),
    ],
)
def test_tie_breakers(tie_breaker, expected):
    entries = [
        rankable("a", "90", total="45", direct="30"),
        rankable("b", "90", total="90", direct="20"),
        rankable("c", "90", total="45", direct="40"),
    ]
    assert competition_ranks(entries, tie_breaker) == expected


def test_rank_labels_and_change_wording():
    assert rank_label(7, 20) == "7/20"
    assert rank_label(7, 20, official=True) == "07/20"
    assert rank_label(12, 600, official=True) == "12/600"
    assert rank_label(None, 20) == ""
    assert rank_change_text(3) == "tăng 3 bậc"
    assert rank_change_text(-2) == "giảm 2 bậc"
    assert rank_change_text(0) == "giữ nguyên"
    assert index_change_text(D("2.755")) == "tăng 2,76%"
    assert points_change_text(D("-7.214")) == "giảm 7,21 điểm"


def test_change_against_last_year():
    previous = PreviousResult(total_points=D("80"), max_points=D("100"), rank=10, group_code="so")
    change = change_against(
        previous, rank=7, group_code="so", index=D("82.76"), total_points=D("82.76")
    )
    assert (change.previous_rank, change.rank_change) == (10, 3)
    assert change.index_change == D("2.76")
    assert change.points_change == D("2.76")
    moved = change_against(
        previous, rank=2, group_code="other", index=D("90"), total_points=D("90")
    )
    assert moved.rank_change is None and moved.index_change == D("10")


def test_merged_units_compare_with_their_predecessors_combined():
    previous = {
        11: PreviousResult(D("60"), D("80"), 5, "xa"),  # 75%
        12: PreviousResult(D("90"), D("100"), 1, "xa"),  # 90%
    }
    combined = previous_for(20, [11, 12], previous)
    assert (combined.total_points, combined.max_points, combined.rank) == (D("150"), D("180"), None)
    change = change_against(combined, rank=3, group_code="xa", index=D("85"), total_points=D("85"))
    assert change.rank_change is None
    assert change.index_change == D("85") - D("150") * 100 / D("180")
    # One predecessor: a renamed unit keeps its history, rank included.
    assert previous_for(21, [12], previous).rank == 1
    assert previous_for(22, [], previous) is None


def test_survey_points_come_from_the_answers_or_the_rate():
    index_set = simple_set()
    survey = index_set.scored[4]
    answers = SurveyEntry(points=D("1"), answer_counts={"A": 30, "B": 10, "C": 5, "D": 5})
    # 35 × (30×1 + 10×0,6 + 5×0,2 + 5×0) / 50 = 35 × 0,74 = 25,9 — the typed 1 is ignored.
    assert result_of(surveys={9: answers}).survey_points == D("25.9")
    assert result_of(surveys={9: SurveyEntry(ratio=D("82.5"))}).survey_points == D("28.875")
    assert result_of(surveys={9: SurveyEntry(points=D("30"))}).survey_points == D("30")
    assert survey.code == "2.1.1"


def test_each_bonus_line_stays_within_its_own_cap():
    result = result_of(
        {**full_marks(), 10: ScoreEntry(final_points=D("5"))}, {9: SurveyEntry(points=D("20"))}
    )
    assert result.bonus_points == D("2")


def test_survey_points_from_answers_keep_four_decimals():
    answers = SurveyEntry(answer_counts={"A": 1, "B": 2})  # 35 × 2,2 / 3 = 25,666…
    assert result_of(surveys={9: answers}).survey_points == D("25.6667")


def test_a_merger_compares_with_everything_it_now_stands_for():
    previous = {
        1: PreviousResult(D("80"), D("100"), 2, "xa"),
        3: PreviousResult(D("40"), D("100"), 9, "xa"),
    }
    # Unit 1 absorbs unit 3: its own and unit 3's results combine; no rank, no points change.
    absorbed = previous_for(1, [3], previous)
    assert (absorbed.total_points, absorbed.max_points, absorbed.rank) == (D("120"), D("200"), None)
    change = change_against(absorbed, rank=1, group_code="xa", index=D("90"), total_points=D("90"))
    assert change.index_change == D("30") and change.points_change is None
    # A new unit from 1 and 5 (5 never published): still a merger, not a rename.
    assert previous_for(7, [1, 5], previous).rank is None
    # A unit whose one predecessor was renamed keeps its rank and points.
    renamed = previous_for(8, [3], previous)
    assert (renamed.rank, renamed.combined) == (9, False)
    assert change_against(
        renamed, rank=5, group_code="xa", index=D("50"), total_points=D("50")
    ).points_change == D("10")


def test_display_never_writes_negative_zero():
    assert machine_number(D("-0.001")) == "0.00"
    assert format_number(D("-0.004")) == "0,00"
    assert index_change_text(D("-0.004")) == "giữ nguyên"
