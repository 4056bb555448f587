"""The world the access matrix walks (tests/test_access_matrix.py): two organisers, a published
year and a year in appraisal of organiser A, one object of unit A behind every kind of URL
argument, and one user per persona. Built once per test module."""

import io
from datetime import date, timedelta
from decimal import Decimal

from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from reports.models import Report, ReportKind, ReportStatus
from scoring.models import (
    Evidence,
    PlanStatus,
    RemediationPlan,
    RemediationTask,
    Score,
    TaskStatus,
)
from scoring.services.inspections import FindingInput, VisitInput, finding_add, inspection_create
from scoring.services.publication import period_publish
from scoring.services.remediation_progress import task_progress_report
from scoring.services.self_assessment_workbook import SELF_ASSESSMENT_IMPORT
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    BandFactory,
    IndexSetFactory,
    OrganiserFactory,
    PeriodFactory,
    RoleGrantFactory,
    UnitFactory,
    UnitKindFactory,
    UserFactory,
)
from tests.helpers import pdf_bytes
from tests.scoring.improvement.conftest import build_items
from units.models import ImportJob, ImportJobStatus
from units.roles import Role

PDF = pdf_bytes("matrix")  # uploads are opened as PDFs (scoring.services.file_content)

# The order of the letters in each row of the expectation table.
PERSONAS = (
    "anonymous",
    "staff_a",
    "staff_b",
    "appraiser",  # of area 2; the items behind the URLs are of area 1
    "chair",
    "home_affairs",
    "home_affairs_other",  # Home Affairs of another organiser
    "admin",
)


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_world() -> dict:
    organiser = OrganiserFactory(code="org-main", name="UBND tỉnh Hòa An")
    other = OrganiserFactory(code="org-other", name="UBND tỉnh Bình Sơn")
    kind = UnitKindFactory()
    group = organiser.ranking_groups.create(code="so", name="Sở, ngành")
    unit_a = UnitFactory(code="A", name="Sở Tư pháp", kind=kind, organiser=organiser)
    unit_b = UnitFactory(code="B", name="Sở Y tế", kind=kind, organiser=organiser)
    UnitFactory(code="Z", name="Sở Tư pháp Bình Sơn", kind=kind, organiser=other)
    for unit in (unit_a, unit_b):
        unit.ranking_group = group
        unit.save()
    users = {
        "staff_a": RoleGrantFactory(role=Role.UNIT_STAFF, unit=unit_a).user,
        "staff_b": RoleGrantFactory(role=Role.UNIT_STAFF, unit=unit_b).user,
        "chair": RoleGrantFactory(role=Role.COUNCIL_CHAIR, organiser=organiser).user,
        "home_affairs": RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=organiser).user,
        "home_affairs_other": RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=other).user,
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    appraiser_grant = RoleGrantFactory(role=Role.APPRAISER, organiser=organiser, area_codes="2")
    users["appraiser"] = appraiser_grant.user
    by = users["home_affairs"]

    # 2025, published: the public pages, results, targets, plans, tasks, inspections.
    published = PeriodFactory(organiser=organiser, year=2025, status=PeriodStatus.APPRAISAL)
    published_set = IndexSetFactory(period=published, unit_kind=kind)
    items_2025 = build_items(published_set)
    for unit, points in ((unit_a, ("2", "4", "3.5")), (unit_b, ("1", "3", "1"))):
        assessment = AssessmentFactory(
            period=published,
            unit=unit,
            index_set=published_set,
            status=AssessmentStatus.APPRAISED,
            ranking_group=group,
        )
        for code, value in zip(("1.1.1", "1.1.2", "2.1.1"), points, strict=True):
            Score.objects.create(
                assessment=assessment,
                item=items_2025[code],
                self_points=Decimal(value),
                final_points=Decimal(value),
            )
    publication = period_publish(period=published, by=by)
    document = publication.documents.order_by("pk").first()
    document.status = ReportStatus.DONE
    document.file.save("xep-hang.pdf", ContentFile(PDF), save=False)
    document.save()

    # 2026, in appraisal: the self-assessment, the council's pages, set-up.
    current = PeriodFactory(
        organiser=organiser,
        year=2026,
        status=PeriodStatus.APPRAISAL,
        self_assessment_deadline=timezone.now() - timedelta(days=1),
    )
    current_set = IndexSetFactory(period=current, unit_kind=kind)
    items = build_items(current_set)
    assessment = AssessmentFactory(
        period=current,
        unit=unit_a,
        index_set=current_set,
        status=AssessmentStatus.IN_APPRAISAL,
        ranking_group=group,
    )
    AssessmentFactory(
        period=current,
        unit=unit_b,
        index_set=current_set,
        status=AssessmentStatus.IN_APPRAISAL,
        ranking_group=group,
    )
    band = BandFactory(index_set=current_set)
    evidence = Evidence.objects.create(
        assessment=assessment, document_number="1/KH", uploaded_by=users["staff_a"]
    )
    evidence.file.save("kh.pdf", io.BytesIO(PDF))
    evidence.items.add(items["1.1.1"])

    report = Report.objects.create(
        kind=ReportKind.RANKING_PDF,
        period=published,
        status=ReportStatus.FAILED,
        error="Lỗi hệ thống",
        requested_by=by,
    )

    # Improvement: the province's plan issued with a task of unit A and its progress file;
    # unit A's own plan in draft with a task; an inspection of unit A with a finding and file.
    province_plan = RemediationPlan.objects.create(
        period=published,
        publication=publication,
        title="Kế hoạch khắc phục 2026",
        status=PlanStatus.ISSUED,
        issued_by=by,
        issued_at=timezone.now(),
        created_by=by,
    )
    issued_task = RemediationTask.objects.create(
        plan=province_plan,
        title="Công khai đầy đủ TTHC",
        owner_unit=unit_a,
        deadline=date.today() + timedelta(days=60),
        measurable_target="100% TTHC được công khai",
    )
    progress = task_progress_report(
        task=issued_task,
        by=users["staff_a"],
        status=TaskStatus.IN_PROGRESS,
        note="Đã công khai 80%",
        files=[_pdf("bao-cao.pdf")],
    )
    unit_plan = RemediationPlan.objects.create(
        period=published,
        publication=publication,
        unit=unit_a,
        title="Kế hoạch khắc phục của Sở Tư pháp",
        status=PlanStatus.DRAFT,
        created_by=users["staff_a"],
    )
    unit_task = RemediationTask.objects.create(
        plan=unit_plan,
        title="Ban hành kế hoạch CCHC đúng hạn",
        owner_unit=unit_a,
        deadline=date.today() + timedelta(days=60),
        measurable_target="Ban hành trước 31/12",
    )
    inspection = inspection_create(
        period=published,
        by=by,
        data=VisitInput(
            title="Kiểm tra công tác CCHC",
            visited_on=date.today() - timedelta(days=3),
            team="Nguyễn Văn An",
            units=[unit_a],
            summary="Cơ bản thực hiện tốt.",
        ),
        files=[_pdf("bien-ban.pdf")],
    )
    finding = finding_add(
        inspection=inspection,
        by=by,
        data=FindingInput(
            unit=unit_a, text="Chưa công khai đủ TTHC", remedy="", item_codes="1.1.2"
        ),
    )
    # Unit A's staff account is locked out (django-axes): Home Affairs may unlock it.
    AccessAttempt.objects.create(
        username=users["staff_a"].username,
        ip_address="127.0.0.1",
        user_agent="matrix",
        failures_since_start=50,
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        http_accept="",
    )
    # …and has a second factor the system admin may reset (a lost phone).
    TOTPDevice.objects.create(user=users["staff_a"], name="Điện thoại", confirmed=True)
    # A self-assessment workbook of unit A's staff, read and waiting for confirmation.
    import_job = ImportJob.objects.create(
        kind=SELF_ASSESSMENT_IMPORT,
        owner=users["staff_a"],
        unit=unit_a,
        organiser=organiser,
        params={"assessment": assessment.pk},
        file=ContentFile(b"PK", name="tu-cham.xlsx"),
        filename="tu-cham.xlsx",
        status=ImportJobStatus.READY,
    )
    return {
        "users": users,
        "import_job": import_job,
        "organiser": organiser,
        "unit_a": unit_a,
        "published": published,
        "publication": publication,
        "document": document,
        "current": current,
        "current_set": current_set,
        "item": items["1.1.1"],
        "assessment": assessment,
        "evidence": evidence,
        "band": band,
        "report": report,
        "appraiser_grant": appraiser_grant,
        "issued_task": issued_task,
        "progress_file": progress.files.get(),
        "unit_plan": unit_plan,
        "unit_task": unit_task,
        "inspection": inspection,
        "inspection_file": inspection.files.get(),
        "finding": finding,
        "unit_content_type": ContentType.objects.get_for_model(unit_a),
    }
