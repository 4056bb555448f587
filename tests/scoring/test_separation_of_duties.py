"""Separation of duties (units/duties.py): a unit's staff are not appointed to the council that
judges it, Home Affairs is not a member of the council it sets up, and — for roles granted
later, outside the council page — nobody appraises, finalises or publishes for a unit they are
staff of. Refused with a message that says why; nothing is saved."""

import pytest
from django.urls import reverse

from scoring.exceptions import DutyConflict
from scoring.models import AuditEntry, Publication, Score
from scoring.services import appraisal as ap
from scoring.services.council import council_member_save
from scoring.services.publication import period_publish
from tests.factories import OrganiserFactory, RoleGrantFactory, UnitFactory, UserFactory
from units.access import (
    acts_for,
    area_codes_for,
    duty_refusal,
    has_permission,
    organisers_for,
    units_for,
)
from units.models import RoleGrant
from units.roles import Permission, Role

pytestmark = pytest.mark.django_db


def fresh(user):
    """The same account without the request's cached scopes (a new request)."""
    return type(user).objects.get(pk=user.pk)


def grants(user):
    return list(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


# ---------------------------------------------------------------- appointing


@pytest.fixture
def period(self_assessment_setup):
    return self_assessment_setup["period"]


@pytest.mark.parametrize("role", [Role.APPRAISER, Role.COUNCIL_CHAIR])
def test_a_units_staff_is_not_appointed_to_the_council(personas, period, role):
    audit_before = AuditEntry.objects.count()
    with pytest.raises(DutyConflict) as refusal:
        council_member_save(
            period=period, user=personas["staff_b"], role=role, by=personas["home_affairs"]
        )
    assert refusal.value.message == (
        f"{personas['staff_b'].get_full_name()} là cán bộ của Sở Y tế, đơn vị do Hội đồng này "
        "thẩm định: cán bộ của một đơn vị không là thành viên Hội đồng thẩm định đơn vị mình và "
        "các đơn vị cùng xếp hạng."
    )
    assert grants(personas["staff_b"]) == [Role.UNIT_STAFF]
    assert AuditEntry.objects.count() == audit_before


def test_home_affairs_does_not_appoint_itself_chair(personas, period):
    with pytest.raises(DutyConflict) as refusal:
        council_member_save(
            period=period,
            user=personas["home_affairs"],
            role=Role.COUNCIL_CHAIR,
            by=personas["home_affairs"],
        )
    assert refusal.value.message == "Bạn không thể tự bổ nhiệm mình vào Hội đồng do mình thiết lập."
    assert grants(personas["home_affairs"]) == [Role.HOME_AFFAIRS]


def test_another_home_affairs_officer_is_not_appointed_either(personas, period):
    colleague = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=personas["organiser"]).user
    for role in (Role.COUNCIL_CHAIR, Role.APPRAISER):
        with pytest.raises(DutyConflict) as refusal:
            council_member_save(
                period=period, user=colleague, role=role, by=personas["home_affairs"]
            )
        assert "Nội vụ" in refusal.value.message
    assert grants(colleague) == [Role.HOME_AFFAIRS]


def test_the_staff_of_another_organisers_unit_may_be_appointed(personas, period):
    """Only the units this council judges count: a department of another province does not."""
    elsewhere = UnitFactory(code="Z", organiser=OrganiserFactory(code="org-other"))
    outsider = RoleGrantFactory(role=Role.UNIT_STAFF, unit=elsewhere).user
    grant = council_member_save(
        period=period, user=outsider, role=Role.APPRAISER, by=personas["home_affairs"]
    )
    assert grant.role == Role.APPRAISER


def test_the_chair_is_not_also_an_appraiser(personas, period):
    member = UserFactory()
    council_member_save(
        period=period, user=member, role=Role.COUNCIL_CHAIR, by=personas["home_affairs"]
    )
    with pytest.raises(Exception) as refusal:
        council_member_save(
            period=period, user=member, role=Role.APPRAISER, by=personas["home_affairs"]
        )
    assert "đã là thành viên Hội đồng" in str(refusal.value)
    assert RoleGrant.objects.filter(user=member).count() == 1


def test_the_members_page_says_why_and_saves_nothing(client, personas, period):
    client.force_login(personas["home_affairs"])
    url = reverse("scoring:council_members", args=[period.pk])
    response = client.post(
        url,
        {
            "account": personas["staff_b"].username,
            "role": Role.APPRAISER,
            "area_scope": "all",
            "unit_scope": "all",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "là cán bộ của Sở Y tế" in html
    assert grants(personas["staff_b"]) == [Role.UNIT_STAFF]


# ---------------------------------------------------------------- acting (defence in depth)


@pytest.fixture
def s(appraisal_setup):
    """appraisal_setup, where `appraiser_1` (area 1 of every unit) later became staff of unit A
    too — a grant made outside the council page (the admin, an import)."""
    RoleGrantFactory(
        role=Role.UNIT_STAFF, unit=appraisal_setup["unit_a"], user=appraisal_setup["appraiser_1"]
    )
    appraisal_setup["appraiser_1"] = fresh(appraisal_setup["appraiser_1"])
    return appraisal_setup


def accept(s, key, by):
    item = s["items"]["1.1.5"]
    stored = Score.objects.filter(assessment=s[key], item=item).first()
    return ap.appraisal_accept(
        assessment=s[key], item=item, expected_version=stored.version if stored else 0, by=s[by]
    )


def test_an_appraiser_never_appraises_their_own_unit(s):
    appraiser, unit_a = s["appraiser_1"], s["unit_a"]
    assert not has_permission(appraiser, Permission.APPRAISE, unit=unit_a, area_code="1")
    assert area_codes_for(appraiser, Permission.APPRAISE, unit=unit_a) == frozenset()
    assert list(units_for(appraiser, Permission.APPRAISE)) == [s["unit_b"]]
    before = Score.objects.get(assessment=s["assessment_a"], item=s["items"]["1.1.5"])
    with pytest.raises(DutyConflict) as refusal:
        accept(s, "assessment_a", "appraiser_1")
    assert refusal.value.message == (
        "Bạn là cán bộ của Sở Tư pháp: bản tự đánh giá của đơn vị do người khác thẩm định, "
        "không bao giờ do chính cán bộ của đơn vị."
    )
    after = Score.objects.get(pk=before.pk)
    assert (after.version, after.appraised_at) == (before.version, before.appraised_at)
    with pytest.raises(DutyConflict):
        ap.appraisal_accept_rest(
            assessment=s["assessment_a"], by=s["appraiser_1"], items=list(s["items"].values())
        )
    # Unit B is not theirs: they appraise it as before.
    assert accept(s, "assessment_b", "appraiser_1").appraised_at


def test_their_own_units_review_page_is_refused_and_the_queue_leaves_it_out(client, s):
    client.force_login(s["appraiser_1"])
    own = client.get(reverse("scoring:appraisal_review", args=[s["assessment_a"].pk]))
    assert own.status_code == 403
    other = client.get(reverse("scoring:appraisal_review", args=[s["assessment_b"].pk]))
    assert other.status_code == 200
    queue = client.get(reverse("scoring:appraisal_queue")).content.decode()
    assert "Sở Y tế" in queue and "Sở Tư pháp" not in queue
    # As the unit's staff they still see and answer for it.
    assert (
        client.get(reverse("scoring:self_assessment", args=[s["assessment_a"].pk])).status_code
        == 200
    )


def test_a_chair_who_is_staff_of_a_unit_never_finalises_it(s):
    RoleGrantFactory(role=Role.UNIT_STAFF, unit=s["unit_a"], user=s["chair"])
    chair = fresh(s["chair"])
    with pytest.raises(DutyConflict):
        ap.appraisal_finalise(assessment=s["assessment_a"], by=chair)
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status != "appraised"
    assert has_permission(chair, Permission.FINALISE_APPRAISAL, unit=s["unit_b"])


# ---------------------------------------------------------------- publishing


def test_home_affairs_who_is_a_units_staff_does_not_publish(personas, period_with_scores):
    officer = personas["home_affairs"]
    RoleGrantFactory(role=Role.UNIT_STAFF, unit=personas["unit_a"], user=officer)
    officer = fresh(officer)
    organiser = personas["organiser"]
    assert not acts_for(officer, Permission.PUBLISH_RESULTS, organiser.pk)
    assert not organisers_for(officer, Permission.PUBLISH_RESULTS).exists()
    assert acts_for(officer, Permission.MANAGE_PERIOD, organiser.pk)  # still sets up the year
    with pytest.raises(DutyConflict) as refusal:
        period_publish(period=period_with_scores, by=officer)
    assert "cán bộ của một đơn vị" in refusal.value.message
    assert not Publication.objects.exists()


def test_home_affairs_who_sits_on_the_council_does_not_publish(personas, period_with_scores):
    officer = personas["home_affairs"]
    RoleGrantFactory(role=Role.APPRAISER, organiser=personas["organiser"], user=officer)
    officer = fresh(officer)
    refusal = duty_refusal(
        officer, Permission.PUBLISH_RESULTS, organiser_id=personas["organiser"].pk
    )
    assert "Hội đồng thẩm định" in refusal
    with pytest.raises(DutyConflict):
        period_publish(period=period_with_scores, by=officer)
    assert not Publication.objects.exists()


def test_those_without_the_permission_get_the_ordinary_refusal(personas):
    """Separation of duties speaks only to those whose role would allow it otherwise."""
    organiser = personas["organiser"].pk
    for persona in ("staff_a", "chair", "appraiser", "admin"):
        assert (
            duty_refusal(personas[persona], Permission.PUBLISH_RESULTS, organiser_id=organiser)
            is None
        )
    assert duty_refusal(personas["staff_a"], Permission.APPRAISE, unit=personas["unit_a"]) is None


def test_the_refused_page_says_why(client, personas, period_with_scores):
    RoleGrantFactory(role=Role.UNIT_STAFF, unit=personas["unit_a"], user=personas["home_affairs"])
    client.force_login(personas["home_affairs"])
    url = reverse("scoring:period_publish", args=[period_with_scores.pk])
    for response in (client.get(url), client.post(url, {"confirm": "on"})):
        assert response.status_code == 403
        assert (
            "Bạn là cán bộ của một đơn vị được đánh giá trong kỳ này" in response.content.decode()
        )
    assert not Publication.objects.exists()
    dashboard = client.get(reverse("scoring:period_dashboard", args=[period_with_scores.pk]))
    assert dashboard.status_code == 200 and not dashboard.context["may_publish"]
