"""Beside each item of next year's form: last year's remediation tasks of issued plans and the
inspection findings about the unit, for that item's code — on the unit's self-assessment form
and on the council's review page, in a constant number of queries."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import IndexItem, ItemLevel, PlanStatus, ScoringMethod, TaskStatus
from scoring.selectors.improvement_notes import lessons_by_code
from tests.factories import AssessmentFactory, RoleGrantFactory, UnitFactory
from units.roles import Role

from .inspection_helpers import plan, record_finding, record_inspection, task


@pytest.fixture
def y(improvement_year, personas):
    y = {**improvement_year, **personas}
    province = plan(y, y["home_affairs"], status=PlanStatus.ISSUED)
    y["done_task"] = task(
        province,
        y["units"]["B"],
        [y["items"]["1.1.2"]],
        title="Ban hành kế hoạch thực hiện đầy đủ",
        status=TaskStatus.DONE,
        outcome="Đã thực hiện 12/12 nhiệm vụ của kế hoạch",
        completed_on=date(2026, 10, 12),
    )
    task(province, y["units"]["A"], [y["items"]["1.1.2"]], title="Nhiệm vụ của Sở Tư pháp")
    draft = plan(y, y["staff_b"], unit=y["units"]["B"], title="Kế hoạch riêng (dự thảo)")
    task(draft, y["units"]["B"], [y["items"]["1.1.2"]], title="Nhiệm vụ còn dự thảo")
    inspection = record_inspection(y, y["home_affairs"], "A", "B", title="Kiểm tra CCHC 2025")
    record_finding(
        inspection, y["home_affairs"], y["units"]["B"], text="Tỷ lệ hồ sơ trễ hạn cao",
        codes="2.1.1", remedy="Rà soát quy trình một cửa",
    )  # fmt: skip
    record_finding(inspection, y["home_affairs"], y["units"]["A"], text="Phát hiện ở Sở Tư pháp")
    return y


def _article(page: str, item) -> str:
    match = re.search(rf'<article[^>]*id="item-{item.pk}".*?</article>', page, re.S)
    assert match, f"item {item.code} not on the page"
    return match.group(0)


def test_the_2026_form_shows_the_2025_task_beside_its_item(client, y):
    client.force_login(y["staff_b"])
    assessment = y["next_assessments"]["B"]
    page = client.get(reverse("scoring:self_assessment", args=[assessment.pk])).content.decode()
    beside = _article(page, y["next_items"]["1.1.2"])
    assert "<details" in beside and "data-lessons" in beside and " open" not in beside
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", beside))
    assert "Năm 2025: Nhiệm vụ khắc phục – Hoàn thành (12/10/2026): Ban hành kế hoạch" in text
    assert "Kết quả: Đã thực hiện 12/12 nhiệm vụ của kế hoạch" in text
    # Not another unit's task, nor a task of a plan still in draft.
    assert "Nhiệm vụ của Sở Tư pháp" not in page and "Nhiệm vụ còn dự thảo" not in page
    # 2.1.1 has no task, only the inspection's finding about B.
    other = _article(page, y["next_items"]["2.1.1"])
    assert "Ban hành kế hoạch" not in other
    assert "Tỷ lệ hồ sơ trễ hạn cao" in other and "Rà soát quy trình một cửa" in other
    assert "Năm 2025: Kiểm tra CCHC ngày 12/05/2026" in re.sub(r"<[^>]+>", "", other)
    assert "Phát hiện ở Sở Tư pháp" not in page
    assert "data-lessons" not in _article(page, y["next_items"]["1.1.1"])


def test_another_unit_sees_its_own_lessons_only(client, y):
    client.force_login(y["staff_a"])
    assessment = y["next_assessments"]["A"]
    page = client.get(reverse("scoring:self_assessment", args=[assessment.pk])).content.decode()
    assert "Nhiệm vụ của Sở Tư pháp" in _article(page, y["next_items"]["1.1.2"])
    assert "Ban hành kế hoạch thực hiện đầy đủ" not in page
    assert "Tỷ lệ hồ sơ trễ hạn cao" not in page


def test_an_open_task_shows_its_deadline_and_overdue(y):
    y["done_task"].status = TaskStatus.IN_PROGRESS
    y["done_task"].save()
    lessons = lessons_by_code(y["next_assessments"]["B"], today=date(2026, 12, 4))
    (lesson,) = lessons["1.1.2"].tasks
    assert (lesson.year, lesson.status_label, lesson.overdue) == (2025, "Đang thực hiện", True)
    assert (
        lessons_by_code(y["next_assessments"]["B"], today=date(2026, 11, 1))["1.1.2"]
        .tasks[0]
        .overdue
        is False
    )


def test_the_appraiser_sees_the_findings_beside_the_self_score(client, y):
    client.force_login(y["appraiser"])  # area 2
    url = reverse("scoring:appraisal_review", args=[y["next_assessments"]["B"].pk])
    response = client.get(url)
    assert response.status_code == 200
    beside = _article(response.content.decode(), y["next_items"]["2.1.1"])
    assert "Tỷ lệ hồ sơ trễ hạn cao" in beside and "data-lessons" in beside
    client.force_login(y["chair"])
    page = client.get(url).content.decode()
    assert "Ban hành kế hoạch thực hiện đầy đủ" in _article(page, y["next_items"]["1.1.2"])


def test_a_merged_unit_inherits_its_predecessors_lessons(client, y):
    merged = UnitFactory(code="M", name="Sở Y tế và Dân số", kind=y["kind"],
                         organiser=y["organiser"], valid_from_year=2026)  # fmt: skip
    merged.predecessors.add(y["units"]["B"])
    assessment = AssessmentFactory(
        period=y["next_period"], unit=merged, index_set=y["next_assessments"]["B"].index_set
    )
    staff = RoleGrantFactory(role=Role.UNIT_STAFF, unit=merged).user
    client.force_login(staff)
    page = client.get(reverse("scoring:self_assessment", args=[assessment.pk])).content.decode()
    beside = _article(page, y["next_items"]["1.1.2"])
    assert "Ban hành kế hoạch thực hiện đầy đủ" in beside and "(Sở Y tế)" in beside
    assert "Tỷ lệ hồ sơ trễ hạn cao" in _article(page, y["next_items"]["2.1.1"])


def _more(y, n):
    """n more sub-criteria in both years, each with a done task and a finding for B."""
    province = y["done_task"].plan
    inspection = record_inspection(y, y["home_affairs"], "B", title=f"Kiểm tra thêm {n}")
    for items_key in ("items", "next_items"):
        parent = y[items_key]["1.1"]
        for k in range(n):
            IndexItem.objects.create(
                index_set=parent.index_set, code=f"1.1.{k + 10}", name=f"Thêm {k}",
                level=ItemLevel.SUB_CRITERION, max_points=0, parent=parent, position=100 + k,
                method=ScoringMethod.MANUAL,
            )  # fmt: skip
    for k in range(n):
        item = IndexItem.objects.get(index_set=y["items"]["1.1"].index_set, code=f"1.1.{k + 10}")
        task(province, y["units"]["B"], [item], title=f"Nhiệm vụ {k}", status=TaskStatus.DONE)
        record_finding(inspection, y["home_affairs"], y["units"]["B"], codes=item.code)


def _count(func):
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def test_the_query_count_stays_the_same_however_many_items(client, y):
    assessment = y["next_assessments"]["B"]
    small = _count(lambda: lessons_by_code(assessment))
    assert small == 3  # the lineage, the tasks, the findings
    client.force_login(y["staff_b"])
    url = reverse("scoring:self_assessment", args=[assessment.pk])
    page_small = _count(lambda: client.get(url))
    _more(y, 40)
    lessons = lessons_by_code(assessment)
    assert len(lessons) == 42 and lessons["1.1.49"].tasks[0].title == "Nhiệm vụ 39"
    assert _count(lambda: lessons_by_code(assessment)) == small
    assert _count(lambda: client.get(url)) == page_small
