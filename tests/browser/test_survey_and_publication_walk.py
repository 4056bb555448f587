"""Issue 13's walk, in Chromium through the real pages, on the demo province's 2026: Home Affairs
(`noivu`) fills the survey template it downloads, uploads it with one row above its maximum
(refused, nothing changed), corrects it, checks the preview on the import job's page and
confirms there (a worker, eager here, reads and applies the file); uploads the 766 figures
of two of the three departments still without one; tries to publish with the third missing
(refused), names it as an exception with a reason, and publishes. The exception is in the
published results' notes on the dashboard and in the ranking PDF. Key pages are shot at 1366 px
and at 390 px into var/screenshots/survey/ and must not scroll sideways on the phone."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from scoring.models import (
    Assessment,
    AssessmentPeriod,
    DataFigure,
    IndexItem,
    Publication,
    SurveyResult,
)
from scoring.selectors.inputs import period_inputs
from scoring.services.transitions import SYSTEM, assessments_move
from scoring.workflow import AssessmentStatus
from tests.browser.conftest import log_in
from tests.browser.test_setup_year_walk import DESKTOP, Shots
from tests.helpers import xlsx
from tests.reports.pdfs import pdf_pages

pytestmark = pytest.mark.browser

REASON = "Sở Giao thông vận tải sáp nhập vào Sở Xây dựng; Cổng DVC chưa tách số liệu 766"


def _period_ready_to_publish() -> AssessmentPeriod:
    """2026 after the deadline opened the appraisal on what each unit had entered (most had not
    submitted) and the council finalised every unit — set up in code, the council's rounds being
    issue 5's walk — with the survey not yet entered."""
    period = AssessmentPeriod.objects.get(year=2026)
    taking_part = Assessment.objects.taking_part().filter(period=period)
    for target in (AssessmentStatus.IN_APPRAISAL, AssessmentStatus.APPRAISED):
        assessments_move(
            assessments=taking_part.select_related("unit", "period"),
            target=target,
            by=SYSTEM,
            reason="Kiểm thử: hết hạn tự đánh giá, Hội đồng thẩm định xong",
        )
    return period


def _filled_template(content: bytes, *, bad_row: int | None) -> tuple[bytes, int]:
    """The template with a rate on every row; `bad_row` (1-based data row) gets points above
    its maximum instead. Returns the file and the number of rows."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rate, points, maximum = (header.index(n) + 1 for n in ("Tỷ lệ (%)", "Điểm", "Điểm tối đa"))
    rows = 0
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=1):
        rows += 1
        if number == bad_row:
            row[points - 1].value = float(row[maximum - 1].value) + 5
        else:
            row[rate - 1].value = 70 + number % 25
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), rows


def test_home_affairs_enters_the_survey_and_data_and_publishes_with_a_named_exception(
    demo_server, page, screenshot_dir
):
    period = _period_ready_to_publish()
    shots = Shots(page, screenshot_dir / "survey")
    (screenshot_dir / "survey").mkdir(exist_ok=True)
    page.set_viewport_size(DESKTOP)
    log_in(page, demo_server, "noivu")

    # ---------------------------------------------------------------- the survey
    page.goto(f"{demo_server.url}/periods/{period.pk}/")
    page.get_by_role("link", name="Tải lên kết quả điều tra xã hội học").click()
    page.wait_for_url(f"**/periods/{period.pk}/survey/")
    template = page.request.get(
        demo_server.url + page.locator("[data-survey-template]").get_attribute("href")
    )
    assert template.ok
    before = SurveyResult.objects.filter(assessment__period=period).count()

    bad, rows = _filled_template(template.body(), bad_row=3)
    assert rows == period_inputs(period=period).survey_expected
    page.set_input_files("input[type=file]", files=[_file("dieu-tra-2026.xlsx", bad)])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_url("**/imports/*/")
    problems = page.locator(".alert--error")
    expect(problems).to_contain_text("Chưa có dữ liệu nào được cập nhật")
    expect(problems).to_contain_text("Dòng 4")
    expect(problems).to_contain_text("vượt tối đa")
    shots("survey-refused")
    assert SurveyResult.objects.filter(assessment__period=period).count() == before

    good, _rows = _filled_template(template.body(), bad_row=None)
    page.goto(f"{demo_server.url}/periods/{period.pk}/survey/")
    page.set_input_files("input[type=file]", files=[_file("dieu-tra-2026.xlsx", good)])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_url("**/imports/*/")
    expect(page.locator("[data-status=ready]")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{rows} mới")
    shots("survey-preview")
    assert SurveyResult.objects.filter(assessment__period=period).count() == before
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("[data-status=done]")).to_be_visible()
    inputs = period_inputs(period=period)
    assert inputs.survey_entered == inputs.survey_expected == rows

    # ---------------------------------------------------------------- the 766 figures
    item = IndexItem.objects.get(index_set__period=period, code="3.6.1", data_source__gt="")
    page.goto(f"{demo_server.url}/periods/{period.pk}/data/")
    page.get_by_label(item.code, exact=False).check()
    page.get_by_label("Nguồn số liệu").fill("Cổng Dịch vụ công quốc gia — Bộ chỉ số 766")
    page.get_by_label("dd/mm/yyyy", exact=False).fill("30/11/2026")
    figures = xlsx({"Số liệu": [["Mã đơn vị", "Số liệu"], ["SXD", 91.5], ["SKHCN", 78.25]]})
    page.set_input_files("input[type=file]", files=[_file("chi-so-766.xlsx", figures)])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_url("**/imports/*/")
    expect(page.locator("body")).to_contain_text("91,5")
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("[data-status=done]")).to_be_visible()
    fed = DataFigure.objects.filter(assessment__period=period, item=item)
    assert {f.assessment.unit.code: f.figure for f in fed.select_related("assessment__unit")}[
        "SXD"
    ] == Decimal("91.5")
    missing = period_inputs(period=period).missing
    assert [(gap.unit_code, gap.item_code) for gap in missing] == [("SGTVT", "3.6.1")]

    # ---------------------------------------------------------------- publishing
    page.goto(f"{demo_server.url}/periods/{period.pk}/")
    page.get_by_role("link", name="Công bố kết quả…").click()
    page.wait_for_url(f"**/periods/{period.pk}/publish/")
    expect(page.locator("#missing-inputs")).to_contain_text("Sở Giao thông vận tải")
    unsent = Assessment.objects.filter(period=period, submitted_at__isnull=True).count()
    expect(page.locator("#never-submitted")).to_contain_text(
        f"{unsent} đơn vị không nộp tự đánh giá"
    )
    page.locator("#id_confirm").check()
    page.locator("form button[type=submit]", has_text="Công bố").click()
    expect(page.locator("#missing-inputs")).to_contain_text("cần quyết định")
    shots("publish-refused")
    assert not Publication.objects.filter(period=period).exists()

    unit = page.locator("details.pub-unit[data-unit=SGTVT]")
    expect(unit).to_have_attribute("open", "")  # the refusal opened the unit to decide on
    unit.get_by_role("checkbox").check()
    unit.locator("textarea, input[type=text]").first.fill(REASON)
    page.locator("#id_confirm").check()
    page.locator("form button[type=submit]", has_text="Công bố").click()
    page.wait_for_url(f"**/periods/{period.pk}/**")
    publication = Publication.objects.get(period=period)
    assert [(e["unit_code"], e["item_code"], e["reason"]) for e in publication.exceptions] == [
        ("SGTVT", "3.6.1", REASON)
    ]

    # ---------------------------------------------------------------- the published notes
    page.goto(f"{demo_server.url}/periods/{period.pk}/")
    note = page.locator("#publication-notes [data-exception='SGTVT/3.6.1']")
    expect(note).to_contain_text(REASON)
    expect(page.locator("#publication-notes")).to_contain_text(
        f"{unsent} đơn vị được công bố với ghi chú “Chưa nộp tự đánh giá”"
    )
    shots("published-notes")

    page.goto(f"{demo_server.url}/reports/periods/{period.pk}/")
    page.select_option("#report-kind", "ranking")
    page.get_by_role("button", name="Tạo báo cáo").click()
    download = page.locator("[data-download]").first
    expect(download).to_be_visible(timeout=60_000)
    pdf = page.request.get(demo_server.url + download.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    # Read in drawing order: the notes table wraps the reason inside its cell.
    notes = " ".join(pdf_pages(pdf.body(), layout=False)[-1].split())
    assert "Sở Giao thông vận tải" in notes and REASON in notes
    (screenshot_dir / "survey" / "ranking.pdf").write_bytes(pdf.body())


def _file(name: str, content: bytes) -> dict:
    return {
        "name": name,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": content,
    }
