"""The list's query (scoring.access.plans_visible_to) answers as the one-plan rule
(plan_visible_to) does, for every persona and every kind of plan."""

import pytest

from scoring.access import plan_visible_to, plans_visible_to
from scoring.services.remediation_plans import PlanHeader, plan_draft, plan_issue
from tests.factories import OrganiserFactory, RoleGrantFactory
from tests.scoring.improvement.conftest import SIGNED
from units.roles import Role


@pytest.fixture
def plans(personas, improvement_year):
    period, units = improvement_year["period"], improvement_year["units"]
    unit_b = plan_draft(period=period, unit=units["B"], by=personas["staff_b"])[0]
    unit_c = plan_draft(period=period, unit=units["C"], by=improvement_year["staff_c"])[0]
    plan_issue(plan=unit_c, header=PlanHeader(title="", **SIGNED), by=improvement_year["staff_c"])
    province = plan_draft(period=period, by=personas["home_affairs"])[0]
    return {"unit_b_draft": unit_b, "unit_c_issued": unit_c, "province_draft": province}


def _people(personas, improvement_year):
    other = OrganiserFactory(code="org-other")
    return {
        **{k: personas[k] for k in ("staff_a", "staff_b", "appraiser", "chair", "home_affairs")},
        "admin": personas["admin"],
        "staff_c": improvement_year["staff_c"],
        "other_home_affairs": RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=other).user,
    }


@pytest.mark.parametrize("province_issued", [False, True])
def test_the_query_agrees_with_the_rule(personas, improvement_year, plans, province_issued):
    if province_issued:
        plan_issue(
            plan=plans["province_draft"],
            header=PlanHeader(title="", **SIGNED),
            by=personas["home_affairs"],
        )
    for plan in plans.values():
        plan.refresh_from_db()  # issuing saves the plan it locked, not this copy
    for who, user in _people(personas, improvement_year).items():
        listed = set(plans_visible_to(user))
        expected = {plan for plan in plans.values() if plan_visible_to(user, plan)}
        assert listed == expected, who


def test_who_sees_which_plan(personas, improvement_year, plans):
    people = _people(personas, improvement_year)
    seen = {who: {p.pk for p in plans_visible_to(user)} for who, user in people.items()}
    ids = {name: plan.pk for name, plan in plans.items()}
    assert seen["staff_b"] == {ids["unit_b_draft"]}
    assert seen["staff_c"] == {ids["unit_c_issued"]}
    assert seen["staff_a"] == set()
    assert seen["home_affairs"] == set(ids.values())
    assert seen["chair"] == seen["appraiser"] == seen["admin"] == {ids["unit_c_issued"]}
    assert seen["other_home_affairs"] == set()
