"""Issue 15's walk in Chromium, from publication to next year's form: Home Affairs publishes
2025, drafts the province's remediation plan from the lost points and issues it; Sở Y tế's staff
report a task done with a file; their 2026 self-assessment form shows the task and its outcome
beside the item it addressed. Screens at 1366 and 390 px go to var/screenshots/improvement/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import Report, ReportStatus
from scoring.models import (
    Publication,
    RemediationPlan,
    RemediationTask,
    Score,
    TaskProgress,
    TaskStatus,
)
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.browser.conftest import log_in
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    OrganiserFactory,
    PeriodFactory,
    RoleGrantFactory,
    UnitFactory,
    UnitKindFactory,
    UserFactory,
)
from tests.helpers import pdf_bytes
from tests.scoring.improvement.conftest import FINAL_POINTS, build_items
from units.roles import Role

pytestmark = pytest.mark.browser
D = Decimal
PASSWORD = "parindex-demo"
PDF = pdf_bytes()


def _user(username, role, **scope):
    user = UserFactory(username=username, password=PASSWORD, full_name=username)
    RoleGrantFactory(user=user, role=role, **scope)
    return user


@pytest.fixture
def year_to_publish(live_server, transactional_db, settings):
    """The shared improvement year (five departments, A first … D last), appraised but not yet
    published, with 2026 open; Home Affairs `noivu` and Sở Y tế's `soyte` can log in."""
    settings.REPORTS_RENDER_PUBLISHED_DOCUMENTS = False
    organiser = OrganiserFactory(code="hoa-an", name="Sở Nội vụ tỉnh Hòa An", document_code="SNV")
    kind = UnitKindFactory()
    group = organiser.ranking_groups.create(code="so", name="Sở, ngành")
    names = {"A": "Sở Tư pháp", "B": "Sở Y tế", "C": "Sở Tài chính", "D": "Sở Xây dựng",
             "E": "Sở Công Thương"}  # fmt: skip
    units = {
        code: UnitFactory(code=code, name=name, kind=kind, organiser=organiser, ranking_group=group)
        for code, name in names.items()
    }
    period = PeriodFactory(organiser=organiser, year=2025, status=PeriodStatus.APPRAISAL)
    index_set = IndexSetFactory(period=period, unit_kind=kind)
    items = build_items(index_set)
    for code, points in FINAL_POINTS.items():
        assessment = AssessmentFactory(
            period=period, unit=units[code], index_set=index_set, ranking_group=group,
            status=AssessmentStatus.APPRAISED, submitted_at=timezone.now() - timedelta(days=60),
        )  # fmt: skip
        for item_code, value in zip(("1.1.1", "1.1.2", "2.1.1"), points, strict=True):
            Score.objects.create(
                assessment=assessment, item=items[item_code], self_points=D(value),
                final_points=D(value),
            )  # fmt: skip
    next_period = PeriodFactory(
        organiser=organiser, year=2026, status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=20),
    )  # fmt: skip
    next_set = IndexSetFactory(period=next_period, unit_kind=kind)
    next_items = build_items(next_set)
    next_b = AssessmentFactory(
        period=next_period, unit=units["B"], index_set=next_set, ranking_group=group
    )
    return {
        "server": live_server,
        "period": period,
        "next_b": next_b,
        "next_items": next_items,
        "home_affairs": _user("noivu", Role.HOME_AFFAIRS, organiser=organiser),
        "staff_b": _user("soyte", Role.UNIT_STAFF, unit=units["B"]),
    }


def test_publish_plan_issue_report_and_the_lesson_beside_next_years_item(
    page, year_to_publish, screenshot_dir, tmp_path
):
    world, server = year_to_publish, year_to_publish["server"]
    period = world["period"]
    directory = screenshot_dir / "improvement"
    directory.mkdir(exist_ok=True)

    def shots(name):
        for width, height in ((1366, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(directory / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})

    # ------------------------------------------------------------ Home Affairs publishes 2025
    log_in(page, server, "noivu")
    page.goto(f"{server.url}/periods/{period.pk}/")
    page.get_by_role("link", name="Công bố kết quả…").click()
    page.wait_for_url(f"**/periods/{period.pk}/publish/")
    page.locator("#id_confirm").check()
    page.locator("form button[type=submit]", has_text="Công bố").click()
    page.wait_for_url(f"**/periods/{period.pk}/**")
    assert Publication.objects.filter(period=period).count() == 1

    # ------------------------------------------------------------ drafts the province's plan
    page.click("[data-nav-plans]")
    page.click(
        f"form[action='/periods/{period.pk}/plans/draft/']:not(:has(input[name=unit])) button"
    )
    expect(page.locator(".messages")).to_contain_text("Dự thảo kế hoạch đã sẵn sàng")
    plan = RemediationPlan.objects.get(period=period, unit=None)
    # Proposed from the lost points: Sở Y tế is below the group's average in both areas.
    b_tasks = RemediationTask.objects.filter(plan=plan, owner_unit__code="B")
    assert b_tasks.count() == 2
    expect(page.locator("body")).to_contain_text("Sở Y tế")
    shots("province-plan-draft")

    # ------------------------------------------------------------ and issues it
    page.click("text=Ban hành kế hoạch…")
    page.fill("#id_document_number", "15")
    page.fill("#id_signer_title", "GIÁM ĐỐC")
    page.fill("#id_signer_name", "Trần Thị Hoa")
    page.locator("form button[type=submit]", has_text="Ban hành").click()
    expect(page.locator(".field__error")).to_contain_text("đánh dấu ô xác nhận để ban hành")
    plan.refresh_from_db()
    assert not plan.is_issued  # not confirmed: nothing issued
    page.locator("#id_confirm").check()
    page.locator("form button[type=submit]", has_text="Ban hành").click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.is_issued
    documents = Report.objects.filter(plan=plan)
    assert {d.status for d in documents} == {ReportStatus.DONE} and documents.count() == 2
    shots("province-plan-issued")

    # ------------------------------------------------------------ Sở Y tế reports a task done
    page.context.clear_cookies()
    log_in(page, server, "soyte")
    page.click("[data-nav-improvement]")
    task = b_tasks.filter(items__code="1.1.2").get()
    page.click(f"[data-task='{task.pk}'] a")
    page.wait_for_url(f"**/improvement/tasks/{task.pk}/")
    page.get_by_label("Hoàn thành").check()
    page.fill("#id_note", "Đã ban hành quy chế và kiểm tra 100% hồ sơ quý IV.")
    evidence = tmp_path / "Quy chế kiểm tra.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files("input[type=file]", str(evidence))
    page.locator("[data-progress-form] input[name=confirm]").check()
    page.click("[data-progress-form] button[type=submit]")
    expect(page.locator("[data-history] [data-file]")).to_have_text("Quy chế kiểm tra.pdf")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert TaskProgress.objects.get(task=task).files.get().original_name == "Quy chế kiểm tra.pdf"
    shots("task-done")

    # ------------------------------------------------------------ the lesson in 2026's form
    page.goto(f"{server.url}/assessments/{world['next_b'].pk}/")
    item = world["next_items"]["1.1.2"]
    lesson = page.locator(f"#item-{item.pk} [data-lessons]")
    expect(lesson).to_have_count(1)
    lesson.locator("summary").click()
    expect(lesson).to_contain_text("Năm 2025")
    expect(lesson).to_contain_text("Hoàn thành")
    expect(lesson).to_contain_text("Đã ban hành quy chế và kiểm tra 100% hồ sơ quý IV.")
    # 2.1.1 has its own task (the other area), 1.1.1 is named by the first area's task too.
    other = world["next_items"]["2.1.1"]
    expect(page.locator(f"#item-{other.pk} [data-lessons]")).not_to_contain_text(
        "Đã ban hành quy chế"
    )
    shots("next-year-form")
