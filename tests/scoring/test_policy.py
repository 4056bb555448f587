"""scoring.engine.policy, the one owner of what an item is worth: the value at a stage (the only
fallback and not-applicable rule), how a value becomes points (one answer for a ratio no band
covers), and the only builders of the engine's input. Plain data, no database."""

import pytest

from scoring.engine.model import ItemDef, Method, ScoreEntry, Stage, TieBreaker, UnitInput
from scoring.engine.policy import (
    ITEM_FIELDS,
    SCORE_REASON_FIELDS,
    SCORE_VALUE_FIELDS,
    NegativeRatio,
    NotACount,
    StageValue,
    UncoveredRatio,
    figure_points,
    index_tree,
    item_def,
    not_applicable_at,
    own_points,
    points_at,
    ratio_points,
    score_entry,
    survey_entry,
    value_at,
    value_points,
)
from scoring.engine.results import unit_result
from scoring.models import ItemLevel, ScoringMethod
from scoring.models import TieBreaker as TieBreakerChoices
from tests.scoring.engine_helpers import D, item, simple_set

# A hand-edited rule with a gap: 50% to 80% is covered by no band.
GAPPED = {
    "bands": [
        {"lower": "0", "lower_inclusive": True, "upper": "50", "upper_inclusive": False,
         "points": "0"},
        {"lower": "80", "lower_inclusive": True, "upper": None, "upper_inclusive": False,
         "points": "2"},
    ],
    "alternatives": [],
}  # fmt: skip
gapped = item(20, "1.1.9", "sub_criterion", 2, "2", "ratio_bands", GAPPED)
manual = item(3, "1.1.1", "sub_criterion", 2, "30")


def test_the_engines_enums_are_the_models_choices():
    assert {m.value for m in Method} == set(ScoringMethod.values)
    assert {t.value for t in TieBreaker} == set(TieBreakerChoices.values)
    assert {"area", "criterion", "sub_criterion", "bonus", "penalty"} == set(ItemLevel.values)


# ---------------------------------------------------------------- the value at a stage


@pytest.mark.parametrize(
    ("entry", "stage", "expected"),
    [
        (ScoreEntry(self_points=D("20")), Stage.FINAL, StageValue(D("20"))),
        (ScoreEntry(self_points=D("20"), appraisal_points=D("18")), Stage.SELF,
         StageValue(D("20"))),
        (ScoreEntry(self_points=D("20"), appraisal_points=D("18")), Stage.FINAL,
         StageValue(D("18"))),
        (ScoreEntry(appraisal_points=D("18"), final_points=D("0")), Stage.FINAL,
         StageValue(D("0"))),
        # The unit claims "không áp dụng"; the council refuses it and scores the item.
        (ScoreEntry(not_applicable=True, appraisal_not_applicable=False, appraisal_points=D("5")),
         Stage.FINAL, StageValue(D("5"))),
        (ScoreEntry(not_applicable=True), Stage.APPRAISAL, StageValue(not_applicable=True)),
        # Round 2 grants it after round 1 refused it.
        (ScoreEntry(self_points=D("3"), appraisal_not_applicable=False, final_not_applicable=True),
         Stage.FINAL, StageValue(D("3"), not_applicable=True)),
        (None, Stage.FINAL, StageValue()),
    ],
)  # fmt: skip
def test_the_value_at_a_stage_falls_back_and_takes_the_latest_not_applicable_decision(
    entry, stage, expected
):
    assert value_at(manual, entry, stage) == expected


def test_a_ratio_rule_takes_the_stages_ratio_and_other_rules_ignore_one():
    bands_item = simple_set().scored[3]
    entry = ScoreEntry(self_points=D("3"), self_ratio=D("85"), appraisal_ratio=D("79"))
    assert value_at(bands_item, entry, Stage.SELF) == StageValue(D("3"), D("85"))
    assert value_at(bands_item, entry, Stage.FINAL) == StageValue(None, D("79"))
    # A ratio stored on a manual item sets no value: the earlier stage stands.
    stray = ScoreEntry(self_points=D("20"), appraisal_ratio=D("50"))
    assert value_at(manual, stray, Stage.APPRAISAL) == StageValue(D("20"))
    assert not_applicable_at(ScoreEntry(not_applicable=True), Stage.SELF)


def test_own_points_are_what_the_stage_itself_gave():
    entry = ScoreEntry(self_points=D("20"), final_points=D("25"))
    assert own_points(manual, entry, Stage.SELF) == D("20")
    assert own_points(manual, entry, Stage.APPRAISAL) is None
    assert own_points(manual, entry, Stage.FINAL) == D("25")


# ---------------------------------------------------------------- a value's points


def test_a_value_becomes_points_by_the_rule_typed_points_only_without_a_ratio():
    bands_item = simple_set().scored[3]
    assert value_points(bands_item, StageValue(D("3"), D("85"))) == D("1.5")
    assert value_points(bands_item, StageValue(D("3"))) == D("3")
    assert value_points(manual, StageValue(D("7.25"))) == D("7.25")
    assert value_points(manual, StageValue(D("7"), not_applicable=True)) is None
    assert value_points(manual, None) is None


def test_a_ratio_no_band_covers_is_refused_by_the_rule_and_counts_as_unscored():
    with pytest.raises(UncoveredRatio) as refused:
        ratio_points(gapped.method, gapped.params, gapped.max_points, D("65"))
    assert refused.value.ratio == D("65")
    with pytest.raises(NegativeRatio):
        ratio_points(gapped.method, gapped.params, gapped.max_points, D("-1"))
    # Stored anyway: no points, never an error — whichever stage holds it.
    assert value_points(gapped, StageValue(ratio=D("65"))) is None
    assert (
        points_at(gapped, ScoreEntry(self_ratio=D("90"), final_ratio=D("65")), Stage.FINAL) is None
    )
    assert points_at(gapped, ScoreEntry(self_ratio=D("90")), Stage.FINAL) == D("2")


def test_the_engine_counts_an_uncovered_ratio_as_zero_instead_of_failing():
    index_set = simple_set()
    index_set.items.append(gapped)
    index_set.prepare()
    result = unit_result(UnitInput(1, index_set, {20: ScoreEntry(final_ratio=D("65"))}))
    line = next(i for i in result.items if i.item_id == 20)
    assert (line.points, line.final_points) == (D("0"), None)


# ---------------------------------------------------------------- the builders


class Row:
    """A model instance as the builders see one: attributes by name."""

    def __init__(self, **values):
        self.__dict__.update(values)


def test_the_builders_read_instances_and_value_rows_alike():
    fields = dict(
        id=7, code="1.1", name="Kế hoạch", level="criterion", parent_id=1,
        max_points=D("2"), method="manual", method_params={"x": 1}, position=3,
        data_source="Cổng DVC quốc gia",
    )  # fmt: skip
    assert set(fields) == set(ITEM_FIELDS)
    assert item_def(fields) == item_def(Row(**fields))
    assert item_def(fields).params == {"x": 1}
    assert item_def(fields).data_fed and not item_def({**fields, "data_source": ""}).data_fed
    score = {name: None for name in SCORE_VALUE_FIELDS} | {
        "self_points": D("1"),
        "not_applicable": False,
        "appraisal_reason": "Sai số liệu",
    }
    assert score_entry(score) == score_entry(Row(**score))
    assert score_entry(score).appraisal_reason == "Sai số liệu"
    assert score_entry({"self_points": D("1")}).final_reason == ""  # reasons read when shown
    assert set(SCORE_REASON_FIELDS) == {"appraisal_reason", "final_reason"}
    survey = {"points": None, "not_applicable": False, "ratio": D("80"), "answer_counts": {}}
    assert survey_entry(survey).answer_counts is None and survey_entry(survey).ratio == D("80")


def test_the_prepared_tree_is_where_an_item_finds_its_criterion_and_area():
    tree = index_tree(simple_set().items)
    assert tree.area_code(3) == "1" and tree.criterion_of[3] == 2
    assert tree.area_code(2) == "1"  # a criterion
    assert tree.area_code(1) == "1"  # an area is its own
    assert tree.area_code(10) is None  # bonus line: in no area
    assert [i.code for i in tree.children(2)] == ["1.1.1", "1.1.2", "1.1.3", "1.1.4"]


def test_a_tree_without_parents_has_no_areas_instead_of_failing():
    flat = index_tree(
        [item(1, "1", "area", None, "5"), item(3, "1.1.1", "sub_criterion", None, "5")]
    )
    assert flat.area_code(3) is None


# ---------------------------------------------------------------- per-case rules and data items


PER_CASE = {"rate": "0.5", "cap": "1.5"}


@pytest.mark.parametrize(
    ("cases", "points"),
    [("0", "0"), ("1", "0.5"), ("2", "1.0"), ("3", "1.5"), ("7", "1.5")],
)
def test_a_per_case_rule_gives_count_times_rate_within_its_cap(cases, points):
    assert ratio_points(Method.PER_CASE, PER_CASE, D("2"), D(cases)) == D(points)


def test_a_per_case_rule_without_a_cap_stops_at_the_items_maximum():
    assert ratio_points(Method.PER_CASE, {"rate": "1", "cap": None}, D("2"), D("5")) == D("2")


def test_a_per_case_rule_refuses_part_of_a_case_and_a_negative_count():
    with pytest.raises(NotACount):
        ratio_points(Method.PER_CASE, PER_CASE, D("1.5"), D("1.5"))
    with pytest.raises(NegativeRatio):
        ratio_points(Method.PER_CASE, PER_CASE, D("1.5"), D("-1"))


def test_a_per_case_bonus_line_adds_its_count_times_rate_to_the_total():
    index_set = simple_set()
    bonus = index_set.by_id[10]
    per_case_bonus = item(bonus.id, bonus.code, "bonus", None, "2", Method.PER_CASE, PER_CASE)
    index_set.items = [per_case_bonus if i.id == bonus.id else i for i in index_set.items]
    index_set.prepare()
    scores = {3: ScoreEntry(self_points=D("20")), bonus.id: ScoreEntry(self_ratio=D("2"))}
    result = unit_result(UnitInput(1, index_set, scores), Stage.SELF)
    assert result.bonus_points == D("1.0")
    assert result.total_points == D("21.0")


def test_a_data_fed_item_earns_what_its_rule_gives_the_uploaded_figure():
    index_set = simple_set()
    banded = index_set.by_id[6]  # 1.1.4: bands, 3 points from 100%
    fed = ItemDef(**{**banded.__dict__, "data_fed": True})
    index_set.items = [fed if i.id == banded.id else i for i in index_set.items]
    index_set.prepare()
    # A unit's own value on a data item is never counted: only the figure.
    scores = {banded.id: ScoreEntry(self_points=D("3"))}
    without = unit_result(UnitInput(1, index_set, scores), Stage.FINAL)
    assert without.direct_points == D("0")
    fed_result = unit_result(UnitInput(1, index_set, scores, {}, {banded.id: D("85")}))
    assert fed_result.direct_points == D("1.5")
    line = next(i for i in fed_result.items if i.item_id == banded.id)
    assert (line.self_points, line.appraisal_points, line.is_data_fed) == (D("1.5"), None, True)
    assert fed.id not in {i.id for i in index_set.self_assessed_part().items}


def test_figure_points_are_none_without_a_figure_or_for_one_the_rule_cannot_score():
    banded = ItemDef(**{**simple_set().by_id[6].__dict__, "data_fed": True})
    assert figure_points(banded, None) is None
    assert figure_points(banded, D("-1")) is None
    assert figure_points(banded, D("100")) == D("3")
