"""The Home Affairs dashboard and a unit's published result, rendered in Chromium in
Vietnamese; screenshots in var/screenshots/."""

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]


def test_home_affairs_dashboard(demo_server, page, screenshot_dir):
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, demo_server, "noivu")
    page.click("a:text-is('2025')")
    assert page.locator("h1").inner_text().startswith("Chỉ số CCHC năm 2025")
    results = page.locator("#results")
    assert "Sở, ban, ngành (20)" in results.inner_text()
    assert "Không xếp hạng (1)" in results.inner_text()
    first_row = results.locator("tbody tr").first.inner_text()
    assert first_row.startswith("01/20")
    assert "%" in first_row and "," in first_row  # Vietnamese decimals
    assert "Bình quân của nhóm" in results.inner_text()
    page.click("a.tab:has-text('UBND cấp xã')")
    # 2025: the 31 communes and wards of the merger, compared with their predecessors.
    first_commune = page.locator("#results tbody tr").first.inner_text()
    assert "01/31" in first_commune and ("tăng" in first_commune or "giảm" in first_commune)
    assert "Đã công bố: phiên bản 1" in page.locator("#publication").inner_text()
    page.screenshot(path=str(screenshot_dir / "dashboard-2025.png"), full_page=True)

    # 2024, before the merger: 100 communes, on two pages.
    page.goto(f"{demo_server.url}/")
    page.click("a:text-is('2024')")
    page.click("a.tab:has-text('UBND cấp xã')")
    assert "01/100" in page.locator("#results tbody tr").first.inner_text()
    assert "Trang 1/2" in page.locator("#results").inner_text()

    page.goto(f"{demo_server.url}/")
    page.click("a:text-is('2026')")
    publication = page.locator("#publication").inner_text()
    assert "Chưa thể công bố" in publication and "chưa được thẩm định xong" in publication
    page.locator("details.unit-list summary").click()
    page.select_option("select[name=status]", "submitted")
    page.click("button:has-text('Lọc')")
    assert page.locator("#progress details tbody tr").count() == 3
    page.screenshot(path=str(screenshot_dir / "dashboard-2026.png"), full_page=True)


@pytest.mark.parametrize(("viewport", "name"), [((1366, 900), "desktop"), ((390, 844), "phone")])
def test_unit_result_page(demo_server, page, screenshot_dir, viewport, name):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    log_in(page, demo_server, "sotuphap")
    page.click("text=Xem kết quả")
    assert page.locator("h1").inner_text() == "Sở Tư pháp"
    figures = page.locator(".figures").inner_text()
    for label in ("Chỉ số", "Xếp hạng", "Xếp loại", "Điểm"):
        assert label in figures
    assert "/20" in figures
    text = page.locator("main").inner_text()
    assert "Chỉ số theo lĩnh vực" in text and "Cải cách thể chế" in text
    assert "Các tiêu chí bị mất nhiều điểm nhất" in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(screenshot_dir / f"unit-result-{name}.png"), full_page=True)
