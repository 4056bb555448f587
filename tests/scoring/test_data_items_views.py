"""A data-fed item as the unit and the council see it (issue 13): the figure and its date, or
"Chưa có số liệu", read-only on the self-assessment form, its workbook and the review page; not
in the unit's count of items to score, not blocking submission nor finalisation; and every way
a unit or an appraiser might write it refused."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from parindex.tabular import ImportFailed
from scoring.entries import SelfEntry
from scoring.models import AuditEntry, DataFigure, DataSet, Score
from scoring.selectors.self_assessment import self_assessment
from scoring.services import self_assessment_workbook as wb
from scoring.services.appraisal import finalise_problems
from scoring.services.self_assessment import self_score_save
from tests.factories import data_item

D = Decimal
JSON = {"HTTP_ACCEPT": "application/json"}
SOURCE = "Cổng Dịch vụ công quốc gia"


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


def add_fed_item(s):
    item = data_item(s["index_set"], s["items"]["1.1"], code="1.1.9", position=50)
    s["items"]["1.1.9"] = item
    return item


def feed(s, assessment, figure="87.5", as_of=date(2026, 11, 30)):
    data_set = DataSet.objects.create(period=s["period"], source="766", as_of=as_of)
    return DataFigure.objects.create(
        assessment=assessment, item=s["items"]["1.1.9"], data_set=data_set, figure=D(figure)
    )


@pytest.fixture
def s(self_assessment_setup):
    add_fed_item(self_assessment_setup)
    return self_assessment_setup


def article(html: str, item) -> str:
    return html.split(f'id="item-{item.pk}"')[1].split("</article>")[0]


# ---------------------------------------------------------------- the unit's form


def test_the_form_shows_the_figure_its_date_and_its_points_without_an_input(client, s):
    feed(s, s["assessment_a"])
    client.force_login(s["staff_a"])
    html = client.get(url("self_assessment", s["assessment_a"].pk)).content.decode()
    box = article(html, s["items"]["1.1.9"])
    assert f"Số liệu từ {SOURCE}: 87,5 (ngày 30/11/2026) → 1,75 điểm" in box
    assert "<input" not in box and "<form" not in box and "<textarea" not in box
    assert "data-params" not in box  # the script finds nothing to compute there


def test_without_a_figure_the_form_says_so(client, s):
    feed(s, s["assessment_b"])  # the other unit's figure is not this one's
    client.force_login(s["staff_a"])
    html = client.get(url("self_assessment", s["assessment_a"].pk)).content.decode()
    box = article(html, s["items"]["1.1.9"])
    assert "Chưa có số liệu" in box and "87,5" not in box


def test_the_data_item_is_not_in_the_count_to_score_nor_in_the_running_totals(s):
    feed(s, s["assessment_a"])
    view = self_assessment(s["assessment_a"])
    area = view.areas[0]
    assert (area.scored, area.required) == (0, 5)  # the five self-scored items of area 1
    assert view.result.max_points == D("10")  # area 1 without the data item's 2 points
    assert view.data_max == D("2")
    assert not [p for p in view.problems if p.item_id == s["items"]["1.1.9"].pk]


def test_a_missing_figure_does_not_block_submission(client, s):
    client.force_login(s["staff_a"])
    for code, data in {
        "1.1.1": {"points": "0"},
        "1.1.2": {"points": "0"},
        "1.1.3": {"ratio": "80"},
        "1.1.4": {"ratio": "0"},
        "1.1.5": {"points": "0"},
    }.items():
        save = url("self_score_save", s["assessment_a"].pk, s["items"][code].pk)
        assert client.post(save, {"version": 0, **data}, **JSON).status_code == 200
    review = client.get(url("self_assessment_submit", s["assessment_a"].pk)).content.decode()
    assert "<strong>1.1.9</strong>" not in review
    client.post(url("self_assessment_submit", s["assessment_a"].pk), {"confirm": "1"})
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == "submitted"


def test_the_json_autosave_refuses_a_value_on_the_data_item_and_stores_nothing(client, s):
    client.force_login(s["staff_a"])
    save = url("self_score_save", s["assessment_a"].pk, s["items"]["1.1.9"].pk)
    response = client.post(save, {"version": 0, "ratio": "95"}, **JSON)
    assert response.status_code == 400
    assert "số liệu do Sở Nội vụ tải lên" in response.json()["message"]
    assert not Score.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_plain_form_post_is_refused_too(client, s):
    client.force_login(s["staff_a"])
    save = url("self_score_save", s["assessment_a"].pk, s["items"]["1.1.9"].pk)
    response = client.post(save, {"version": 0, "points": "2"}, follow=True)
    assert "số liệu do Sở Nội vụ tải lên" in response.content.decode()
    assert not Score.objects.exists()


def test_the_service_refuses_whoever_calls_it(s):
    with pytest.raises(ValidationError):
        self_score_save(
            assessment=s["assessment_a"],
            item=s["items"]["1.1.9"],
            entry=SelfEntry(ratio=D("95")),
            expected_version=0,
            by=s["staff_a"],
        )
    assert not Score.objects.exists()


def test_evidence_cannot_be_attached_to_the_data_item(client, s):
    client.force_login(s["staff_a"])
    response = client.post(
        url("evidence_add", s["assessment_a"].pk),
        {"items": s["items"]["1.1.9"].pk, "kind": "document", "document_number": "1/BC"},
        **JSON,
    )
    assert response.status_code < 500
    assert not s["assessment_a"].evidence.exists()


# ---------------------------------------------------------------- the workbook


def sheet_rows(data: bytes) -> dict[str, dict]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    return {
        row[0].value: {header: cell.value for header, cell in zip(headers, row, strict=False)}
        for row in sheet.iter_rows(min_row=2)
    }


def test_the_workbook_row_says_home_affairs_enters_it_with_the_figure(s):
    feed(s, s["assessment_a"])
    row = sheet_rows(wb.self_assessment_workbook(s["assessment_a"]))["1.1.9"]
    assert SOURCE in row[_(wb.METHOD)] and "Sở Nội vụ" in row[_(wb.METHOD)]
    assert row[_(wb.CHOICES)] == f"Số liệu từ {SOURCE}: 87,5 (ngày 30/11/2026) → 1,75 điểm"
    assert row[_(wb.EARNED)] == 1.75
    assert all(row[_(name)] is None for name in wb.VALUE_COLUMNS)


def test_the_downloaded_workbook_reads_back_untouched(s):
    data = wb.self_assessment_workbook(s["assessment_a"])
    assert (
        wb.self_assessment_import(
            assessment=s["assessment_a"], data=data, filename="tu-danh-gia.xlsx", by=s["staff_a"]
        )
        == 0
    )


def test_the_workbook_upload_refuses_a_value_on_the_data_item_and_changes_nothing(s):
    data = wb.self_assessment_workbook(s["assessment_a"])
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "1.1.9":
            row[headers.index(_(wb.RATIO))].value = 95
            number = row[0].row
        if row[0].value == "1.1.5":
            row[headers.index(_(wb.POINTS))].value = 3  # a good row: not saved either
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFailed) as failure:
        wb.self_assessment_import(
            assessment=s["assessment_a"],
            data=buffer.getvalue(),
            filename="tu-danh-gia.xlsx",
            by=s["staff_a"],
        )
    [(row, message)] = [(p.row, p.message) for p in failure.value.problems]
    assert row == number and "1.1.9" in message and "để trống" in message
    assert not Score.objects.exists()


# ---------------------------------------------------------------- the council


@pytest.fixture
def ap(appraisal_setup):
    add_fed_item(appraisal_setup)
    return appraisal_setup


def test_the_review_page_shows_the_figure_read_only(client, ap):
    feed(ap, ap["assessment_a"], figure="95")
    client.force_login(ap["appraiser_1"])
    html = client.get(url("appraisal_review", ap["assessment_a"].pk)).content.decode()
    block = html.split("data-fed-items")[1].split("</div>")[0]
    assert f"Số liệu từ {SOURCE}: 95 (ngày 30/11/2026) → 2 điểm" in block
    assert f'id="item-{ap["items"]["1.1.9"].pk}"' not in html  # no appraisal input for it


def test_an_appraiser_cannot_save_the_data_item(client, ap):
    client.force_login(ap["appraiser_1"])
    response = client.post(
        url("appraisal_item_save", ap["assessment_a"].pk, ap["items"]["1.1.9"].pk),
        {"version": 0, "ratio": "95", "reason": "x"},
        **JSON,
    )
    assert response.status_code == 404
    assert not Score.objects.filter(item=ap["items"]["1.1.9"]).exists()


def test_the_data_item_does_not_keep_the_chair_from_finalising(ap):
    problems = " ".join(finalise_problems(ap["assessment_a"]))
    assert "1.1.9" not in problems
