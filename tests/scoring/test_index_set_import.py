"""Importing index sets: the sample as is, both layouts, bands, versions — and every kind of bad
row reported with its row number while nothing is imported."""

from decimal import Decimal
from pathlib import Path

import pytest

from parindex.tabular import ImportFailed
from scoring.models import AuditEntry, Band, IndexItem, IndexSet, ItemLevel, ScoringMethod
from scoring.services.index_set_import import index_set_import
from tests.factories import AssessmentFactory, PeriodFactory, ScoreFactory, UnitKindFactory
from tests.helpers import csv_text, xlsx

ROOT = Path(__file__).resolve().parents[2]
# The domain folder sits beside the checkout on the team's machines; CI may use a fresh clone.
SHARED_SAMPLE = next(
    (
        folder / "index-set-department-sample.csv"
        for folder in (ROOT.parent / "shared" / "domain", Path("/work/shared/domain"))
        if (folder / "index-set-department-sample.csv").exists()
    ),
    ROOT.parent / "shared" / "domain" / "index-set-department-sample.csv",
)
BUNDLED_SAMPLE = ROOT / "scoring" / "demo_data" / "index-set-department.csv"
HEADER = ["code", "name", "max_points", "method", "rule", "evidence_required", "survey"]
GOOD_ROWS = [
    ["1", "Công tác chỉ đạo, điều hành", "3", "", "", "", ""],
    ["1.1", "Kế hoạch CCHC", "3", "", "", "", ""],
    ["1.1.1", "Ban hành kế hoạch", "1", "yes_no", "Có: 1; không: 0", "1", "0"],
    [
        "1.1.2",
        "Mức độ hoàn thành",
        "2",
        "ratio_bands",
        "100%: 2; 80% - <100%: 1; <80%: 0",
        "1",
        "0",
    ],
    ["2", "Điều tra xã hội học", "5", "", "", "", ""],
    ["2.1", "Mức độ hài lòng", "5", "", "", "", ""],
    ["2.1.1", "Tỷ lệ hài lòng (SIPAS)", "5", "", "Điểm = điểm tối đa × tỷ lệ hài lòng", "0", "1"],
    ["T1", "Sáng kiến được công nhận", "1", "bonus", "Mỗi sáng kiến: 0.5; tối đa: 1", "1", "0"],
]


@pytest.fixture
def period(db):
    return PeriodFactory(year=2026)


@pytest.fixture
def kind(db):
    return UnitKindFactory()


def run_import(period, kind, data, filename="bo-chi-so.xlsx", **kwargs):
    return index_set_import(period=period, unit_kind=kind, data=data, filename=filename, **kwargs)


def problems_of(excinfo) -> list[tuple[int | None, str]]:
    return [(p.row, p.message) for p in excinfo.value.problems]


@pytest.mark.parametrize("sample", [SHARED_SAMPLE, BUNDLED_SAMPLE], ids=["shared", "bundled"])
def test_department_sample_imports_as_is(period, kind, sample):
    if not sample.exists():
        pytest.skip(f"{sample} is not on this machine")
    index_set = run_import(period, kind, sample.read_bytes(), sample.name)
    items = index_set.items
    assert items.filter(level=ItemLevel.AREA).count() == 8
    assert items.filter(level=ItemLevel.CRITERION).count() == 35
    assert items.filter(level=ItemLevel.SUB_CRITERION).count() == 49
    areas = {a.code: a.max_points for a in items.filter(level=ItemLevel.AREA)}
    assert sum(areas.values()) == Decimal("100")
    survey = items.filter(method=ScoringMethod.SURVEY)
    assert sum(i.max_points for i in survey) == Decimal("35")
    # Criteria take the sum of their sub-criteria; the tree keeps the file's order.
    assert items.get(code="1.1").max_points == Decimal("2")
    assert list(items.order_by("position").values_list("code", flat=True)[:4]) == [
        "1",
        "1.1",
        "1.1.1",
        "1.1.2",
    ]
    # The rule text decides the method; the "N/A" clauses allow not applicable.
    assert items.get(code="3.3.1").method == ScoringMethod.RATIO_BANDS
    assert items.get(code="1.1.1").method == ScoringMethod.LEVELS
    assert items.get(code="3.6.1").method == ScoringMethod.PROPORTIONAL
    assert items.get(code="2.2.2").not_applicable_allowed
    assert not items.get(code="1.1.1").not_applicable_allowed
    # Survey items need no evidence; self-assessed ones do.
    assert not items.get(code="8.1.1").evidence_required
    assert items.get(code="1.1.1").evidence_required


@pytest.mark.parametrize("name", ["district", "commune"])
def test_demo_sets_for_districts_and_communes_import(period, kind, name):
    path = ROOT / "scoring" / "demo_data" / f"index-set-{name}.csv"
    index_set = run_import(period, kind, path.read_bytes(), path.name)
    areas = index_set.items.filter(level=ItemLevel.AREA)
    assert sum(a.max_points for a in areas) == Decimal("100")
    assert index_set.items.filter(level=ItemLevel.BONUS).exists()
    assert index_set.items.filter(level=ItemLevel.PENALTY).exists()


def test_workbook_with_criteria_and_bands_sheets(period, kind):
    data = xlsx(
        {
            "criteria": [HEADER, *GOOD_ROWS],
            "bands": [["label", "min_percent"], ["Tốt", 80], ["Khá", "60,5"], ["Kém", 0]],
        }
    )
    index_set = run_import(period, kind, data)
    assert [(b.label, b.min_percent) for b in index_set.bands.all()] == [
        ("Tốt", Decimal("80")),
        ("Khá", Decimal("60.5")),
        ("Kém", Decimal("0")),
    ]
    assert index_set.items.get(code="2.1.1").method == ScoringMethod.SURVEY
    bonus = index_set.items.get(code="T1")
    assert bonus.level == ItemLevel.BONUS and bonus.parent is None
    assert index_set.items.get(code="1.1.2").method_params["bands"][1]["lower"] == "80"


def test_csv_with_semicolons_and_decimal_commas(period, kind):
    rows = [
        HEADER,
        *[
            [cell.replace(".", ",") if i == 2 else cell for i, cell in enumerate(row)]
            for row in GOOD_ROWS
        ],
    ]
    rows[5][2] = "5,0"  # area 2
    index_set = run_import(period, kind, csv_text(rows, delimiter=";"), "set.csv")
    assert index_set.items.get(code="2").max_points == Decimal("5")


def test_excel_numbers_for_codes_are_read_as_text(period, kind):
    rows = [
        HEADER,
        [1, "Lĩnh vực", 1, "", "", "", ""],
        [1.1, "Tiêu chí", 1, "", "", "", ""],
        ["1.1.1", "Tiêu chí thành phần", 1, "yes_no", "Có: 1; không: 0", 1, 0],
    ]
    index_set = run_import(period, kind, xlsx({"criteria": rows}))
    assert set(index_set.items.values_list("code", flat=True)) == {"1", "1.1", "1.1.1"}


@pytest.mark.parametrize(
    ("change", "row", "fragment"),
    [
        (lambda rows: rows.__setitem__(3, ["1.9.1", "Mồ côi", "1", "", "", "1", "0"]), 4, "1.9"),
        (
            lambda rows: rows.__setitem__(4, ["1.1.1", "Trùng mã", "2", "", "", "1", "0"]),
            5,
            "1.1.1",
        ),
        (lambda rows: rows[1].__setitem__(2, "4"), 2, "4"),
        (lambda rows: rows[3].__setitem__(2, "hai điểm"), 4, "hai điểm"),
        (lambda rows: rows[3].__setitem__(2, "-1"), 4, "max_points"),
        (lambda rows: rows[3].__setitem__(1, ""), 4, "1.1.1"),
        (lambda rows: rows[3].__setitem__(3, "bốc thăm"), 4, "bốc thăm"),
        (lambda rows: rows[3].__setitem__(6, "1"), 4, "1.1.1"),  # survey flag on a yes/no item
        (lambda rows: rows[4].__setitem__(4, "100%: 2; <90%: 0"), 5, "1.1.2"),  # band gap
        (lambda rows: rows[3].__setitem__(5, "có lẽ"), 4, "có lẽ"),
        (
            lambda rows: rows.__setitem__(3, ["1.1.1.1", "Quá sâu", "1", "", "", "1", "0"]),
            4,
            "1.1.1.1",
        ),
    ],
    ids=[
        "unknown-parent",
        "duplicate-code",
        "max-mismatch",
        "text-for-number",
        "negative-max",
        "missing-name",
        "unknown-method",
        "survey-conflict",
        "unreadable-rule",
        "bad-boolean",
        "too-deep",
    ],
)
def test_each_kind_of_bad_row_is_reported_with_its_row_and_nothing_is_imported(
    period, kind, change, row, fragment
):
    rows = [HEADER, *[list(r) for r in GOOD_ROWS]]
    change(rows)
    with pytest.raises(ImportFailed) as excinfo:
        run_import(period, kind, xlsx({"criteria": rows}))
    problems = problems_of(excinfo)
    assert any(r == row and fragment in message for r, message in problems), problems
    assert not IndexSet.objects.exists()
    assert not IndexItem.objects.exists()
    assert not AuditEntry.objects.exists()


def test_every_problem_is_listed_at_once_in_row_order(period, kind):
    rows = [HEADER, *[list(r) for r in GOOD_ROWS]]
    rows[3][2] = "x"  # row 4
    rows[7][2] = "y"  # row 8
    rows.append(["1.1.1", "Trùng", "1", "", "", "1", "0"])  # row 10
    with pytest.raises(ImportFailed) as excinfo:
        run_import(period, kind, xlsx({"criteria": rows}))
    rows_reported = [r for r, _m in problems_of(excinfo)]
    assert {4, 8, 10} <= set(rows_reported)
    assert rows_reported == sorted(rows_reported)


def test_bad_bands_are_reported_by_row(period, kind):
    data = xlsx(
        {
            "criteria": [HEADER, *GOOD_ROWS],
            "bands": [
                ["label", "min_percent"],
                ["Tốt", "tám mươi"],
                ["Khá", 120],
                ["Kém", 0],
                ["Kém", 10],
            ],
        }
    )
    with pytest.raises(ImportFailed) as excinfo:
        run_import(period, kind, data)
    assert {r for r, _m in problems_of(excinfo)} == {2, 3, 5}
    assert not Band.objects.exists()


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"PK\x03\x04 not really a workbook", "set.xlsx"),
        ("code,name\n1,Lĩnh vực".encode("utf-16"), "set.csv"),
        (b"", "set.csv"),
        (b"a,b\n1,2\n", "set.csv"),
        (b"%PDF-1.4", "set.pdf"),
    ],
    ids=["broken-xlsx", "not-utf8", "empty", "missing-columns", "wrong-type"],
)
def test_unreadable_files_get_a_clear_message(period, kind, data, filename):
    with pytest.raises(ImportFailed) as excinfo:
        run_import(period, kind, data, filename)
    assert excinfo.value.problems and all(p.message for p in excinfo.value.problems)
    assert not IndexSet.objects.exists()


def test_reimport_makes_a_new_current_version_and_moves_unscored_assessments(period, kind):
    first = run_import(period, kind, xlsx({"criteria": [HEADER, *GOOD_ROWS]}))
    assessment = AssessmentFactory(period=period, index_set=first, unit__kind=kind)
    second = run_import(period, kind, xlsx({"criteria": [HEADER, *GOOD_ROWS]}))
    first.refresh_from_db()
    assessment.refresh_from_db()
    assert (first.version, first.is_current) == (1, False)
    assert (second.version, second.is_current) == (2, True)
    assert assessment.index_set == second
    entry = AuditEntry.objects.filter(action="import_index_set").last()
    assert (entry.old_value, entry.new_value) == (str(first.pk), str(second.pk))


@pytest.mark.parametrize("in_use", [False, True], ids=["new version", "draft"])
def test_a_new_version_keeps_the_caps_and_the_points_step(period, kind, in_use):
    """The file has no place for them: a version from a file must not drop the current set's
    0,25 step (or its caps) unseen, mid-period."""
    first = run_import(period, kind, xlsx({"criteria": [HEADER, *GOOD_ROWS]}))
    # A first version has nothing to keep: it takes the default step.
    assert (first.bonus_cap, first.penalty_cap, first.points_step) == (None, None, Decimal("0.25"))
    IndexSet.objects.filter(pk=first.pk).update(
        bonus_cap=Decimal("1"), penalty_cap=Decimal("2"), points_step=Decimal("0.5")
    )
    if in_use:
        assessment = AssessmentFactory(period=period, index_set=first, unit__kind=kind)
        ScoreFactory(
            assessment=assessment, item=first.items.get(code="1.1.1"), self_points=Decimal("1")
        )
    second = run_import(
        period, kind, xlsx({"criteria": [HEADER, *GOOD_ROWS]}), draft_when_in_use=True
    )
    assert second.is_draft == in_use
    assert (second.bonus_cap, second.penalty_cap, second.points_step) == (
        Decimal("1"),
        Decimal("2"),
        Decimal("0.5"),
    )


def test_a_scored_index_set_is_not_replaced(period, kind):
    first = run_import(period, kind, xlsx({"criteria": [HEADER, *GOOD_ROWS]}))
    assessment = AssessmentFactory(period=period, index_set=first, unit__kind=kind)
    ScoreFactory(
        assessment=assessment, item=first.items.get(code="1.1.1"), self_points=Decimal("1")
    )
    with pytest.raises(ImportFailed):
        run_import(period, kind, xlsx({"criteria": [HEADER, *GOOD_ROWS]}))
    assert IndexSet.objects.get() == first


@pytest.mark.parametrize(
    ("change", "row", "fragment"),
    [
        (lambda rows: rows[3].__setitem__(2, "0.125"), 4, "max_points"),  # three decimals
        (lambda rows: rows[1].__setitem__(2, "123456"), 2, "max_points"),  # too many digits
        (lambda rows: rows[3].__setitem__(1, "x" * 501), 4, "500"),
        (lambda rows: rows[3].__setitem__(0, "1.1." + "9" * 30), 4, "20"),
    ],
    ids=["three-decimals", "too-large", "long-name", "long-code"],
)
def test_values_the_database_cannot_keep_are_reported(period, kind, change, row, fragment):
    rows = [HEADER, *[list(r) for r in GOOD_ROWS]]
    change(rows)
    with pytest.raises(ImportFailed) as excinfo:
        run_import(period, kind, xlsx({"criteria": rows}))
    assert any(r == row and fragment in m for r, m in problems_of(excinfo)), problems_of(excinfo)


SAMPLE_HEADER = [
    "kind",
    "area_code",
    "area_name",
    "criterion_code",
    "criterion_name",
    "subcriterion_code",
    "subcriterion_name",
    "max_points",
    "scoring_rule",
    "source",
]


def test_sample_layout_codes_must_agree_with_their_parents(period, kind):
    rows = [
        SAMPLE_HEADER,
        ["so", "1", "Chỉ đạo", "", "", "", "", "2", "", ""],
        ["so", "1", "Chỉ đạo", "1.1", "Kế hoạch", "3.9.9", "Lạc chỗ", "1", "Có: 1; không: 0", ""],
        ["so", "2", "Thể chế", "", "", "", "", "", "", ""],
        [
            "so",
            "2",
            "Thể chế",
            "1.1",
            "Kế hoạch",
            "1.1.2",
            "Trùng tiêu chí",
            "1",
            "Có: 1; không: 0",
            "",
        ],
    ]
    with pytest.raises(ImportFailed) as excinfo:
        run_import(period, kind, csv_text(rows), "sample.csv")
    problems = problems_of(excinfo)
    assert any(r == 3 and "3.9.9" in m for r, m in problems), problems
    assert any(r == 5 and "1.1" in m for r, m in problems), problems


def test_excel_float_noise_is_read_as_the_number_typed(period, kind):
    rows = [
        HEADER,
        ["1", "Lĩnh vực", 0.30000000000000004, "", "", "", ""],
        ["1.1", "Tiêu chí", "", "", "", "", ""],
        ["1.1.1", "A", 0.1, "manual", "", 1, 0],
        ["1.1.2", "B", 0.2, "manual", "", 1, 0],
    ]
    index_set = run_import(period, kind, xlsx({"criteria": rows}))
    assert index_set.items.get(code="1").max_points == Decimal("0.3")


def test_semicolon_csv_with_a_blank_first_line(period, kind):
    data = b"\xef\xbb\xbf\r\n" + csv_text([HEADER, *GOOD_ROWS], delimiter=";", bom=False)
    assert run_import(period, kind, data, "set.csv").items.count() == len(GOOD_ROWS)


def test_workbook_whose_dimension_says_a1_is_read_whole(period, kind):
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx({"criteria": [HEADER, *GOOD_ROWS]})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                import re

                content = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', content)
            target.writestr(info, content)
    assert run_import(period, kind, out.getvalue()).items.count() == len(GOOD_ROWS)


@pytest.mark.parametrize("use", ["survey", "evidence"])
def test_a_set_with_survey_results_or_evidence_is_not_replaced(period, kind, use):
    from scoring.models import Evidence, SurveyResult
    from tests.factories import UserFactory

    first = run_import(period, kind, xlsx({"criteria": [HEADER, *GOOD_ROWS]}))
    assessment = AssessmentFactory(period=period, index_set=first, unit__kind=kind)
    if use == "survey":
        SurveyResult.objects.create(
            assessment=assessment, item=first.items.get(code="2.1.1"), points=Decimal("4")
        )
    else:
        evidence = Evidence.objects.create(
            assessment=assessment, document_number="12/KH", uploaded_by=UserFactory()
        )
        evidence.items.add(first.items.get(code="1.1.1"))
    with pytest.raises(ImportFailed):
        run_import(period, kind, xlsx({"criteria": [HEADER, *GOOD_ROWS]}))
    assert IndexSet.objects.get() == first
