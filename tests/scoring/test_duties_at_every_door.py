"""Separation of duties holds at every door that grants a role, both ways (units.duties): an
appraiser or chair is not given a unit of the organiser they judge — by Home Affairs' accounts
page, its import or the admin — and the system administrator is not appointed to a council.
Each refusal says why and saves nothing: no grant, no audit row."""

import pytest
from django.urls import reverse

from scoring.exceptions import DutyConflict
from scoring.models import AuditEntry
from scoring.services.accounts import staff_account_create
from scoring.services.council import council_member_save
from tests.admin_forms import add_grant, admin_post, change_form
from tests.factories import OrganiserFactory, RoleGrantFactory, UnitFactory
from units.accounts import PlanAction, staff_account_plan
from units.models import RoleGrant
from units.roles import Role

pytestmark = pytest.mark.django_db

ADMIN_MESSAGE = (
    "là quản trị hệ thống, người giữ các tài khoản: quản trị hệ thống không là thành viên "
    "Hội đồng thẩm định."
)


@pytest.fixture
def period(self_assessment_setup):
    return self_assessment_setup["period"]


def staff_message(user, unit="Sở Tư pháp"):
    return (
        f"{user.get_full_name()} là cán bộ của {unit}, đơn vị do Hội đồng này thẩm định: cán bộ "
        "của một đơn vị không là thành viên Hội đồng thẩm định đơn vị mình và các đơn vị cùng "
        "xếp hạng."
    )


def roles(user):
    return sorted(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


def with_email(user, email):
    user.email = email
    user.save()
    return user


# ---------------------------------------------------------------- the accounts pages


@pytest.mark.parametrize("member", ["appraiser", "chair"])
def test_the_accounts_page_does_not_give_a_council_member_a_unit(client, personas, member):
    person = with_email(personas[member], f"{member}@x.vn")
    before = (roles(person), AuditEntry.objects.count())
    client.force_login(personas["home_affairs"])
    response = client.post(
        reverse("scoring:setup_account_create"),
        {"unit": personas["unit_a"].pk, "full_name": person.full_name, "email": person.email},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [staff_message(person)]
    assert staff_message(person) in response.content.decode()
    assert (roles(person), AuditEntry.objects.count()) == before


def test_the_service_and_the_import_plan_refuse_it_too(personas):
    person = with_email(personas["appraiser"], "tham.dinh@x.vn")
    with pytest.raises(Exception) as refusal:
        staff_account_create(
            unit=personas["unit_b"],
            full_name="Thẩm Định",
            email="THAM.DINH@x.vn",
            by=personas["home_affairs"],
        )
    assert staff_message(person, "Sở Y tế") in str(refusal.value)
    # The file import checks each row with the same plan.
    plan = staff_account_plan(
        organiser=personas["organiser"],
        unit=personas["unit_b"],
        full_name="Thẩm Định",
        email="tham.dinh@x.vn",
    )
    assert not plan.ok and plan.errors["email"] == staff_message(person, "Sở Y tế")
    assert roles(person) == [Role.APPRAISER]


def test_an_appraiser_of_another_organiser_may_be_given_a_unit(personas):
    outsider = RoleGrantFactory(
        role=Role.APPRAISER, organiser=OrganiserFactory(code="org-other")
    ).user
    with_email(outsider, "ngoai@x.vn")
    saved = staff_account_create(
        unit=personas["unit_a"],
        full_name=outsider.full_name or "Người Ngoài",
        email="ngoai@x.vn",
        by=personas["home_affairs"],
    )
    assert saved.granted and roles(outsider) == [Role.APPRAISER, Role.UNIT_STAFF]


# ---------------------------------------------------------------- the council page


def test_the_system_admin_is_not_appointed_to_the_council(client, personas, period):
    admin = personas["admin"]
    audit_before = AuditEntry.objects.count()
    for role in (Role.APPRAISER, Role.COUNCIL_CHAIR):
        with pytest.raises(DutyConflict) as refusal:
            council_member_save(period=period, user=admin, role=role, by=personas["home_affairs"])
        assert refusal.value.message == f"{admin.get_full_name()} {ADMIN_MESSAGE}"
    client.force_login(personas["home_affairs"])
    response = client.post(
        reverse("scoring:council_members", args=[period.pk]),
        {
            "account": admin.username,
            "role": Role.APPRAISER,
            "area_scope": "all",
            "unit_scope": "all",
        },
    )
    assert response.status_code == 200
    assert ADMIN_MESSAGE in response.content.decode()
    assert roles(admin) == []
    assert AuditEntry.objects.count() == audit_before


# ---------------------------------------------------------------- the admin


@pytest.mark.parametrize("member", ["appraiser", "chair"])
def test_the_admin_does_not_give_a_council_member_a_unit(client, personas, member):
    person = personas[member]
    client.force_login(personas["admin"])
    data = add_grant(
        change_form(client, person), person, role=Role.UNIT_STAFF, unit=personas["unit_a"].pk
    )
    audit_before = AuditEntry.objects.count()
    response = admin_post(client, person, data)
    assert response.status_code == 200
    assert staff_message(person) in response.content.decode()
    assert roles(person) == [Role(member if member == "appraiser" else Role.COUNCIL_CHAIR)]
    assert AuditEntry.objects.count() == audit_before


def test_the_admin_does_not_put_a_units_staff_or_home_affairs_on_the_council(client, personas):
    client.force_login(personas["admin"])
    organiser = personas["organiser"].pk
    for persona, message in (
        ("staff_b", staff_message(personas["staff_b"], "Sở Y tế")),
        ("home_affairs", "là cán bộ Sở Nội vụ"),
    ):
        person = personas[persona]
        before = roles(person)
        data = add_grant(change_form(client, person), person, role=Role.APPRAISER)
        data[f"role_grants-{int(data['role_grants-TOTAL_FORMS']) - 1}-organiser"] = organiser
        response = admin_post(client, person, data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert roles(person) == before


def test_the_admin_does_not_make_an_appraiser_system_admin(client, personas):
    person = personas["appraiser"]
    client.force_login(personas["admin"])
    data = change_form(client, person)
    data["is_superuser"] = "on"
    response = admin_post(client, person, data)
    assert response.status_code == 200
    assert ADMIN_MESSAGE in response.content.decode()
    person.refresh_from_db()
    assert not person.is_superuser


def test_the_admin_still_saves_a_grant_that_conflicts_with_nothing(client, personas):
    person = personas["staff_a"]
    client.force_login(personas["admin"])
    data = add_grant(change_form(client, person), person, role=Role.UNIT_STAFF)
    data[f"role_grants-{int(data['role_grants-TOTAL_FORMS']) - 1}-unit"] = UnitFactory(
        code="Z", organiser=OrganiserFactory(code="org-z")
    ).pk
    response = admin_post(client, person, data)
    assert response.status_code == 302
    assert roles(person) == [Role.UNIT_STAFF, Role.UNIT_STAFF]


def test_the_plan_for_a_colleague_without_a_council_role_is_a_grant(personas):
    plan = staff_account_plan(
        organiser=personas["organiser"],
        unit=personas["unit_b"],
        full_name="A",
        email=with_email(personas["staff_a"], "a@x.vn").email,
    )
    assert plan.ok and plan.action == PlanAction.GRANT
