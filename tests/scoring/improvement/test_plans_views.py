"""The target and plan pages: who may open and post what (persona × view × method, a refused
post changing nothing), and what a user sees — the target's wording, Vietnamese refusals
with the typed text kept, the confirmation before issuing, the navigation link."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import (
    AuditEntry,
    Notification,
    PlanStatus,
    RemediationPlan,
    RemediationTask,
)
from scoring.services.remediation_plans import PlanHeader, plan_draft, plan_issue
from tests.factories import OrganiserFactory, RoleGrantFactory, UnitFactory
from tests.scoring.improvement.conftest import SIGNED
from units.roles import Role

PERSONAS = ["anonymous", "staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin"]
ALL = [*PERSONAS, "other_home_affairs"]
PLAN_LINK = re.compile(r'href="/plans/\d+/"')


@pytest.fixture
def people(personas, improvement_year):
    other = OrganiserFactory(code="org-other", name="Sở Nội vụ tỉnh khác")
    return {
        **{name: personas.get(name) for name in PERSONAS},
        "other_home_affairs": RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=other).user,
    }


def _login(client, people, who):
    if who != "anonymous":
        client.force_login(people[who])


def _state():
    """Everything a post could change."""
    return (
        list(RemediationPlan.objects.order_by("pk").values()),
        list(RemediationTask.objects.order_by("pk").values()),
        sorted(RemediationTask.items.through.objects.values_list("remediationtask_id", "indexitem_id")),  # noqa: E501
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )  # fmt: skip


def _unit_b_plan(year, personas):
    return plan_draft(period=year["period"], unit=year["units"]["B"], by=personas["staff_b"])[0]


def _issue(plan, by):
    plan_issue(plan=plan, header=PlanHeader(title="", **SIGNED), by=by)
    plan.refresh_from_db()
    return plan


# ---------------------------------------------------------------- the target page


TARGET_GET = {
    "anonymous": 302,
    "staff_a": 404,
    "staff_b": 200,
    "appraiser": 200,
    "chair": 200,
    "home_affairs": 200,
    "admin": 200,
    "other_home_affairs": 404,
}


@pytest.mark.parametrize("who", ALL)
@pytest.mark.parametrize("method", ["get", "post"])
def test_target_page_matrix(client, people, improvement_year, who, method):
    url = reverse(
        "scoring:unit_target",
        args=[improvement_year["period"].pk, improvement_year["units"]["B"].pk],
    )
    _login(client, people, who)
    before = _state()
    response = getattr(client, method)(url, {"rank": "2"})
    expected = TARGET_GET[who] if method == "get" or who == "anonymous" else 405
    assert response.status_code == expected
    assert _state() == before


def test_the_target_page_words_the_gap_and_bad_ranks(client, people, improvement_year):
    client.force_login(people["staff_b"])
    url = reverse(
        "scoring:unit_target",
        args=[improvement_year["period"].pk, improvement_year["units"]["B"].pk],
    )
    html = client.get(url).content.decode()  # one place up by default: 3rd
    assert "Từ hạng 04/5 lên 03/5: cần thêm 1,50 điểm." in html
    assert "2.1.1. Tỷ lệ hồ sơ giải quyết đúng hạn" in html
    assert (
        "Từ hạng 04/5 lên 02/5: cần thêm 3,00 điểm."
        in client.get(url, {"rank": "2"}).content.decode()
    )
    for rank, message in (
        ("9", "Hạng mục tiêu là số nguyên từ 1 đến 5."),
        ("abc", "Thứ hạng mục tiêu là một số nguyên, ví dụ 2."),
        ("0", "Thứ hạng mục tiêu nhỏ nhất là 1."),
        ("1e9999", "Thứ hạng mục tiêu là một số nguyên, ví dụ 2."),
    ):
        response = client.get(url, {"rank": rank})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "data-target-text" not in response.content.decode()
    assert "Soạn kế hoạch khắc phục của đơn vị" in html  # no plan yet: offered


def test_the_unit_result_page_links_the_target_and_the_plan(client, people, improvement_year):
    period, unit = improvement_year["period"], improvement_year["units"]["B"]
    client.force_login(people["staff_b"])
    url = reverse("scoring:unit_result", args=[period.pk, unit.pk])
    html = client.get(url).content.decode()
    assert reverse("scoring:unit_target", args=[period.pk, unit.pk]) in html
    assert "Soạn kế hoạch khắc phục của đơn vị" in html
    plan = _unit_b_plan(improvement_year, people)
    html = client.get(url).content.decode()
    assert reverse("scoring:plan_detail", args=[plan.pk]) in html and "Dự thảo" in html
    client.force_login(people["chair"])  # a draft is not the council's
    html = client.get(url).content.decode()
    assert reverse("scoring:plan_detail", args=[plan.pk]) not in html
    assert "Soạn kế hoạch" not in html


# ---------------------------------------------------------------- the list and drafting


@pytest.mark.parametrize("who", ALL)
@pytest.mark.parametrize("method", ["get", "post"])
def test_plan_list_matrix(client, people, improvement_year, who, method):
    _unit_b_plan(improvement_year, people)
    _login(client, people, who)
    before = _state()
    response = getattr(client, method)(reverse("scoring:plan_list"))
    expected = 302 if who == "anonymous" else (200 if method == "get" else 405)
    assert response.status_code == expected
    assert _state() == before
    if expected == 200:
        shown = "Kế hoạch khắc phục hạn chế" in response.content.decode()
        assert shown == (who in ("staff_b", "home_affairs"))  # a draft: its unit and Home Affairs


DRAFT_PROVINCE = {"home_affairs": 302, "other_home_affairs": 404, "anonymous": 302}
DRAFT_UNIT_B = {"staff_b": 302, "other_home_affairs": 404, "anonymous": 302}


@pytest.mark.parametrize("who", ALL)
@pytest.mark.parametrize("scope", ["province", "unit_b"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_plan_draft_matrix(client, people, improvement_year, who, scope, method):
    url = reverse("scoring:plan_draft", args=[improvement_year["period"].pk])
    data = {"unit": improvement_year["units"]["B"].pk} if scope == "unit_b" else {}
    _login(client, people, who)
    before = _state()
    response = getattr(client, method)(url, data)
    table = DRAFT_PROVINCE if scope == "province" else DRAFT_UNIT_B
    expected = table.get(who, 403)
    if method == "get" and who != "anonymous":
        expected = 405
    assert response.status_code == expected
    drafted = expected == 302 and who != "anonymous"
    assert (_state() != before) == drafted
    if drafted:
        plan = RemediationPlan.objects.get()
        assert response["Location"] == reverse("scoring:plan_detail", args=[plan.pk])
        assert (plan.unit is None) == (scope == "province")


def test_drafting_twice_opens_the_draft_with_a_message(client, people, improvement_year):
    client.force_login(people["home_affairs"])
    url = reverse("scoring:plan_draft", args=[improvement_year["period"].pk])
    first = client.post(url, follow=True)
    assert "Dự thảo kế hoạch đã sẵn sàng, với 6 nhiệm vụ" in first.content.decode()
    again = client.post(url, follow=True)
    assert "Kế hoạch này đã được soạn: đây là bản dự thảo." in again.content.decode()
    assert RemediationPlan.objects.count() == 1


def test_a_period_not_published_is_refused_with_a_message(client, people, improvement_year):
    client.force_login(people["home_affairs"])
    url = reverse("scoring:plan_draft", args=[improvement_year["next_period"].pk])
    response = client.post(url, follow=True)
    assert "chưa được công bố" in response.content.decode()
    assert not RemediationPlan.objects.exists()


def test_the_list_paginates(client, people, improvement_year, personas):
    period = improvement_year["period"]
    for number in range(30):
        unit = UnitFactory(organiser=personas["organiser"], kind=personas["kind"])
        RemediationPlan.objects.create(
            period=period,
            publication=improvement_year["publication"],
            unit=unit,
            title=f"Kế hoạch {number:02d}",
            created_by=personas["home_affairs"],
        )
    client.force_login(people["home_affairs"])
    first = client.get(reverse("scoring:plan_list")).content.decode()
    assert len(PLAN_LINK.findall(first)) == 25 and "Trang 1/2" in first
    second = client.get(reverse("scoring:plan_list"), {"page": 2}).content.decode()
    assert len(PLAN_LINK.findall(second)) == 5


def test_the_navigation_link_is_shown_to_those_who_see_a_plan(client, people, improvement_year):
    def link_shown(who):
        client.force_login(people[who])
        return "data-nav-plans" in client.get(reverse("home")).content.decode()

    # They draft (another organiser's officer, their own province's plan).
    assert link_shown("home_affairs") and link_shown("staff_a") and link_shown("other_home_affairs")
    assert not link_shown("chair") and not link_shown("appraiser")
    plan = plan_draft(period=improvement_year["period"], by=people["home_affairs"])[0]
    _issue(plan, people["home_affairs"])
    assert link_shown("chair") and link_shown("appraiser") and link_shown("admin")


# ---------------------------------------------------------------- a plan's pages


DETAIL_DRAFT_UNIT_B = {"staff_b": 200, "home_affairs": 200, "anonymous": 302}
DETAIL_ISSUED_PROVINCE = {
    "anonymous": 302,
    "staff_a": 200,
    "staff_b": 200,
    "appraiser": 200,
    "chair": 200,
    "home_affairs": 200,
    "admin": 200,
    "other_home_affairs": 404,
}


@pytest.mark.parametrize("who", ALL)
@pytest.mark.parametrize("method", ["get", "post"])
def test_plan_detail_matrix(client, people, improvement_year, who, method):
    unit_plan = _unit_b_plan(improvement_year, people)
    province = _issue(
        plan_draft(period=improvement_year["period"], by=people["home_affairs"])[0],
        people["home_affairs"],
    )
    _login(client, people, who)
    before = _state()
    for plan, table in ((unit_plan, DETAIL_DRAFT_UNIT_B), (province, DETAIL_ISSUED_PROVINCE)):
        response = getattr(client, method)(reverse("scoring:plan_detail", args=[plan.pk]))
        expected = table.get(who, 404)
        if method == "post" and who != "anonymous":
            expected = 405
        assert response.status_code == expected, plan
    assert _state() == before


EDIT_VIEWS = [
    "plan_edit",
    "plan_task_add",
    "plan_task_edit",
    "plan_task_remove",
    "plan_task_move",
    "plan_issue",
]


def _edit_url(view, plan):
    if view in ("plan_task_edit", "plan_task_remove", "plan_task_move"):
        return reverse(f"scoring:{view}", args=[plan.pk, plan.tasks.order_by("position")[0].pk])
    return reverse(f"scoring:{view}", args=[plan.pk])


def _payload(view, year):
    deadline = (timezone.localdate() + timedelta(days=60)).strftime("%d/%m/%Y")
    return {
        "plan_edit": {"title": "Kế hoạch đã sửa", "target_rank": "2", "recipients": "- UBND tỉnh"},
        "plan_task_add": {
            "title": "Nhiệm vụ mới",
            "owner_unit": year["units"]["B"].pk,
            "deadline": deadline,
            "measurable_target": "Đạt 4 điểm",
        },
        "plan_task_edit": {
            "title": "Nhiệm vụ đã sửa",
            "owner_unit": year["units"]["B"].pk,
            "deadline": deadline,
            "measurable_target": "Đạt 4 điểm",
        },
        "plan_task_remove": {},
        "plan_task_move": {"direction": "down"},
        "plan_issue": {"confirm": "on", "document_number": "8", **SIGNED},
    }[view]


ALLOWED = {"staff_b", "home_affairs"}
# On an issued plan: those who wrote it are sent back to its page with a message; those who
# may read it get 403; the rest 404.
ISSUED = {"staff_b": 302, "home_affairs": 302, "appraiser": 403, "chair": 403, "admin": 403}


@pytest.mark.parametrize("who", ALL)
@pytest.mark.parametrize("view", EDIT_VIEWS)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("issued", [False, True], ids=["draft", "issued"])
def test_plan_editing_matrix(client, people, improvement_year, who, view, method, issued):
    plan = _unit_b_plan(improvement_year, people)
    if issued:
        _issue(plan, people["staff_b"])
    url = _edit_url(view, plan)
    _login(client, people, who)
    before = _state()
    response = getattr(client, method)(url, _payload(view, improvement_year))
    if who == "anonymous":
        expected = 302
    elif issued:
        expected = ISSUED.get(who, 404)
    elif who in ALLOWED:
        expected = 302 if method == "post" else 200
    else:
        expected = 404
    if view == "plan_task_move" and method == "get" and who != "anonymous":
        expected = 405
    assert response.status_code == expected
    changed = _state() != before
    assert changed == (not issued and who in ALLOWED and method == "post")
    if who == "anonymous":
        assert reverse("login") in response["Location"]
    elif expected == 302:
        assert response["Location"].startswith(reverse("scoring:plan_detail", args=[plan.pk]))


def test_the_province_draft_is_home_affairs_alone(client, people, improvement_year):
    plan = plan_draft(period=improvement_year["period"], by=people["home_affairs"])[0]
    for who in ALL:
        if who == "anonymous":
            continue
        client.force_login(people[who])
        response = client.get(reverse("scoring:plan_edit", args=[plan.pk]))
        assert response.status_code == (200 if who == "home_affairs" else 404), who


# ---------------------------------------------------------------- what a user sees


def test_a_bad_edit_keeps_the_typed_text_and_says_why(client, people, improvement_year):
    plan = _unit_b_plan(improvement_year, people)
    client.force_login(people["staff_b"])
    before = _state()
    response = client.post(
        reverse("scoring:plan_edit", args=[plan.pk]),
        {"title": "Kế hoạch năm 2026", "conclusion": "Lĩnh vực 2 còn yếu", "target_rank": "7"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hạng mục tiêu là số nguyên từ 1 đến 5." in html
    assert 'value="Kế hoạch năm 2026"' in html and "Lĩnh vực 2 còn yếu" in html
    assert _state() == before


def test_a_task_with_a_past_deadline_is_redisplayed(client, people, improvement_year):
    plan = _unit_b_plan(improvement_year, people)
    client.force_login(people["staff_b"])
    before = _state()
    response = client.post(
        reverse("scoring:plan_task_add", args=[plan.pk]),
        {
            "title": "Tập huấn cán bộ một cửa",
            "owner_unit": improvement_year["units"]["B"].pk,
            "deadline": "01/01/2020",
            "measurable_target": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tập huấn cán bộ một cửa" in html
    assert "Trường này là bắt buộc." in html  # the measurable target
    assert _state() == before
    response = client.post(
        reverse("scoring:plan_task_add", args=[plan.pk]),
        {
            "title": "Tập huấn cán bộ một cửa",
            "owner_unit": improvement_year["units"]["B"].pk,
            "deadline": "01/01/2020",
            "measurable_target": "100% cán bộ được tập huấn",
            "items": ["not-a-number"],
        },
    )
    html = response.content.decode()
    assert "Hãy chọn tiêu chí thành phần của Bộ chỉ số đã công bố." in html
    response = client.post(
        reverse("scoring:plan_task_add", args=[plan.pk]),
        {
            "title": "Tập huấn cán bộ một cửa",
            "owner_unit": improvement_year["units"]["B"].pk,
            "deadline": "01/01/2020",
            "measurable_target": "100% cán bộ được tập huấn",
        },
    )
    assert "Thời hạn hoàn thành không được ở trong quá khứ." in response.content.decode()
    assert _state() == before


def test_the_detail_groups_tasks_by_owner_and_shows_the_target(client, people, improvement_year):
    province = plan_draft(period=improvement_year["period"], by=people["home_affairs"])[0]
    client.force_login(people["home_affairs"])
    html = client.get(reverse("scoring:plan_detail", args=[province.pk])).content.decode()
    units = improvement_year["units"]
    order = [html.index(f'id="unit-{units[code].pk}"') for code in ("C", "E", "B", "D")]
    assert order == sorted(order)
    assert html.count('id="unit-') == 4 and "2 nhiệm vụ" in html
    assert "Ban hành kế hoạch…" in html

    plan = _unit_b_plan(improvement_year, people)
    RemediationPlan.objects.filter(pk=plan.pk).update(target_rank=2)
    client.force_login(people["staff_b"])
    html = client.get(reverse("scoring:plan_detail", args=[plan.pk])).content.decode()
    assert "Từ hạng 04/5 lên 02/5: cần thêm 3,00 điểm." in html


def test_issuing_asks_for_the_tick_then_issues(client, people, improvement_year, personas):
    personas["organiser"].signer_title = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    personas["organiser"].save()
    plan = plan_draft(period=improvement_year["period"], by=people["home_affairs"])[0]
    client.force_login(people["home_affairs"])
    url = reverse("scoring:plan_issue", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "PHÓ GIÁM ĐỐC" in page and "Không thể hủy việc ban hành" in page
    response = client.post(url, {"document_number": "31"})
    assert "Hãy đánh dấu ô xác nhận để ban hành kế hoạch." in response.content.decode()
    assert RemediationPlan.objects.get().status == PlanStatus.DRAFT
    response = client.post(url, {"document_number": "31", "confirm": "on"}, follow=True)
    html = response.content.decode()
    assert "Kế hoạch đã được ban hành; các đơn vị chủ trì đã được thông báo nhiệm vụ." in html
    assert "Ban hành kế hoạch…" not in html  # read-only now
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED and plan.document_number == "31"
    assert Notification.objects.filter(recipient=people["staff_b"]).exists()
    response = client.get(reverse("scoring:plan_edit", args=[plan.pk]), follow=True)
    assert "Kế hoạch đã ban hành, không thể sửa đổi nữa." in response.content.decode()


def test_a_task_opens_for_editing_as_stored_and_saving_it_unchanged_keeps_its_items(
    client, people, improvement_year, personas
):
    plan = _unit_b_plan(improvement_year, personas)
    task = plan.tasks.order_by("position").first()
    items_before = sorted(task.items.values_list("pk", flat=True))
    assert items_before
    client.force_login(personas["staff_b"])
    url = reverse("scoring:plan_task_edit", args=[plan.pk, task.pk])
    form = client.get(url).context["form"]
    assert form.initial["title"] == task.title
    assert form.initial["measurable_target"] == task.measurable_target
    assert sorted(form.initial["items"]) == items_before
    html = client.get(url).content.decode()
    assert task.measurable_target in html and task.deadline.strftime("%d/%m/%Y") in html
    posted = {
        "title": task.title,
        "owner_unit": task.owner_unit_id,
        "owner_person": task.owner_person,
        "deadline": task.deadline.strftime("%d/%m/%Y"),
        "measurable_target": task.measurable_target,
        "items": items_before,
    }
    assert client.post(url, posted).status_code == 302
    assert sorted(task.items.values_list("pk", flat=True)) == items_before
