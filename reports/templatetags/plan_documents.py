"""The official document of a remediation plan, for the block that shows it
(templates/scoring/remediation/_plan_documents.html): the plan's page belongs to scoring, which
never imports reports, so the block loads what it shows through this tag."""

from dataclasses import dataclass, field

from django import template
from django.utils.translation import gettext_lazy as _

from reports.access import plan_documents_retryable_by
from reports.models import PLAN_DOCUMENT_KINDS, Report, ReportKind, ReportStatus

register = template.Library()

FORMATS = {
    ReportKind.PLAN_PDF: ("pdf", _("PDF, to print and sign"), _("Open the PDF")),
    ReportKind.PLAN_DOCX: ("docx", _("Word (.docx), to edit"), _("Download the Word file")),
}


@dataclass
class DocumentRow:
    report: Report
    format: str
    label: str
    action: str


@dataclass
class PlanDocuments:
    rows: list[DocumentRow] = field(default_factory=list)
    may_retry: bool = False

    @property
    def failed(self) -> bool:
        return any(row.report.status == ReportStatus.FAILED for row in self.rows)

    @property
    def pending(self) -> bool:
        return any(not row.report.is_finished for row in self.rows)


@register.simple_tag(takes_context=True)
def plan_documents(context, plan) -> PlanDocuments:
    """The plan's documents in PDF then Word, and whether the viewer may build a failed one
    again (Home Affairs). The caller has already checked that the viewer may read the plan."""
    request = context.get("request")
    user = getattr(request, "user", None)
    reports = {
        report.kind: report for report in plan.documents.filter(kind__in=PLAN_DOCUMENT_KINDS)
    }
    rows = [
        DocumentRow(reports[kind], *FORMATS[kind])
        for kind in PLAN_DOCUMENT_KINDS
        if kind in reports
    ]
    return PlanDocuments(
        rows=rows, may_retry=user is not None and plan_documents_retryable_by(user, plan)
    )
