"""Small builders shared by the inspection and next-year tests."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from scoring.models import PlanStatus, RemediationPlan, RemediationTask, TaskStatus
from scoring.services.inspections import (
    FindingInput,
    VisitInput,
    finding_add,
    inspection_create,
)
from tests.helpers import pdf_bytes

PDF = pdf_bytes("bien ban kiem tra")


def pdf(name="bien-ban.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def visit(*units, title="Kiểm tra công tác CCHC", day=None, team="Nguyễn Văn An\nLê Thị Bình"):
    return VisitInput(
        title=title,
        visited_on=day or date(2026, 5, 12),
        team=team,
        units=list(units),
        summary="Các đơn vị cơ bản thực hiện tốt.",
    )


def record_inspection(year_data, by, *codes, period=None, **kwargs):
    units = [year_data["units"][code] for code in codes]
    return inspection_create(
        period=period or year_data["period"], by=by, data=visit(*units, **kwargs)
    )


def record_finding(inspection, by, unit, text="Chưa công khai đủ TTHC", codes="1.1.2", remedy=""):
    return finding_add(
        inspection=inspection,
        by=by,
        data=FindingInput(unit=unit, text=text, remedy=remedy, item_codes=codes),
    )


def plan(year_data, by, *, unit=None, status=PlanStatus.DRAFT, title="Kế hoạch khắc phục 2025"):
    return RemediationPlan.objects.create(
        period=year_data["period"],
        publication=year_data["publication"],
        unit=unit,
        status=status,
        title=title,
        created_by=by,
    )


def task(
    plan_,
    unit,
    items,
    *,
    title="Công khai đầy đủ TTHC",
    status=TaskStatus.NOT_STARTED,
    outcome="",
    completed_on=None,
    deadline=date(2026, 11, 30),
):
    created = RemediationTask.objects.create(
        plan=plan_,
        title=title,
        owner_unit=unit,
        deadline=deadline,
        measurable_target="100% TTHC được công khai",
        status=status,
        outcome=outcome,
        completed_on=completed_on,
    )
    created.items.set(items)
    return created
