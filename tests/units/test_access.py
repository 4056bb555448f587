"""The permission table walked as a matrix: persona × permission × unit (and area)."""

import pytest

from tests.factories import OrganiserFactory, RoleGrantFactory, UnitFactory
from units.access import area_codes_for, has_permission, organisers_for, roles_of, units_for
from units.roles import Permission, Role

P = Permission
PERSONAS = ["staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin", "anonymous"]

# (permission, unit, area) → personas allowed. Everyone else is refused.
MATRIX = [
    (P.VIEW_ASSESSMENT, "unit_a", None, {"staff_a", "appraiser", "chair", "home_affairs", "admin"}),
    (P.VIEW_ASSESSMENT, "unit_b", None, {"staff_b", "appraiser", "chair", "home_affairs", "admin"}),
    (P.EDIT_SELF_ASSESSMENT, "unit_a", None, {"staff_a"}),
    (P.EDIT_SELF_ASSESSMENT, "unit_b", None, {"staff_b"}),
    (P.SUBMIT_SELF_ASSESSMENT, "unit_a", None, {"staff_a"}),
    (P.ANSWER_EXPLANATION, "unit_a", None, {"staff_a"}),
    (P.APPRAISE, "unit_a", "2", {"appraiser", "chair"}),
    (P.APPRAISE, "unit_a", "3", {"chair"}),
    (P.APPRAISE, "unit_a", None, {"chair"}),  # "every area" is more than area 2
    (P.FINALISE_APPRAISAL, "unit_a", None, {"chair"}),
    (P.REOPEN_APPRAISAL, "unit_a", None, {"chair"}),
    (P.REOPEN_SELF_ASSESSMENT, "unit_a", None, {"home_affairs"}),
    (P.MANAGE_PERIOD, "unit_a", None, {"home_affairs"}),
    (P.MANAGE_ACCOUNTS, "unit_a", None, {"home_affairs", "admin"}),
    (P.ENTER_SURVEY, "unit_a", None, {"home_affairs"}),
    (P.PUBLISH_RESULTS, "unit_a", None, {"home_affairs"}),
    (P.VIEW_RESULTS, "unit_a", None, {"chair", "home_affairs", "admin"}),
    (P.VIEW_AUDIT, "unit_a", None, {"appraiser", "chair", "home_affairs", "admin"}),
]


def persona_user(personas, name):
    if name == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    return personas[name]


@pytest.mark.parametrize(
    ("permission", "unit", "area", "allowed"), MATRIX, ids=[f"{m[0]}-{m[1]}-{m[2]}" for m in MATRIX]
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(personas, persona, permission, unit, area, allowed):
    user = persona_user(personas, persona)
    assert has_permission(user, permission, unit=personas[unit], area_code=area) is (
        persona in allowed
    )


def test_nobody_outside_the_organiser_reaches_its_units(personas):
    other = OrganiserFactory(code="other")
    foreign = UnitFactory(code="F", organiser=other, kind=personas["kind"])
    for name in ["staff_a", "appraiser", "chair", "home_affairs"]:
        assert not has_permission(personas[name], P.VIEW_ASSESSMENT, unit=foreign)
    assert has_permission(personas["admin"], P.VIEW_ASSESSMENT, unit=foreign)


def test_unit_lists_are_narrowed(personas):
    assert list(units_for(personas["staff_a"], P.VIEW_ASSESSMENT)) == [personas["unit_a"]]
    assert set(units_for(personas["home_affairs"], P.VIEW_ASSESSMENT)) == {
        personas["unit_a"],
        personas["unit_b"],
    }
    assert not units_for(persona_user(personas, "anonymous"), P.VIEW_ASSESSMENT).exists()
    assert not units_for(personas["staff_a"], P.PUBLISH_RESULTS).exists()
    assert list(organisers_for(personas["home_affairs"], P.PUBLISH_RESULTS)) == [
        personas["organiser"]
    ]
    assert not organisers_for(personas["staff_a"], P.MANAGE_PERIOD).exists()


def test_appraiser_scoped_to_units_and_areas(personas):
    grant = RoleGrantFactory(
        role=Role.APPRAISER, organiser=personas["organiser"], area_codes="2, 7"
    )
    grant.scoped_units.set([personas["unit_b"]])
    user = grant.user
    assert not has_permission(user, P.APPRAISE, unit=personas["unit_a"], area_code="2")
    assert has_permission(user, P.APPRAISE, unit=personas["unit_b"], area_code="7")
    assert area_codes_for(user, P.APPRAISE, unit=personas["unit_b"]) == {"2", "7"}
    assert area_codes_for(user, P.APPRAISE, unit=personas["unit_a"]) == frozenset()
    assert area_codes_for(personas["chair"], P.APPRAISE, unit=personas["unit_a"]) is None
    assert list(units_for(user, P.APPRAISE)) == [personas["unit_b"]]


def test_inactive_users_have_no_roles(personas):
    user = personas["home_affairs"]
    user.is_active = False
    assert roles_of(user) == set()
    assert not has_permission(user, P.VIEW_ASSESSMENT, unit=personas["unit_a"])


def test_acts_for_answers_as_the_organiser_query_does(personas):
    """The cached answer and the query it replaces agree for every persona and permission."""
    from tests.factories import OrganiserFactory
    from units.access import acts_for, organisers_for
    from units.roles import Permission

    other = OrganiserFactory(code="org-other")
    for persona in ("staff_a", "appraiser", "chair", "home_affairs", "admin"):
        user = personas[persona]
        for permission in Permission:
            for organiser in (personas["organiser"], other):
                expected = organisers_for(user, permission).filter(pk=organiser.pk).exists()
                assert acts_for(user, permission, organiser.pk) == expected, (persona, permission)
