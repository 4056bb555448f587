"""scoring.services.survey_import: survey results from a file — the preview (what each row
gives, old → new points), a bad row refusing the whole file, applying all or none with one
audit entry per changed field, the template round trip, and the command on the same code."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from parindex.tabular import ImportFailed
from scoring.models import AuditAction, AuditEntry, SurveyResult
from scoring.services import import_rows
from scoring.services.survey_import import (
    RowStatus,
    survey_import,
    survey_preview,
    survey_template,
)
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    small_tree,
    survey_branch,
)
from tests.helpers import csv_text, xlsx

D = Decimal
HEADER = ["unit", "item", "A", "B", "C", "D", "rate", "points", "not_applicable", "note"]


@pytest.fixture
def survey(personas):
    """Units A and B in self-assessment; survey item 2.1.1 of 4 points (A 100%, B 60%, C 20%,
    D 0%), and 1.1.2, a self-assessed item."""
    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
    )
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    item = survey_branch(
        index_set,
        max_points=D("4"),
        params={"weights": {"A": "1", "B": "0.6", "C": "0.2", "D": "0"}},
    )
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    b = AssessmentFactory(period=period, unit=personas["unit_b"], index_set=index_set)
    return {**personas, "period": period, "item": item, "tree": tree, "a": a, "b": b}


def _csv(*rows) -> bytes:
    return csv_text([HEADER, *rows])


def _problems(survey, data, name="khao-sat.csv") -> list[str]:
    preview = survey_preview(period=survey["period"], data=data, filename=name)
    return [str(p) for p in preview.problems]


def test_the_preview_shows_what_each_row_gives_and_old_to_new_points(survey):
    SurveyResult.objects.create(assessment=survey["b"], item=survey["item"], points=D("1"))
    data = _csv(
        ["A", "2.1.1", "6", "3", "1", "0", "", "", "", "Khảo sát tháng 10"],
        ["B", "2.1.1", "", "", "", "", "85,5", "", "", ""],
    )
    preview = survey_preview(period=survey["period"], data=data, filename="ks.csv")
    assert preview.problems == []
    a, b = preview.rows
    # 4 × (6 × 1 + 3 × 0,6 + 1 × 0,2) / 10 = 3,2 — the engine's survey_points
    assert (a.status, a.old_points, a.new_points) == (RowStatus.NEW, None, D("3.2"))
    assert a.given == "câu trả lời A 6, B 3, C 1"
    assert (b.status, b.old_points, b.new_points) == (RowStatus.CHANGED, D("1"), D("3.42"))
    assert (b.old_given, b.given) == ("1 điểm", "tỷ lệ 85,5%")
    assert not SurveyResult.objects.filter(assessment=survey["a"]).exists()  # a dry run


def test_a_row_that_changes_nothing_is_unchanged_and_an_empty_row_is_left_alone(survey):
    SurveyResult.objects.create(
        assessment=survey["a"], item=survey["item"], ratio=D("90"), note="Đợt 1"
    )
    data = _csv(
        ["A", "2.1.1", "", "", "", "", "90", "", "", "Đợt 1"],
        ["B", "2.1.1", "", "", "", "", "", "", "", ""],
    )
    preview = survey_preview(period=survey["period"], data=data, filename="ks.csv")
    assert [row.status for row in preview.rows] == [RowStatus.UNCHANGED, RowStatus.EMPTY]
    assert preview.problems == [] and preview.changes == []
    # A file of empty rows only gives nothing: it is refused, with a message.
    empty = _csv(["B", "2.1.1", "", "", "", "", "", "", "", ""])
    assert "không có kết quả" in _problems(survey, empty)[0]


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (["X", "2.1.1", "", "", "", "", "", "1", "", ""], "Không tìm thấy đơn vị “X”"),
        (["A", "9.9.9", "", "", "", "", "", "1", "", ""], "9.9.9"),
        (["A", "1.1.2", "", "", "", "", "", "1", "", ""], "không phải tiêu chí điều tra"),
        (["A", "2.1.1", "", "", "", "", "101", "", "", ""], "101%"),
        (["A", "2.1.1", "", "", "", "", "", "5", "", ""], "5 điểm vượt tối đa 4 điểm"),
        (["A", "2.1.1", "-3", "", "", "", "", "", "", ""], "-3"),
        (["A", "2.1.1", "2,5", "", "", "", "", "", "", ""], "2,5"),
        (["A", "2.1.1", "nhiều", "", "", "", "", "", "", ""], "nhiều"),
        (["A", "2.1.1", "", "", "", "", "", "=1+2", "", ""], "công thức"),
        (["A", "2.1.1", "", "", "", "", "", "1", "", "=HYPERLINK(1)"], "công thức"),
        (["A", "2.1.1", "", "", "", "", "50", "2", "", ""], "không được ghi nhiều"),
        (["A", "2.1.1", "0", "0", "", "", "", "", "", ""], "tổng bằng 0"),
        (["A", "2.1.1", "", "", "", "", "", "1", "có lẽ", ""], "có lẽ"),
    ],
    ids=[
        "unknown-unit",
        "unknown-item",
        "not-a-survey-item",
        "rate-above-100",
        "points-above-max",
        "negative-count",
        "fractional-count",
        "text-count",
        "formula-points",
        "formula-note",
        "two-values",
        "zero-answers",
        "bad-yes-no",
    ],
)
def test_a_bad_row_is_reported_by_row_and_refuses_the_whole_file(survey, row, fragment):
    data = _csv(["B", "2.1.1", "", "", "", "", "", "2", "", ""], row)
    problems = _problems(survey, data)
    assert len(problems) == 1 and problems[0].startswith("Dòng 3"), problems
    assert fragment in problems[0], problems
    with pytest.raises(ImportFailed):
        survey_import(period=survey["period"], data=data, filename="ks.csv")
    assert not SurveyResult.objects.exists()  # the good row B was not written either


def test_duplicates_an_option_without_weight_and_a_withdrawn_unit(survey):
    survey["b"].status = AssessmentStatus.WITHDRAWN
    survey["b"].save()
    data = csv_text(
        [
            ["unit", "item", "A", "E"],
            ["A", "2.1.1", "3", ""],
            ["a", "2.1.1", "4", ""],
            ["B", "2.1.1", "1", ""],
        ]
    )
    problems = _problems(survey, data)
    assert "Dòng 3" in problems[0] and "dòng 2" in problems[0]
    assert "rút" in problems[1]
    data = csv_text([["unit", "item", "A", "E"], ["A", "2.1.1", "3", "1"]])
    assert "phương án E" in _problems(survey, data)[0]


def test_nul_bytes_a_wrong_file_and_too_many_rows_are_refused_in_vietnamese(survey, monkeypatch):
    nul = _csv(["A", "2.1.1", "", "", "", "", "", "1", "", "ab\x00c"])
    with pytest.raises(ImportFailed, match="ký tự NUL"):
        survey_preview(period=survey["period"], data=nul, filename="ks.csv")
    with pytest.raises(ImportFailed, match="Excel"):
        survey_preview(period=survey["period"], data=b"PK\x03\x04garbage", filename="ks.xlsx")
    with pytest.raises(ImportFailed, match=r"\.pdf"):
        survey_preview(period=survey["period"], data=b"%PDF", filename="ks.pdf")
    with pytest.raises(ImportFailed, match="Thiếu cột"):
        survey_preview(period=survey["period"], data=csv_text([["unit"], ["A"]]), filename="a.csv")
    monkeypatch.setattr(import_rows, "MAX_ROWS", 2)
    many = _csv(*[["A", "2.1.1", "", "", "", "", "", "1", "", ""]] * 3)
    with pytest.raises(ImportFailed, match="hơn 2 dòng"):
        survey_preview(period=survey["period"], data=many, filename="ks.csv")


def test_confirm_applies_atomically_and_audits_each_changed_field(survey, monkeypatch):
    SurveyResult.objects.create(assessment=survey["b"], item=survey["item"], points=D("1"))
    data = _csv(
        ["A", "2.1.1", "6", "3", "1", "0", "", "", "", ""],
        ["B", "2.1.1", "", "", "", "", "", "2,5", "", "Sửa"],
    )

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_rows.audit, "record", fail)
    with pytest.raises(RuntimeError):
        survey_import(
            period=survey["period"], data=data, filename="ks.csv", by=survey["home_affairs"]
        )
    assert list(SurveyResult.objects.values_list("points", flat=True)) == [D("1")]
    assert not SurveyResult.objects.filter(assessment=survey["a"]).exists()
    monkeypatch.undo()

    summary = survey_import(
        period=survey["period"], data=data, filename="ks.csv", by=survey["home_affairs"]
    )
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 0)
    a = SurveyResult.objects.get(assessment=survey["a"])
    assert (a.answer_counts, a.respondents, a.points) == ({"A": 6, "B": 3, "C": 1}, 10, None)
    changes = {
        (e.field, e.old_value, e.new_value)
        for e in AuditEntry.objects.filter(action=AuditAction.IMPORT, assessment=survey["b"])
    }
    assert changes == {("points", "1.0000", "2.5"), ("note", "", "Sửa")}
    assert all(
        e.actor == survey["home_affairs"] for e in AuditEntry.objects.filter(action="import")
    )

    # Again with a rate for B: the points are replaced by the rate, audited; A is unchanged.
    again = _csv(
        ["A", "2.1.1", "6", "3", "1", "0", "", "", "", ""],
        ["B", "2.1.1", "", "", "", "", "50", "", "", "Sửa"],
    )
    before = AuditEntry.objects.count()
    summary = survey_import(period=survey["period"], data=again, filename="ks2.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    b = SurveyResult.objects.get(assessment=survey["b"])
    assert (b.points, b.ratio) == (None, D("50"))
    new = AuditEntry.objects.filter(pk__gt=0).order_by("-pk")[: AuditEntry.objects.count() - before]
    assert {(e.field, e.new_value) for e in new} == {("points", ""), ("ratio", "50")}


def test_a_published_assessment_goes_back_to_appraised(survey):
    survey["a"].status = AssessmentStatus.PUBLISHED
    survey["a"].save()
    data = _csv(["A", "2.1.1", "", "", "", "", "", "3", "", ""])
    assert survey_preview(period=survey["period"], data=data, filename="k.csv").reopened == 1
    survey_import(period=survey["period"], data=data, filename="k.csv")
    survey["a"].refresh_from_db()
    assert survey["a"].status == AssessmentStatus.APPRAISED


def test_the_template_round_trips_without_errors(survey):
    SurveyResult.objects.create(
        assessment=survey["a"], item=survey["item"], answer_counts={"A": 5, "B": 2}, note="=x"
    )
    SurveyResult.objects.create(assessment=survey["b"], item=survey["item"], ratio=D("77.5"))
    content = survey_template(period=survey["period"])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Mã đơn vị", "Tên đơn vị", "Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa")
    assert rows[1][0] == "A" and rows[1][5:7] == (5, 2) and rows[1][13] == "'=x"  # escaped
    assert rows[2][10] == 77.5 and sheet.cell(row=2, column=1).data_type == "s"

    preview = survey_preview(period=survey["period"], data=content, filename="mau.xlsx")
    assert preview.problems == []
    assert [row.status for row in preview.rows] == [RowStatus.UNCHANGED] * 2

    # Filled in: B's rate becomes points; the preview reads it without a problem.
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    sheet.cell(row=3, column=11).value = None
    sheet.cell(row=3, column=12).value = 3.5
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = survey_preview(period=survey["period"], data=buffer.getvalue(), filename="m.xlsx")
    assert preview.problems == []
    assert [(r.status, r.new_points) for r in preview.rows][1] == (RowStatus.CHANGED, D("3.5"))


def test_xlsx_with_a_percentage_cell_and_not_applicable(survey):
    survey["item"].not_applicable_allowed = True
    survey["item"].save()
    data = xlsx(
        {
            "Sheet": [
                ["Mã đơn vị", "Mã tiêu chí", "Tỷ lệ (%)", "Không áp dụng (x)"],
                ["A", "2.1.1", 80, ""],
                ["B", "2.1.1", None, "x"],
            ]
        }
    )
    preview = survey_preview(period=survey["period"], data=data, filename="ks.xlsx")
    assert preview.problems == []
    assert [(r.new_points, r.not_applicable) for r in preview.rows] == [
        (D("3.2"), False),
        (None, True),
    ]


def test_the_command_goes_through_the_same_code(survey, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(
        csv_text(
            [["unit", "item", "points", "not_applicable", "note"], ["A", "2.1.1", "3", "", ""]]
        )
    )
    out = io.StringIO()
    call_command("import_scores", str(path), "--year", "2026", "--stage", "survey", stdout=out)
    assert SurveyResult.objects.get(assessment=survey["a"]).points == D("3")
    path.write_bytes(csv_text([["unit", "item", "points"], ["A", "2.1.1", "9"]]))
    with pytest.raises(Exception, match="9 điểm vượt tối đa 4 điểm"):
        call_command("import_scores", str(path), "--year", "2026", "--stage", "survey")
