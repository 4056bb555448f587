"""The Home Affairs officer's unit pages in a real browser, on a desktop and on a 390-px phone:
the list, a merge up to its confirmation page, a sheet of changes through its import job (the
preview, the confirmation, the Back link) and a period's ranking groups (screenshots in
var/screenshots/setup/)."""

import pytest
from playwright.sync_api import expect

from scoring.models import AssessmentPeriod
from scoring.services.unit_changes import SHEET_COLUMNS
from tests.browser.conftest import log_in
from tests.helpers import csv_text
from units.models import Unit, UnitChange

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "name"), [((1366, 900), "desktop"), ((390, 844), "phone")])
def test_officer_reorganises_units_in_the_browser(
    demo_server, page, screenshot_dir, viewport, name
):
    folder = screenshot_dir / "setup"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    log_in(page, demo_server, "noivu")
    period = AssessmentPeriod.objects.order_by("-year").first()
    communes = [
        unit
        for unit in Unit.objects.filter(ranking_group__code="xa").order_by("code")
        if unit.exists_in(period.year)
    ][:2]

    def shoot(label):
        page.screenshot(path=str(folder / f"units-{label}-{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), label

    page.goto(f"{demo_server.url}/setup/")
    assert page.locator("[data-setup-units]").is_visible()
    page.goto(f"{demo_server.url}/setup/units/?year={period.year}")
    assert page.locator("[data-unit-table] tbody tr").count() > 0
    shoot("list")

    page.goto(f"{demo_server.url}/setup/units/merge/")
    page.fill("#id_sources", ", ".join(unit.code for unit in communes))
    page.fill("#id_new_code", "XA-MOI")
    page.fill("#id_new_name", "Xã Hợp Nhất")
    page.fill("#id_year", str(period.year))
    page.fill("#id_decision_number", "1656/NQ-UBTVQH15")
    page.fill("#id_decision_date", "16/06/2025")
    shoot("merge-form")
    page.click("main form[method=post] button[type=submit]")
    assert page.locator("[data-unit-confirm]").is_visible(), page.locator("main").inner_text()
    shoot("merge-confirm")
    assert not Unit.objects.filter(code="XA-MOI").exists()  # nothing changed before confirming

    page.goto(f"{demo_server.url}/setup/units/sheet/")
    shoot("sheet")
    renamed = communes[0]
    sheet = csv_text(
        [
            SHEET_COLUMNS,
            ["đổi tên", renamed.code, "", "Xã Tên Mới", "", "", str(period.year), "", "", ""],
        ]
    )
    page.set_input_files(
        "input[type=file]", {"name": "doi.csv", "mimeType": "text/csv", "buffer": sheet}
    )
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url("**/imports/*/")  # the import job, read by a worker (eager here)
    expect(page.locator("[data-status=ready]")).to_be_visible()
    preview = page.locator("main").inner_text()
    assert renamed.name in preview and "Xã Tên Mới" in preview  # the old name, then the new
    assert not UnitChange.objects.filter(new_name="Xã Tên Mới").exists()  # not before confirming
    shoot("sheet-preview")
    page.click("button[value=confirm]")
    expect(page.locator("[data-status=done]")).to_be_visible()
    assert UnitChange.objects.filter(new_name="Xã Tên Mới").exists()
    page.click("main .card a.button:has-text('Quay lại')")  # back to the sheet page
    page.wait_for_url("**/setup/units/sheet/")
    page.goto(f"{demo_server.url}/setup/periods/{period.pk}/groups/")
    assert page.locator("[data-group-table]").is_visible()
    shoot("groups")
