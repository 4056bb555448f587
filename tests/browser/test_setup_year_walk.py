"""Issue 12's walk, in Chromium through the real pages: Home Affairs (`noivu`) creates 2027 from
2026, moves points between two sibling sub-criteria of the commune set so their parent still
balances, merges two communes into a new one from 2027, gives it a staff account, sets the
deadlines and opens the period; the new commune's staff see the edited set and score an item;
then a replaced set is uploaded mid-period and the score, now above the new maximum, is listed
for the unit to redo. Each key page is shot at 1366 px and at 390 px into
var/screenshots/setup/walk-*.png and must not scroll sideways on the phone."""

from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from scoring.models import Assessment, AssessmentPeriod, IndexSet, ItemLevel, Score
from tests.browser.conftest import log_in
from tests.helpers import xlsx
from units.models import Unit, User

pytestmark = pytest.mark.browser

DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
# 1.1.1 (a levels item) gains a quarter point, its sibling 1.1.2 loses it: 1.1 still adds up.
RAISED = (
    "1.1.1",
    "0,75",
    "Ban hành kịp thời, đúng hướng dẫn: 0,75; ban hành chậm: 0,25; không ban hành: 0",
)
LOWERED = ("1.1.2", "1,25", "100%: 1,25; 90% - <100%: 1; 80% - <90%: 0,5; <80%: 0")
NEW_CODE, NEW_NAME = "X-HOP-NHAT", "Xã Hợp Nhất"


class Shots:
    """A full-page shot at desktop width, then the same page at phone width (which must fit)."""

    def __init__(self, page, folder):
        self.page, self.folder = page, folder

    def __call__(self, label, *, phone=True):
        self.page.screenshot(path=str(self.folder / f"walk-{label}-desktop.png"), full_page=True)
        if not phone:
            return
        self.page.set_viewport_size(PHONE)
        try:
            self.page.screenshot(path=str(self.folder / f"walk-{label}-phone.png"), full_page=True)
            fits = self.page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth + 1"
            )
            assert fits, f"{label} scrolls sideways on a 390-px phone"
        finally:
            self.page.set_viewport_size(DESKTOP)


def _edit_item(page, index_set, code, max_points, rule):
    item = index_set.items.get(code=code)
    page.locator(f"#item-{item.pk} a[href$='/items/{item.pk}/']").click()
    page.wait_for_url(f"**/setup/index-sets/{index_set.pk}/items/{item.pk}/")
    page.fill("#id_max_points", max_points)
    page.fill("#id_rule", rule)
    page.click("[data-item-form] button[type=submit]")
    page.wait_for_url(f"**/setup/index-sets/{index_set.pk}/#item-{item.pk}")
    return item


def _replacement_file(index_set) -> bytes:
    """The current set as the portal's workbook, with 1.1.1 and 1.1.2 back to the 2026 maxima:
    what a late decision would send."""
    reverted = {
        "1.1.1": (
            "0.5",
            "Ban hành kịp thời, đúng hướng dẫn: 0.5; ban hành chậm: 0.25; không ban hành: 0",
        ),
        "1.1.2": ("1.5", "100%: 1.5; 90% - <100%: 1; 80% - <90%: 0.5; <80%: 0"),
    }
    header = ["code", "name", "max_points", "method", "rule", "evidence_required", "survey"]
    rows = [header]
    for item in index_set.items.order_by("position", "pk"):
        max_points, rule = reverted.get(item.code, (str(item.max_points), item.rule))
        if item.level in (ItemLevel.BONUS, ItemLevel.PENALTY):
            method = item.level
        elif item.level in (ItemLevel.AREA, ItemLevel.CRITERION):
            method = ""
        else:
            method = item.method
        rows.append(
            [
                item.code,
                item.name,
                max_points,
                method,
                rule,
                int(item.evidence_required),
                int(item.is_survey),
            ]
        )
    bands = [["label", "min_percent"]] + [
        [band.label, str(band.min_percent)] for band in index_set.bands.order_by("min_percent")
    ]
    return xlsx({"criteria": rows, "bands": bands})


def test_home_affairs_sets_up_2027_and_replaces_the_set_mid_period(
    demo_server, page, screenshot_dir
):
    folder = screenshot_dir / "setup"
    folder.mkdir(exist_ok=True)
    shoot = Shots(page, folder)
    url = demo_server.url
    page.set_viewport_size(DESKTOP)

    # 1. A new period from 2026.
    log_in(page, demo_server, "noivu")
    page.goto(f"{url}/setup/")
    shoot("home")
    expect(page.locator("[data-period-new-link]")).to_have_text("Kỳ đánh giá mới")
    page.click("[data-period-new-link]")
    assert page.locator("#id_year").input_value() == "2027"
    shoot("period-new")
    page.click("[data-period-new] button[type=submit]")
    page.wait_for_url("**/setup/periods/*/")
    period = AssessmentPeriod.objects.get(year=2027)
    assert page.url == f"{url}/setup/periods/{period.pk}/"
    assert "đang được chuẩn bị" in page.locator("main").inner_text()
    assert page.locator("[data-kind=commune]").is_visible()
    shoot("period-setup")

    # 2. The commune set's editor, reached from the period's page.
    commune_set = IndexSet.objects.get(period=period, unit_kind__code="commune", is_current=True)
    page.click(f"[data-kind=commune] a[href='/setup/index-sets/{commune_set.pk}/']")
    page.wait_for_url(f"**/setup/index-sets/{commune_set.pk}/")
    expect(page.locator("[data-no-problems]")).to_have_count(1)
    assert page.locator(f".breadcrumbs a[href='/setup/periods/{period.pk}/']").count() == 1
    raised = _edit_item(page, commune_set, *RAISED)
    # One change alone: the parent no longer adds up, and says so.
    expect(page.locator(f"#item-{raised.parent_id} [data-item-problems]")).to_have_count(1)
    expect(page.locator("[data-problems]")).to_be_visible()
    page.locator(f"#item-{raised.parent_id}").scroll_into_view_if_needed()
    page.screenshot(path=str(folder / "walk-editor-problem-desktop.png"))
    _edit_item(page, commune_set, *LOWERED)
    expect(page.locator("[data-no-problems]")).to_have_count(1)
    expect(page.locator("[data-item-problems]")).to_have_count(0)
    shoot("editor-balanced")
    maxima = dict(
        commune_set.items.filter(code__in=["1.1", "1.1.1", "1.1.2"]).values_list(
            "code", "max_points"
        )
    )
    assert maxima == {"1.1": Decimal("2"), "1.1.1": Decimal("0.75"), "1.1.2": Decimal("1.25")}

    # 3. Two communes of 2025 become one from 2027.
    old = [
        unit
        for unit in Unit.objects.filter(kind__code="commune", valid_from_year=2025).order_by(
            "-code"
        )
        if unit.code not in ("X-TAN-HOA", "X-AN-PHU", "P-HOA-AN")
    ][:2]
    page.goto(f"{url}/setup/")
    page.click("[data-setup-units] a[href='/setup/units/']")
    page.click("[data-unit-actions] a[href='/setup/units/merge/']")
    page.fill("#id_sources", ", ".join(unit.code for unit in old))
    page.fill("#id_new_code", NEW_CODE)
    page.fill("#id_new_name", NEW_NAME)
    page.fill("#id_year", "2027")
    page.fill("#id_decision_number", "1234/NQ-UBTVQH15")
    page.fill("#id_decision_date", "20/12/2026")
    page.click("main form[method=post] button[type=submit]")
    expect(page.locator("[data-unit-confirm]")).to_be_visible()
    assert all(unit.name in page.locator("[data-outcome]").inner_text() for unit in old)
    shoot("merge-confirm")
    page.check("#id_confirmed")
    page.click("[data-unit-confirm] button[type=submit]")
    page.wait_for_url(f"{url}/setup/units/")
    new_unit = Unit.objects.get(code=NEW_CODE)
    assert set(new_unit.predecessors.all()) == set(old)
    assert all(Unit.objects.get(pk=unit.pk).valid_to_year == 2026 for unit in old)
    page.goto(f"{url}/setup/units/?year=2027&q={NEW_CODE}")
    expect(page.locator(f"[data-unit='{NEW_CODE}']")).to_be_visible()
    shoot("units-2027")

    # 4. A staff account for the new commune.
    page.goto(f"{url}/setup/")
    page.click("[data-setup-accounts] a[href='/setup/accounts/']")
    page.click("a[href='/setup/accounts/new/']")
    page.select_option("#id_unit", str(new_unit.pk))
    page.fill("#id_full_name", "Phạm Thu Hà")
    page.fill("#id_email", "hopnhat@hoaan.gov.vn")
    page.fill("#id_username", "xa.hopnhat")
    page.fill("#id_job_title", "Công chức Văn phòng - Thống kê")
    shoot("account-form")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url("**/setup/accounts/#account-*")
    row = page.locator("[data-account='xa.hopnhat']")
    expect(row).to_be_visible()
    assert NEW_NAME in row.inner_text()
    # The live server shares this process: its password link is in the test outbox.
    assert any(message.to == ["hopnhat@hoaan.gov.vn"] for message in mail.outbox)
    shoot("accounts")

    # 5. The deadlines, then opening through the confirmation page.
    page.goto(f"{url}/setup/periods/{period.pk}/")
    for field, when in (
        ("self_assessment_deadline", "15/12/2027 17:00"),
        ("appraisal_deadline", "15/01/2028 17:00"),
        ("explanation_deadline", "25/01/2028 17:00"),
        ("second_appraisal_deadline", "05/02/2028 17:00"),
        ("publication_deadline", "28/02/2028 17:00"),
    ):
        page.fill(f"[data-deadlines-form] #id_{field}", when)
    page.click("[data-deadlines-form] button[type=submit]")
    page.wait_for_url(f"{url}/setup/periods/{period.pk}/")
    expect(page.locator("[data-ready]")).to_be_visible()
    page.click(f"#review a[href='/setup/periods/{period.pk}/open/']")
    shoot("period-open")
    page.check("#id_confirm")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"{url}/setup/periods/{period.pk}/")
    period.refresh_from_db()
    assert period.status != "setup"
    assessment = Assessment.objects.get(period=period, unit=new_unit)
    assert not Assessment.objects.filter(period=period, unit__in=old).exists()
    assert Assessment.objects.filter(period__year=2026, unit__in=old).count() == 2
    shoot("period-opened")
    page.goto(f"{url}/setup/periods/{period.pk}/groups/?kind={new_unit.kind_id}")
    groups = page.locator("[data-group-table]").inner_text()
    assert NEW_NAME in groups and not any(unit.name in groups for unit in old)

    # 6. The new commune's staff see the set as edited.
    staff = User.objects.get(username="xa.hopnhat")
    staff.set_password("parindex-demo")
    staff.save()
    page.context.clear_cookies()
    log_in(page, demo_server, "xa.hopnhat")
    page.click(f"a[href='/assessments/{assessment.pk}/']")
    item = commune_set.items.get(code="1.1.1")
    sibling = commune_set.items.get(code="1.1.2")
    assert "0,75" in page.locator(f"#item-{item.pk} .sa-item__max").inner_text()
    assert "1,25" in page.locator(f"#item-{sibling.pk} .sa-item__max").inner_text()

    # 7. The unit takes the best answer of 1.1.1, 0,75 points...
    page.locator(f"#item-{item.pk} input[type=radio][value='0.75']").check()
    page.wait_for_function(
        """() => document.querySelector('[data-save-status]').textContent.startsWith('Đã lưu')
              && !Object.keys(localStorage).some(key => key.startsWith('parindex:sa:'))"""
    )
    assert Score.objects.get(assessment=assessment, item=item).self_points == Decimal("0.75")
    shoot("self-assessment")

    # ... then a late decision brings 1.1.1 back to 0,5: Home Affairs uploads it.
    page.context.clear_cookies()
    log_in(page, demo_server, "noivu")
    page.goto(f"{url}/setup/")
    page.click(f"#index-set-upload a[href='/setup/periods/{period.pk}/index-sets/upload/']")
    page.select_option("select[name=unit_kind]", str(commune_set.unit_kind_id))
    page.set_input_files(
        "input[name=file]",
        {
            "name": "bo-chi-so-xa-2027.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": _replacement_file(commune_set),
        },
    )
    page.fill("input[name=decision_number]", "99/QĐ-UBND")
    page.fill("input[name=decision_date]", "10/03/2027")
    shoot("upload")
    page.click("[data-index-set-upload] button[type=submit]")
    page.wait_for_url("**/imports/*/")  # the import job, read by a worker (eager here)
    expect(page.locator("[data-status=ready]")).to_be_visible()
    assert "bản dự thảo" in page.locator("main").inner_text()
    shoot("upload-preview")
    page.click("button[value=confirm]")
    expect(page.locator("[data-status=done]")).to_be_visible()
    page.click("main .card a.button:has-text('Quay lại')")  # to the draft's replacement page
    page.wait_for_url("**/setup/index-sets/*/replace/")
    draft = IndexSet.objects.get(period=period, unit_kind=commune_set.unit_kind, is_draft=True)
    assert page.url.endswith(f"/setup/index-sets/{draft.pk}/replace/")
    diff = page.locator("[data-changes=max_changed]").inner_text()
    assert "1.1.1" in diff and "1.1.2" in diff
    misfit = page.locator(f"[data-unit='{NEW_CODE}'] [data-misfit=above_max]")
    expect(misfit).to_have_count(1)
    assert "1.1.1" in misfit.inner_text()
    expect(page.locator("[data-tree-problems]")).to_have_count(0)
    shoot("replace")
    page.check("[data-apply] input[name=confirm]")
    page.click("[data-apply] button[name=apply]")
    page.wait_for_url(f"{url}/setup/")
    draft.refresh_from_db()
    assert draft.is_current
    assert draft.points_step == commune_set.points_step  # the file cannot say it: kept

    # 8. The unit sees what to redo.
    page.context.clear_cookies()
    log_in(page, demo_server, "xa.hopnhat")
    page.click(f"a[href='/assessments/{assessment.pk}/']")
    redo = page.locator("[data-redos] [data-redo='1.1.1']")
    expect(redo).to_be_visible()
    assert "0,75" in redo.inner_text() and "0,5" in redo.inner_text()
    shoot("redo")
