"""reports.published: what the public may read, a group's ranking in any order, and a unit's
history across a merger and a renaming."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.published import (
    forget_results,
    group_rankings,
    public_period,
    public_periods,
    public_publication,
    public_results,
    sorted_lines,
    unit_history,
    unit_page,
)
from scoring.models import Assessment, Score
from scoring.services.publication import period_publish
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    UnitFactory,
    small_tree,
)


def _year(personas, year, points_by_unit, group):
    """A period of `year` with each unit appraised at (1.1.1, 1.1.2) points, published."""
    period = PeriodFactory(organiser=personas["organiser"], year=year)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    for unit, (first, second) in points_by_unit.items():
        assessment = AssessmentFactory(
            period=period,
            unit=unit,
            index_set=index_set,
            ranking_group=group,
            status=AssessmentStatus.APPRAISED,
        )
        Score.objects.create(assessment=assessment, item=tree["1.1.1"], final_points=D(first))
        Score.objects.create(assessment=assessment, item=tree["1.1.2"], final_points=D(second))
    period_publish(period=period, by=personas["home_affairs"])
    period.refresh_from_db()
    return period


@pytest.fixture
def years(personas):
    """2024: A, B, C. 2025: M replaces A and B; R is C renamed; an open 2026."""
    organiser = personas["organiser"]
    group = organiser.ranking_groups.create(code="xa", name="UBND cấp xã")
    kind = personas["kind"]
    a, b = personas["unit_a"], personas["unit_b"]
    c = UnitFactory(code="C", name="Xã Cũ", kind=kind, organiser=organiser)
    first = _year(personas, 2024, {a: ("1", "2"), b: ("0", "1"), c: ("1", "1")}, group)
    merged = UnitFactory(code="M", name="Xã Mới", kind=kind, organiser=organiser)
    merged.predecessors.set([a, b])
    renamed = UnitFactory(code="R", name="Xã Đổi Tên", kind=kind, organiser=organiser)
    renamed.predecessors.set([c])
    second = _year(personas, 2025, {merged: ("1", "1.5"), renamed: ("0", "2")}, group)
    draft = PeriodFactory(organiser=organiser, year=2026, status=PeriodStatus.SELF_ASSESSMENT)
    return {"2024": first, "2025": second, "2026": draft, "M": merged, "R": renamed, "C": c}


def test_only_published_periods_are_public(years):
    assert [p.year for p in public_periods()] == [2025, 2024]
    assert public_period(years["2026"].pk) is None
    assert public_period("not a number") is None
    assert public_publication(years["2026"]) is None


def test_a_ranking_reads_the_frozen_results_in_any_order(years):
    publication = public_publication(years["2025"])
    (ranking,) = group_rankings(public_results(publication))
    assert [line.unit_code for line in ranking.lines] == ["M", "R"]
    assert [line.rank_text for line in ranking.lines] == ["01/2", "02/2"]
    assert [a.name for a in ranking.areas] == ["Công tác chỉ đạo, điều hành"]
    # M: 2,5 of 3 points; R: 2 of 3.
    assert ranking.lines[0].index == D("2.5") / D(3) * 100
    assert [ln.unit_code for ln in sorted_lines(ranking, "index")] == ["R", "M"]
    assert [ln.unit_code for ln in sorted_lines(ranking, "-rank")] == ["R", "M"]
    assert [ln.unit_code for ln in sorted_lines(ranking, "name")] == ["R", "M"]  # Đổi < Mới
    assert [ln.unit_code for ln in sorted_lines(ranking, "-area:1")] == ["M", "R"]
    # An unknown order or area reads by rank.
    assert [ln.unit_code for ln in sorted_lines(ranking, "<script>")] == ["M", "R"]
    assert [ln.unit_code for ln in sorted_lines(ranking, "area:9")] == ["M", "R"]


def test_history_follows_a_merger_and_a_renaming(years, personas):
    organiser_id = personas["organiser"].pk
    merged = unit_history(years["M"].pk, organiser_id=organiser_id, up_to_year=2025)
    assert [(p.year, p.combined) for p in merged] == [(2024, True), (2025, False)]
    # 2024 adds up A (3 of 3) and B (1 of 3): 4 of 6 points, no rank of its own.
    assert merged[0].index == D(4) / D(6) * 100
    assert merged[0].rank is None and merged[0].stands_for == ("Sở Tư pháp", "Sở Y tế")
    renamed = unit_history(years["R"].pk, organiser_id=organiser_id, up_to_year=2025)
    assert [(p.year, p.rank_text, p.stands_for) for p in renamed] == [
        (2024, "02/3", ("Xã Cũ",)),
        (2025, "02/2", ()),
    ]
    # Up to 2024 the merged unit has only the combined year.
    assert len(unit_history(years["M"].pk, organiser_id=organiser_id, up_to_year=2024)) == 1


def test_a_unit_page_shows_final_points_only(years):
    publication = public_publication(years["2025"])
    page = unit_page(publication, "M")
    assert page.line.rank_text == "01/2"
    assert [a.group_best for a in page.areas] == [D("2.5") / D(3) * 100]
    assert [(i.code, i.points, i.lost) for i in page.lost_items] == [("1.1.2", D("1.5"), D("0.5"))]
    assert not hasattr(page.lost_items[0], "self_points")
    assert unit_page(publication, "C") is None  # not in this publication
    assert unit_page(publication, "nope") is None


def test_a_withdrawn_assessment_is_not_public(years):
    # Withdrawn after publication changes nothing that was published.
    Assessment.objects.filter(unit=years["M"]).update(status=AssessmentStatus.WITHDRAWN)
    (ranking,) = group_rankings(public_results(public_publication(years["2025"])))
    assert [line.unit_code for line in ranking.lines] == ["M", "R"]


def test_a_publication_is_decoded_once_per_process(years):
    """Every page of a period reads the same frozen results: the second unit's page does not
    read the whole publication again, and it still shows its own items."""
    publication = public_publication(years["2025"])
    with CaptureQueriesContext(connection) as first:
        unit_page(publication, "M")
    with CaptureQueriesContext(connection) as second:
        page = unit_page(publication, "R")
    assert len(second) < len(first)
    assert [i.code for i in page.lost_items] == ["1.1.1"]  # R: 0 of 1 on 1.1.1, 2 of 2 on 1.1.2
    forget_results()
    with CaptureQueriesContext(connection) as again:
        unit_page(publication, "R")
    assert len(again) == len(first)
