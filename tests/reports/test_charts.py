"""The one SVG chart component of the pages and the PDFs: each chart is an image named by its
title and described by its description, its series told apart by shape, dash and pattern (not
colour alone) with their values written beside them, and every text escaped."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from reports.charts import AreaValues, Bar, LinePoint, area_chart, bar_chart, bar_charts, line_chart

D = Decimal
NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # well-formed XML, or this raises


def texts(root) -> list[str]:
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def assert_named_image(root, title, description):
    assert root.get("role") == "img"
    title_el, desc_el = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert (title_el.text, desc_el.text) == (title, description)
    assert root.get("aria-labelledby") == f"{title_el.get('id')} {desc_el.get('id')}"


def test_bar_chart_is_a_named_image_with_every_value_written():
    root = parse(
        bar_chart(
            [Bar("01/3  Sở <b>Tư pháp</b>", D("85")), Bar("02/3  Sở Y tế", None)],
            reference=D("70"),
            reference_label="Bình quân",
            title="Chỉ số <nhóm>",
            description="Mỗi đơn vị một thanh.",
            chart_id="bars",
        )
    )
    assert_named_image(root, "Chỉ số <nhóm>", "Mỗi đơn vị một thanh.")
    assert root.find("svg:title", NS).get("id") == "bars-title"
    words = texts(root)
    assert "01/3  Sở <b>Tư pháp</b>" in words  # escaped in the markup, read back as text
    assert "85,00%" in words and "—" in words and "Bình quân 70,00%" in words
    # The average is a dashed line, not only a colour.
    assert any(g.get("stroke-dasharray") for g in root.iter("{http://www.w3.org/2000/svg}g"))


def test_bar_chart_for_a_phone_writes_labels_above_the_bars():
    root = parse(bar_chart([Bar("01/3  Sở Tư pháp", D("85"))], labels_above=True, width=360))
    label = next(t for t in root.iter("{http://www.w3.org/2000/svg}text") if "Tư pháp" in t.text)
    bar = next(r for r in root.iter("{http://www.w3.org/2000/svg}rect"))
    assert float(label.get("y")) < float(bar.get("y"))
    assert float(label.get("x")) <= float(bar.get("x"))
    assert root.get("viewBox") == f"0 0 360 {root.get('height')}"


def test_bar_charts_are_cut_into_pages_named_in_order():
    bars = [Bar(f"{n:02d}/80  Xã {n}", D(n)) for n in range(1, 81)]
    charts = bar_charts(bars, title="Nhóm xã", description="d", rows_per_chart=36)
    assert [parse(c).find("svg:title", NS).text for c in charts] == [
        "Nhóm xã (1/3)",
        "Nhóm xã (2/3)",
        "Nhóm xã (3/3)",
    ]
    ids = {parse(c).find("svg:title", NS).get("id") for c in charts}
    assert len(ids) == 3  # one page holds several: their ids differ


def test_line_chart_marks_each_year_and_tells_merged_years_apart():
    root = parse(
        line_chart(
            [
                LinePoint("2023", D("60.5"), note="05/20"),
                LinePoint("2024", D("65"), note="các đơn vị hợp nhất", hollow=True),
                LinePoint("2025", D("72.5"), note="01/1"),
            ],
            title="Chỉ số qua các năm",
            description="2023: 60,50%; 2024: 65,00%; 2025: 72,50%.",
        )
    )
    assert_named_image(root, "Chỉ số qua các năm", "2023: 60,50%; 2024: 65,00%; 2025: 72,50%.")
    words = texts(root)
    for word in ("2023", "2024", "2025", "60,50%", "65,00%", "72,50%", "05/20", "01/1"):
        assert word in words
    svg = "{http://www.w3.org/2000/svg}"
    # Own results are filled circles; the merged year a hollow square; lines into and out of
    # it dashed, the others solid.
    assert len(list(root.iter(f"{svg}circle"))) == 2
    squares = [r for r in root.iter(f"{svg}rect") if r.get("fill") == "#ffffff"]
    assert len(squares) == 1
    segments = [
        line
        for g in root.iter(f"{svg}g")
        if g.get("stroke-width") == "2"
        for line in g.iter(f"{svg}line")
    ]
    assert [bool(s.get("stroke-dasharray")) for s in segments] == [True, True]


def test_line_chart_leaves_a_gap_for_a_year_without_a_value():
    root = parse(
        line_chart(
            [LinePoint("2023", D("60")), LinePoint("2024", None), LinePoint("2025", D("70"))],
            title="t",
            description="d",
        )
    )
    svg = "{http://www.w3.org/2000/svg}"
    segments = [
        line
        for g in root.iter(f"{svg}g")
        if g.get("stroke-width") == "2"
        for line in g.iter(f"{svg}line")
    ]
    assert segments == [] and "2024" in texts(root)


def test_area_chart_tells_unit_average_and_best_apart_by_pattern():
    root = parse(
        area_chart(
            [
                AreaValues("1. Cải cách thể chế", D("80"), D("70"), D("95")),
                AreaValues("2. Cải cách thủ tục hành chính", D("60"), D("65"), D("90")),
            ],
            title="Chỉ số theo lĩnh vực",
            description="1: 80%; 2: 60%.",
            series=("Sở Tư pháp", "Bình quân của nhóm", "Cao nhất trong nhóm"),
            chart_id="areas",
        )
    )
    assert_named_image(root, "Chỉ số theo lĩnh vực", "1: 80%; 2: 60%.")
    svg = "{http://www.w3.org/2000/svg}"
    assert root.find("svg:defs/svg:pattern", NS).get("id") == "areas-hatch"
    fills = [r.get("fill") for r in root.iter(f"{svg}rect") if r.get("height") == "9"]
    # Per area: solid, hatched, outlined — the same three kinds in the legend.
    assert fills[:3] == ["#3b6ea5", "url(#areas-hatch)", "#ffffff"] and len(fills) == 6
    words = texts(root)
    for word in ("Sở Tư pháp", "Bình quân của nhóm", "Cao nhất trong nhóm", "80,00%", "95,00%"):
        assert word in words


def test_area_chart_of_a_unit_outside_every_group_shows_the_unit_only():
    root = parse(
        area_chart(
            [AreaValues("1. Cải cách thể chế", D("80"), None, None)],
            title="t",
            description="d",
            series=("Văn phòng", "Bình quân của nhóm", "Cao nhất trong nhóm"),
        )
    )
    words = texts(root)
    assert "Văn phòng" in words and "Bình quân của nhóm" not in words and "—" not in words
