"""The remediation progress pages in Chromium, on the demo province with an issued plan: a
unit's staff report progress with a file through the real form, Home Affairs follows every
task on the dashboard. Screenshots at 1366 and 390 px in var/screenshots/progress/."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from scoring.models import PlanStatus, RemediationPlan, RemediationTask, TaskStatus
from tests.browser.conftest import log_in
from tests.helpers import pdf_bytes
from units.models import Unit

pytestmark = [pytest.mark.browser]
PDF = pdf_bytes()


@pytest.fixture
def plan_server(demo_server):
    noivu = get_user_model().objects.get(username="noivu")
    publication = (
        RemediationPlan._meta.get_field("publication")
        .related_model.objects.filter(period__year=2024)  # 2025's plan is the demo's own
        .latest("version")
    )
    plan = RemediationPlan.objects.create(
        period=publication.period,
        publication=publication,
        title="Kế hoạch khắc phục hạn chế, nâng cao Chỉ số CCHC năm 2026",
        document_number="45/KH-SNV",
        status=PlanStatus.ISSUED,
        created_by=noivu,
        issued_by=noivu,
        issued_at=timezone.now(),
    )
    today = timezone.localdate()
    tu_phap = Unit.objects.get(name="Sở Tư pháp")
    departments = list(Unit.objects.filter(kind=tu_phap.kind).exclude(pk=tu_phap.pk)[:8])
    assert len(departments) == 8
    item = publication.period.index_sets.first().items.filter(level="sub_criterion").first()
    tasks = [
        RemediationTask.objects.create(
            plan=plan,
            title="Ban hành kế hoạch CCHC năm 2026 đúng thời hạn, đủ nội dung theo hướng dẫn "
            "của Sở Nội vụ",
            owner_unit=tu_phap,
            owner_person="Phòng Văn bản và Thi hành pháp luật",
            deadline=today - timedelta(days=5),
            measurable_target="Kế hoạch ban hành trước 15/12",
            lost_points="1.25",
        ),
        RemediationTask.objects.create(
            plan=plan,
            title="Số hóa 100% hồ sơ thủ tục hành chính còn hiệu lực",
            owner_unit=tu_phap,
            deadline=today + timedelta(days=4),
            measurable_target="Tỷ lệ số hóa 100%",
        ),
    ]
    if item is not None:
        tasks[0].items.add(item)
    for n, unit in enumerate(departments * 4):
        RemediationTask.objects.create(
            plan=plan,
            title=f"Nhiệm vụ {n + 1}: nâng tỷ lệ hồ sơ giải quyết đúng hạn",
            owner_unit=unit,
            deadline=today + timedelta(days=n * 7 - 20),
            measurable_target="≥ 98% hồ sơ đúng hạn",
            status=TaskStatus.DONE if n % 5 == 0 else TaskStatus.NOT_STARTED,
        )
    return demo_server, tasks


@pytest.mark.parametrize(("viewport", "name"), [((1366, 900), "desktop"), ((390, 844), "phone")])
def test_a_unit_reports_and_home_affairs_follows(
    plan_server, page, screenshot_dir, viewport, name, tmp_path
):
    server, _tasks = plan_server
    folder = screenshot_dir / "progress"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    log_in(page, server, "sotuphap")
    page.click("[data-nav-improvement]")
    assert page.locator("h1").inner_text() == "Nhiệm vụ khắc phục"
    first = page.locator("[data-tasks] tbody tr").first
    assert "Quá hạn" in first.inner_text()
    page.screenshot(path=str(folder / f"task-list-{name}.png"), full_page=True)

    first.locator("a").click()
    assert "Báo cáo tiến độ" in page.locator("#report").inner_text()
    page.screenshot(path=str(folder / f"task-empty-{name}.png"), full_page=True)
    upload = tmp_path / "Quyết định ban hành kế hoạch.pdf"
    upload.write_bytes(PDF)
    page.check("input[name=status][value=done]")
    page.fill("textarea[name=note]", "Đã ban hành Kế hoạch số 120/KH-STP ngày 10/12.")
    page.set_input_files("input[name=files]", [str(upload)])
    page.click("button:has-text('Gửi báo cáo')")  # without the tick: refused
    assert "Hãy đánh dấu để gửi báo cáo." in page.locator("main").inner_text()
    page.set_input_files("input[name=files]", [str(upload)])
    page.check("input[name=confirm]")
    page.click("button:has-text('Gửi báo cáo')")
    text = page.locator("main").inner_text()
    assert "Đã lưu báo cáo" in text and "Quyết định ban hành kế hoạch.pdf" in text
    assert "Quá hạn" not in page.locator("[data-task-summary]").inner_text()
    page.screenshot(path=str(folder / f"task-reported-{name}.png"), full_page=True)

    page.goto(f"{server.url}/")
    page.click("button:has-text('Đăng xuất')")
    log_in(page, server, "noivu")
    page.click("[data-nav-improvement]")
    assert page.locator("h1").inner_text() == "Theo dõi nhiệm vụ khắc phục"
    assert "Quá hạn" in page.locator("[data-dashboard] tbody tr").first.inner_text()
    page.screenshot(path=str(folder / f"dashboard-{name}.png"), full_page=True)
    page.select_option("select[name=status]", "done")
    page.click("button:has-text('Lọc')")
    assert "Đã ban hành Kế hoạch số 120/KH-STP" in page.locator("[data-dashboard]").inner_text()
