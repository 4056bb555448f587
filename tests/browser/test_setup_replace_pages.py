"""Home Affairs uploads a set and replaces the demo's 2026 department set while units score,
in Chromium at desktop and phone widths; the unit then sees what to redo. Screenshots in
var/screenshots/setup/."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scoring.models import IndexSet, Score
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]
SAMPLE = Path(__file__).resolve().parents[2] / "scoring" / "demo_data" / "index-set-department.csv"


def _fits_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize(("viewport", "name"), [((1366, 900), "desktop"), ((390, 844), "phone")])
def test_upload_and_replace_mid_period(demo_server, page, screenshot_dir, viewport, name):
    shots = screenshot_dir / "setup"
    shots.mkdir(exist_ok=True)
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    log_in(page, demo_server, "noivu")
    current = IndexSet.objects.get(period__year=2026, unit_kind__code="department", is_current=True)
    page.goto(f"{demo_server.url}/setup/")
    assert "Tải lên bộ chỉ số" in page.locator("#index-set-upload").inner_text()
    page.screenshot(path=str(shots / f"home-{name}.png"), full_page=True)

    # The upload's dry run: a set in use becomes a draft.
    page.click(f"#index-set-upload a[href='/setup/periods/{current.period_id}/index-sets/upload/']")
    page.select_option("select[name=unit_kind]", str(current.unit_kind_id))
    page.set_input_files("input[name=file]", str(SAMPLE))
    page.fill("input[name=decision_number]", "2150/QĐ-UBND")
    page.fill("input[name=decision_date]", "19/12/2025")
    page.click("button:has-text('Kiểm tra tệp')")
    page.wait_for_url("**/imports/*/")  # the import job, read by a worker (eager here)
    expect(page.locator("[data-status=ready]")).to_be_visible()
    assert "bản dự thảo" in page.locator("main").inner_text()
    assert _fits_phone(page)
    page.screenshot(path=str(shots / f"upload-preview-{name}.png"), full_page=True)

    # Instead, prepare a copy and edit it as the late decision says.
    page.goto(f"{demo_server.url}/setup/index-sets/{current.pk}/draft/")
    page.check("input[name=confirm]")
    page.click("button:has-text('Chuẩn bị bản dự thảo')")
    draft = IndexSet.objects.get(period=current.period, unit_kind=current.unit_kind, is_draft=True)
    scored = (
        Score.objects.filter(
            item__index_set=current, assessment__unit__code="SYT", self_points__gt=Decimal("0.5")
        )
        .select_related("item__parent__parent")
        .first()
    )
    item = draft.items.get(code=scored.item.code)
    cut = item.max_points - Decimal("0.5")
    for node in (item, item.parent, item.parent.parent):
        node.max_points -= cut
        node.save()
    item.method, item.rule, item.method_params = "manual", "", {}  # points typed, 0 to 0,5
    item.save()
    gone = draft.items.filter(level="sub_criterion").exclude(pk=item.pk).first()
    gone.code = f"{gone.code}.9"
    gone.name = "Tiêu chí theo quyết định mới"
    gone.save()
    page.goto(f"{demo_server.url}/setup/index-sets/{draft.pk}/replace/")
    text = page.locator("main").inner_text()
    assert "Đổi điểm tối đa" in text and "Điểm không còn phù hợp" in text
    page.select_option("select[name^=map-]", str(gone.pk))
    page.click("button:has-text('Xem ảnh hưởng')")
    page.wait_for_load_state("load")
    expect(page.locator("[data-misfit=removed]")).to_have_count(0)
    expect(page.locator("[data-misfit=above_max]").first).to_be_visible()
    assert _fits_phone(page)
    page.screenshot(path=str(shots / f"replace-{name}.png"), full_page=True)
    page.check("input[name=confirm]")
    page.click("button:has-text('Áp dụng phiên bản mới')")
    page.wait_for_url(f"{demo_server.url}/setup/")
    assert "là bộ chỉ số hiện hành" in page.locator("main").inner_text()
    draft.refresh_from_db()
    assert draft.is_current

    # Sở Y tế's points no longer fit: its form lists them.
    page.context.clear_cookies()
    log_in(page, demo_server, "soyte")
    page.goto(f"{demo_server.url}/assessments/{scored.assessment_id}/")
    assert scored.item.code in page.locator("[data-redos]").inner_text()
    assert _fits_phone(page)
    page.screenshot(path=str(shots / f"redo-list-{name}.png"))
