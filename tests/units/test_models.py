import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import OrganiserFactory, RankingGroupFactory, UnitFactory, UserFactory
from units.models import RoleGrant
from units.roles import Role


def test_parent_chain_cannot_loop(db):
    province = UnitFactory(code="P")
    district = UnitFactory(code="D", parent=province, organiser=province.organiser)
    province.parent = district
    with pytest.raises(ValidationError, match="parent"):
        province.full_clean()


def test_unit_cannot_be_its_own_parent_in_the_database(db):
    unit = UnitFactory()
    unit.parent_id = unit.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


def test_validity_years_must_be_ordered(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(valid_from_year=2026, valid_to_year=2025)


def test_existence_in_a_year_follows_validity_and_activity(db):
    merged_away = UnitFactory(valid_to_year=2025)
    new = UnitFactory(valid_from_year=2026)
    retired = UnitFactory(active=False)
    assert merged_away.exists_in(2025) and not merged_away.exists_in(2026)
    assert new.exists_in(2026) and not new.exists_in(2025)
    assert not retired.exists_in(2026)


def test_ranking_group_must_belong_to_the_units_organiser(db):
    unit = UnitFactory(ranking_group=RankingGroupFactory(organiser=OrganiserFactory(code="x")))
    with pytest.raises(ValidationError, match="ranking_group"):
        unit.full_clean()


def test_text_is_stored_in_nfc(db):
    unit = UnitFactory(name="Xa\u0303 Hoa\u0300 An")
    unit.refresh_from_db()
    assert unit.name == "Xã Hoà An".replace("Hoà", "Hoà")
    assert all(len(ch.encode("utf-8")) <= 3 for ch in unit.name)
    assert "\u0303" not in unit.name and "\u0300" not in unit.name


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role": Role.UNIT_STAFF},  # no unit
        {"role": Role.APPRAISER},  # no organiser
        {"role": Role.HOME_AFFAIRS, "with_unit": True},  # unit on an organiser role
    ],
)
def test_role_grants_need_the_right_scope(db, kwargs):
    user, organiser = UserFactory(), OrganiserFactory()
    unit = UnitFactory(organiser=organiser) if kwargs.pop("with_unit", False) else None
    grant = RoleGrant(
        user=user,
        unit=unit,
        organiser=organiser if kwargs["role"] == Role.HOME_AFFAIRS else None,
        role=kwargs["role"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        grant.save()


def test_only_appraisers_have_area_codes(db):
    grant = RoleGrant(
        user=UserFactory(), role=Role.HOME_AFFAIRS, organiser=OrganiserFactory(), area_codes="2"
    )
    with pytest.raises(ValidationError, match="area_codes"):
        grant.full_clean()
    grant.role = Role.APPRAISER
    grant.full_clean()
    grant.area_codes = "2; 7"
    with pytest.raises(ValidationError, match="area_codes"):
        grant.full_clean()
