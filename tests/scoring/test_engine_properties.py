"""Invariants of the engine over generated index sets and scores (hypothesis)."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.display import format_number
from scoring.engine.model import IndexSetDef, ScoreEntry, Stage, SurveyEntry, UnitInput
from scoring.engine.ranking import Rankable, competition_ranks
from scoring.engine.results import unit_result
from tests.scoring.engine_helpers import item

QUARTER = Decimal("0.25")
quarters = st.integers(min_value=1, max_value=40).map(lambda n: QUARTER * n)


@st.composite
def index_sets(draw):
    """One area per draw of criteria; each sub-criterion has a max in steps of 0,25; some are
    survey items; a bonus and a penalty line with or without caps."""
    items, pk = [], 0
    for area_number in range(1, draw(st.integers(1, 3)) + 1):
        pk += 1
        area_pk, area_max, area_items = pk, Decimal(0), []
        for criterion_number in range(1, draw(st.integers(1, 3)) + 1):
            pk += 1
            criterion_pk, criterion_max, subs = pk, Decimal(0), []
            for sub_number in range(1, draw(st.integers(1, 4)) + 1):
                pk += 1
                maximum = draw(quarters)
                method = "survey" if draw(st.booleans()) and sub_number == 1 else "manual"
                subs.append(
                    item(
                        pk,
                        f"{area_number}.{criterion_number}.{sub_number}",
                        "sub_criterion",
                        criterion_pk,
                        maximum,
                        method,
                    )
                )
                criterion_max += maximum
            area_items.append(
                item(
                    criterion_pk,
                    f"{area_number}.{criterion_number}",
                    "criterion",
                    area_pk,
                    criterion_max,
                )
            )
            area_items.extend(subs)
            area_max += criterion_max
        items.append(item(area_pk, str(area_number), "area", None, area_max))
        items.extend(area_items)
    items.append(item(pk + 1, "T1", "bonus", None, draw(quarters)))
    items.append(item(pk + 2, "D1", "penalty", None, draw(quarters)))
    caps = st.none() | quarters
    return IndexSetDef(
        id=1,
        items=items,
        bands=[("Tốt", Decimal(80)), ("Khá", Decimal(50))],
        bonus_cap=draw(caps),
        penalty_cap=draw(caps),
    ).prepare()


@st.composite
def units(draw, index_set: IndexSetDef, unit_id: int):
    scores, surveys = {}, {}
    for definition in index_set.scored:
        if draw(st.integers(0, 9)) == 0:
            continue  # never scored
        steps = int(definition.max_points / QUARTER)
        points = QUARTER * draw(st.integers(0, steps))
        not_applicable = definition.level == "sub_criterion" and draw(st.integers(0, 5)) == 0
        if definition.method == "survey":
            surveys[definition.id] = SurveyEntry(points, not_applicable)
        else:
            scores[definition.id] = ScoreEntry(self_points=points, not_applicable=not_applicable)
    return UnitInput(unit_id, index_set, scores, surveys)


@st.composite
def provinces(draw):
    index_set = draw(index_sets())
    count = draw(st.integers(1, 8))
    return index_set, [draw(units(index_set, unit_id)) for unit_id in range(1, count + 1)]


@settings(max_examples=150, deadline=None)
@given(provinces())
def test_index_stays_between_0_and_100(province):
    _index_set, members = province
    for member in members:
        result = unit_result(member, Stage.FINAL)
        assert result.index is None or Decimal(0) <= result.index <= Decimal(100)
        assert Decimal(0) <= result.total_points <= result.max_points
        for area in result.areas:
            assert area.index is None or Decimal(0) <= area.index <= Decimal(100)


@settings(max_examples=150, deadline=None)
@given(provinces())
def test_ranks_are_a_competition_ranking_of_the_indices(province):
    _index_set, members = province
    results = [unit_result(member, Stage.FINAL, with_items=False) for member in members]
    ranks = competition_ranks(
        [Rankable(r.unit_id, r.index, r.total_points, r.direct_points) for r in results]
    )
    indexed = [r for r in results if r.index is not None]
    assert set(ranks) == {r.unit_id for r in indexed}
    for result in indexed:
        ahead = sum(1 for other in indexed if other.index > result.index)
        assert ranks[result.unit_id] == 1 + ahead


@settings(max_examples=100, deadline=None)
@given(provinces(), st.data())
def test_not_applicable_items_never_change_other_units_results(province, data):
    index_set, members = province
    if len(members) < 2:
        return
    before = [unit_result(m, Stage.FINAL, with_items=False) for m in members[1:]]
    first = members[0]
    candidates = [d for d in index_set.scored if d.level == "sub_criterion"]
    chosen = data.draw(st.sampled_from(candidates))
    if chosen.method == "survey":
        first.surveys[chosen.id] = SurveyEntry(None, True)
    else:
        first.scores[chosen.id] = ScoreEntry(not_applicable=True)
    after = [unit_result(m, Stage.FINAL, with_items=False) for m in members[1:]]
    assert [(r.total_points, r.max_points, r.index, r.band) for r in before] == [
        (r.total_points, r.max_points, r.index, r.band) for r in after
    ]


@settings(max_examples=150, deadline=None)
@given(provinces())
def test_rounding_happens_only_at_display(province):
    _index_set, members = province
    for member in members:
        result = unit_result(member, Stage.FINAL)
        if result.index is None:
            continue
        exact = Fraction(result.total_points) * 100 / Fraction(result.max_points)
        # The engine's index is the exact ratio to Decimal's 28 significant digits…
        assert abs(Fraction(result.index) - exact) <= Fraction(1, 10**24)
        # …and the display rounds it half-up to 2 decimals, from the exact value.
        shown = Decimal(format_number(result.index).replace(",", "."))
        assert abs(Fraction(shown) - exact) <= Fraction(1, 200)
        # Sums stay exact: the total is the sum of the parts, within its bounds.
        assert result.total_points == max(
            Decimal(0),
            min(
                result.direct_points
                + result.survey_points
                + result.bonus_points
                - result.penalty_points,
                result.max_points,
            ),
        )
