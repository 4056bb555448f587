"""Small builders shared by the progress tests: a task of a plan, and upload files."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from scoring.models import PlanStatus, RemediationPlan, RemediationTask
from tests.helpers import pdf_bytes, png_bytes

PDF = pdf_bytes()
PNG = png_bytes()


def make_task(plan, unit, deadline: date, *, title="Ban hành kế hoạch CCHC đúng hạn", **extra):
    return RemediationTask.objects.create(
        plan=plan,
        title=title,
        owner_unit=unit,
        deadline=deadline,
        measurable_target="Kế hoạch ban hành trước 31/12",
        **extra,
    )


def pdf(name="bao-cao.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="anh.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def make_draft_plan(improvement_year, unit, by):
    """A unit's own plan for 2025, still a draft."""
    return RemediationPlan.objects.create(
        period=improvement_year["period"],
        publication=improvement_year["publication"],
        unit=unit,
        title=f"Kế hoạch khắc phục của {unit.name} (dự thảo)",
        status=PlanStatus.DRAFT,
        created_by=by,
    )
