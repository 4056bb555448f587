"""The public portal's pages as a visitor reads them, without logging in: the landing page, a
period, a group's ranking (rank "01/03", the areas by name, sorting and filtering by links and a
GET form), a unit (its index over the years across the merger, its areas against the group,
its lost points) and the documents of each version."""

import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from reports.models import Report, ReportKind, ReportStatus
from tests.reports.portal_fixtures import (
    PLANTED,
    build_documents,
)

ROW_CODES = re.compile(r'<tr data-unit="([^"]+)">')


def html_of(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return unescape(response.content.decode())


def ranking_url(province, year, group):
    return reverse("public:ranking", args=[province.periods[year].pk, group])


def unit_url(province, year, code):
    return reverse("public:unit", args=[province.periods[year].pk, code])


def codes(html):
    return ROW_CODES.findall(html)


def test_landing_lists_the_published_periods_with_their_groups(client, portal_province):
    p = portal_province
    html = html_of(client, reverse("public:landing"))
    assert "Kết quả công bố Chỉ số cải cách hành chính" in html
    assert html.index("Chỉ số CCHC năm 2025") < html.index("Chỉ số CCHC năm 2024")
    assert "Sở Nội vụ tỉnh Hòa An" in html
    assert "20/03/2026" in html  # 2025's second version
    assert "02/03/2025" in html
    assert ranking_url(p, 2025, "so") in html and ranking_url(p, 2024, "xa") in html
    assert 'Sở, ngành</a> <span class="group-list__size">3 đơn vị' in html
    assert 'UBND cấp xã</a> <span class="group-list__size">2 đơn vị' in html
    assert "năm 2026" not in html and "2027" not in html
    # The header of a visitor: the site, the published results, logging in.
    assert "Kết quả công bố" in html and reverse("login") in html


def test_home_sends_a_visitor_to_the_landing_page(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:landing")


def test_period_page_lists_groups_unranked_units_and_documents_by_version(client, portal_province):
    p = portal_province
    v1 = build_documents(p.publications[2025, 1], kinds=[ReportKind.RANKING_PDF])
    v2 = build_documents(
        p.publications[2025, 2], kinds=[ReportKind.RANKING_PDF, ReportKind.RESULTS_WORKBOOK]
    )
    html = html_of(client, reverse("public:period", args=[p.periods[2025].pk]))
    assert "công bố ngày 20/03/2026, phiên bản 2" in html
    assert ranking_url(p, 2025, "so") in html and ranking_url(p, 2025, "xa") in html
    assert "Được đánh giá, không xếp hạng" in html
    assert unit_url(p, 2025, "V") in html
    latest, earlier = html.split("Các phiên bản trước")
    for document in v2:
        assert reverse("public:document", args=[document.pk]) in latest
    assert reverse("public:document", args=[v1[0].pk]) in earlier
    assert "Phiên bản 1, công bố ngày 02/03/2026" in earlier


def test_ranking_shows_rank_units_index_and_the_areas_by_name(client, portal_province):
    p = portal_province
    html = html_of(client, ranking_url(p, 2025, "so"))
    # Version 2: A and B level at 85%, both first; C third.
    assert codes(html) == ["A", "B", "C"]
    assert '<td class="rank">01/3</td>' in html and '<td class="rank">03/3</td>' in html
    assert "85,00%" in html and "55,00%" in html
    # One column per area, named (abbreviated, the full name in the abbr's title).
    assert '<abbr title="Cải cách thể chế">Thể chế</abbr>' in html
    assert '<abbr title="Cải cách thủ tục hành chính">Thủ tục hành chính</abbr>' in html
    assert "Lĩnh vực 1" not in html
    # Changes against 2024: B went up one place, C's index went down 5 points.
    row_b = html[html.index('data-unit="B"') : html.index('data-unit="C"')]
    assert "tăng 1 bậc" in row_b and "tăng 10,00%" in row_b
    row_c = html[html.index('data-unit="C"') :]
    assert "giảm 5,00%" in row_c
    # C never submitted: marked, and the mark explained.
    assert "chưa nộp tự đánh giá" in row_c and "chưa nộp tự đánh giá" not in row_b
    assert "data-never-submitted-note" in html
    assert "Bình quân của nhóm" in html
    # The bar chart, an image with a name, and the table as its text.
    assert html.count('role="img"') == 2  # drawn for a desktop and for a phone
    assert '<title id="bars-title">Chỉ số của các đơn vị' in html


def test_merged_units_compare_with_their_predecessors_added_up(client, portal_province):
    html = html_of(client, ranking_url(portal_province, 2025, "xa"))
    assert codes(html) == ["X3"]
    assert "so với các đơn vị hợp nhất" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("rank", ["A", "B", "C"]),
        ("-rank", ["C", "B", "A"]),
        ("name", ["A", "C", "B"]),  # Sở Tư pháp, Sở Xây dựng, Sở Y tế
        ("-name", ["B", "C", "A"]),
        ("index", ["C", "A", "B"]),
        ("-change", ["B", "A", "C"]),
        ("area:1", ["C", "A", "B"]),
        ("-area:1", ["B", "A", "C"]),
    ],
)
def test_any_column_sorts_the_ranking(client, portal_province, sort, expected):
    html = html_of(client, ranking_url(portal_province, 2025, "so"), sort=sort)
    assert codes(html) == expected
    if sort != "rank":
        assert 'aria-sort="' in html


def test_the_headers_sort_links_keep_the_filter_and_toggle_the_order(client, portal_province):
    url = ranking_url(portal_province, 2025, "so")
    html = html_of(client, url, sort="-index", q="sở")
    assert 'aria-sort="descending"' in html
    link = re.search(r'href="([^"]*)" data-sort="index"', html)[1]
    assert "sort=index" in link and "q=s%E1%BB%9F" in link  # ascending next, the filter kept


def test_filter_by_name_without_diacritics_and_by_band(client, portal_province):
    url = ranking_url(portal_province, 2025, "so")
    assert codes(html_of(client, url, q="xay dung")) == ["C"]
    assert codes(html_of(client, url, q="SỞ Y")) == ["B"]
    assert codes(html_of(client, url, band="Tốt")) == ["A", "B"]
    assert codes(html_of(client, url, band="Tốt", q="y tế")) == ["B"]
    html = html_of(client, url, q="không có đơn vị này")
    assert codes(html) == [] and "Không có đơn vị nào khớp với điều kiện lọc" in html
    # The form keeps what was typed, and offers the group's bands.
    html = html_of(client, url, q="xây", band="Trung bình")
    assert codes(html) == ["C"]
    assert 'value="xây"' in html and '<option value="Trung bình" selected>' in html
    assert "Khá" not in html.split('id="ranking-band"')[1].split("</select>")[0]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "<script>alert(1)</script>"},
        {"sort": "area:99"},
        {"page": "99999999999999999999999"},
        {"page": "-1"},
        {"page": "abc"},
        {"band": "Xuất sắc"},
        {"q": "x" * 5000},
        {"unknown": "1"},
    ],
)
def test_odd_parameters_are_ignored(client, portal_province, params):
    html = html_of(client, ranking_url(portal_province, 2025, "so"), **params)
    assert "<script>alert" not in html
    if "q" not in params:
        assert codes(html) == ["A", "B", "C"]


def test_a_control_character_gets_the_vietnamese_400_page(client, portal_province):
    response = client.get(ranking_url(portal_province, 2025, "so"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_unknown_or_unpublished_addresses_answer_404(client, portal_province):
    p = portal_province
    unpublished = p.periods[2026].pk
    for url in (
        reverse("public:period", args=[unpublished]),
        reverse("public:period", args=[p.periods[2027].pk]),
        reverse("public:period", args=[10**30]),
        reverse("public:ranking", args=[unpublished, "so"]),
        reverse("public:unit", args=[unpublished, "A"]),
        ranking_url(p, 2025, "nhom-khong-co"),
        unit_url(p, 2025, "X1"),  # a unit of another period: X1 ended in 2024
        unit_url(p, 2024, "X3"),
        unit_url(p, 2025, "KHONG-CO"),
        reverse("public:document", args=[10**30]),
        "/ket-qua/abc/",
        f"/ket-qua/{p.periods[2025].pk}/nhom/so%00/",
        f"/ket-qua/{p.periods[2025].pk}/don-vi/A%00B/",
        f"/ket-qua/{p.periods[2025].pk}/don-vi/%3Cscript%3E/",
        f"/ket-qua/{p.periods[2025].pk}/don-vi/{'A' * 500}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url


def test_unit_page_shows_its_result_history_areas_and_losses(client, portal_province):
    p = portal_province
    html = html_of(client, unit_url(p, 2025, "X3"))
    assert "<h1>Xã Tân Hòa</h1>" in html
    assert re.search(r'data-figure="rank">.*?01/1<', html, re.S)
    assert re.search(r'data-figure="index">.*?72,50%<', html, re.S)
    # Over the years: 2024 is the two communes it replaced, added up, and says so.
    assert "Cộng gộp các đơn vị hợp nhất: Xã Hòa Lợi, Xã Tân An" in html
    assert "65,00%" in html  # (16 + 10) / 40
    assert '<title id="history-title">Chỉ số của Xã Tân Hòa qua các năm</title>' in html
    # Areas against the group (of one: its own values), as a chart and a table.
    assert '<title id="areas-title">Chỉ số theo lĩnh vực của Xã Tân Hòa so với nhóm' in html
    assert "1. Cải cách thể chế" in html and "2. Cải cách thủ tục hành chính" in html
    # The items that lost most, with their final points and nothing else.
    losses = html.split("Các tiêu chí bị mất nhiều điểm nhất")[1].split("Văn bản tải về")[0]
    # 1.1.2, 2.1.1 and 2.1.2 lost 1,5 each (in code order), 1.1.1 lost 1.
    assert [m for m in re.findall(r"(\d\.\d\.\d)\. ", losses)] == [
        "1.1.2",
        "2.1.1",
        "2.1.2",
        "1.1.1",
    ]
    assert "1,50" in losses and "PLANTED" not in losses
    for planted in PLANTED.values():
        assert planted not in html


def test_unit_page_of_a_department_compares_with_the_group(client, portal_province):
    p = portal_province
    html = html_of(client, unit_url(p, 2025, "B"))
    assert re.search(r'data-figure="rank">.*?01/3<', html, re.S)
    assert "tăng 1 bậc" in html
    assert "Bình quân của nhóm" in html and "Cao nhất trong nhóm" in html
    assert ranking_url(p, 2025, "so") in html  # back to its group's ranking
    history = html.split("Chỉ số và thứ hạng qua các năm")[1].split("Chỉ số theo lĩnh vực")[0]
    assert history.index("2024") < history.index("2025")
    assert "02/3" in history and "01/3" in history


def test_unranked_unit_page(client, portal_province):
    html = html_of(client, unit_url(portal_province, 2025, "V"))
    assert re.search(r'data-figure="rank">.*?—<', html, re.S)
    assert "Được đánh giá, không xếp hạng" in html
    assert "Bình quân của nhóm" not in html


def test_unit_page_offers_its_scorecard_of_each_version(client, portal_province):
    p = portal_province
    v1 = build_documents(p.publications[2025, 1], unit_codes=["A"], kinds=[ReportKind.RANKING_PDF])
    v2 = build_documents(p.publications[2025, 2], unit_codes=["A"], kinds=[ReportKind.RANKING_PDF])
    html = html_of(client, unit_url(p, 2025, "A"))
    latest, earlier = html.split("Các phiên bản trước")
    scorecard_v2 = next(d for d in v2 if d.kind == ReportKind.SCORECARD_PDF)
    scorecard_v1 = next(d for d in v1 if d.kind == ReportKind.SCORECARD_PDF)
    assert reverse("public:document", args=[scorecard_v2.pk]) in latest
    assert reverse("public:document", args=[scorecard_v1.pk]) in earlier
    # Another unit's page does not offer A's scorecard.
    other = html_of(client, unit_url(p, 2025, "B"))
    assert reverse("public:document", args=[scorecard_v2.pk]) not in other


def test_document_download(client, portal_province):
    p = portal_province
    (v1,) = build_documents(p.publications[2025, 1], kinds=[ReportKind.RANKING_PDF])
    (v2,) = build_documents(p.publications[2025, 2], kinds=[ReportKind.RANKING_PDF])
    for document, name in (
        (v1, "bao-cao-xep-hang-2025-v1.pdf"),
        (v2, "bao-cao-xep-hang-2025-v2.pdf"),
    ):
        response = client.get(reverse("public:document", args=[document.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response["Cache-Control"].startswith("public")
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_documents_not_of_a_publication_are_not_public(client, portal_province):
    p = portal_province
    internal = Report.objects.create(
        kind=ReportKind.RANKING_PDF, period=p.periods[2025], status=ReportStatus.DONE
    )
    internal.file.save("x.pdf", ContentFile(b"%PDF-1.7"), save=True)
    queued = Report.objects.create(
        kind=ReportKind.RANKING_PDF, period=p.periods[2025], publication=p.publications[2025, 2]
    )
    for report in (internal, queued):
        assert client.get(reverse("public:document", args=[report.pk])).status_code == 404


def test_a_long_ranking_is_paged_and_the_pages_keep_the_order(client, portal_province, monkeypatch):
    monkeypatch.setattr("reports.portal.PER_PAGE", 2)
    url = ranking_url(portal_province, 2025, "so")
    html = html_of(client, url, sort="-index")
    assert codes(html) == ["A", "B"] and "Trang 1/2" in html
    assert "Đơn vị thứ 1–2 trong tổng số 3." in html
    next_page = re.search(r'href="(\?[^"]*page=2)"', html)[1]
    assert next_page == "?sort=-index&page=2"
    assert codes(html_of(client, url + next_page)) == ["C"]
