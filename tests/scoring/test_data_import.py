"""scoring.services.data_import: figures from other systems for data-fed items — the preview
(old → new figure and points), a figure the rule cannot score refusing the file, one DataSet
per upload with re-uploaded figures moving to it, atomic and audited, and the template."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from parindex.tabular import ImportFailed
from scoring.models import AuditEntry, DataFigure, DataSet, IndexItem, ScoringMethod
from scoring.services import import_rows
from scoring.services.data_import import (
    data_fed_items,
    data_import,
    data_preview,
    data_template,
    data_upload_check,
)
from scoring.services.survey_import import RowStatus
from scoring.workflow import PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    data_item,
    small_tree,
)
from tests.helpers import csv_text

D = Decimal
AS_OF = date(2026, 11, 30)


@pytest.fixture
def fed(personas):
    """Units A and B; 1.1.3 is fed by the 766 index (2 points: max × figure / 100, full from
    90) and 1.1.4 is a ratio-band item fed by the share of procedures online (80–95%: 1; below:
    0 — no band covers a ratio above 95)."""
    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
    )
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    index = data_item(index_set, tree["criterion"])
    online = IndexItem.objects.create(
        index_set=index_set,
        level="sub_criterion",
        code="1.1.4",
        parent=tree["criterion"],
        name="Tỷ lệ TTHC trực tuyến",
        max_points=D("1"),
        method=ScoringMethod.RATIO_BANDS,
        method_params={
            "bands": [
                {
                    "lower": "80",
                    "lower_inclusive": True,
                    "upper": "95",
                    "upper_inclusive": True,
                    "points": "1",
                },
                {
                    "lower": "0",
                    "lower_inclusive": True,
                    "upper": "80",
                    "upper_inclusive": False,
                    "points": "0",
                },
            ]
        },
        data_source="Hệ thống thông tin giải quyết TTHC",
        position=6,
    )
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    b = AssessmentFactory(period=period, unit=personas["unit_b"], index_set=index_set)
    return {
        **personas,
        "period": period,
        "index": index,
        "online": online,
        "tree": tree,
        "a": a,
        "b": b,
    }


def _preview(fed, rows, codes=("1.1.3",), header=("unit", "figure")):
    return data_preview(
        period=fed["period"],
        data=csv_text([list(header), *rows]),
        filename="766.csv",
        item_codes=list(codes),
    )


def test_the_data_fed_items_of_the_period(fed):
    assert [code for code, _name, _source in data_fed_items(period=fed["period"])] == [
        "1.1.3",
        "1.1.4",
    ]


def test_the_preview_shows_old_to_new_figures_and_points(fed):
    old_set = DataSet.objects.create(period=fed["period"], source="766", as_of=date(2026, 6, 30))
    DataFigure.objects.create(
        assessment=fed["b"], item=fed["index"], data_set=old_set, figure=D("50")
    )
    preview = _preview(fed, [["A", "87,5"], ["B", "95"]])
    assert preview.problems == []
    a, b = preview.rows
    assert (a.status, a.old_figure, a.figure, a.old_points, a.new_points) == (
        RowStatus.NEW,
        None,
        D("87.5"),
        None,
        D("1.75"),
    )
    assert (b.status, b.old_figure, b.old_points, b.new_points) == (
        RowStatus.CHANGED,
        D("50"),
        D("1"),
        D("2"),
    )
    assert DataFigure.objects.count() == 1  # a dry run


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (["X", "1.1.4", "90"], "Không tìm thấy đơn vị “X”"),
        (["A", "1.1.2", "90"], "không phải tiêu chí chấm theo số liệu"),
        (["A", "9.9", "90"], "9.9"),
        (["A", "1.1.4", "96"], "96%"),  # no band of the rule covers it: ratio_message
        (["A", "1.1.4", "-1"], "không được âm"),
        (["A", "1.1.4", "nhiều"], "nhiều"),
        (["A", "1.1.4", "=A1*2"], "công thức"),
        (["A", "1.1.4", ""], "để trống"),
        (["B", "1.1.4", "90"], "đã có ở dòng 2"),
    ],
    ids=[
        "unknown-unit",
        "not-data-fed",
        "unknown-item",
        "uncovered",
        "negative",
        "text",
        "formula",
        "empty",
        "duplicate",
    ],
)
def test_a_bad_row_refuses_the_whole_file(fed, row, fragment):
    rows = [["B", "1.1.4", "85"], row]
    preview = _preview(fed, rows, codes=(), header=("unit", "item", "figure"))
    problems = [str(p) for p in preview.problems]
    assert len(problems) == 1 and problems[0].startswith("Dòng 3") and fragment in problems[0], (
        problems
    )
    with pytest.raises(ImportFailed):
        data_import(
            period=fed["period"],
            data=csv_text([["unit", "item", "figure"], *rows]),
            filename="f.csv",
            item_codes=[],
            source="Cổng DVC",
            as_of=AS_OF,
        )
    assert not DataSet.objects.exists() and not DataFigure.objects.exists()


def test_without_an_item_column_one_item_must_be_picked(fed):
    with pytest.raises(ImportFailed, match="Hãy chọn một tiêu chí"):
        _preview(fed, [["A", "90"]], codes=())
    with pytest.raises(ImportFailed, match="Hãy chọn một tiêu chí"):
        _preview(fed, [["A", "90"]], codes=("1.1.3", "1.1.4"))
    preview = _preview(
        fed, [["A", "1.1.4", "90"]], codes=("1.1.3",), header=("unit", "item", "figure")
    )
    assert "không thuộc các tiêu chí đã chọn" in str(preview.problems[0])


def test_the_source_and_the_date_are_checked(fed):
    with pytest.raises(ValidationError) as excinfo:
        data_upload_check(source=" ", as_of=timezone.localdate() + timedelta(days=1))
    assert set(excinfo.value.message_dict) == {"source", "as_of"}


def test_each_upload_is_one_data_set_atomic_and_audited(fed, monkeypatch):
    data = csv_text([["unit", "figure"], ["A", "87,5"], ["B", "95"]])
    arguments = {
        "period": fed["period"],
        "data": data,
        "filename": "766.csv",
        "item_codes": ["1.1.3"],
        "source": "Cổng Dịch vụ công quốc gia",
        "as_of": AS_OF,
        "by": fed["home_affairs"],
    }

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_rows.audit, "record", fail)
    with pytest.raises(RuntimeError):
        data_import(**arguments)
    assert not DataSet.objects.exists() and not DataFigure.objects.exists()
    monkeypatch.undo()

    first, _ = data_import(**arguments)
    assert (first.source, first.as_of, first.file_name, first.uploaded_by) == (
        "Cổng Dịch vụ công quốc gia",
        AS_OF,
        "766.csv",
        fed["home_affairs"],
    )
    assert dict(DataFigure.objects.values_list("assessment__unit__code", "figure")) == {
        "A": D("87.5"),
        "B": D("95"),
    }

    # Again a month later: A changes, B stays — and both move to the new data set.
    later = {
        **arguments,
        "data": csv_text([["unit", "figure"], ["A", "91"], ["B", "95"]]),
        "as_of": date(2026, 12, 1),
    }
    before = AuditEntry.objects.count()
    second, preview = data_import(**later)
    assert [row.status for row in preview.rows] == [RowStatus.CHANGED, RowStatus.UNCHANGED]
    assert set(DataFigure.objects.values_list("data_set", flat=True)) == {second.pk}
    entries = AuditEntry.objects.order_by("pk")[before:]
    assert {
        (e.object_repr.split(" — ")[0][-7:], e.field, e.old_value, e.new_value)
        for e in entries
        if e.field == "figure"
    } == {(fed["unit_a"].name[-7:], "figure", "87.5000", "91")}
    assert sum(e.field == "data_set" for e in entries) == 2


def test_a_per_case_count_must_be_whole(fed):
    fed["online"].method = ScoringMethod.PER_CASE
    fed["online"].method_params = {"rate": "0.5", "cap": "1"}
    fed["online"].save()
    preview = _preview(fed, [["A", "1,5"]], codes=("1.1.4",))
    assert "Số trường hợp phải là số nguyên" in str(preview.problems[0])
    assert _preview(fed, [["A", "3"]], codes=("1.1.4",)).rows[0].new_points == D("1")


def test_the_template_round_trips(fed):
    data_import(
        period=fed["period"],
        data=csv_text([["unit", "figure"], ["A", "88"]]),
        filename="766.csv",
        item_codes=["1.1.3"],
        source="766",
        as_of=AS_OF,
    )
    content = data_template(period=fed["period"])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã đơn vị", "Tên đơn vị", "Mã tiêu chí")
    assert [r[:3:2] for r in rows[1:]] == [
        ("A", "1.1.3"),
        ("A", "1.1.4"),
        ("B", "1.1.3"),
        ("B", "1.1.4"),
    ]
    assert rows[1][7] == 88 and rows[1][9] == 1.76
    # Fill in the empty figures and upload: no problem; A's 1.1.3 is unchanged.
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    for row in (3, 4, 5):
        sheet.cell(row=row, column=8).value = 85
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = data_preview(
        period=fed["period"], data=buffer.getvalue(), filename="m.xlsx", item_codes=[]
    )
    assert preview.problems == []
    assert [r.status for r in preview.rows] == [RowStatus.UNCHANGED] + [RowStatus.NEW] * 3


def test_the_score_import_refuses_points_on_a_data_fed_item(fed):
    """A past year's scores imported from a file never land on a data item: the engine would
    ignore them, so the file is refused with where the figures go instead."""
    from scoring.models import Score
    from scoring.services.score_import import scores_import

    data = csv_text([["unit", "item", "points"], ["A", "1.1.1", "1"], ["A", "1.1.3", "2"]])
    with pytest.raises(ImportFailed) as excinfo:
        scores_import(period=fed["period"], stage="self", data=data, filename="diem.csv")
    assert [str(p) for p in excinfo.value.problems] == [
        "Dòng 3: “1.1.3” được chấm từ số liệu: hãy tải số liệu lên ở trang số liệu của kỳ đánh giá."
    ]
    assert not Score.objects.exists()
