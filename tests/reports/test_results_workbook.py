"""The results workbook: a ranking sheet per group, units × areas, units × sub-criteria; numbers
equal to the engine's, text that never becomes a formula, DỰ THẢO for a period not published."""

import io
import re
import time
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from reports.models import Report, ReportKind, ReportStatus
from reports.renderers.results_workbook import (
    INDEX_PLACES,
    POINTS_PLACES,
    _SheetNames,
    render_results_workbook,
)
from reports.selectors import ReportData, report_data
from reports.services import report_build
from scoring.display import rank_label, round_for_display
from scoring.models import AssessmentPeriod, Score
from tests.factories import PeriodFactory

DRAFT = "DỰ THẢO"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


@dataclass
class Built:
    filename: str
    content: bytes
    data: ReportData  # the engine's results the workbook should hold
    steps: list[int]  # progress reported
    seconds: float

    @property
    def workbook(self):
        return load_workbook(io.BytesIO(self.content))


def build(period) -> Built:
    report = Report.objects.create(kind=ReportKind.RESULTS_WORKBOOK, period=period)
    steps = []
    with translation.override("vi"):
        started = time.perf_counter()
        filename, content = render_results_workbook(report, steps.append)
        seconds = time.perf_counter() - started
    return Built(filename, content, report_data(period), steps, seconds)


def number(cell) -> Decimal | None:
    """A cell as the engine's Decimal; it must be a number, not text."""
    if cell.value is None:
        return None
    assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), cell
    return Decimal(str(cell.value))


def points(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_for_display(value, POINTS_PLACES)


def index(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_for_display(value, INDEX_PLACES)


def group_label(group) -> str:
    return group.name if group.code else _("Not ranked")


def check_sheets(workbook, data):
    """Everything the engine computed is in the workbook, in the engine's order."""
    groups = [group for group in data.results.groups if group.rows]
    noted = bool(data.publication and data.publication.exceptions) or any(
        row.never_submitted for row in data.results.rows
    )
    assert workbook.sheetnames == [
        *(group_label(group) for group in groups),
        _("Index by area"),
        _("By sub-criterion"),
        *([_("Notes")] if noted else []),
    ]
    for group in groups:
        sheet = workbook[group_label(group)]
        assert sheet.freeze_panes == "E3"
        assert sheet.auto_filter.ref == f"A2:O{2 + len(group.rows)}"
        assert sheet["A2"].value == _("Rank") and sheet["A2"].font.b
        longest = max(len(row.unit_name) for row in group.rows)
        assert sheet.column_dimensions["D"].width >= min(longest, 60)
        for line, row in zip(sheet.iter_rows(min_row=3), group.rows, strict=False):
            result = row.result
            assert number(line[0]) == row.rank
            assert line[1].value == (rank_label(row.rank, row.rank_of, official=True) or None)
            assert (line[2].value, line[3].value) == (row.unit_code, row.unit_name)
            assert [number(cell) for cell in line[4:10]] == [
                points(result.max_points),
                points(result.direct_points),
                points(result.survey_points),
                points(result.bonus_points),
                points(result.penalty_points),
                points(result.total_points),
            ]
            assert number(line[10]) == index(result.index)
            assert line[10].number_format == "0.00" and line[9].number_format == "0.00"
            assert (line[11].value or "") == result.band
            assert number(line[12]) == row.change.rank_change
            assert number(line[13]) == index(row.change.index_change)
            assert line[14].value == ("x" if row.never_submitted else None)
        average = sheet[4 + len(group.rows)]
        assert average[3].value == _("Group average")
        assert number(average[10]) == index(group.average_index)

    areas = workbook[_("Index by area")]
    assert areas.freeze_panes == "D3"
    unit_rows = [(group, row) for group in groups for row in group.rows]
    for line, (group, row) in zip(areas.iter_rows(min_row=3), unit_rows, strict=False):
        assert [cell.value for cell in line[:3]] == [
            group_label(group),
            row.unit_code,
            row.unit_name,
        ]
        by_code = {area.code: area.index for area in row.result.areas}
        headers = [cell.value for cell in areas[2][3:-1]]
        for header, cell in zip(headers, line[3:-1], strict=True):
            code = header.split(". ", 1)[0] if ". " in header else header.split()[-2]
            assert number(cell) == index(by_code.get(code)), (row.unit_code, header)
        assert number(line[-1]) == index(row.result.index)

    items = workbook[_("By sub-criterion")]
    assert items.freeze_panes == "D3"
    expected = [(group, row, item) for group, row in unit_rows for item in row.result.items]
    assert items.max_row == 2 + len(expected)  # every unit × item, nothing else
    assert items.auto_filter.ref == f"A2:M{2 + len(expected)}"
    for line, (group, row, item) in zip(items.iter_rows(min_row=3), expected, strict=True):
        values = [cell.value for cell in line]
        assert values[:5] == [
            group_label(group),
            row.unit_code,
            row.unit_name,
            item.code,
            item.name,
        ]
        assert [number(cell) for cell in line[5:10]] == [
            points(item.max_points),
            points(item.self_points),
            points(item.appraisal_points),
            points(item.final_points),
            points(item.points),
        ]
        assert values[10] == ("x" if item.not_applicable else None)
        assert (values[11] or "", values[12] or "") == (item.appraisal_reason, item.final_reason)
    return len(expected)


def test_published_period_holds_the_frozen_results(demo):
    # 2024, the demo's largest published year (130 units, before the merger).
    period = AssessmentPeriod.objects.get(year=2024)
    built = build(period)
    workbook, data = built.workbook, built.data
    assert not data.is_draft
    assert built.filename == "ket-qua-cchc-2024.xlsx"
    with translation.override("vi"):
        rows = check_sheets(workbook, data)
    assert rows > 5000
    assert any(item.appraisal_reason for row in data.results.rows for item in row.result.items)
    for sheet in workbook.worksheets:
        assert DRAFT not in sheet["A1"].value
        assert f"{period.year}" in sheet["A1"].value
        assert not sheet.oddHeader.center.text
        assert sheet.print_title_rows == "$2:$2"
    assert built.steps == sorted(built.steps) and built.steps[0] >= 10 and built.steps[-1] <= 95
    print(f"\nworkbook of {rows} unit × item rows: {built.seconds:.2f} s")
    assert built.seconds < 10


def test_unpublished_period_says_draft_on_every_sheet(demo):
    period = AssessmentPeriod.objects.get(year=2026)
    built = build(period)
    workbook, data = built.workbook, built.data
    assert data.is_draft
    assert built.filename == "ket-qua-cchc-2026-du-thao.xlsx"
    with translation.override("vi"):
        check_sheets(workbook, data)
        not_ranked = workbook[_("Not ranked")]
    assert not_ranked["A3"].value is None and not_ranked["B3"].value is None  # no rank
    for sheet in workbook.worksheets:
        assert sheet["A1"].value.startswith(DRAFT)
        assert sheet.oddHeader.center.text == DRAFT


def test_text_never_becomes_a_formula(period_with_scores):
    assessment = period_with_scores.assessments.select_related("unit__ranking_group").first()
    unit = assessment.unit
    unit.name = "=1+1"
    unit.save()
    unit.ranking_group.name = "Sở/ngành: [thử]*?\\ rất dài, dài hơn ba mươi mốt ký tự"
    unit.ranking_group.save()
    Score.objects.filter(assessment=assessment, item__code="1.1.1").update(
        appraisal_reason='=HYPERLINK("http://example.com","bấm")', final_reason="-2+3"
    )
    Score.objects.filter(assessment=assessment, item__code="1.1.2").update(
        appraisal_reason="@SUM(A1)", final_reason="#N/A"
    )
    built = build(period_with_scores)
    workbook = built.workbook

    group_sheet = workbook.worksheets[0]
    assert len(group_sheet.title) <= 31 and not re.search(r"[\[\]:*?/\\]", group_sheet.title)
    texts = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(min_row=3)
        for cell in row
        if cell.value
        in ("=1+1", '=HYPERLINK("http://example.com","bấm")', "-2+3", "@SUM(A1)", "#N/A")
    ]
    assert {cell.value for cell in texts} == {
        "=1+1",
        '=HYPERLINK("http://example.com","bấm")',
        "-2+3",
        "@SUM(A1)",
        "#N/A",
    }
    assert len([cell for cell in texts if cell.value == "=1+1"]) == 2 + 2  # 2 sheets + 2 items
    for cell in texts:
        assert cell.data_type == "s" and cell.quotePrefix, cell
    with zipfile.ZipFile(io.BytesIO(built.content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_sheet_names_follow_excels_rules():
    names = _SheetNames()
    long = "UBND các xã, phường, thị trấn thuộc thành phố"
    assert names.unique(long) == long[:31]
    assert names.unique(long.upper()) == long.upper()[:27] + " (2)"  # case does not count
    assert names.unique("A/B: [C]*?\\") == "A-B- -C----"
    assert names.unique("'Nhóm'") == "Nhóm"


def test_report_is_built_with_its_file_name(period_with_scores):
    report = Report.objects.create(kind=ReportKind.RESULTS_WORKBOOK, period=period_with_scores)
    with translation.override("vi"):
        report = report_build(report_id=report.pk)
    assert report.status == ReportStatus.DONE, report.error
    assert report.file.name.endswith("ket-qua-cchc-2025-du-thao.xlsx")
    workbook = load_workbook(report.file.open("rb"))
    assert len(workbook.worksheets) == 3  # one group, areas, items


def test_a_report_without_its_period_fails_with_a_message(db):
    report = Report.objects.create(kind=ReportKind.RESULTS_WORKBOOK)
    report = report_build(report_id=report.pk)
    assert report.status == ReportStatus.FAILED
    assert report.error == _("This report has no assessment period.")


def test_a_period_without_results_fails_with_a_message_as_the_pdfs_do(db):
    report = Report.objects.create(
        kind=ReportKind.RESULTS_WORKBOOK, period=PeriodFactory(year=2027)
    )
    with translation.override("vi"):
        report_build(report_id=report.pk)
        report.refresh_from_db()
        assert report.status == ReportStatus.FAILED
        assert report.error == _("There are no results to report for this period yet.")


def test_text_that_xml_cannot_hold_is_left_out(period_with_scores):
    unit = period_with_scores.assessments.first().unit
    unit.name = "Sở Tư pháp\ufffe _x0041_"
    unit.save()
    built = build(period_with_scores)
    names = [c.value for row in built.workbook.worksheets[0].iter_rows() for c in row]
    assert "Sở Tư pháp _x0041_" in names
