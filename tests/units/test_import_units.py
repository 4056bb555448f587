"""Importing units and ranking groups: parents in any order, groups and kinds created on an empty
database, updates by code — and bad rows reported by row with nothing imported."""

import pytest

from parindex.tabular import ImportFailed
from tests.factories import OrganiserFactory
from tests.helpers import csv_text, xlsx
from units.imports import ranking_groups_import, units_import
from units.models import Organiser, RankingGroup, Unit, UnitKind

HEADER = ["code", "name", "kind", "parent", "group"]


def test_empty_database_gets_organiser_kinds_groups_and_the_tree(db):
    rows = [
        HEADER,
        ["X01", "Xã An Bình", "xã", "H01", "xa"],  # listed before its district
        ["H01", "UBND huyện An Phú", "district", "", "huyen"],
        ["S01", "Sở Tư pháp", "so", "", "so-nganh"],
        ["S02", "Văn phòng Đoàn ĐBQH", "department", "", ""],
        ["BHXH", "Bảo hiểm xã hội tỉnh", "trung-uong", "", ""],
    ]
    summary = units_import(data=xlsx({"units": rows}), filename="units.xlsx")
    assert (summary.created, summary.updated) == (5, 0)
    assert Organiser.objects.count() == 1
    commune = Unit.objects.get(code="X01")
    assert commune.parent.code == "H01"
    assert commune.kind.code == "commune"  # "xã" is an alias of the standard kind
    assert commune.ranking_group.code == "xa"
    assert Unit.objects.get(code="S02").ranking_group is None  # assessed, unranked
    assert summary.new_kinds == ["trung-uong"]
    assert sorted(summary.new_groups) == ["huyen", "so-nganh", "xa"]
    assert RankingGroup.objects.get(code="xa").kind.code == "commune"


def test_reimport_updates_by_code_and_accepts_bom_csv(db):
    units_import(
        data=csv_text([HEADER, ["S01", "Sở Tư pháp", "department", "", "g"]]), filename="u.csv"
    )
    summary = units_import(
        data=csv_text(
            [[*HEADER, "active"], ["S01", "Sở Tư Pháp tỉnh", "department", "", "", "không"]]
        ),
        filename="u.csv",
    )
    unit = Unit.objects.get(code="S01")
    assert (summary.created, summary.updated) == (0, 1)
    assert unit.name == "Sở Tư Pháp tỉnh"
    assert unit.ranking_group is None
    assert unit.active is False


def test_names_are_stored_in_nfc(db):
    decomposed = "Xa\u0303 Hòa"  # "Xã" typed with a combining tilde
    units_import(data=csv_text([HEADER, ["X1", decomposed, "commune", "", ""]]), filename="u.csv")
    assert Unit.objects.get(code="X1").name == "Xã Hòa"


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (["X01", "Xã An", "commune", "KHONG-CO", ""], "KHONG-CO"),
        (["X01", "", "commune", "", ""], "name"),
        (["X 01", "Xã An", "commune", "", ""], "code"),
        (["X01", "Xã An", "commune", "", "", "có lẽ"], "có lẽ"),
        (["X01", "Xã An", "commune", "", "", "1", "năm ngoái"], "năm ngoái"),
    ],
    ids=["unknown-parent", "empty-name", "bad-code", "bad-boolean", "bad-year"],
)
def test_bad_rows_are_reported_by_excel_row_and_nothing_is_imported(db, row, fragment):
    header = HEADER + ["active", "valid_from_year"][: len(row) - len(HEADER)]
    rows = [header, ["S01", "Sở Tư pháp", "department", "", ""] + [""] * (len(row) - 5), row]
    with pytest.raises(ImportFailed) as excinfo:
        units_import(data=xlsx({"u": rows}), filename="u.xlsx")
    problems = [(p.row, p.message) for p in excinfo.value.problems]
    assert any(r == 3 and fragment in m for r, m in problems), problems
    assert not Unit.objects.exists()
    assert not RankingGroup.objects.exists()


def test_missing_required_columns_are_named(db):
    with pytest.raises(ImportFailed) as excinfo:
        units_import(data=csv_text([["code", "name"], ["S01", "Sở"]]), filename="u.csv")
    assert "kind" in str(excinfo.value)


def test_several_organisers_need_an_organiser_column(db):
    OrganiserFactory(code="a")
    OrganiserFactory(code="b")
    with pytest.raises(ImportFailed):
        units_import(data=csv_text([HEADER, ["S01", "Sở", "department", "", ""]]), filename="u.csv")
    summary = units_import(
        data=csv_text([HEADER, ["S01", "Sở", "department", "", ""]]),
        filename="u.csv",
        organiser_code="b",
    )
    assert summary.created == 1
    assert Unit.objects.get().organiser.code == "b"


def test_ranking_groups_import(db):
    OrganiserFactory(code="snv")
    summary = ranking_groups_import(
        data=csv_text(
            [
                ["code", "name", "kind"],
                ["so-nganh", "Sở, ban, ngành", "department"],
                ["xa", "UBND cấp xã", "commune"],
            ]
        ),
        filename="g.csv",
    )
    assert summary.created == 2
    assert RankingGroup.objects.get(code="xa").kind == UnitKind.objects.get(code="commune")
    with pytest.raises(ImportFailed) as excinfo:
        ranking_groups_import(
            data=csv_text([["code", "name", "kind"], ["h", "Huyện", "tỉnh-bạn"]]), filename="g.csv"
        )
    assert excinfo.value.problems[0].row == 2


def test_a_units_file_over_its_row_limit_is_refused_before_any_row_is_imported(db, settings):
    settings.PARINDEX_IMPORT_UNITS_MAX_ROWS = 100
    rows = [HEADER] + [[f"S{i:03d}", f"Sở {i}", "department", "", ""] for i in range(200)]
    with pytest.raises(ImportFailed) as failure:
        units_import(data=csv_text(rows), filename="u.csv")
    assert "100" in str(failure.value)
    assert not Unit.objects.exists()


def test_a_failure_on_the_last_units_row_imports_nothing(db, monkeypatch):
    rows = [HEADER] + [[f"S{i:02d}", f"Sở {i}", "department", "", ""] for i in range(5)]
    saved = []
    original = Unit.save

    def save_then_fail(self, *args, **kwargs):
        saved.append(self.code)
        if self.code == "S04":
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Unit, "save", save_then_fail)
    with pytest.raises((RuntimeError, ImportFailed)):
        units_import(data=csv_text(rows), filename="u.csv")
    assert "S04" in saved
    assert not Unit.objects.exists()
