"""The published reports say what the publication was made without: the ranking PDF and the
results workbook mark the unit that never submitted and list the survey or data items published
without their input, with the officer's reasons (read back with pypdf and openpyxl)."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from reports.models import Report, ReportKind
from reports.renderers.ranking_pdf import render_ranking_pdf
from reports.renderers.results_workbook import render_results_workbook
from scoring.models import Assessment
from scoring.selectors.inputs import period_inputs
from scoring.services.publication import InputException, period_publish
from tests.factories import survey_branch
from tests.reports.pdfs import pdf_pages

D = Decimal
REASONS = {"A": "Chưa tổ chức điều tra xã hội học", "B": "=Đơn vị mới thành lập"}


@pytest.fixture
def published(personas, moved_period):
    """A submitted, B never did; both published without the survey item 2.1.1."""
    index_set = Assessment.objects.filter(period=moved_period).first().index_set
    survey_branch(index_set, max_points=D("2"))
    exceptions = [
        InputException(gap.key, REASONS[gap.unit_code])
        for gap in period_inputs(period=moved_period).missing
    ]
    period_publish(period=moved_period, by=personas["home_affairs"], exceptions=exceptions)
    return moved_period


def render(renderer, period):
    report = Report.objects.create(kind=ReportKind.RANKING_PDF, period=period)
    with translation.override("vi"):
        return renderer(report, lambda percent: None)[1]


def test_the_ranking_pdf_marks_the_unit_and_prints_the_exceptions(published):
    pages = pdf_pages(render(render_ranking_pdf, published))
    text = "\n".join(pages)
    ranking = next(page for page in pages if "1. Sở, ngành" in page)
    assert "Sở Y tế (*)" in ranking and "Sở Tư pháp (*)" not in ranking
    assert "(*) Chưa nộp tự đánh giá: kết quả là điểm do Hội đồng thẩm định" in ranking
    notes = pages[-1]
    assert "Ghi chú" in notes
    assert "1 đơn vị không nộp kết quả tự đánh giá" in " ".join(notes.split())
    flat = " ".join(notes.split())
    assert "2 mục khảo sát hoặc dữ liệu được công bố khi chưa có kết quả (0 điểm)" in flat
    for reason in REASONS.values():
        assert reason in flat
    assert "2.1.1. Mức độ hài lòng" in flat
    assert text.count("Chưa tổ chức điều tra xã hội học") == 1


def test_the_workbook_has_a_column_and_a_notes_sheet(published):
    content = render(render_results_workbook, published)
    workbook = load_workbook(io.BytesIO(content))
    ranking = workbook["Sở, ngành"]
    header = [cell.value for cell in ranking[2]]
    column = header.index("Chưa nộp tự đánh giá")
    marks = {row[2].value: row[column].value for row in ranking.iter_rows(min_row=3, max_row=4)}
    assert marks == {"A": None, "B": "x"}
    notes = workbook["Ghi chú"]
    rows = [[cell.value for cell in row] for row in notes.iter_rows(min_row=3)]
    assert rows == [
        [
            "Công bố khi chưa có kết quả điều tra xã hội học",
            "A",
            "Sở Tư pháp",
            "2.1.1",
            "Mức độ hài lòng",
            "Chưa tổ chức điều tra xã hội học",
        ],
        [
            "Công bố khi chưa có kết quả điều tra xã hội học",
            "B",
            "Sở Y tế",
            "2.1.1",
            "Mức độ hài lòng",
            "=Đơn vị mới thành lập",  # text, never a formula
        ],
        [
            "Chưa nộp tự đánh giá",
            "B",
            "Sở Y tế",
            None,
            None,
            "Kết quả là điểm do Hội đồng thẩm định xác định.",
        ],
    ]
    assert notes["F4"].data_type == "s"


def test_a_publication_without_notes_has_no_notes(personas, period_with_scores):
    period_publish(period=period_with_scores, by=personas["home_affairs"])
    workbook = load_workbook(io.BytesIO(render(render_results_workbook, period_with_scores)))
    assert "Ghi chú" not in workbook.sheetnames
    text = "\n".join(pdf_pages(render(render_ranking_pdf, period_with_scores)))
    assert "Ghi chú" not in text and "(*)" not in text
