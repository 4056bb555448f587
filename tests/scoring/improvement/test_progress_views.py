"""The progress pages: who may open and post what (role × view × method, a refused post
changes nothing), the report form's answers in Vietnamese, files served only to those who see
the task, and Home Affairs' dashboard (counts, overdue first, filters, pages)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import (
    AuditEntry,
    ImprovementFile,
    RemediationTask,
    TaskProgress,
    TaskStatus,
)
from scoring.services.remediation_progress import task_progress_report
from tests.factories import OrganiserFactory, RoleGrantFactory
from tests.helpers import CONTROL_REFUSED
from tests.scoring.improvement.progress_helpers import PDF, make_draft_plan, make_task, pdf
from units.roles import Role

pytestmark = pytest.mark.django_db
ROLES = (
    "anonymous",
    "staff_b",  # the owner unit's staff
    "staff_a",  # another unit's staff
    "appraiser",
    "chair",
    "home_affairs",
    "admin",
    "other_home_affairs",  # Home Affairs of another organiser
)


@pytest.fixture
def world(issued_province_plan, improvement_year, personas):
    today = timezone.localdate()
    units = improvement_year["units"]
    task = make_task(issued_province_plan, units["B"], today - timedelta(days=3))
    make_task(issued_province_plan, units["C"], today + timedelta(days=30), title="Số hóa hồ sơ")
    progress = task_progress_report(
        task=task,
        by=personas["staff_b"],
        status=TaskStatus.IN_PROGRESS,
        note="Đã dự thảo kế hoạch",
        files=[pdf("Dự thảo kế hoạch.pdf")],
    )
    draft = make_draft_plan(improvement_year, units["B"], personas["staff_b"])
    other = OrganiserFactory(code="org-other", name="Sở Nội vụ tỉnh khác")
    return {
        "task": task,
        "file": progress.files.get(),
        "draft_task": make_task(draft, units["B"], today + timedelta(days=10)),
        "users": {
            **{name: personas[name] for name in ROLES[1:7]},
            "other_home_affairs": RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=other).user,
        },
    }


def _client_for(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def _state():
    return (
        TaskProgress.objects.count(),
        ImprovementFile.objects.count(),
        AuditEntry.objects.count(),
        list(RemediationTask.objects.order_by("pk").values_list("status", "outcome")),
    )


def _report(**extra):
    return {"status": "done", "note": "Đã ban hành kế hoạch", "confirm": "on", **extra}


GET_MATRIX = {
    # view: expected status per role, in ROLES order
    "task_list": (302, 200, 200, 403, 403, 302, 403, 302),
    # another unit's staff read the issued plan, not the owner's reports and files
    "task_detail": (302, 200, 404, 200, 200, 200, 200, 404),
    "task_file": (302, 200, 404, 200, 200, 200, 200, 404),
    "improvement_dashboard": (302, 403, 403, 403, 403, 200, 403, 200),
    "draft_task_detail": (302, 200, 404, 404, 404, 200, 404, 404),
}


def _url(view, world):
    if view == "task_detail":
        return reverse("scoring:task_detail", args=[world["task"].pk])
    if view == "draft_task_detail":
        return reverse("scoring:task_detail", args=[world["draft_task"].pk])
    if view == "task_file":
        return reverse("scoring:task_file", args=[world["file"].pk])
    return reverse(f"scoring:{view}")


@pytest.mark.parametrize("view", GET_MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, world, view, role):
    expected = GET_MATRIX[view][ROLES.index(role)]
    response = _client_for(client, world, role).get(_url(view, world))
    assert response.status_code == expected, (view, role)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


POST_MATRIX = {
    "task_detail": (302, 302, 404, 403, 403, 403, 403, 404),
    "draft_task_detail": (302, 403, 404, 404, 404, 403, 404, 404),
    # GET-only pages refuse a post outright
    "task_list": (302, 405, 405, 405, 405, 405, 405, 405),
    "task_file": (302, 405, 405, 405, 405, 405, 405, 405),
    "improvement_dashboard": (302, 405, 405, 405, 405, 405, 405, 405),
}


@pytest.mark.parametrize("view", POST_MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_post_matrix_and_a_refused_post_changes_nothing(client, world, view, role):
    expected = POST_MATRIX[view][ROLES.index(role)]
    before = _state()
    response = _client_for(client, world, role).post(
        _url(view, world), _report(files=[pdf("ket-qua.pdf")])
    )
    assert response.status_code == expected, (view, role)
    if view == "task_detail" and role == "staff_b":
        world["task"].refresh_from_db()
        assert world["task"].status == TaskStatus.DONE
        assert response["Location"] == _url("task_detail", world)
    else:
        assert _state() == before


def test_the_owner_reports_through_the_form_with_two_files(client, world):
    client.force_login(world["users"]["staff_b"])
    url = _url("task_detail", world)
    response = client.post(
        url,
        _report(files=[pdf("Quyết định.pdf"), pdf("Báo cáo.pdf", PDF + b"%2\n")]),
        follow=True,
    )
    html = response.content.decode()
    assert "Đã lưu báo cáo" in html and "Hoàn thành" in html
    assert "Quyết định.pdf" in html and "Báo cáo.pdf" in html
    task = world["task"]
    task.refresh_from_db()
    assert (task.status, task.completed_on) == (TaskStatus.DONE, timezone.localdate())
    # Newest report first, with the earlier one below.
    assert html.index("Đã ban hành kế hoạch") < html.index("Đã dự thảo kế hoạch")
    assert "data-overdue" not in html.split("data-history")[0]  # done: no longer overdue


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_report(files=[pdf("a.pdf"), pdf("b.pdf", b"<html>")]), "không đúng định dạng .pdf"),
        (_report(note=""), "Hãy cho biết đã làm được gì."),
        (_report(note="Xong\x00"), CONTROL_REFUSED),
        (_report(note="x" * 5001), "tối đa 5000 ký tự"),
        (_report(status="xong"), "Hãy chọn trạng thái của nhiệm vụ."),
        ({"status": "done", "note": "Xong"}, "Hãy đánh dấu để gửi báo cáo."),
    ],
)
def test_bad_input_answers_in_vietnamese_and_stores_nothing(client, world, data, message):
    client.force_login(world["users"]["staff_b"])
    before = _state()
    response = client.post(_url("task_detail", world), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state() == before


def test_a_file_is_served_under_its_name_and_only_to_those_who_see_the_task(client, world):
    client.force_login(world["users"]["home_affairs"])
    response = client.get(_url("task_file", world))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "D%E1%BB%B1%20th%E1%BA%A3o" in response["Content-Disposition"]
    client.force_login(world["users"]["other_home_affairs"])
    assert client.get(_url("task_file", world)).status_code == 404
    assert client.get(reverse("scoring:task_file", args=[999999])).status_code == 404


def test_the_units_list_shows_its_tasks_with_the_overdue_badge(client, world):
    client.force_login(world["users"]["staff_b"])
    html = client.get(reverse("scoring:task_list")).content.decode()
    assert "Ban hành kế hoạch CCHC đúng hạn" in html
    assert "Quá hạn" in html and "Đang thực hiện" in html
    assert "Số hóa hồ sơ" not in html  # unit C's task
    assert "dự thảo" not in html.lower().split("<main")[1]  # the draft plan's task is not listed
    client.force_login(world["users"]["staff_a"])
    html = client.get(reverse("scoring:task_list")).content.decode()
    assert "không có nhiệm vụ" in html


def test_the_navigation_link_is_for_owners_of_tasks_and_home_affairs(client, world):
    link = "data-nav-improvement"
    for role, shown in (
        ("staff_b", True),
        ("staff_a", False),  # unit A owns no task
        ("home_affairs", True),
        ("appraiser", False),
        ("admin", False),
    ):
        client.force_login(world["users"][role])
        html = client.get(reverse("home")).content.decode()
        assert (link in html) is shown, role
        if shown:
            assert "Nhiệm vụ khắc phục" in html


def test_the_dashboard_counts_puts_overdue_first_filters_and_pages(
    client, world, issued_province_plan, improvement_year
):
    today = timezone.localdate()
    unit_e = improvement_year["units"]["E"]
    for n in range(55):
        make_task(issued_province_plan, unit_e, today + timedelta(days=n + 1), title=f"Việc {n}")
    make_task(issued_province_plan, unit_e, today - timedelta(days=40), title="Việc trễ nhất")
    client.force_login(world["users"]["home_affairs"])
    url = reverse("scoring:improvement_dashboard")
    response = client.get(url)
    html = response.content.decode()
    assert response.context["counts"] == {
        "total": 58,
        "overdue": 2,
        "not_started": 57,
        "in_progress": 1,
        "done": 0,
    }
    rows = [row.task.title for row in response.context["rows"]]
    assert rows[:2] == ["Việc trễ nhất", "Ban hành kế hoạch CCHC đúng hạn"]
    assert len(rows) == 50 and "Trang 1/2" in html
    assert "Quá hạn" in html
    page2 = client.get(url, {"page": 2, "unit": unit_e.pk})
    assert {row.task.owner_unit_id for row in page2.context["rows"]} == {unit_e.pk}
    overdue = client.get(url, {"status": "overdue"})
    assert [row.task.title for row in overdue.context["rows"]] == rows[:2]
    for junk in ({"status": "<b>"}, {"unit": "x"}, {"plan": "99999999999999999999"}, {"page": "z"}):
        assert client.get(url, junk).status_code == 200
    other = client.get(url, {"plan": issued_province_plan.pk, "status": TaskStatus.IN_PROGRESS})
    assert [row.task.title for row in other.context["rows"]] == ["Ban hành kế hoạch CCHC đúng hạn"]


def test_another_organisers_dashboard_shows_none_of_these_tasks(client, world):
    client.force_login(world["users"]["other_home_affairs"])
    response = client.get(reverse("scoring:improvement_dashboard"))
    assert response.context["counts"]["total"] == 0
    assert "Ban hành kế hoạch CCHC đúng hạn" not in response.content.decode()


def test_the_dashboard_reads_a_fixed_number_of_queries(
    client, world, issued_province_plan, improvement_year, django_assert_max_num_queries
):
    client.force_login(world["users"]["home_affairs"])
    url = reverse("scoring:improvement_dashboard")
    client.get(url)
    unit_d = improvement_year["units"]["D"]
    for n in range(40):
        make_task(issued_province_plan, unit_d, date(2026, 12, 1) + timedelta(days=n))
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_same_file_twice_in_one_report_is_kept_once(client, world):
    client.force_login(world["users"]["staff_b"])
    before = ImprovementFile.objects.count()
    client.post(_url("task_detail", world), _report(files=[pdf("a.pdf"), pdf("a (1).pdf")]))
    assert ImprovementFile.objects.count() == before + 1
    assert ImprovementFile.objects.latest("pk").original_name == "a.pdf"
