"""A control character pasted into a form is refused by one middleware with a whole page (400):
the page says the form still holds what was typed, and its button goes back to it with the
text intact (the browser's Back; a link would load the form empty)."""

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]


def test_back_from_the_refusal_keeps_what_was_typed(demo_server, page, screenshot_dir):
    log_in(page, demo_server, "noivu")
    page.goto(f"{demo_server.url}/inspections/new/")
    title = "Kiểm tra công tác CCHC\x0b tại Sở Tư pháp"  # a vertical tab, pasted from Word
    page.fill("#id_title", title)
    page.fill("#id_team", "Nguyễn Văn An")
    page.click("button[type=submit]:has-text('Lưu')")
    assert "ký tự điều khiển" in page.locator("[data-refusal]").inner_text()
    assert "vẫn giữ những gì bạn đã nhập" in page.locator("[data-form-kept]").inner_text()
    page.screenshot(path=str(screenshot_dir / "control-character-refusal.png"), full_page=True)
    page.click("[data-history-back]")
    page.wait_for_url("**/inspections/new/**")
    assert page.input_value("#id_title") == title
    assert page.input_value("#id_team") == "Nguyễn Văn An"
