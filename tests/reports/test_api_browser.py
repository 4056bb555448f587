"""The open-data API's page and its interactive docs in Chromium, as an anonymous visitor on a
desktop and a phone: readable without sideways scrolling, and every request the browser makes
goes to this server (no CDN). Screenshots in var/screenshots/."""

import pytest

pytestmark = [pytest.mark.browser]


def _requests_of(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


@pytest.mark.parametrize(("viewport", "name"), [((1366, 900), "desktop"), ((390, 844), "phone")])
def test_the_api_page(live_server, open_data, page, screenshot_dir, viewport, name):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    requests = _requests_of(page)
    page.goto(f"{live_server.url}/api/")
    assert page.locator("h1").inner_text() == "Dữ liệu mở: kết quả đã công bố"
    assert page.locator("#terms").is_visible()
    # Nothing wider than the screen but the resources table, which scrolls in its own box.
    page.screenshot(path=str(screenshot_dir / f"api-page-{name}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    # An example link opens a real published period, as JSON.
    page.click(f"a[href='/api/v1/periods/{open_data['p2025'].pk}']")
    page.wait_for_url(f"**/api/v1/periods/{open_data['p2025'].pk}")
    assert "Chỉ số CCHC năm 2025" in page.locator("body").inner_text()
    assert all(url.startswith(live_server.url) for url in requests), requests


def test_the_interactive_docs_run_from_this_server(live_server, open_data, page, screenshot_dir):
    page.set_viewport_size({"width": 1366, "height": 900})
    requests = _requests_of(page)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert len(paths) == 6
    assert any("/api/v1/periods/{period_id}/groups/{group_code}/ranking" in p for p in paths)
    assert "Dữ liệu mở Chỉ số CCHC" in page.locator(".info .title").inner_text()
    page.screenshot(path=str(screenshot_dir / "api-docs.png"), full_page=False)
    assert any(url.endswith("/api/v1/openapi.json") for url in requests)
    assert all(url.startswith(live_server.url) for url in requests), [
        url for url in requests if not url.startswith(live_server.url)
    ]
