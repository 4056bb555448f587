"""Inspections and next year's lessons in Chromium, on the demo: Home Affairs records a visit
with the unit filter, a finding by code; Sở Tư pháp's 2026 form shows the finding and last
year's task beside the item. Screens at 1366 and 390 px in var/screenshots/inspections/."""

from datetime import date

import pytest
from playwright.sync_api import expect

from scoring.models import (
    AssessmentPeriod,
    IndexItem,
    PlanStatus,
    RemediationPlan,
    RemediationTask,
    TaskStatus,
)
from tests.browser.conftest import log_in
from units.models import Unit

pytestmark = [pytest.mark.browser]


def _issued_task(unit):
    """A task of the demo's issued 2025 province plan, done, on 1.1.1."""
    period = AssessmentPeriod.objects.get(year=2025)
    plan = RemediationPlan.objects.get(period=period, unit=None, status=PlanStatus.ISSUED)
    task = RemediationTask.objects.create(
        plan=plan,
        title="Ban hành kế hoạch CCHC năm 2026 trước 15/12/2025",
        owner_unit=unit,
        deadline=date(2026, 11, 30),
        measurable_target="Kế hoạch ban hành đúng hạn",
        status=TaskStatus.DONE,
        outcome="Đã ban hành Kế hoạch số 12/KH-STP ngày 10/12/2025",
        completed_on=date(2026, 10, 12),
    )
    task.items.set(IndexItem.objects.filter(index_set__period=period, code="1.1.1"))


def test_inspection_walk_and_lessons(demo_server, page, screenshot_dir):
    shots = screenshot_dir / "inspections"
    shots.mkdir(exist_ok=True)
    unit = Unit.objects.get(name="Sở Tư pháp")
    _issued_task(unit)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, demo_server, "noivu")
    page.click("[data-nav-inspections]")
    page.click("[data-new-inspection]")
    page.fill("#id_title", "Kiểm tra công tác CCHC năm 2026 tại Sở Tư pháp")
    page.fill("#id_visited_on", "12/05/2026")
    page.fill("#id_team", "Nguyễn Văn An — Phó Giám đốc Sở Nội vụ\nLê Thị Bình — chuyên viên")
    page.fill("[data-unit-search]", "tu phap")
    visible = page.locator("[data-unit-choice]:visible")
    expect(visible).to_have_count(1)  # the deferred filter script may run after the first keys
    assert "Sở Tư pháp" in visible.inner_text()
    visible.locator("input").check()
    page.fill("[data-unit-search]", "")
    assert "(1/" in page.locator("[data-unit-count]").inner_text()
    page.screenshot(path=str(shots / "form-1366.png"), full_page=True)
    page.click("button[type=submit]:has-text('Lưu')")
    assert "Đã ghi nhận đợt kiểm tra" in page.locator(".messages").inner_text()
    page.click("a:has-text('+ Tồn tại, hạn chế')")
    page.fill("#id_text", "Kế hoạch CCHC năm 2026 ban hành chậm so với quy định.")
    page.fill("#id_remedy", "Ban hành kế hoạch năm sau trước ngày 15/12.")
    page.fill("#id_item_codes", "1.1.1")
    page.click("button[type=submit]:has-text('Lưu')")
    assert "Đã ghi nhận tồn tại, hạn chế" in page.locator(".messages").inner_text()
    page.screenshot(path=str(shots / "detail-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "detail-390.png"), full_page=True)
    page.goto(f"{demo_server.url}/inspections/")
    page.screenshot(path=str(shots / "list-390.png"), full_page=True)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, demo_server, "sotuphap")
    assert page.locator("[data-nav-inspections]").count() == 1
    page.click("a:has-text('Tự đánh giá: Sở Tư pháp')")
    lessons = page.locator("[data-lessons='1.1.1']")
    assert lessons.count() == 1
    lessons.locator("summary").click()
    text = lessons.inner_text()
    assert "Năm 2025: Nhiệm vụ khắc phục – Hoàn thành (12/10/2026)" in text
    # The task names 1.1.1 of both 2025 sets (departments, communes): shown once.
    assert text.count("Ban hành kế hoạch CCHC năm 2026 trước 15/12/2025") == 1
    assert "Năm 2026: Kiểm tra CCHC ngày 12/05/2026" in text
    lessons.scroll_into_view_if_needed()
    item = page.locator("article.sa-item", has=lessons)
    item.screenshot(path=str(shots / "lessons-1366.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    item.screenshot(path=str(shots / "lessons-390.png"))
