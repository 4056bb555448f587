"""The command-line contract, from files on an empty database to rankings and publication —
including a published-style table where units have different maxima (100; 96,5; 71,5) and the
ranking by index differs from the ranking by raw points."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from scoring.models import Assessment, Publication, Score, SurveyResult
from scoring.workflow import AssessmentStatus
from tests.helpers import csv_text

CRITERIA = ["code", "name", "max_points", "method", "rule", "evidence_required", "survey"]
# 65 direct + 35 survey; 1.1.2 (3,5) and 1.1.3 (28,5) may be not applicable.
DEPARTMENT_SET = [
    CRITERIA,
    ["1", "Công tác chỉ đạo, điều hành", "65", "", "", "", ""],
    ["1.1", "Kế hoạch và thực hiện", "65", "", "", "", ""],
    ["1.1.1", "Ban hành kế hoạch", "30", "manual", "Chấm theo mức độ", "1", "0"],
    [
        "1.1.2",
        "Kiểm tra đơn vị trực thuộc",
        "3.5",
        "manual",
        "Có: 3,5; không: 0; không có đơn vị trực thuộc: N/A",
        "1",
        "0",
    ],
    ["1.1.3", "Giải quyết TTHC", "28.5", "manual", "Chấm theo tỷ lệ; không có TTHC: N/A", "1", "0"],
    ["1.1.4", "Báo cáo đúng hạn", "3", "yes_no", "Có: 3; không: 0", "1", "0"],
    ["2", "Điều tra xã hội học", "35", "", "", "", ""],
    ["2.1", "Mức độ hài lòng", "35", "", "", "", ""],
    ["2.1.1", "Tỷ lệ hài lòng", "35", "survey", "Điều tra XHH: tỷ lệ hài lòng", "0", "1"],
]
DISTRICT_SET = [
    CRITERIA,
    ["1", "Chỉ đạo điều hành", "10", "", "", "", ""],
    ["1.1", "Kế hoạch", "10", "", "", "", ""],
    ["1.1.1", "Kế hoạch CCHC", "10", "manual", "", "1", "0"],
]
BANDS = [["label", "min_percent"], ["Tốt", "80"], ["Khá", "60"], ["Kém", "0"]]
UNITS = [
    ["code", "name", "kind", "parent", "group"],
    ["SA", "Sở A", "department", "", "so"],
    ["SB", "Sở B", "department", "", "so"],
    ["SC", "Sở C", "department", "", "so"],
    ["SD", "Sở D (không xếp hạng)", "department", "", ""],
    ["H1", "Huyện Một", "district", "", "huyen"],
    ["H2", "Huyện Hai", "district", "", "huyen"],
]
SCORE_HEADER = ["unit", "item", "points", "not_applicable", "note"]
FINAL_SCORES = [
    SCORE_HEADER,
    # Sở A: full maximum 100 — 59,43 direct.
    ["SA", "1.1.1", "28", "", ""],
    ["SA", "1.1.2", "3,5", "0", ""],
    ["SA", "1.1.3", "24.93", "", ""],
    ["SA", "1.1.4", "3", "", ""],
    # Sở B: 1.1.2 not applicable → maximum 96,5.
    ["SB", "1.1.1", "27", "", ""],
    ["SB", "1.1.2", "", "có", "Không có đơn vị trực thuộc"],
    ["SB", "1.1.3", "25", "", ""],
    ["SB", "1.1.4", "3", "", ""],
    # Sở C: 1.1.3 not applicable → maximum 71,5.
    ["SC", "1.1.1", "29.25", "", ""],
    ["SC", "1.1.2", "3.5", "", ""],
    ["SC", "1.1.3", "", "x", "Không có TTHC"],
    ["SC", "1.1.4", "3", "", ""],
    ["SD", "1.1.1", "20", "", ""],
    ["H1", "1.1.1", "8", "", ""],
    ["H2", "1.1.1", "9.5", "", ""],
]
SURVEY_SCORES = [
    SCORE_HEADER,
    ["SA", "2.1.1", "35", "", ""],  # total 94,43
    ["SB", "2.1.1", "31.5", "", ""],  # total 86,50
    ["SC", "2.1.1", "33.5", "", ""],  # total 69,25
    ["SD", "2.1.1", "30", "", ""],
]
# What the published table says: rank by index, not by raw points. Groups come in the order
# of their position, then code (both groups were created by the import, at position 0).
EXPECTED = [
    ("huyen", 1, "H2", "9.50", "10.00", "9.50", "0.00", "95.00", "Xuất sắc"),
    ("huyen", 2, "H1", "8.00", "10.00", "8.00", "0.00", "80.00", "Tốt"),
    ("so", 1, "SC", "69.25", "71.50", "35.75", "33.50", "96.85", "Tốt"),
    ("so", 2, "SA", "94.43", "100.00", "59.43", "35.00", "94.43", "Tốt"),
    ("so", 3, "SB", "86.50", "96.50", "55.00", "31.50", "89.64", "Tốt"),
    (None, None, "SD", "50.00", "100.00", "20.00", "30.00", "50.00", "Kém"),
]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(csv_text(rows))
    return str(path)


@pytest.fixture
def files(tmp_path):
    district_bands = [["label", "min_percent"], ["Xuất sắc", "90"], ["Tốt", "80"], ["Kém", "0"]]
    from tests.helpers import xlsx

    (tmp_path / "district.xlsx").write_bytes(
        xlsx({"criteria": DISTRICT_SET, "bands": district_bands})
    )
    (tmp_path / "department.xlsx").write_bytes(xlsx({"criteria": DEPARTMENT_SET, "bands": BANDS}))
    return {
        "department": str(tmp_path / "department.xlsx"),
        "district": str(tmp_path / "district.xlsx"),
        "units": write(tmp_path, "units.csv", UNITS),
        "final": write(tmp_path, "final.csv", FINAL_SCORES),
        "survey": write(tmp_path, "survey.csv", SURVEY_SCORES),
    }


@pytest.fixture
def imported(db, files):
    """On an empty database: index sets, units, survey and final scores from files alone."""
    run("import_index_set", files["department"], "--year", "2025", "--kind", "department")
    run("import_index_set", files["district"], "--year", "2025", "--kind", "district")
    run("import_units", files["units"])
    run("import_scores", files["survey"], "--year", "2025", "--stage", "survey")
    output = run("import_scores", files["final"], "--year", "2025", "--stage", "final")
    assert "6" in output  # six assessments marked appraised
    return files


def rankings(*args):
    return json.loads(run("rankings", "--year", "2025", "--format", "json", *args))


def test_files_alone_give_the_published_table(imported):
    rows = rankings()
    assert [
        (
            r["group"],
            r["rank"],
            r["unit_code"],
            r["points"],
            r["max_points"],
            r["direct_points"],
            r["survey_points"],
            r["index_percent"],
            r["band"],
        )
        for r in rows
    ] == EXPECTED
    for row in rows:  # total = direct + survey, to the cent
        assert float(row["points"]) == pytest.approx(
            float(row["direct_points"]) + float(row["survey_points"])
        )
    by_unit = {r["unit_code"]: r for r in rows}
    assert (by_unit["SC"]["rank_of"], by_unit["SC"]["rank_label"]) == (3, "01/3")
    assert by_unit["SD"]["rank_of"] is None
    assert by_unit["SA"]["previous_rank"] is None and by_unit["SA"]["index_change"] is None
    assert set(rows[0]) >= {
        "group",
        "rank",
        "rank_of",
        "unit_code",
        "unit_name",
        "points",
        "max_points",
        "direct_points",
        "survey_points",
        "index_percent",
        "band",
        "previous_rank",
        "rank_change",
        "index_change",
    }
    # By raw points the order would have been A, B, C.
    so = [r for r in rows if r["group"] == "so"]
    assert [r["unit_code"] for r in sorted(so, key=lambda r: -float(r["points"]))] == [
        "SA",
        "SB",
        "SC",
    ]


def test_group_filter_csv_and_table(imported):
    assert [r["unit_code"] for r in rankings("--group", "huyen")] == ["H2", "H1"]
    csv_output = run("rankings", "--year", "2025", "--format", "csv", "--group", "so")
    assert csv_output.startswith("\ufeffgroup,group_name,rank,rank_of")
    assert "SC,Sở C,department,69.25,71.50" in csv_output
    table = run("rankings", "--year", "2025")
    assert "01/3" in table and "96,85%" in table and "Không xếp hạng" in table
    with pytest.raises(CommandError, match="nope"):
        run("rankings", "--year", "2025", "--group", "nope")


def test_publish_then_next_year_compares(imported, files, tmp_path):
    output = run("publish", "--year", "2025", "--date", "02/03/2026")
    assert "1" in output
    publication = Publication.objects.get()
    assert publication.published_at.strftime("%d/%m/%Y") == "02/03/2026"
    assert not Assessment.objects.exclude(status=AssessmentStatus.PUBLISHED).exists()
    # 2026: Sở B improves, Sở C slips.
    run("import_index_set", files["department"], "--year", "2026", "--kind", "department")
    scores_2026 = write(
        tmp_path,
        "final26.csv",
        [
            SCORE_HEADER,
            ["SA", "1.1.1", "28", "", ""],
            ["SA", "1.1.2", "3.5", "", ""],
            ["SA", "1.1.3", "24.93", "", ""],
            ["SA", "1.1.4", "3", "", ""],
            ["SB", "1.1.1", "30", "", ""],
            ["SB", "1.1.2", "", "1", ""],
            ["SB", "1.1.3", "28.5", "", ""],
            ["SB", "1.1.4", "3", "", ""],
            ["SC", "1.1.1", "20", "", ""],
            ["SC", "1.1.3", "", "1", ""],
        ],
    )
    run("import_scores", scores_2026, "--year", "2026", "--stage", "final")
    rows = {
        r["unit_code"]: r
        for r in json.loads(run("rankings", "--year", "2026", "--format", "json", "--group", "so"))
    }
    assert (rows["SB"]["rank"], rows["SB"]["previous_rank"], rows["SB"]["rank_change"]) == (1, 3, 2)
    assert rows["SC"]["rank_change"] == -2
    # Sở A: 59,43/100 this year against 94,43/100 last year (no survey entered yet).
    assert rows["SA"]["index_change"] == "-35.00"
    assert rows["SA"]["points_change"] == "-35.00"


def test_importing_final_scores_twice_updates_and_keeps_the_audit(imported, files):
    run("import_scores", files["final"], "--year", "2025", "--stage", "final")
    assert Score.objects.filter(final_points__isnull=False).count() == 13
    assert Score.objects.filter(final_not_applicable=True).count() == 2  # the council's, apart
    assert Score.objects.filter(final_not_applicable=False).count() == 13  # scored: it applies
    assert SurveyResult.objects.filter(not_applicable=False).count() == 4


def bad_scores(tmp_path, rows):
    return write(tmp_path, "bad.csv", [SCORE_HEADER, *rows])


@pytest.mark.parametrize(
    ("stage", "row", "fragment"),
    [
        ("final", ["XX", "1.1.1", "1", "", ""], "XX"),
        ("final", ["SA", "9.9.9", "1", "", ""], "9.9.9"),
        ("final", ["SA", "1.1", "1", "", ""], "1.1"),  # a criterion, not a sub-criterion
        ("final", ["SA", "1.1.1", "30.5", "", ""], "30,5"),
        ("final", ["SA", "1.1.1", "-1", "", ""], "-1"),
        ("final", ["SA", "1.1.1", "hai", "", ""], "hai"),
        ("final", ["SA", "1.1.1", "", "", ""], "1.1.1"),
        ("final", ["SA", "1.1.1", "1", "có lẽ", ""], "có lẽ"),
        ("final", ["SA", "2.1.1", "30", "", ""], "survey"),
        ("survey", ["SA", "1.1.1", "10", "", ""], "1.1.1"),
        ("self", ["SA", "1.1.1", "1.23456", "", ""], "4"),
    ],
    ids=[
        "unknown-unit",
        "unknown-item",
        "criterion-code",
        "above-max",
        "below-zero",
        "text-points",
        "no-points",
        "bad-boolean",
        "survey-item-in-final",
        "survey-points-on-direct-item",
        "too-many-decimals",
    ],
)
def test_bad_score_rows_are_reported_by_row_and_nothing_changes(
    imported, tmp_path, stage, row, fragment
):
    before = list(Score.objects.values_list("pk", "final_points", "self_points"))
    path = bad_scores(tmp_path, [["SB", "1.1.1", "12", "", ""], row])
    with pytest.raises(CommandError) as excinfo:
        run("import_scores", path, "--year", "2025", "--stage", stage)
    message = str(excinfo.value)
    assert "Dòng 3" in message and fragment in message, message
    assert list(Score.objects.values_list("pk", "final_points", "self_points")) == before


def test_duplicate_rows_and_years_without_a_period(imported, tmp_path):
    path = bad_scores(tmp_path, [["SA", "1.1.1", "1", "", ""], ["sa", "1.1.1", "2", "", ""]])
    with pytest.raises(CommandError, match="Dòng 3"):
        run("import_scores", path, "--year", "2025", "--stage", "self")
    with pytest.raises(CommandError, match="2031"):
        run("import_scores", path, "--year", "2031", "--stage", "self")


def test_publishing_needs_every_appraisal_finalised(db, files):
    run("import_index_set", files["department"], "--year", "2025", "--kind", "department")
    run("import_units", files["units"])
    run("import_scores", files["survey"], "--year", "2025", "--stage", "survey")
    with pytest.raises(CommandError, match="Sở A"):
        run("publish", "--year", "2025")
    assert not Publication.objects.exists()


def test_imported_survey_points_replace_a_recorded_rate(imported, tmp_path):
    from decimal import Decimal

    from scoring.models import SurveyResult

    SurveyResult.objects.filter(assessment__unit__code="SA").update(ratio=Decimal("50"))
    path = write(tmp_path, "survey2.csv", [SCORE_HEADER, ["SA", "2.1.1", "20", "", ""]])
    run("import_scores", path, "--year", "2025", "--stage", "survey")
    result = SurveyResult.objects.get(assessment__unit__code="SA")
    assert (result.ratio, result.points) == (None, Decimal("20"))
    by_unit = {r["unit_code"]: r for r in rankings()}
    assert by_unit["SA"]["survey_points"] == "20.00"


def test_importing_into_a_published_year_makes_it_publishable_again(imported, tmp_path):
    from scoring.models import AuditEntry

    run("publish", "--year", "2025")
    # A correction of the published results is the council's: a final-stage "không áp dụng".
    path = write(tmp_path, "final.csv", [SCORE_HEADER, ["SA", "1.1.2", "", "x", "Không có"]])
    run("import_scores", path, "--year", "2025", "--stage", "final")
    assert Assessment.objects.get(unit__code="SA").status == AssessmentStatus.APPRAISED
    na = AuditEntry.objects.get(
        field="final_not_applicable", new_value="1", assessment__unit__code="SA"
    )
    assert "final.csv" in na.reason
    output = run("publish", "--year", "2025", "--reason", "Bổ sung: 1.1.2 không áp dụng")
    assert "2" in output
    versions = {p.version: p for p in Publication.objects.all()}
    sa = {v: p.unit_results.get(unit_code="SA") for v, p in versions.items()}
    assert (sa[1].max_points, sa[2].max_points) == (100, 96.5)


def test_csv_writes_negative_changes_as_numbers(imported, files, tmp_path):
    run("publish", "--year", "2025")
    run("import_index_set", files["department"], "--year", "2026", "--kind", "department")
    path = write(tmp_path, "f26.csv", [SCORE_HEADER, ["SA", "1.1.1", "1", "", ""]])
    run("import_scores", path, "--year", "2026", "--stage", "final")
    csv_output = run("rankings", "--year", "2026", "--format", "csv", "--group", "so")
    line = next(row for row in csv_output.splitlines() if row.startswith("so,") and ",SA," in row)
    assert ",-93.43," in line and "'" not in line
