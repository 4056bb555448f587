"""A unit's code is unique within its organiser, not on the whole instance: two provinces may
both have an "STP" (Sở Tư pháp). Each province's imports, merges and the open-data history
reach their own STP only; a second STP in one province is refused with a clear message."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext

from parindex.tabular import ImportFailed
from scoring.models import Score
from scoring.services.accounts import AccountRow, account_rows_read, staff_accounts_preview
from scoring.services.publication import period_publish
from scoring.services.score_import import scores_import
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    BandFactory,
    IndexSetFactory,
    OrganiserFactory,
    PeriodFactory,
    RoleGrantFactory,
    UnitFactory,
    UnitKindFactory,
    UserFactory,
    small_tree,
)
from tests.helpers import csv_text
from units.imports import units_import
from units.models import Unit, UnitChange
from units.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DUPLICATE = "This organiser already has a unit with this code."


@pytest.fixture
def two(db):
    """Two provinces, each with its own Sở Tư pháp coded STP and a Sở Y tế coded SYT."""
    kind = UnitKindFactory()
    north = OrganiserFactory(code="bac-thu", name="Sở Nội vụ tỉnh Bắc Thử")
    south = OrganiserFactory(code="nam-thu", name="Sở Nội vụ tỉnh Nam Thử")
    units = {}
    for organiser, place in ((north, "Bắc Thử"), (south, "Nam Thử")):
        units[organiser.code] = {
            "STP": UnitFactory(
                code="STP", name=f"Sở Tư pháp tỉnh {place}", kind=kind, organiser=organiser
            ),
            "SYT": UnitFactory(
                code="SYT", name=f"Sở Y tế tỉnh {place}", kind=kind, organiser=organiser
            ),
        }
    return {"kind": kind, "north": north, "south": south, "units": units}


def test_two_provinces_each_have_their_own_stp(two):
    assert Unit.objects.filter(code="STP").count() == 2
    north_stp = two["units"]["bac-thu"]["STP"]
    north_stp.full_clean()  # its own code in its own province is no clash


def test_a_second_stp_in_one_province_is_refused_with_a_clear_message(two):
    twin = Unit(code="STP", name="Sở Tư pháp (trùng)", kind=two["kind"], organiser=two["north"])
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert refused.value.messages == [gettext(DUPLICATE)]
    assert "Đơn vị với thông tin" not in " ".join(refused.value.messages)  # not Django's generic
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()  # the database holds the rule too
    assert Unit.objects.filter(organiser=two["north"], code="STP").count() == 1


def test_the_admin_form_refuses_a_duplicate_code_in_the_same_province(client, two):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    form = {
        "code": "STP",
        "name": "Sở Tư pháp (trùng)",
        "kind": two["kind"].pk,
        "organiser": two["north"].pk,
        "active": "on",
    }
    response = client.post(reverse("admin:units_unit_add"), form)
    assert response.status_code == 200  # the form again, not a redirect
    assert gettext(DUPLICATE) in response.content.decode()
    assert Unit.objects.filter(code="STP").count() == 2


def test_units_import_touches_only_its_own_provinces_stp(two):
    rows = [
        ["code", "name", "kind", "parent", "group", "organiser"],
        ["STP", "Sở Tư pháp tỉnh Bắc Thử (mới)", "department", "", "", "bac-thu"],
        ["PTP1", "Phòng Tư pháp huyện Một", "department", "STP", "", "bac-thu"],
    ]
    summary = units_import(data=csv_text(rows), filename="units.csv")
    assert (summary.created, summary.updated) == (1, 1)
    north, south = two["units"]["bac-thu"]["STP"], two["units"]["nam-thu"]["STP"]
    north.refresh_from_db()
    south.refresh_from_db()
    assert north.name == "Sở Tư pháp tỉnh Bắc Thử (mới)"
    assert south.name == "Sở Tư pháp tỉnh Nam Thử"
    assert Unit.objects.get(code="PTP1").parent == north


def test_the_same_code_may_be_imported_for_two_provinces_in_one_file(two):
    rows = [
        ["code", "name", "kind", "parent", "organiser"],
        ["PTP1", "Phòng Tư pháp huyện Một (Nam)", "department", "STP", "nam-thu"],
        ["PTP1", "Phòng Tư pháp huyện Một (Bắc)", "department", "STP", "bac-thu"],
    ]
    summary = units_import(data=csv_text(rows), filename="units.csv")
    assert (summary.created, summary.updated) == (2, 0)
    for code in ("bac-thu", "nam-thu"):
        unit = Unit.objects.get(organiser__code=code, code="PTP1")
        assert unit.parent == two["units"][code]["STP"]


def _open_year(organiser, kind, units):
    period = PeriodFactory(organiser=organiser, year=2026, status=PeriodStatus.SELF_ASSESSMENT)
    index_set = IndexSetFactory(period=period, unit_kind=kind)
    small_tree(index_set)
    for unit in units:
        AssessmentFactory(period=period, unit=unit, index_set=index_set)
    return period


def test_a_score_import_writes_to_its_own_periods_stp_only(two):
    kind = two["kind"]
    north = _open_year(two["north"], kind, two["units"]["bac-thu"].values())
    _open_year(two["south"], kind, two["units"]["nam-thu"].values())
    data = csv_text([["unit", "item", "points"], ["STP", "1.1.1", "1"]])
    summary = scores_import(period=north, stage="self", data=data, filename="self.csv")
    assert summary.created == 1
    written = Score.objects.get(self_points=Decimal("1"))
    assert written.assessment.unit == two["units"]["bac-thu"]["STP"]
    assert not Score.objects.filter(assessment__unit=two["units"]["nam-thu"]["STP"]).exists()


def test_a_score_import_does_not_reach_a_unit_of_another_province(two):
    kind = two["kind"]
    OrganiserFactory(code="third")
    south_only = UnitFactory(code="ONLY-SOUTH", kind=kind, organiser=two["south"])
    north = _open_year(two["north"], kind, two["units"]["bac-thu"].values())
    _open_year(two["south"], kind, [*two["units"]["nam-thu"].values(), south_only])
    data = csv_text([["unit", "item", "points"], ["ONLY-SOUTH", "1.1.1", "1"]])
    with pytest.raises(ImportFailed) as failed:
        scores_import(period=north, stage="self", data=data, filename="self.csv")
    assert "ONLY-SOUTH" in " ".join(problem.message for problem in failed.value.problems)
    assert not Score.objects.exists()


def _published(organiser, kind, unit, points):
    period = PeriodFactory(organiser=organiser, year=2025, status=PeriodStatus.APPRAISAL)
    index_set = IndexSetFactory(period=period, unit_kind=kind)
    tree = small_tree(index_set)
    BandFactory(index_set=index_set, label="Tốt", min_percent=Decimal("0"))
    assessment = AssessmentFactory(
        period=period, unit=unit, index_set=index_set, status=AssessmentStatus.APPRAISED
    )
    for code, value in zip(("1.1.1", "1.1.2"), points, strict=True):
        Score.objects.create(assessment=assessment, item=tree[code], final_points=Decimal(value))
    period_publish(period=period, published_at=datetime(2026, 3, 2, 9, tzinfo=LOCAL))
    return period


@pytest.fixture
def published(two):
    kind = two["kind"]
    return {
        "bac-thu": _published(two["north"], kind, two["units"]["bac-thu"]["STP"], ("1", "2")),
        "nam-thu": _published(two["south"], kind, two["units"]["nam-thu"]["STP"], ("0", "1")),
    }


def test_the_api_history_by_code_follows_organiser(client, published):
    for code, expected in (("bac-thu", "100.0000"), ("nam-thu", "33.3333")):
        response = client.get(f"{API}/units/STP/history?organiser={code}")
        assert response.status_code == 200
        (point,) = response.json()["results"]
        assert (point["period_id"], point["index"]) == (published[code].pk, expected)


def test_the_api_history_without_organiser_refuses_an_ambiguous_code(client, published):
    response = client.get(f"{API}/units/STP/history")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == gettext(
        "Several organisers have a unit with this code: add ?organiser= with one of %(codes)s."
    ) % {"codes": "bac-thu, nam-thu"}
    assert body["errors"][0]["parameter"] == "organiser"
    assert "Cache-Control" not in response


def test_the_api_history_without_organiser_answers_a_code_only_one_province_has(
    client, published, two
):
    # SYT exists in both provinces but is published in none: unknown either way, not ambiguous
    # once the organiser is given.
    assert client.get(f"{API}/units/SYT/history?organiser=bac-thu").status_code == 404
    two["units"]["nam-thu"]["STP"].code = "STP-NAM"
    two["units"]["nam-thu"]["STP"].save()
    response = client.get(f"{API}/units/STP/history")
    assert response.status_code == 200
    assert response.json()["results"][0]["period_id"] == published["bac-thu"].pk
    assert client.get(f"{API}/units/STP/history?organiser=nam-thu").status_code == 404


@pytest.fixture
def north_home_affairs(two):
    return RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=two["north"]).user


def _merge(client, **form):
    return client.post(
        reverse("scoring:setup_unit_merge"),
        {"sources": "STP, SYT", "new_name": "Sở Tư pháp và Y tế", "year": "2026", **form},
    )


def test_a_merge_may_create_a_code_the_other_province_uses(client, two, north_home_affairs):
    UnitFactory(code="STPYT", kind=two["kind"], organiser=two["south"])
    client.force_login(north_home_affairs)
    response = _merge(client, new_code="STPYT", confirmed="1")
    assert response.status_code == 302
    merged = Unit.objects.get(organiser=two["north"], code="STPYT")
    assert set(merged.predecessors.all()) == set(two["units"]["bac-thu"].values())
    assert Unit.objects.filter(code="STPYT").count() == 2
    south_stp = two["units"]["nam-thu"]["STP"]
    south_stp.refresh_from_db()
    assert south_stp.valid_to_year is None  # the other province's STP is not merged


def test_a_merge_may_not_create_a_code_its_own_province_uses(client, two, north_home_affairs):
    UnitFactory(code="STPYT", kind=two["kind"], organiser=two["north"], valid_to_year=2020)
    client.force_login(north_home_affairs)
    response = _merge(client, new_code="STPYT", confirmed="1")
    assert response.status_code == 200
    page = response.content.decode()
    assert gettext("The code “%(code)s” is already used.") % {"code": "STPYT"} in page
    assert not UnitChange.objects.exists()
    assert Unit.objects.filter(code="STPYT").count() == 1


def test_one_acting_for_both_provinces_is_asked_which_stp_is_meant(client, two):
    both = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=two["north"]).user
    RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=two["south"], user=both)
    client.force_login(both)
    response = _merge(client, new_code="STPYT", confirmed="1")
    assert response.status_code == 200
    errors = response.context["form"].errors["organiser"]
    assert errors == [
        gettext("Several organisers have units coded %(codes)s: choose the organiser.")
        % {"codes": "STP, SYT"}
    ]
    assert not UnitChange.objects.exists()
    response = _merge(client, new_code="STPYT", confirmed="1", organiser=two["south"].pk)
    assert response.status_code == 302
    assert Unit.objects.get(code="STPYT").organiser == two["south"]


def test_an_accounts_file_of_one_acting_for_both_provinces_says_whose_stp(two):
    both = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=two["north"]).user
    RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=two["south"], user=both)
    ambiguous = AccountRow(row=2, unit_code="STP", full_name="Trần Thị Hoa", email="h@a.vn")
    southern = AccountRow(
        row=3, unit_code="stp", full_name="Lê Văn Nam", email="n@a.vn", organiser="NAM-THU"
    )
    first, second = staff_accounts_preview(rows=[ambiguous, southern], by=both)
    assert first.plan.errors["unit"] == gettext(
        "Several organisers have a unit coded “%(code)s”: write which in the “%(column)s” "
        "column (%(organisers)s)."
    ) % {"code": "STP", "column": "Mã cơ quan tổ chức đánh giá", "organisers": "bac-thu, nam-thu"}
    assert "unit" not in second.plan.errors
    assert second.plan.unit == two["units"]["nam-thu"]["STP"]
    # Home Affairs of one province reaches its own STP without saying so.
    north_only = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=two["north"]).user
    (entry,) = staff_accounts_preview(rows=[ambiguous], by=north_only)
    assert "unit" not in entry.plan.errors
    assert entry.plan.unit == two["units"]["bac-thu"]["STP"]


def test_the_accounts_file_reads_the_organiser_column(two):
    data = csv_text(
        [
            ["Mã đơn vị", "Họ và tên", "Thư điện tử", "Mã cơ quan tổ chức đánh giá"],
            ["STP", "Lê Văn Nam", "n@a.vn", "nam-thu"],
        ]
    )
    (row,) = account_rows_read(data=data, filename="tai-khoan.csv")
    assert (row.unit_code, row.organiser) == ("STP", "nam-thu")


def test_the_unit_lists_merge_link_names_the_units_organiser(client, two):
    both = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=two["north"]).user
    RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=two["south"], user=both)
    client.force_login(both)
    south = two["south"]
    listing = client.get(reverse("scoring:setup_units")).content.decode()
    link = f"{reverse('scoring:setup_unit_merge')}?units=STP&amp;organiser={south.pk}"
    assert link in listing
    form = client.get(link.replace("&amp;", "&")).context["form"]
    assert form["organiser"].value() == south.pk
    assert form["sources"].value() == "STP"
