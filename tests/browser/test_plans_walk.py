"""Targets and remediation plans in Chromium, on the demo: a department's staff read their 2025
target and draft their plan; Home Affairs drafts the province's 2024 plan (2025's is issued in
the demo) and opens the issuing confirmation. Screens at 1366 and 390 px go to
var/screenshots/plans/."""

import pytest

from scoring.models import AssessmentPeriod
from tests.browser.conftest import log_in
from units.models import Unit

pytestmark = pytest.mark.browser


def _shoot(page, directory, name):
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(directory / f"{name}-{width}.png"), full_page=True)


def test_a_unit_and_home_affairs_draft_their_plans(page, demo_server, screenshot_dir):
    directory = screenshot_dir / "plans"
    directory.mkdir(exist_ok=True)
    period = AssessmentPeriod.objects.get(year=2025)
    unit = Unit.objects.get(name="Sở Tư pháp")
    log_in(page, demo_server, "sotuphap")
    page.goto(f"{demo_server.url}/periods/{period.pk}/units/{unit.pk}/result/")
    page.click("[data-target-link]")
    page.fill("input[name=rank]", "1")
    page.click("[data-target-form] button")
    text = page.inner_text("[data-target-text]")
    assert text.startswith(("Từ hạng", "Không thể đạt hạng", "Đã đạt hạng"))
    _shoot(page, directory, "target")
    page.fill("input[name=rank]", "99")
    page.click("[data-target-form] button")
    assert "Hạng mục tiêu là số nguyên từ 1 đến" in page.inner_text("#rank-error")
    page.click("text=Soạn kế hoạch khắc phục của đơn vị")
    assert "Dự thảo kế hoạch đã sẵn sàng" in page.inner_text(".messages")
    _shoot(page, directory, "unit-plan")
    page.click("text=Thêm nhiệm vụ")
    page.fill("#id_title", "Tập huấn cán bộ bộ phận một cửa")
    page.fill("#id_deadline", "01/01/2020")
    page.click(".rp-form button[type=submit]")
    assert "Trường này là bắt buộc." in page.content()
    _shoot(page, directory, "task-form-errors")

    page.context.clear_cookies()
    log_in(page, demo_server, "noivu")
    page.click("[data-nav-plans]")
    _shoot(page, directory, "list")
    # The demo's 2025 province plan is issued already: Home Affairs drafts 2024's.
    older = AssessmentPeriod.objects.get(year=2024)
    page.click(
        f"form[action='/periods/{older.pk}/plans/draft/']:not(:has(input[name=unit])) button"
    )
    assert "Dự thảo kế hoạch đã sẵn sàng" in page.inner_text(".messages")
    _shoot(page, directory, "province-plan")
    page.click("text=Ban hành kế hoạch…")
    _shoot(page, directory, "issue")
