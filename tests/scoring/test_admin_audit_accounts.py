"""What the system admin changes in the accounts and units admin is on the audit trail like the
same change made on the portal's own pages: a role granted, its units narrowed, a role taken
away, an account made system admin, a unit renamed — each one entry, by the admin, with the
old and new value. A refused change (separation of duties) writes nothing."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from scoring.models import AuditAction, AuditEntry
from tests.admin_forms import add_grant, admin_post, change_form, form_fields
from tests.factories import UserFactory
from units.models import RoleGrant, Unit
from units.roles import Role

pytestmark = pytest.mark.django_db


def entries_for(model, **filters):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), **filters
    )


def test_a_role_granted_in_the_admin_is_audited(client, personas):
    person, admin = UserFactory(full_name="Lê Văn Cường"), personas["admin"]
    client.force_login(admin)
    data = add_grant(change_form(client, person), person, role=Role.APPRAISER, area_codes="5")
    data["role_grants-0-organiser"] = personas["organiser"].pk
    response = admin_post(client, person, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = RoleGrant.objects.get(user=person)
    created = entries_for(RoleGrant, action=AuditAction.CREATE, object_id=str(grant.pk)).get()
    assert created.actor == admin and created.object_repr == str(grant)


def test_the_same_role_twice_is_refused_with_a_message_not_a_crash(client, personas):
    person = personas["appraiser"]
    client.force_login(personas["admin"])
    data = add_grant(change_form(client, person), person, role=Role.APPRAISER)
    data["role_grants-1-organiser"] = personas["organiser"].pk
    before = AuditEntry.objects.count()
    response = admin_post(client, person, data)
    assert response.status_code == 200
    assert "Tài khoản đã có vai trò" in response.content.decode()
    assert RoleGrant.objects.filter(user=person).count() == 1
    assert AuditEntry.objects.count() == before


def test_a_role_narrowed_and_one_taken_away_are_audited(client, personas):
    person, admin, unit_b = personas["appraiser"], personas["admin"], personas["unit_b"]
    grant = RoleGrant.objects.get(user=person)
    client.force_login(admin)
    data = change_form(client, person)
    data["role_grants-0-area_codes"] = "2, 7"
    data["role_grants-0-scoped_units"] = [str(unit_b.pk)]
    assert admin_post(client, person, data).status_code == 302
    changed = {
        entry.field: (entry.old_value, entry.new_value)
        for entry in entries_for(RoleGrant, action=AuditAction.UPDATE, object_id=str(grant.pk))
    }
    assert changed == {"area_codes": ("2", "2, 7"), "scoped_units": ("", str(unit_b))}

    data = change_form(client, person)
    data["role_grants-0-DELETE"] = "on"
    assert admin_post(client, person, data).status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    deleted = entries_for(RoleGrant, action=AuditAction.DELETE, object_id=str(grant.pk)).get()
    assert deleted.actor == admin and str(person) in deleted.object_repr


def test_an_account_switched_off_in_the_admin_is_audited(client, personas):
    person, admin = personas["staff_a"], personas["admin"]
    client.force_login(admin)
    data = change_form(client, person)
    data.pop("is_active", None)
    assert admin_post(client, person, data).status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    entry = entries_for(type(person), action=AuditAction.UPDATE, object_id=str(person.pk)).get()
    assert (entry.field, entry.old_value, entry.new_value, entry.actor) == (
        "is_active",
        "1",
        "0",
        admin,
    )
    assert not entries_for(type(person), field="password").exists()


def test_a_refused_grant_writes_nothing(client, personas):
    person = personas["staff_b"]
    client.force_login(personas["admin"])
    data = add_grant(change_form(client, person), person, role=Role.APPRAISER)
    data[f"role_grants-{int(data['role_grants-TOTAL_FORMS']) - 1}-organiser"] = personas[
        "organiser"
    ].pk
    before = AuditEntry.objects.count()
    assert admin_post(client, person, data).status_code == 200
    assert AuditEntry.objects.count() == before


def test_a_unit_renamed_in_the_admin_is_audited(client, personas):
    unit, admin = personas["unit_a"], personas["admin"]
    client.force_login(admin)
    url = reverse("admin:units_unit_change", args=[unit.pk])
    data = form_fields(client.get(url).content.decode())
    data["name"] = "Sở Tư pháp tỉnh Hòa An"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = entries_for(Unit, action=AuditAction.UPDATE, object_id=str(unit.pk)).get()
    assert (entry.field, entry.old_value, entry.new_value) == (
        "name",
        "Sở Tư pháp",
        "Sở Tư pháp tỉnh Hòa An",
    )


def test_a_password_set_in_the_admin_is_audited_without_the_password(client, personas):
    person, admin = personas["staff_a"], personas["admin"]
    client.force_login(admin)
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    secret = "Mật-khẩu-mới-2026!"
    response = client.post(
        url, {"password1": secret, "password2": secret, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.check_password(secret)
    entry = entries_for(type(person), action=AuditAction.ACCOUNT, object_id=str(person.pk)).get()
    assert (entry.field, entry.new_value, entry.actor) == ("password_set", "1", admin)
    assert not AuditEntry.objects.filter(new_value__contains=secret).exists()
    assert not AuditEntry.objects.filter(old_value__contains="pbkdf2").exists()


def test_a_password_form_refused_writes_nothing(client, personas):
    person = personas["staff_a"]
    client.force_login(personas["admin"])
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    response = client.post(
        url, {"password1": "Mật-khẩu-1!", "password2": "khác-hẳn-2!", "usable_password": "true"}
    )
    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


def _grant_deletions(grant):
    return entries_for(RoleGrant, action=AuditAction.DELETE, object_id=str(grant.pk))


def test_an_account_deleted_in_the_admin_takes_its_grants_onto_the_trail(client, personas):
    person, admin = personas["staff_a"], personas["admin"]
    grant = RoleGrant.objects.get(user=person)
    grant_repr = str(grant)
    client.force_login(admin)
    response = client.post(reverse("admin:units_user_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    entry = _grant_deletions(grant).get()
    assert entry.actor == admin and entry.old_value == grant_repr
    assert entries_for(type(person), action=AuditAction.DELETE, object_id=str(person.pk)).exists()


def test_accounts_deleted_from_the_list_take_their_grants_onto_the_trail(client, personas):
    people = [personas["staff_a"], personas["staff_b"]]
    grants = list(RoleGrant.objects.filter(user__in=people))
    client.force_login(personas["admin"])
    response = client.post(
        reverse("admin:units_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(person.pk) for person in people],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(user__in=people).exists()
    assert all(_grant_deletions(grant).count() == 1 for grant in grants)


def test_two_grants_swapping_their_units_are_refused_with_a_message_not_a_crash(client, personas):
    unit_a, unit_b = personas["unit_a"], personas["unit_b"]
    person = UserFactory()
    RoleGrant.objects.create(user=person, role=Role.UNIT_STAFF, unit=unit_a)
    RoleGrant.objects.create(user=person, role=Role.UNIT_STAFF, unit=unit_b)
    held = set(RoleGrant.objects.filter(user=person).values_list("pk", "unit_id"))
    client.force_login(personas["admin"])
    data = change_form(client, person)
    first, second = data["role_grants-0-unit"], data["role_grants-1-unit"]
    data["role_grants-0-unit"], data["role_grants-1-unit"] = second, first
    response = admin_post(client, person, data)
    assert response.status_code == 200
    assert "Mỗi lần chỉ đổi một dòng" in response.content.decode() or (
        "Change one line at a time" in response.content.decode()
    )
    assert set(RoleGrant.objects.filter(user=person).values_list("pk", "unit_id")) == held
    assert not AuditEntry.objects.exists()


def test_one_grant_moved_to_a_free_unit_is_saved(client, personas):
    person = UserFactory()
    grant = RoleGrant.objects.create(user=person, role=Role.UNIT_STAFF, unit=personas["unit_a"])
    client.force_login(personas["admin"])
    data = change_form(client, person)
    data["role_grants-0-unit"] = str(personas["unit_b"].pk)
    assert admin_post(client, person, data).status_code == 302
    grant.refresh_from_db()
    assert grant.unit == personas["unit_b"]
