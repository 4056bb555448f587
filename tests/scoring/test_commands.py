"""The command-line contract on an empty database: files alone are enough."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from scoring.models import AssessmentPeriod, IndexSet, ItemLevel
from tests.helpers import csv_text
from units.models import Organiser, Unit, UnitKind

SAMPLE = "scoring/demo_data/index-set-department.csv"


def run(*args):
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_index_set_creates_period_and_organiser_on_an_empty_database(db, tmp_path):
    output = run("import_index_set", SAMPLE, "--year", "2024", "--kind", "so")
    period = AssessmentPeriod.objects.get(year=2024)
    assert period.organiser == Organiser.objects.get()
    index_set = IndexSet.objects.get(period=period)
    assert index_set.unit_kind.code == "department"  # "so" is its alias
    assert index_set.items.filter(level=ItemLevel.SUB_CRITERION).count() == 49
    assert "49" in output


def test_import_index_set_with_a_new_kind_creates_it(db):
    output = run("import_index_set", SAMPLE, "--year", "2024", "--kind", "bhxh")
    assert UnitKind.objects.filter(code="bhxh").exists()
    assert "bhxh" in output


def test_a_refused_file_leaves_nothing_behind(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_text(
            [
                ["code", "name", "max_points", "method", "rule", "evidence_required", "survey"],
                ["1", "Lĩnh vực", "abc", "", "", "", ""],
            ]
        )
    )
    with pytest.raises(CommandError) as excinfo:
        run("import_index_set", str(bad), "--year", "2024", "--kind", "brand-new-kind")
    message = str(excinfo.value)
    assert "Dòng 2" in message and "abc" in message
    assert not AssessmentPeriod.objects.exists()
    assert not Organiser.objects.exists()
    assert not UnitKind.objects.filter(code="brand-new-kind").exists()


def test_import_units_then_export_index_set_round_trip(db, tmp_path):
    units = tmp_path / "units.csv"
    units.write_bytes(
        csv_text(
            [
                ["code", "name", "kind", "parent", "group"],
                ["STP", "Sở Tư pháp", "department", "", "so-nganh"],
            ]
        )
    )
    assert "1" in run("import_units", str(units))
    assert Unit.objects.get(code="STP").ranking_group.code == "so-nganh"
    run("import_index_set", SAMPLE, "--year", "2025", "--kind", "department")
    out = tmp_path / "set.xlsx"
    run("export_index_set", "--year", "2025", "--kind", "department", "--out", str(out))
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["criteria", "bands"]
    rows = list(workbook["criteria"].iter_rows(values_only=True))
    assert rows[0][:7] == (
        "code",
        "name",
        "max_points",
        "method",
        "rule",
        "evidence_required",
        "survey",
    )
    assert isinstance(rows[1][2], (int, float))  # numbers stay numbers
    # What was exported imports again as the next version, identical item by item.
    run("import_index_set", str(out), "--year", "2025", "--kind", "department")
    first, second = IndexSet.objects.order_by("version")
    fields = (
        "code",
        "level",
        "name",
        "max_points",
        "method",
        "method_params",
        "rule",
        "evidence_required",
        "not_applicable_allowed",
    )
    assert list(first.items.order_by("position").values_list(*fields)) == list(
        second.items.order_by("position").values_list(*fields)
    )


def test_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match=r"không-có\.csv"):
        run("import_units", "không-có.csv")
