"""Home Affairs sets up the appraisal council: the rules of scoring.services.council, their audit
rows, the council page over HTTP (role × view), and what a new membership lets an appraiser do."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from scoring.models import AuditEntry
from scoring.selectors.council import council_for_period
from scoring.services.appraisal import may_appraise
from scoring.services.council import (
    NewAccount,
    council_member_add,
    council_member_remove,
    council_member_save,
)
from tests.factories import OrganiserFactory, RoleGrantFactory, UnitFactory, UserFactory
from units.models import RoleGrant, User
from units.roles import Role


@pytest.fixture
def s(appraisal_setup):
    return appraisal_setup


def members_url(s):
    return reverse("scoring:council_members", args=[s["period"].pk])


def remove_url(s, grant):
    return reverse("scoring:council_member_remove", args=[s["period"].pk, grant.pk])


def grant_of(user, role=None):
    grants = RoleGrant.objects.filter(user=user, role__in=[Role.APPRAISER, Role.COUNCIL_CHAIR])
    return grants.get(role=role) if role else grants.get()


def audit_rows(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("id")


def fresh(user):
    """The user again from the database: access scopes are cached per user object."""
    return User.objects.get(pk=user.pk)


def post_member(client, s, **data):
    payload = {
        "role": Role.APPRAISER,
        "area_scope": "some",
        "unit_scope": "all",
        **data,
    }
    return client.post(members_url(s), payload)


# ---------------------------------------------------------------- permission matrix


PAGE_STATUS = {
    "staff_a": 404,
    "staff_b": 404,
    "appraiser": 404,
    "chair": 403,  # sees the period's results, may not manage it
    "home_affairs": 200,
    "admin": 403,  # reads every result; the council is Home Affairs' (units.roles)
}


@pytest.mark.parametrize("persona,status", PAGE_STATUS.items())
def test_members_page_by_role(client, s, persona, status):
    client.force_login(s[persona])
    assert client.get(members_url(s)).status_code == status


@pytest.mark.parametrize("persona,status", PAGE_STATUS.items())
def test_remove_confirmation_by_role(client, s, persona, status):
    client.force_login(s[persona])
    assert client.get(remove_url(s, grant_of(s["appraiser_1"]))).status_code == status


@pytest.mark.parametrize("persona", [p for p, status in PAGE_STATUS.items() if status != 200])
def test_only_home_affairs_changes_the_council(client, s, persona):
    client.force_login(s[persona])
    grant = grant_of(s["appraiser_1"])
    assert client.post(remove_url(s, grant)).status_code in (403, 404)
    assert post_member(client, s, account=s["staff_a"].username, area_codes=["1"]).status_code in (
        403,
        404,
    )
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not RoleGrant.objects.filter(user=s["staff_a"], role=Role.APPRAISER).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, s):
    for url in (members_url(s), remove_url(s, grant_of(s["appraiser_1"]))):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_another_organisers_period_is_not_found(client, s):
    other = OrganiserFactory(code="org-other")
    officer = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=other).user
    client.force_login(officer)
    assert client.get(members_url(s)).status_code == 404


def test_only_council_memberships_of_the_organiser_can_be_removed(client, s):
    client.force_login(s["home_affairs"])
    staff_grant = RoleGrant.objects.get(user=s["staff_a"])
    officer_grant = RoleGrant.objects.get(user=s["home_affairs"])
    other = RoleGrantFactory(role=Role.APPRAISER, organiser=OrganiserFactory(code="org-other"))
    for grant in (staff_grant, officer_grant, other):
        assert client.get(remove_url(s, grant)).status_code == 404
        assert client.post(remove_url(s, grant)).status_code == 404
        assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert client.get(members_url(s) + f"?edit={staff_grant.pk}").status_code == 404


# ---------------------------------------------------------------- the page


def test_page_lists_the_council_with_area_names_and_units(client, s):
    client.force_login(s["home_affairs"])
    response = client.get(members_url(s))
    html = response.content.decode()
    council = response.context["council"]
    assert council.members[0].grant.role == Role.COUNCIL_CHAIR
    assert f'id="member-{grant_of(s["appraiser_1_b"]).pk}"' in html
    assert "1 — Công tác chỉ đạo, điều hành" in html
    row_b = next(row for row in council.members if row.user == s["appraiser_1_b"])
    assert [unit.name for unit in row_b.units] == ["Sở Y tế"]
    assert not council.warnings and 'id="council-warnings"' not in html
    assert 'id="council-scope"' in html  # the council applies beyond this period
    # The form offers the period's areas with their names and the organiser's units.
    assert 'name="area_codes" value="2"' in html and "2 — Khảo sát sự hài lòng" in html
    assert f'name="units" value="{s["unit_a"].pk}"' in html


def test_page_warns_of_an_area_without_appraiser_and_a_council_without_chair(client, s):
    RoleGrant.objects.filter(user__in=[s["appraiser_1"], s["chair"]]).delete()
    client.force_login(s["home_affairs"])
    response = client.get(members_url(s))
    warnings = response.context["council"].warnings
    assert 'id="council-warnings"' in response.content.decode()
    assert any("Sở Tư pháp" in w and "1 — Công tác chỉ đạo" in w for w in warnings)
    assert len(warnings) == 2  # area 1 lacks unit A; no chair
    RoleGrant.objects.filter(user=s["appraiser_1_b"]).delete()
    warnings = council_for_period(s["period"]).warnings
    assert any(w.endswith("1 — Công tác chỉ đạo, điều hành.") for w in warnings)


def test_a_survey_only_area_needs_no_appraiser(s):
    RoleGrant.objects.filter(user=s["appraiser"]).delete()  # area 2 holds only 2.1.1 (survey)
    assert council_for_period(s["period"]).warnings == []


def test_page_warns_when_a_member_may_appraise_their_own_unit(s):
    grant = grant_of(s["appraiser_1_b"])
    RoleGrantFactory(role=Role.UNIT_STAFF, user=s["appraiser_1_b"], unit=s["unit_b"])
    council = council_for_period(s["period"])
    row = next(row for row in council.members if row.grant == grant)
    assert "Sở Y tế" in row.organisation
    assert any("Sở Y tế" in w and row.user.get_full_name() in w for w in council.warnings)
    grant.scoped_units.set([s["unit_a"]])
    assert council_for_period(s["period"]).warnings == []


def test_page_flags_an_area_code_the_period_does_not_have(client, s):
    RoleGrant.objects.filter(user=s["appraiser"]).update(area_codes="2, 9")
    council = council_for_period(s["period"])
    row = next(row for row in council.members if row.user == s["appraiser"])
    assert row.unknown_areas == ["9"]
    assert any("9" in w and s["appraiser"].get_full_name() in w for w in council.warnings)


def test_edit_link_fills_the_form_with_the_membership(client, s):
    client.force_login(s["home_affairs"])
    grant = grant_of(s["appraiser_1_b"])
    response = client.get(members_url(s) + f"?edit={grant.pk}")
    html = response.content.decode()
    assert f'name="grant" value="{grant.pk}"' in html
    assert 'name="account"' not in html
    assert f'value="{s["unit_b"].pk}" id="unit-{s["unit_b"].pk}" checked' in html
    assert 'value="1" id="id_area_codes_0" checked' in html


# ---------------------------------------------------------------- adding, editing, removing


def test_home_affairs_adds_an_appraiser_for_area_1_of_unit_b(client, s):
    member = UserFactory(username="thamdinh.stp", email="stp@hoaan.gov.vn")
    client.force_login(s["home_affairs"])
    response = post_member(
        client,
        s,
        account="STP@hoaan.gov.vn",  # by e-mail, any case
        area_codes=["1"],
        unit_scope="some",
        units=[s["unit_b"].pk],
    )
    grant = grant_of(member)
    assert response.status_code == 302 and response["Location"].endswith(f"#member-{grant.pk}")
    assert (grant.role, grant.area_codes, grant.organiser) == (
        Role.APPRAISER,
        "1",
        s["organiser"],
    )
    assert list(grant.scoped_units.all()) == [s["unit_b"]]
    # The new appraiser appraises area 1 of unit B, and nothing of unit A or of area 2.
    member = fresh(member)
    items = s["items"]
    assert may_appraise(member, s["assessment_b"], items["1.1.1"])
    assert not may_appraise(member, s["assessment_a"], items["1.1.1"])
    assert not may_appraise(member, s["assessment_b"], items["2.1.1"])
    assert not may_appraise(member, s["assessment_b"], items["T1"])  # bonus: every area only


def test_adding_is_audited_under_the_period(s):
    member = UserFactory()
    grant = council_member_save(
        period=s["period"],
        user=member,
        role=Role.APPRAISER,
        area_codes=["2", " 1 ", "1"],
        units=[s["unit_b"], s["unit_a"]],
        by=s["home_affairs"],
    )
    assert grant.area_codes == "1, 2"
    rows = {row.field: row for row in audit_rows(grant)}
    assert set(rows) == {"role", "area_codes", "scoped_units"}
    assert rows["area_codes"].new_value == "1, 2"
    assert rows["scoped_units"].new_value == "A, B"
    assert all(row.action == "create" and row.actor == s["home_affairs"] for row in rows.values())
    assert all(row.period == s["period"] for row in rows.values())


def test_editing_records_old_and_new_values_and_a_no_change_save_records_nothing(client, s):
    grant = grant_of(s["appraiser_1_b"])
    client.force_login(s["home_affairs"])
    response = post_member(
        client,
        s,
        grant=grant.pk,
        area_codes=["1", "2"],
        unit_scope="all",
        units=[s["unit_b"].pk],  # ignored: "every unit" wins
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.area_codes == "1, 2" and not grant.scoped_units.exists()
    changes = {row.field: (row.old_value, row.new_value) for row in audit_rows(grant)}
    assert changes == {"area_codes": ("1", "1, 2"), "scoped_units": ("B", "")}
    assert all(row.action == "update" for row in audit_rows(grant))
    count = AuditEntry.objects.count()
    post_member(client, s, grant=grant.pk, area_codes=["1", "2"], unit_scope="all")
    assert AuditEntry.objects.count() == count


def test_an_appraiser_can_become_the_chair_and_loses_the_narrowing(s):
    grant = grant_of(s["appraiser_1_b"])
    council_member_save(
        period=s["period"],
        user=s["appraiser_1_b"],
        grant=grant,
        role=Role.COUNCIL_CHAIR,
        by=s["home_affairs"],
    )
    grant.refresh_from_db()
    assert grant.role == Role.COUNCIL_CHAIR and grant.area_codes == ""
    assert not grant.scoped_units.exists()
    assert may_appraise(fresh(s["appraiser_1_b"]), s["assessment_a"], s["items"]["T1"])


def test_the_chair_form_drops_area_and_unit_ticks(client, s):
    member = UserFactory()
    client.force_login(s["home_affairs"])
    response = post_member(
        client,
        s,
        account=member.username,
        role=Role.COUNCIL_CHAIR,
        area_codes=["1"],
        unit_scope="some",
        units=[s["unit_a"].pk],
    )
    assert response.status_code == 302
    grant = grant_of(member)
    assert grant.role == Role.COUNCIL_CHAIR and not grant.area_codes
    assert not grant.scoped_units.exists()


def test_removing_a_member_asks_first_then_removes_and_audits(client, s):
    grant = grant_of(s["appraiser_1"])
    client.force_login(s["home_affairs"])
    confirm = client.get(remove_url(s, grant))
    assert confirm.status_code == 200 and 'id="remove-confirm"' in confirm.content.decode()
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    response = client.post(remove_url(s, grant))
    assert response.status_code == 302 and response["Location"].endswith("#members")
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    rows = list(audit_rows(grant))
    assert {(row.field, row.old_value, row.new_value) for row in rows} == {
        ("role", Role.APPRAISER, ""),
        ("area_codes", "1", ""),
    }
    assert all(row.action == "delete" and row.period == s["period"] for row in rows)
    assert not may_appraise(fresh(s["appraiser_1"]), s["assessment_a"], s["items"]["1.1.1"])
    # A second post (another tab) finds nothing to remove.
    assert client.post(remove_url(s, grant)).status_code == 404


def test_the_admin_does_not_set_up_the_council(s):
    member = UserFactory()
    with pytest.raises(PermissionDenied):
        council_member_save(
            period=s["period"], user=member, role=Role.APPRAISER, area_codes=["2"], by=s["admin"]
        )
    grant = grant_of(s["appraiser_1"])
    with pytest.raises(PermissionDenied):
        council_member_remove(period=s["period"], grant=grant, by=s["admin"])
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not RoleGrant.objects.filter(user=member).exists()


# ---------------------------------------------------------------- new accounts


def test_a_new_account_is_created_without_a_password(client, s):
    client.force_login(s["home_affairs"])
    response = post_member(
        client,
        s,
        new_full_name="Lê Văn Khánh",
        new_email="khanh@hoaan.gov.vn",
        new_username="thamdinh.khanh",
        area_codes=["2"],
    )
    assert response.status_code == 302
    member = User.objects.get(username="thamdinh.khanh")
    assert member.full_name == "Lê Văn Khánh" and member.email == "khanh@hoaan.gov.vn"
    assert member.is_active and not member.has_usable_password()
    assert grant_of(member).area_codes == "2"
    created = {row.field: row.new_value for row in audit_rows(member)}
    assert created["username"] == "thamdinh.khanh" and created["email"] == "khanh@hoaan.gov.vn"
    page = client.get(response["Location"])
    assert any(m.level_tag == "warning" for m in page.context["messages"])


@pytest.mark.parametrize(
    "data,field",
    [
        ({"new_username": "user-taken", "new_email": "new@x.vn"}, "new_username"),
        ({"new_username": "fresh", "new_email": "taken@x.vn"}, "new_email"),
        ({"new_username": "có dấu", "new_email": "new@x.vn"}, "new_username"),
        ({"new_username": "códấu", "new_email": "new@x.vn"}, "new_username"),
        ({"new_username": "fresh", "new_email": "not-an-address"}, "new_email"),
        ({"new_username": "fresh", "new_email": "new@x.vn", "new_full_name": ""}, "new_full_name"),
    ],
)
def test_a_refused_new_account_creates_nothing_and_keeps_the_input(client, s, data, field):
    UserFactory(username="user-taken", email="taken@x.vn")
    users = User.objects.count()
    client.force_login(s["home_affairs"])
    response = post_member(client, s, **{"new_full_name": "Lê Văn Khánh", **data}, area_codes=["2"])
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert User.objects.count() == users
    assert f'value="{data["new_username"]}"' in response.content.decode()


def test_every_problem_of_the_form_is_said_at_once(client, s):
    client.force_login(s["home_affairs"])
    response = post_member(
        client, s, new_full_name="Lê Văn Khánh", new_username="khanh", new_email="x"
    )
    assert set(response.context["form"].errors) == {"new_email", "area_codes"}


def test_a_refused_membership_leaves_no_new_account(s):
    with pytest.raises(ValidationError):
        council_member_add(
            period=s["period"],
            new_account=NewAccount("Lê Văn Khánh", "khanh@hoaan.gov.vn", "thamdinh.khanh"),
            role=Role.APPRAISER,
            area_codes=["9"],
            by=s["home_affairs"],
        )
    assert not User.objects.filter(username="thamdinh.khanh").exists()


# ---------------------------------------------------------------- refusals


def test_account_must_be_given_once_and_found(client, s):
    client.force_login(s["home_affairs"])
    neither = post_member(client, s, area_codes=["1"])
    assert neither.status_code == 200 and neither.context["form"].errors["account"]
    unknown = post_member(client, s, account="nobody", area_codes=["1"])
    assert unknown.context["form"].errors["account"]
    both = post_member(client, s, account=s["staff_a"].username, new_username="x", area_codes=["1"])
    assert both.context["form"].non_field_errors()
    UserFactory(email="shared@x.vn")
    UserFactory(email="shared@x.vn")
    shared = post_member(client, s, account="shared@x.vn", area_codes=["1"])
    assert shared.context["form"].errors["account"]  # two accounts: the username is needed
    assert not RoleGrant.objects.filter(role=Role.APPRAISER, user__email="shared@x.vn").exists()


def test_an_appraiser_needs_an_area_or_every_area_and_a_unit_or_every_unit(client, s):
    member = UserFactory()
    client.force_login(s["home_affairs"])
    response = post_member(client, s, account=member.username, unit_scope="some")
    errors = response.context["form"].errors
    assert "area_codes" in errors and "units" in errors
    assert not RoleGrant.objects.filter(user=member).exists()
    response = post_member(client, s, account=member.username, area_scope="all")
    assert response.status_code == 302 and grant_of(member).area_codes == ""


def test_the_same_person_cannot_join_twice(client, s):
    client.force_login(s["home_affairs"])
    again = post_member(client, s, account=s["appraiser"].username, area_codes=["1"])
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    as_chair = post_member(client, s, account=s["appraiser"].username, role=Role.COUNCIL_CHAIR)
    assert as_chair.status_code == 200
    assert RoleGrant.objects.filter(user=s["appraiser"]).get().area_codes == "2"


def test_service_refusals(s):
    period, by = s["period"], s["home_affairs"]
    member = UserFactory()
    foreign = UnitFactory(organiser=OrganiserFactory(code="org-other"))
    cases = [
        ({"role": Role.APPRAISER, "area_codes": ["9"]}, "area_codes"),
        ({"role": Role.APPRAISER, "units": [foreign]}, "units"),
        ({"role": Role.COUNCIL_CHAIR, "area_codes": ["1"]}, "area_codes"),
        ({"role": Role.COUNCIL_CHAIR, "units": [s["unit_a"]]}, "units"),
        ({"role": Role.HOME_AFFAIRS}, "role"),
        ({"role": Role.UNIT_STAFF}, "role"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as refused:
            council_member_save(period=period, user=member, by=by, **kwargs)
        assert field in refused.value.message_dict, kwargs
    member.is_active = False
    member.save()
    with pytest.raises(ValidationError):
        council_member_save(period=period, user=member, role=Role.APPRAISER, by=by)
    assert not RoleGrant.objects.filter(user=member).exists()
    assert not AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(RoleGrant)
    ).exists()


@pytest.mark.parametrize("persona", ["staff_a", "appraiser", "chair"])
def test_service_refuses_anyone_but_home_affairs(s, persona):
    with pytest.raises(PermissionDenied):
        council_member_save(
            period=s["period"], user=UserFactory(), role=Role.APPRAISER, by=s[persona]
        )
    with pytest.raises(PermissionDenied):
        council_member_remove(period=s["period"], grant=grant_of(s["appraiser_1"]), by=s[persona])


def test_a_grant_of_another_council_cannot_be_edited_from_this_period(s):
    other = RoleGrantFactory(role=Role.APPRAISER, organiser=OrganiserFactory(code="org-other"))
    with pytest.raises(ValidationError):
        council_member_save(
            period=s["period"],
            user=other.user,
            grant=other,
            role=Role.APPRAISER,
            by=s["home_affairs"],
        )
    with pytest.raises(ValidationError):
        council_member_remove(period=s["period"], grant=other, by=s["home_affairs"])


def test_ui_text_goes_through_translation(client, s):
    client.force_login(s["home_affairs"])
    html = client.get(members_url(s)).content.decode()
    assert gettext("Add to the council") in html


def test_the_page_query_count_does_not_grow_with_the_council(
    client, s, django_assert_max_num_queries
):
    client.force_login(s["home_affairs"])
    edit = members_url(s) + f"?edit={grant_of(s['appraiser_1_b']).pk}"
    client.get(edit)  # warm the content-type and session caches
    with CaptureQueriesContext(connection) as before:
        client.get(edit)
    for _ in range(10):
        grant = RoleGrantFactory(role=Role.APPRAISER, organiser=s["organiser"], area_codes="1")
        grant.scoped_units.add(s["unit_a"])
        RoleGrantFactory(role=Role.UNIT_STAFF, user=grant.user, unit=s["unit_b"])
    with django_assert_max_num_queries(len(before)):
        assert client.get(edit).status_code == 200


def test_a_period_without_index_sets_takes_appraisers_of_every_area(client, personas):
    from tests.factories import PeriodFactory

    period = PeriodFactory(organiser=personas["organiser"], year=2027)
    member = UserFactory()  # not a unit's staff: units.duties
    client.force_login(personas["home_affairs"])
    url = reverse("scoring:council_members", args=[period.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["council"].areas == []
    refused = client.post(
        url, {"account": member.username, "role": Role.APPRAISER, "area_scope": "some"}
    )
    assert refused.context["form"].errors["area_codes"]
    added = client.post(
        url,
        {
            "account": member.username,
            "role": Role.APPRAISER,
            "area_scope": "all",
            "unit_scope": "all",
        },
    )
    assert added.status_code == 302
    assert grant_of(member).area_codes == ""
