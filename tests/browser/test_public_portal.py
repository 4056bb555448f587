"""An anonymous visitor on the demo province, on a desktop and on a 390-px phone: from the
landing page to a period, a group's ranking and a unit, reading its rank, seeing its charts and
downloading its scorecard — with axe-core (from the npm package, node_modules/) finding no
serious or critical violation on the landing, ranking and unit pages, no horizontal scroll, and
no request leaving the site. Without JavaScript the ranking still sorts and filters.
Screenshots in var/screenshots/public-*.png."""

import pytest

from reports.models import ReportKind
from reports.published import public_periods, public_publication
from scoring.models import Assessment, Score
from scoring.services.publication import period_publish
from scoring.services.transitions import assessment_move
from scoring.workflow import AssessmentStatus
from tests.conftest import ROOT
from tests.reports.portal_fixtures import build_documents
from units.models import User

pytestmark = [pytest.mark.browser]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
UNIT_CODE, UNIT_NAME, GROUP_NAME = "STP", "Sở Tư pháp", "Sở, ban, ngành"
VIEWPORTS = [((1366, 900), "desktop"), ((390, 844), "phone")]


@pytest.fixture
def axe():
    """axe-core's script, installed by `make test` (npm ci). Missing, the test fails and says
    how to install it: accessibility is checked, never skipped."""
    if not AXE.is_file():
        pytest.fail(
            f"axe-core is not installed ({AXE.relative_to(ROOT)} is missing): run `make test`, "
            "or `npm ci` at the repository root (needs Debian's nodejs and npm)."
        )
    return AXE


@pytest.fixture
def published_demo(demo_server):
    """The demo with the 2025 publication's documents: the period's and Sở Tư pháp's
    scorecard, built by the reports' own build as the publication keeps them."""
    period = next(p for p in public_periods() if p.year == 2025)
    build_documents(public_publication(period), unit_codes=[UNIT_CODE])
    return demo_server


def check_accessibility(page, axe, name):
    page.add_script_tag(path=str(axe))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], name


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize(("viewport", "name"), VIEWPORTS)
def test_a_visitor_finds_a_units_rank_chart_and_scorecard(
    published_demo, page, axe, screenshot_dir, viewport, name
):
    server = published_demo
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})

    page.goto(f"{server.url}/")
    assert page.url == f"{server.url}/ket-qua/"
    assert page.locator("h1").inner_text() == "Kết quả công bố Chỉ số cải cách hành chính"
    assert "Đăng nhập" in page.locator(".site-header").inner_text()
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"public-landing-{name}.png"), full_page=True)
    check_accessibility(page, axe, "landing")

    page.click("a:text-is('Chỉ số CCHC năm 2025')")
    assert page.locator("h1").inner_text() == "Chỉ số CCHC năm 2025"
    assert "Báo cáo kết quả xếp hạng (PDF)" in page.locator("main").inner_text()
    page.click(f"main a:text-is('{GROUP_NAME}')")

    assert GROUP_NAME in page.locator("h1").inner_text()
    row = page.locator(f"tr[data-unit='{UNIT_CODE}']")
    rank = row.locator("td.rank").inner_text()
    assert rank.endswith("/20") and len(rank) == 5  # "07/20"
    chart = page.locator(
        "figure.chart-figure--wide svg" if name == "desktop" else "figure.chart-figure--narrow svg"
    )
    assert chart.is_visible() and chart.get_attribute("role") == "img"
    assert no_horizontal_scroll(page)  # the wide table scrolls in its own box
    page.screenshot(path=str(screenshot_dir / f"public-ranking-{name}.png"), full_page=True)
    check_accessibility(page, axe, "ranking")

    row.locator(f"a:text-is('{UNIT_NAME}')").click()
    assert page.locator("h1").inner_text() == UNIT_NAME
    assert page.locator("[data-figure=rank] .figure__value").inner_text() == rank
    # The line chart and the area chart, one drawing each for this screen's width.
    charts = page.locator("svg.chart:visible")
    assert [charts.nth(n).get_attribute("aria-labelledby").split("-")[0] for n in range(2)] == [
        "history",
        "areas",
    ]
    assert charts.nth(0).locator("text:text-is('2025')").count() == 1
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"public-unit-{name}.png"), full_page=True)
    check_accessibility(page, axe, "unit")

    with page.expect_download() as download:
        page.click("a:has-text('Phiếu kết quả')")
    assert download.value.suggested_filename == "phieu-ket-qua-STP-2025-v1.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # Every asset came from the portal itself.
    assert requested and all(url.startswith(server.url) for url in requested), requested


def test_the_ranking_sorts_and_filters_without_javascript(demo_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{demo_server.url}/ket-qua/")
        page.click("a:text-is('Chỉ số CCHC năm 2025')")
        page.click(f"main a:text-is('{GROUP_NAME}')")
        first = page.locator("tbody tr td.rank").first.inner_text()
        assert first == "01/20"
        page.click("a[data-sort='rank']")  # by rank, the other way round
        assert page.locator("tbody tr td.rank").first.inner_text() == "20/20"
        page.fill("#ranking-q", "tu phap")  # no diacritics typed
        page.click("button:has-text('Lọc')")
        names = page.locator("tbody td.unit-name a").all_inner_texts()
        assert names == [UNIT_NAME]
        assert "sort=-rank" in page.url  # the order asked for is kept by the filter
        page.click("a:has-text('Bỏ lọc')")
        assert page.locator("tbody tr").count() == 20
    finally:
        context.close()


def test_a_republication_keeps_both_versions_downloadable(published_demo, page):
    """Home Affairs corrects a unit and republishes: the portal shows version 2 and its
    documents, and still offers version 1's."""
    period = next(p for p in public_periods() if p.year == 2025)
    noivu, chair = User.objects.get(username="noivu"), User.objects.get(username="chutich.hd")
    assessment = Assessment.objects.get(period=period, unit__code=UNIT_CODE)
    assessment_move(
        assessment=assessment,
        target=AssessmentStatus.IN_APPRAISAL,
        by=chair,
        reason="Sai sót khi tổng hợp",
    )
    score = Score.objects.filter(assessment=assessment, final_points__isnull=False).first()
    Score.objects.filter(pk=score.pk).update(final_points=score.final_points / 2)
    assessment_move(assessment=assessment, target=AssessmentStatus.APPRAISED, by=chair)
    second = period_publish(period=period, by=noivu, reason="Điều chỉnh điểm của Sở Tư pháp")
    build_documents(second, unit_codes=[UNIT_CODE], kinds=[ReportKind.RANKING_PDF])

    page.goto(f"{published_demo.url}/ket-qua/")
    page.click("a:text-is('Chỉ số CCHC năm 2025')")
    main = page.locator("main").inner_text()
    assert "phiên bản 2" in main and "Phiên bản 1, công bố ngày 02/03/2026" in main
    names = []
    for link in page.locator("a[href^='/ket-qua/tai-lieu/']:has-text('xếp hạng')").all():
        with page.expect_download() as download:
            link.click()
        names.append(download.value.suggested_filename)
    assert sorted(names) == ["bao-cao-xep-hang-2025-v1.pdf", "bao-cao-xep-hang-2025-v2.pdf"]
