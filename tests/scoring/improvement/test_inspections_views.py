"""The inspection pages: who may open and post what (role × view × method, nothing changed by
a refused post), a unit reading only its own findings, and bad input answered in Vietnamese."""

import pytest
from django.urls import reverse

from scoring.models import (
    AuditEntry,
    ImprovementFile,
    Inspection,
    InspectionFinding,
    RemediationTask,
)
from tests.factories import OrganiserFactory, RoleGrantFactory
from tests.helpers import CONTROL_REFUSED, pdf_bytes
from units.roles import Role

from .inspection_helpers import PDF, pdf, plan, record_finding, record_inspection

WHO = [
    "anonymous",
    "staff_a",  # staff of a unit visited
    "staff_b",  # staff of a unit not visited
    "appraiser",
    "chair",
    "home_affairs",
    "admin",
    "other_home_affairs",  # Home Affairs of another organiser
]


@pytest.fixture
def y(improvement_year, personas):
    ha = personas["home_affairs"]
    inspection = record_inspection(improvement_year, ha, "A", "C")
    finding_a = record_finding(
        inspection, ha, improvement_year["units"]["A"], text="Sở Tư pháp: chậm báo cáo"
    )
    finding_c = record_finding(
        inspection, ha, improvement_year["units"]["C"], text="Sở Tài chính: thiếu kế hoạch"
    )
    draft = plan(improvement_year, ha)
    other = OrganiserFactory(code="org-other", name="Sở Nội vụ tỉnh khác")
    people = {
        **personas,
        "other_home_affairs": RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=other).user,
    }
    return {
        **improvement_year,
        **people,
        "inspection": inspection,
        "finding_a": finding_a,
        "finding_c": finding_c,
        "plan": draft,
    }


def _with_file(y):
    from scoring.services.inspections import VisitInput, inspection_update

    inspection = y["inspection"]
    inspection_update(
        inspection=inspection,
        by=y["home_affairs"],
        data=VisitInput(
            title=inspection.title,
            visited_on=inspection.visited_on,
            team=inspection.team,
            units=list(inspection.units.all()),
            summary=inspection.summary,
        ),
        files=[pdf()],
    )
    return inspection.files.get()


def _state(y):
    y["inspection"].refresh_from_db()
    return (
        Inspection.objects.count(),
        InspectionFinding.objects.count(),
        RemediationTask.objects.count(),
        ImprovementFile.objects.count(),
        AuditEntry.objects.count(),
        y["inspection"].title,
        tuple(InspectionFinding.objects.order_by("pk").values_list("text", flat=True)),
    )


def _views(y, upload):
    inspection, finding = y["inspection"], y["finding_a"]
    unit_a = y["units"]["A"].pk
    visit_post = {
        "title": "Kiểm tra CCHC (sửa)",
        "visited_on": "12/05/2026",
        "team": "Nguyễn Văn An",
        "units": [unit_a, y["units"]["C"].pk],
        "summary": "",
        "period": y["period"].pk,
    }
    finding_post = {"unit": unit_a, "text": "Đã sửa", "remedy": "", "item_codes": "1.1.2"}
    task_post = {
        "plan": y["plan"].pk,
        "title": "Báo cáo đúng hạn",
        "measurable_target": "4/4 báo cáo đúng hạn",
        "deadline": "30/06/2027",
    }
    return {
        "list": (reverse("scoring:inspection_list"), {}),
        "create": (
            reverse("scoring:inspection_create") + f"?period={y['period'].pk}",
            visit_post,
        ),
        "detail": (reverse("scoring:inspection_detail", args=[inspection.pk]), {}),
        "edit": (reverse("scoring:inspection_edit", args=[inspection.pk]), visit_post),
        "finding_add": (
            reverse("scoring:inspection_finding_add", args=[inspection.pk]),
            finding_post,
        ),
        "finding_edit": (
            reverse("scoring:inspection_finding_edit", args=[inspection.pk, finding.pk]),
            finding_post,
        ),
        "finding_task": (
            reverse("scoring:inspection_finding_task", args=[inspection.pk, finding.pk]),
            task_post,
        ),
        "file": (reverse("scoring:inspection_file", args=[upload.pk]), {}),
    }


READ = {"staff_a": 200, "staff_b": 404, "appraiser": 200, "chair": 200, "home_affairs": 200,
        "admin": 200, "other_home_affairs": 404}  # fmt: skip
WRITE = {"staff_a": 403, "staff_b": 404, "appraiser": 403, "chair": 403, "home_affairs": 200,
         "admin": 403, "other_home_affairs": 404}  # fmt: skip
EXPECTED_GET = {
    "list": dict.fromkeys(READ, 200),
    "create": {**WRITE, "staff_b": 403},  # no inspection yet: 403 to all but Home Affairs
    "detail": READ,
    "edit": WRITE,
    "finding_add": WRITE,
    "finding_edit": WRITE,
    "finding_task": WRITE,
    # the minutes cover every unit visited: Home Affairs and the council, not a unit's staff
    "file": {**READ, "staff_a": 404},
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("view", list(EXPECTED_GET))
@pytest.mark.parametrize("method", ["get", "post"])
def test_permission_matrix(client, y, who, view, method):
    upload = _with_file(y)
    url, payload = _views(y, upload)[view]
    if who != "anonymous":
        client.force_login(y[who])
    before = _state(y)
    response = getattr(client, method)(url, payload) if method == "post" else client.get(url)
    if who == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
        assert _state(y) == before
        return
    expected = EXPECTED_GET[view][who]
    if method == "post":
        if view in ("list", "detail", "file"):
            expected = 405  # read-only pages
        elif expected == 200:
            expected = 302  # saved, back to the inspection
    assert response.status_code == expected, response.content.decode()[:400]
    if method == "get" or expected != 302:
        assert _state(y) == before  # nobody changed anything by knocking
    if view == "file" and expected == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Cache-Control"] == "private, no-store"


def test_home_affairs_of_another_organiser_records_nothing_in_ours(client, y):
    client.force_login(y["other_home_affairs"])
    before = _state(y)
    response = client.post(
        reverse("scoring:inspection_create"),
        {"period": y["period"].pk, "title": "x", "visited_on": "12/05/2026", "team": "x",
         "units": [y["units"]["A"].pk]},
    )  # fmt: skip
    assert response.status_code == 404 and _state(y) == before


def test_the_list_is_narrowed_and_paginated(client, y):
    for n in range(30):
        record_inspection(y, y["home_affairs"], "D", title=f"Kiểm tra số {n}")
    client.force_login(y["staff_a"])
    page = client.get(reverse("scoring:inspection_list")).content.decode()
    assert "Kiểm tra công tác CCHC" in page and "Kiểm tra số" not in page
    client.force_login(y["staff_b"])
    assert (
        "Chưa có đợt kiểm tra nào"
        in client.get(reverse("scoring:inspection_list")).content.decode()
    )
    client.force_login(y["home_affairs"])
    first = client.get(reverse("scoring:inspection_list"))
    assert len(first.context["page"].object_list) == 25 and first.context["page"].has_next()
    second = client.get(reverse("scoring:inspection_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 6
    assert "Trang 1/2" in first.content.decode()


def test_a_unit_reads_only_its_own_findings(client, y):
    url = reverse("scoring:inspection_detail", args=[y["inspection"].pk])
    client.force_login(y["staff_a"])
    page = client.get(url).content.decode()
    assert "Sở Tư pháp: chậm báo cáo" in page
    assert "Sở Tài chính: thiếu kế hoạch" not in page
    assert f'data-findings-of="{y["units"]["C"].code}"' not in page
    assert "Chuyển thành nhiệm vụ khắc phục" not in page and "Sửa đợt kiểm tra" not in page
    for who in ("home_affairs", "chair", "appraiser"):
        client.force_login(y[who])
        page = client.get(url).content.decode()
        assert "Sở Tư pháp: chậm báo cáo" in page and "Sở Tài chính: thiếu kế hoạch" in page


def test_the_navigation_link_shows_for_home_affairs_and_units_visited(client, y):
    for who, shown in (("home_affairs", True), ("staff_a", True), ("staff_b", False),
                       ("chair", False)):  # fmt: skip
        client.force_login(y[who])
        page = client.get(reverse("home")).content.decode()
        assert ("Kiểm tra CCHC" in page and "data-nav-inspections" in page) == shown, who


def test_creating_through_the_page(client, y):
    client.force_login(y["home_affairs"])
    url = reverse("scoring:inspection_create")
    form = client.get(url, {"period": y["period"].pk})
    page = form.content.decode()
    assert "data-unit-search" in page and "Sở Công Thương (E)" in page
    response = client.post(
        url,
        {
            "period": y["period"].pk,
            "title": "Kiểm tra đợt 2",
            "visited_on": "20/06/2026",
            "team": "Nguyễn Văn An\nLê Thị Bình",
            "units": [y["units"]["B"].pk, y["units"]["E"].pk],
            "summary": "Tốt",
            "files": [pdf(), pdf("anh.pdf", pdf_bytes("anh"))],
        },
        follow=True,
    )
    created = Inspection.objects.get(title="Kiểm tra đợt 2")
    assert response.redirect_chain[-1][0] == reverse("scoring:inspection_detail", args=[created.pk])
    page = response.content.decode()
    assert "Đã ghi nhận đợt kiểm tra" in page and "bien-ban.pdf" in page and "anh.pdf" in page
    assert "20/06/2026" in page and "Lê Thị Bình" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "Kiểm tra\x00"}, CONTROL_REFUSED),
        ({"visited_on": "31/02/2026"}, "Nhập ngày theo dạng dd/mm/yyyy"),
        ({"units": []}, "Chọn ít nhất một đơn vị được kiểm tra"),
        ({"units": ["999999"]}, "không thuộc các đơn vị của kỳ đánh giá này"),
        ({"files": [pdf("virus.pdf", b"MZ\x90")]}, "không đúng định dạng .pdf"),
    ],
)
def test_bad_input_on_the_page_is_explained_and_changes_nothing(client, y, change, message):
    client.force_login(y["home_affairs"])
    before = _state(y)
    payload = {
        "period": y["period"].pk,
        "title": "Kiểm tra đợt 2",
        "visited_on": "20/06/2026",
        "team": "Nguyễn Văn An",
        "units": [y["units"]["B"].pk],
        **change,
    }
    response = client.post(reverse("scoring:inspection_create"), payload)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page, page[:2000]
    assert _state(y) == before


def test_finding_codes_of_no_item_are_explained(client, y):
    client.force_login(y["home_affairs"])
    before = _state(y)
    response = client.post(
        reverse("scoring:inspection_finding_add", args=[y["inspection"].pk]),
        {"unit": y["units"]["A"].pk, "text": "Thiếu", "item_codes": "1.1.2, 9.9"},
    )
    assert response.status_code == 400
    assert "9.9: không phải tiêu chí thành phần" in response.content.decode()
    assert _state(y) == before


def test_a_finding_made_a_task_from_the_page(client, y):
    client.force_login(y["home_affairs"])
    url = reverse("scoring:inspection_finding_task", args=[y["inspection"].pk, y["finding_a"].pk])
    form = client.get(url)
    assert "Kế hoạch khắc phục 2025" in form.content.decode()
    response = client.post(
        url,
        {
            "plan": y["plan"].pk,
            "title": "Báo cáo đúng hạn",
            "measurable_target": "4/4 báo cáo đúng hạn",
            "deadline": "30/06/2027",
            "owner_person": "",
        },
        follow=True,
    )
    task = RemediationTask.objects.get()
    assert (task.owner_unit, task.finding) == (y["units"]["A"], y["finding_a"])
    assert "Phát hiện đã trở thành nhiệm vụ" in response.content.decode()
    assert "Báo cáo đúng hạn" in response.content.decode()  # the finding shows its task


def test_without_a_draft_plan_the_page_says_what_to_do(client, y):
    y["plan"].delete()
    client.force_login(y["home_affairs"])
    url = reverse("scoring:inspection_finding_task", args=[y["inspection"].pk, y["finding_a"].pk])
    page = client.get(url).content.decode()
    assert "Chưa có kế hoạch khắc phục dự thảo nào của năm 2025" in page
    before = _state(y)
    response = client.post(
        url, {"plan": "1", "title": "x", "measurable_target": "y", "deadline": "30/06/2027"}
    )
    assert response.status_code == 400 and _state(y) == before


def test_a_visited_unit_reads_its_findings_but_not_the_minutes_of_every_unit(client, y):
    upload = _with_file(y)
    url = reverse("scoring:inspection_detail", args=[upload.inspection_id])
    client.force_login(y["staff_a"])
    page = client.get(url).content.decode()
    assert "data-documents-withheld" in page and upload.original_name not in page
    client.force_login(y["home_affairs"])
    assert upload.original_name in client.get(url).content.decode()


def test_a_visit_posted_for_a_period_that_is_not_an_id_records_nothing(client, y):
    client.force_login(y["home_affairs"])
    before = _state(y)
    response = client.post(
        reverse("scoring:inspection_create"),
        {"period": "abc", "title": "x", "visited_on": "12/05/2026", "team": "x",
         "units": [y["units"]["A"].pk]},
    )  # fmt: skip
    assert response.status_code == 404 and _state(y) == before
