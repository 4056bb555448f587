"""Reorganising units (units.reorganisation): each change kind, its years and predecessor
links, and what it refuses."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.factories import OrganiserFactory, RankingGroupFactory, UnitFactory, UnitKindFactory
from units.models import Unit, UnitChangeKind
from units.reorganisation import (
    Decision,
    NewUnit,
    unit_add,
    unit_dissolve,
    unit_rename,
    unit_split,
    units_merge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    organiser = OrganiserFactory(code="hoa-an")
    commune = UnitKindFactory(code="xa", name="Xã")
    district = UnitKindFactory(code="huyen", name="Huyện")
    group = RankingGroupFactory(organiser=organiser, code="xa", kind=commune)
    units = {
        code: UnitFactory(
            code=code, name=name, kind=commune, organiser=organiser, ranking_group=group
        )
        for code, name in [("XA1", "Xã Một"), ("XA2", "Xã Hai"), ("XA3", "Xã Ba")]
    }
    units["H1"] = UnitFactory(code="H1", name="Huyện Một", kind=district, organiser=organiser)
    return {"organiser": organiser, "commune": commune, "group": group, **units}


def test_add_starts_the_unit_in_its_year(province):
    change = unit_add(
        organiser=province["organiser"],
        unit=NewUnit(code="DK1", name="Đặc khu Một", kind=province["commune"]),
        year=2025,
        decision=Decision(number="1656/NQ-UBTVQH15", day=date(2025, 6, 16)),
        by=None,
    )
    unit = Unit.objects.get(code="DK1")
    assert change.kind == UnitChangeKind.ADD and list(change.results.all()) == [unit]
    assert unit.valid_from_year == 2025
    assert not unit.exists_in(2024) and unit.exists_in(2025)
    assert change.decision_number == "1656/NQ-UBTVQH15"


def test_add_refuses_a_code_already_used(province):
    with pytest.raises(ValidationError, match="đã được sử dụng"):
        unit_add(
            organiser=province["organiser"],
            unit=NewUnit(code="xa1", name="Trùng", kind=province["commune"]),
            year=2025,
            by=None,
        )


def test_rename_keeps_the_unit_and_records_both_names(province):
    change = unit_rename(unit=province["XA1"], name="Phường Một", year=2025, by=None)
    province["XA1"].refresh_from_db()
    assert province["XA1"].name == "Phường Một"
    assert (change.old_name, change.new_name) == ("Xã Một", "Phường Một")


def test_merge_into_a_new_unit_ends_the_sources_and_links_them(province):
    change = units_merge(
        sources=[province["XA1"], province["XA2"]],
        year=2025,
        new=NewUnit(
            code="XA12", name="Xã Mới", kind=province["commune"], ranking_group=province["group"]
        ),
        by=None,
    )
    merged = Unit.objects.get(code="XA12")
    for code in ("XA1", "XA2"):
        source = Unit.objects.get(code=code)
        assert source.valid_to_year == 2024
        assert source.exists_in(2024) and not source.exists_in(2025)
    assert merged.valid_from_year == 2025
    assert set(merged.predecessors.values_list("code", flat=True)) == {"XA1", "XA2"}
    assert set(change.sources.values_list("code", flat=True)) == {"XA1", "XA2"}


def test_merge_into_an_existing_unit_keeps_it(province):
    units_merge(sources=[province["XA1"]], into=province["XA3"], year=2026, by=None)
    province["XA3"].refresh_from_db()
    assert province["XA3"].valid_to_year is None
    assert list(province["XA3"].predecessors.values_list("code", flat=True)) == ["XA1"]


def test_a_unit_cannot_merge_into_itself(province):
    with pytest.raises(ValidationError, match="chính nó"):
        units_merge(
            sources=[province["XA1"], province["XA2"]], into=province["XA1"], year=2025, by=None
        )


def test_merge_refuses_a_unit_that_no_longer_exists(province):
    unit_dissolve(unit=province["XA2"], year=2025, by=None)
    province["XA2"].refresh_from_db()
    with pytest.raises(ValidationError, match="không tồn tại trong năm 2026"):
        units_merge(sources=[province["XA2"]], into=province["XA3"], year=2026, by=None)


def test_merge_refuses_another_organisers_unit(province):
    other = UnitFactory(code="ZZ", kind=province["commune"])
    with pytest.raises(ValidationError, match="cơ quan tổ chức khác"):
        units_merge(sources=[province["XA1"], other], into=province["XA3"], year=2025, by=None)


def test_split_makes_new_units_with_the_source_as_predecessor(province):
    change = unit_split(
        source=province["XA3"],
        parts=[
            NewUnit(code="XA3A", name="Xã Ba A", kind=province["commune"]),
            NewUnit(code="XA3B", name="Xã Ba B", kind=province["commune"]),
        ],
        year=2026,
        by=None,
    )
    assert change.results.count() == 2
    for code in ("XA3A", "XA3B"):
        assert list(Unit.objects.get(code=code).predecessors.all()) == [province["XA3"]]
    province["XA3"].refresh_from_db()
    assert province["XA3"].valid_to_year == 2025


def test_split_refuses_duplicate_new_codes_and_changes_nothing(province):
    with pytest.raises(ValidationError, match="đã được sử dụng"):
        unit_split(
            source=province["XA3"],
            parts=[
                NewUnit(code="N1", name="A", kind=province["commune"]),
                NewUnit(code="n1", name="B", kind=province["commune"]),
            ],
            year=2026,
            by=None,
        )
    province["XA3"].refresh_from_db()
    assert province["XA3"].valid_to_year is None
    assert not Unit.objects.filter(code__iexact="N1").exists()


def test_districts_end_in_2024(province):
    """The 2025 reform: the district level ends; a 2024 period covers it, 2025 does not."""
    unit_dissolve(unit=province["H1"], year=2025, by=None)
    province["H1"].refresh_from_db()
    assert province["H1"].exists_in(2024) and not province["H1"].exists_in(2025)


def test_a_unit_cannot_end_in_the_year_it_starts(province):
    unit_add(
        organiser=province["organiser"],
        unit=NewUnit(code="NEW", name="Mới", kind=province["commune"]),
        year=2026,
        by=None,
    )
    with pytest.raises(ValidationError, match="chỉ bắt đầu từ năm 2026"):
        unit_dissolve(unit=Unit.objects.get(code="NEW"), year=2026, by=None)
