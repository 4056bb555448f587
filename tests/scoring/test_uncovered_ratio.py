"""A ratio that no band of the rule covers has one answer everywhere (scoring.engine.policy):
refused with a clear message wherever it is entered — the unit's form, its autosave, its Excel
upload, the council's appraisal — and, when one is stored anyway (a rule edited by hand, old
imported data), counted as unscored: no page, computation, publication or report fails on it,
and every one shows the same thing."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from parindex.tabular import ImportFailed
from reports.models import Report, ReportKind, ReportStatus
from reports.services import report_build
from scoring.entries import entry_of, item_problems, self_entry_clean
from scoring.exceptions import TransitionRefused
from scoring.models import IndexItem, ItemLevel, Score, ScoringMethod
from scoring.selectors.appraisal import appraisal_review_items, stage_value_text
from scoring.selectors.explanation import explanation
from scoring.selectors.results import period_results
from scoring.selectors.self_assessment import self_assessment
from scoring.services import self_assessment_workbook as wb
from scoring.services.appraisal import appraisal_entry_clean
from scoring.services.self_assessment import assessment_submit

D = Decimal
JSON = {"HTTP_ACCEPT": "application/json"}
MESSAGE_START = "Không có mức nào của quy tắc chấm điểm áp dụng cho tỷ lệ 65%"
# Bands as a hand-edited rule might leave them: 50% to 80% is covered by no band.
GAPPED = {
    "bands": [
        {"lower": "0", "lower_inclusive": True, "upper": "50", "upper_inclusive": False,
         "points": "0", "label": "< 50%"},
        {"lower": "80", "lower_inclusive": True, "upper": None, "upper_inclusive": False,
         "points": "1", "label": "≥ 80%"},
    ],
    "alternatives": [],
}  # fmt: skip


def gapped_item(s) -> IndexItem:
    return IndexItem.objects.create(
        index_set=s["index_set"],
        parent=s["items"]["1.1"],
        level=ItemLevel.SUB_CRITERION,
        code="1.1.6",
        name="Tỷ lệ hồ sơ giải quyết đúng hạn",
        max_points=D("1"),
        method=ScoringMethod.RATIO_BANDS,
        method_params=GAPPED,
        rule="≥ 80%: 1; < 50%: 0",
        position=50,
    )


def stored_uncovered(assessment, item, **fields) -> Score:
    return Score.objects.create(assessment=assessment, item=item, self_ratio=D("65"), **fields)


@pytest.fixture
def s(self_assessment_setup):
    s = self_assessment_setup
    s["gapped"] = gapped_item(s)
    return s


# ---------------------------------------------------------------- refused where entered


def test_the_units_entry_refuses_it_with_the_reason(s):
    with pytest.raises(ValidationError) as refused:
        self_entry_clean(s["gapped"], ratio="65")
    assert refused.value.message_dict["ratio"][0].startswith(MESSAGE_START)
    assert self_entry_clean(s["gapped"], ratio="85").ratio == D("85")


def test_the_autosave_refuses_it_and_stores_nothing(client, s):
    client.force_login(s["staff_a"])
    url = reverse("scoring:self_score_save", args=[s["assessment_a"].pk, s["gapped"].pk])
    response = client.post(url, {"version": 0, "ratio": "65"}, **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["ratio"].startswith(MESSAGE_START)
    assert not Score.objects.filter(item=s["gapped"]).exists()


def test_the_excel_upload_refuses_it_by_row(s):
    data = wb.self_assessment_workbook(s["assessment_a"])
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index(_(wb.CODE))].value == "1.1.6":
            row[headers.index(_(wb.RATIO))].value = 65
            number = row[0].row
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFailed) as refused:
        wb.self_assessment_import(
            assessment=s["assessment_a"], data=buffer.getvalue(), filename="u.xlsx", by=s["staff_a"]
        )
    problem = refused.value.problems[0]
    assert problem.row == number and MESSAGE_START in problem.message
    assert not Score.objects.filter(item=s["gapped"]).exists()


def test_the_council_cannot_enter_it_either(s):
    with pytest.raises(ValidationError) as refused:
        appraisal_entry_clean(s["gapped"], None, round=1, ratio="65", reason="Số liệu kiểm tra")
    assert refused.value.message_dict["ratio"][0].startswith(MESSAGE_START)


# ---------------------------------------------------------------- stored anyway


def test_a_stored_one_is_unscored_on_the_form_and_blocks_submission(client, s):
    score = stored_uncovered(s["assessment_a"], s["gapped"])
    view = self_assessment(s["assessment_a"])
    row = next(r for r in view.rows if r.item.pk == s["gapped"].pk)
    assert row.points is None
    assert item_problems(s["gapped"], score, has_evidence=False, points=None)[0].startswith(
        MESSAGE_START
    )
    client.force_login(s["staff_a"])
    page = client.get(reverse("scoring:self_assessment", args=[s["assessment_a"].pk]))
    assert page.status_code == 200
    with pytest.raises(TransitionRefused):
        assessment_submit(assessment=s["assessment_a"], by=s["staff_a"])


def test_a_stored_one_counts_zero_in_the_results_the_dashboard_and_a_publication(client, s):
    stored_uncovered(s["assessment_a"], s["gapped"], final_ratio=D("65"))
    results = period_results(period=s["period"], with_items=True)
    line = next(
        i for i in results.row_for(s["unit_a"].pk).result.items if i.item_id == s["gapped"].pk
    )
    assert (line.points, line.self_points, line.final_points) == (D("0"), None, None)
    client.force_login(s["home_affairs"])
    assert client.get(reverse("scoring:period_dashboard", args=[s["period"].pk])).status_code == 200


def test_a_stored_one_shows_unscored_to_the_council_and_in_the_explanation(s):
    from scoring.models import Assessment, ReviewRequest
    from scoring.workflow import AssessmentStatus

    stored_uncovered(
        s["assessment_a"],
        s["gapped"],
        review_request=ReviewRequest.EXPLANATION,
        review_question="Tỷ lệ 65% lấy từ đâu?",
    )
    Assessment.objects.filter(pk=s["assessment_a"].pk).update(
        status=AssessmentStatus.EXPLANATION_REQUESTED
    )
    s["assessment_a"].refresh_from_db()
    council = appraisal_review_items(s["assessment_a"], s["chair"])
    row = council.row_for(s["gapped"].pk)
    assert row.self_points is None
    assert "—" in stage_value_text(s["gapped"], points=None, ratio=D("65"), not_applicable=False)
    asked = explanation(s["assessment_a"], council_view=True).rows[0]
    assert (asked.self_value.points, asked.self_value.ratio) == (None, D("65"))
    assert asked.round_1.points is None


def test_a_stored_one_does_not_stop_the_reports_or_the_units_workbook(s):
    stored_uncovered(s["assessment_a"], s["gapped"])
    for kind in (ReportKind.RESULTS_WORKBOOK, ReportKind.RANKING_PDF):
        report = Report.objects.create(
            kind=kind, period=s["period"], requested_by=s["home_affairs"]
        )
        assert report_build(report_id=report.pk).status == ReportStatus.DONE
    book = load_workbook(io.BytesIO(wb.self_assessment_workbook(s["assessment_a"])))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    line = next(
        row for row in sheet.iter_rows(min_row=2) if row[headers.index(_(wb.CODE))].value == "1.1.6"
    )
    assert line[headers.index(_(wb.RATIO))].value == 65
    assert line[headers.index(_(wb.EARNED))].value is None
    assert entry_of(Score.objects.get(item=s["gapped"])).value.ratio == D("65")
