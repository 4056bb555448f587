"""A demo user logs in through Debian's Chromium and sees the portal in Vietnamese, on a desktop
and on a 390-px phone screen (screenshots in var/screenshots/)."""

import pytest

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize(("viewport", "name"), [((1366, 900), "desktop"), ((390, 844), "phone")])
def test_staff_member_logs_in_and_sees_their_role(
    demo_server, page, screenshot_dir, viewport, name
):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.goto(f"{demo_server.url}/")
    # A visitor lands on the published results; the header offers the login.
    assert page.url.endswith("/ket-qua/")
    page.click(".site-header a:text-is('Đăng nhập')")
    assert page.url.endswith("/accounts/login/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.screenshot(path=str(screenshot_dir / f"login-{name}.png"), full_page=True)

    page.fill("#id_username", "sotuphap")
    page.fill("#id_password", "mật khẩu sai")
    page.click("button[type=submit]")
    assert "mật khẩu chính xác" in page.locator(".alert--error").inner_text()

    page.fill("#id_password", "parindex-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{demo_server.url}/")
    body = page.locator("main").inner_text()
    assert "Xin chào, Vũ Thị Hồng" in body
    assert "Cán bộ đơn vị" in body and "Sở Tư pháp" in body
    assert "Đang tự đánh giá" in body  # this year's assessment, still a draft
    # Its published results: 2025 and 2024, each with its group's ranking.
    own = page.locator("[data-own-results]").inner_text()
    assert "Kết quả đã công bố của đơn vị" in own and "2025" in own and "2024" in own
    assert "Xếp hạng nhóm “Sở, ban, ngành”" in own
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(screenshot_dir / f"home-{name}.png"), full_page=True)

    page.click("text=Đăng xuất")
    page.wait_for_url("**/accounts/login/")


def test_system_admin_reaches_the_vietnamese_admin(demo_server, page, screenshot_dir):
    page.goto(f"{demo_server.url}/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "parindex-demo")
    page.click("input[type=submit]")
    page.wait_for_url(f"{demo_server.url}/admin/")
    text = page.locator("#content").inner_text()
    assert "Bộ chỉ số" in text and "Đơn vị" in text and "Nhật ký thay đổi" in text
    page.goto(f"{demo_server.url}/admin/units/unit/")
    tools = page.locator(".object-tools").text_content()
    assert "Nhập từ tệp" in tools and "Xuất" in tools
    page.screenshot(path=str(screenshot_dir / "admin-units.png"), full_page=False)
