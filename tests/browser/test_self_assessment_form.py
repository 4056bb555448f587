"""A demo commune's staff member fills in the self-assessment in Chromium: every method, a file
attached, totals moving as they type, a conflict from a second tab, a dropped connection, then
submitting — on a desktop and on a 390-px phone (screenshots in var/screenshots/)."""

from decimal import Decimal

import pytest

from scoring.display import format_number
from scoring.entries import self_entry_clean
from scoring.models import Assessment, Evidence, ScoringMethod
from scoring.selectors.self_assessment import self_assessment
from scoring.services.self_assessment import self_score_save
from scoring.workflow import AssessmentStatus
from tests.browser.conftest import log_in
from tests.helpers import pdf_bytes
from units.models import User

pytestmark = [pytest.mark.browser]

UNIT = "Xã Tân Hòa"
METHODS = (
    ScoringMethod.LEVELS,
    ScoringMethod.YES_NO,
    ScoringMethod.RATIO_BANDS,
    ScoringMethod.PROPORTIONAL,
    ScoringMethod.MANUAL,
)
PDF = pdf_bytes()


def leave_one_item_per_method(assessment) -> dict[str, object]:
    """Score every item at 0 as if done on earlier days, except the first item of each method,
    which the browser fills in. Returns those items by method."""
    user = User.objects.get(username="xa.tanhoa")
    view = self_assessment(assessment)
    left: dict[str, object] = {}
    for row in view.rows:
        item = row.item
        if item.is_survey or item.level != "sub_criterion":
            continue
        if item.method in METHODS and item.method not in left:
            left[item.method] = item
            values = {}
        elif item.method in (ScoringMethod.RATIO_BANDS, ScoringMethod.PROPORTIONAL):
            values = {"ratio": "0"}
        else:
            lowest = min((Decimal(c["points"]) for c in row.choices), default=Decimal(0))
            values = {"points": lowest}
        entry = self_entry_clean(item, step=assessment.index_set.points_step, **values)
        self_score_save(
            assessment=assessment, item=item, entry=entry, expected_version=row.version, by=user
        )
    Evidence.objects.filter(assessment=assessment).delete()
    assert set(left) == set(METHODS)
    return left


def item_box(page, item):
    return page.locator(f"#item-{item.pk}")


def wait_saved(page):
    """Every change typed so far is stored: none is waiting on this computer."""
    page.wait_for_function(
        """() => document.querySelector('[data-save-status]').textContent.startsWith('Đã lưu')
              && !Object.keys(localStorage).some(key => key.startsWith('parindex:sa:'))"""
    )


def shown_total(page) -> str:
    return page.locator("[data-total=points]").inner_text()


def stored_total(assessment) -> str:
    return format_number(self_assessment(assessment).result.total_points)


def test_staff_scores_each_method_attaches_evidence_and_submits(
    demo_server, page, screenshot_dir, tmp_path
):
    assessment = Assessment.objects.get(unit__name=UNIT, period__year=2026)
    left = leave_one_item_per_method(assessment)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, demo_server, "xa.tanhoa")
    page.click(f"a:has-text('{UNIT}')")
    assert page.locator("h1").inner_text() == "Tự đánh giá Chỉ số CCHC năm 2026"
    start = shown_total(page)
    assert start == stored_total(assessment)

    levels = item_box(page, left[ScoringMethod.LEVELS])
    levels.locator("input[type=radio]").first.check()  # the rule's best answer
    wait_saved(page)
    assert shown_total(page) != start

    item_box(page, left[ScoringMethod.YES_NO]).locator("input[type=radio]").first.check()
    ratio_item = left[ScoringMethod.RATIO_BANDS]
    ratio = item_box(page, ratio_item)
    ratio.locator("input[name=ratio]").fill("100")
    assert ratio.locator("[data-computed]").inner_text() == format_number(
        ratio_item.max_points, None
    )  # computed while typing, before any save
    proportional_item = left[ScoringMethod.PROPORTIONAL]
    proportional = item_box(page, proportional_item)
    proportional.locator("input[name=ratio]").fill("50")
    assert proportional.locator("[data-computed]").inner_text() == format_number(
        proportional_item.max_points / 2, None
    )
    manual = item_box(page, left[ScoringMethod.MANUAL])
    wait_saved(page)
    settled = shown_total(page)
    manual.locator("input[name=points]").fill("0,3")  # off the set's 0,25 step: refused
    manual.locator(".sa-item__problems:has-text('0,25')").wait_for()
    assert shown_total(page) == settled  # the preview does not count what the server refuses
    manual.locator("input[name=points]").fill("0,25")
    wait_saved(page)
    assert shown_total(page) == stored_total(assessment)
    assert "Chưa chấm" not in page.locator(".sa-item--todo").all_inner_texts()

    # A file for the levels item, through the dialog.
    pdf = tmp_path / "ke-hoach-cchc-2026.pdf"
    pdf.write_bytes(PDF)
    levels.locator("[data-add-evidence]").click()
    dialog = page.locator("#evidence-dialog")
    dialog.locator("input[type=file]").set_input_files(str(pdf))
    dialog.locator("button:has-text('Tải lên')").click()
    levels.locator("a:has-text('ke-hoach-cchc-2026.pdf')").wait_for()
    # The same document supports the yes/no item, chosen from the unit's list.
    yes_no = item_box(page, left[ScoringMethod.YES_NO])
    yes_no.locator("[data-add-evidence]").click()
    dialog.locator("select[name=evidence]").select_option(label="ke-hoach-cchc-2026.pdf")
    dialog.locator("[data-attach-form] button[type=submit]").click()
    yes_no.locator("a:has-text('ke-hoach-cchc-2026.pdf')").wait_for()
    assert Evidence.objects.get(assessment=assessment).items.count() == 2

    # Points claimed without evidence need a word on how they were reached.
    for box in (ratio, proportional, manual):
        box.locator("textarea[name=note]").fill("Theo Báo cáo số 15/BC-UBND ngày 10/11/2026")
    wait_saved(page)
    page.screenshot(path=str(screenshot_dir / "self-assessment-desktop.png"), full_page=False)

    page.click("a:has-text('Xem lại và nộp')")
    page.check("#submit-confirm")  # submitting cannot be undone: the tick is required
    page.click("button:has-text('Nộp kết quả tự đánh giá')")
    page.wait_for_url(f"**/assessments/{assessment.pk}/")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert page.locator("#self-assessment").get_attribute("data-editable") == "0"
    assert manual.locator("input[name=points]").is_disabled()
    assert page.locator("[data-add-evidence]").count() == 0


def test_a_second_tab_and_a_dropped_connection_lose_nothing(demo_server, page, browser):
    assessment = Assessment.objects.get(unit__name=UNIT, period__year=2026)
    left = leave_one_item_per_method(assessment)
    manual_item = left[ScoringMethod.MANUAL]
    log_in(page, demo_server, "xa.tanhoa")
    form_url = f"{demo_server.url}/assessments/{assessment.pk}/"
    page.goto(form_url)
    second = page.context.new_page()
    second.goto(form_url)

    item_box(page, manual_item).locator("input[name=points]").fill("0,5")
    wait_saved(page)
    first_version = assessment.scores.get(item=manual_item).version
    other = item_box(second, manual_item)
    other.locator("input[name=points]").fill("0,75")
    conflict = other.locator("[data-conflict]")
    conflict.wait_for()
    assert "0,5" in conflict.inner_text()  # the stored value, shown
    assert other.locator("input[name=points]").input_value() == "0,75"  # the typing, kept
    conflict.locator("button:has-text('Lưu đè')").click()
    wait_saved(second)
    score = assessment.scores.get(item=manual_item)
    assert score.self_points == Decimal("0.75") and score.version == first_version + 1

    # The connection drops while typing: the change waits on this computer, then is saved.
    page.reload()
    page.context.set_offline(True)
    item_box(page, manual_item).locator("input[name=points]").fill("1")
    page.wait_for_function(
        "() => document.querySelector('[data-save-status]').textContent.includes('kết nối')"
    )
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_saved(page)
    assert assessment.scores.get(item=manual_item).self_points == Decimal("1")


def test_the_form_fits_a_phone(demo_server, page, screenshot_dir):
    assessment = Assessment.objects.get(unit__name=UNIT, period__year=2026)
    left = leave_one_item_per_method(assessment)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_server, "xa.tanhoa")
    page.goto(f"{demo_server.url}/assessments/{assessment.pk}/")
    box = item_box(page, left[ScoringMethod.RATIO_BANDS])
    box.scroll_into_view_if_needed()
    before = shown_total(page)
    box.locator("input[name=ratio]").fill("100")
    assert shown_total(page) != before  # the sticky totals move as the user types
    wait_saved(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(screenshot_dir / "self-assessment-phone.png"), full_page=False)
