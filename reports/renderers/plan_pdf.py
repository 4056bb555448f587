"""The official document of an issued remediation plan as a PDF, in the layout every official
document of the portal shares (templates/reports/pdf/: the header, the foot)."""

from django.utils.translation import gettext as _

from reports.pdf import html_to_pdf, render_html
from reports.plan_document import PlanDocument, plan_document
from reports.selectors import ReportError
from scoring.models import PlanStatus, RemediationPlan


def issued_plan(report) -> RemediationPlan:
    """The plan a document renders: issued, with what its header and basis read."""
    plan = (
        RemediationPlan.objects.select_related("period__organiser", "publication", "unit__parent")
        .filter(pk=report.plan_id, status=PlanStatus.ISSUED)
        .first()
    )
    if plan is None:
        raise ReportError(_("The plan is not issued: it has no official document yet."))
    return plan


def render_plan_pdf(report, progress) -> tuple[str, bytes]:
    document: PlanDocument = plan_document(issued_plan(report))
    progress(25)
    html = render_html(
        "reports/pdf/plan.html",
        {
            "title": f"{document.kind_name} {document.title}",
            "header": document.header,
            "document": document,
            "signature": document.signature,
        },
    )
    progress(50)
    content = html_to_pdf(html)
    progress(95)
    return f"{document.file_stem}.pdf", content
