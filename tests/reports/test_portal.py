"""reports.portal, the composition of the public pages over reports.published: a ranking of
600 communes is read a page of 100 at a time, filtered by name (diacritics or not) and band,
sorted by a known order only; area headers are abbreviated the way official tables write them."""

from decimal import Decimal

import pytest

from reports.portal import PER_PAGE, fold, ranking_view, sort_key
from reports.published import AreaColumn, GroupRanking, RankingLine
from scoring.display import area_short_name

D = Decimal


def commune_ranking(size: int) -> GroupRanking:
    lines = [
        RankingLine(
            unit_id=n,
            unit_code=f"X{n:03d}",
            unit_name="Xã Tân Hòa" if n == 321 else f"Xã số {n}",
            rank=n,
            rank_of=size,
            index=D(100) - D(n) / 10,
            band="Tốt" if n <= 200 else "Khá",
            rank_change=None,
            index_change=None,
            previous_combined=False,
            areas=(D(50),),
            never_submitted=False,
        )
        for n in range(1, size + 1)
    ]
    return GroupRanking(
        code="xa",
        name="UBND cấp xã",
        areas=[AreaColumn("1", "Cải cách thủ tục hành chính")],
        lines=lines,
        average_index=D(70),
        area_averages=(D(50),),
        area_best=(D(50),),
    )


def test_a_group_of_600_communes_is_read_a_page_at_a_time():
    ranking = commune_ranking(600)
    view = ranking_view(ranking, sort=None, search=None, band=None, page="3")
    assert PER_PAGE == 100 and view.page.paginator.num_pages == 6
    assert [line.rank for line in view.page.object_list] == list(range(201, 301))
    # A page number past the end, or not a number, shows a page that exists.
    assert ranking_view(ranking, sort=None, search="", band="", page="10**9").page.number == 1
    assert ranking_view(ranking, sort=None, search="", band="", page="999999").page.number == 6


def test_the_filter_finds_one_commune_of_600_without_paging():
    view = ranking_view(commune_ranking(600), sort="-index", search="tan hoa", band="", page="4")
    assert [line.unit_code for line in view.page.object_list] == ["X321"]
    assert view.query == "q=tan+hoa&sort=-index&"  # kept by the pages' and headers' links


def test_band_filter_and_an_unknown_band():
    ranking = commune_ranking(600)
    assert len(ranking_view(ranking, sort="", search="", band="Khá", page=1).lines) == 400
    unknown = ranking_view(ranking, sort="", search="", band="Xuất sắc", page=1)
    assert (unknown.band, len(unknown.lines)) == ("", 600)
    assert ranking_view(ranking, sort="", search="", band="", page=1).bands == ["Tốt", "Khá"]


@pytest.mark.parametrize(
    ("asked", "used"),
    [
        ("-index", "-index"),
        ("name", "name"),
        ("area:1", "area:1"),
        ("-area:1", "-area:1"),
        ("area:9", "rank"),
        ("<script>", "rank"),
        ("", "rank"),
        (None, "rank"),
        ("--index", "rank"),
    ],
)
def test_only_known_orders_are_used(asked, used):
    assert sort_key(commune_ranking(3), asked) == used


def test_search_ignores_case_and_diacritics():
    assert fold("Xã Tân Hòa") == fold("xa tan hoa") == fold("  XÃ  TÂN HÒA ")
    assert fold("Đồng Xuân") == "dong xuan"


def test_area_headers_are_the_dashboards():
    """The public ranking heads its area columns as the dashboard does (one owner:
    scoring.display.area_short_name); the full name stays beside it."""
    view = ranking_view(commune_ranking(3), sort=None, search="", band="", page=1)
    assert [(area.short, area.name) for area in view.areas] == [
        (area_short_name("Cải cách thủ tục hành chính"), "Cải cách thủ tục hành chính")
    ]
    assert view.areas[0].short == "Thủ tục hành chính"
