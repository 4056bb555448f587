"""Report renderers by kind. A renderer takes the report and a progress callback and returns
(file name, bytes)."""

from reports.models import ReportKind

from .index_set_workbook import render_index_set_workbook
from .plan_docx import render_plan_docx
from .plan_pdf import render_plan_pdf
from .ranking_pdf import render_breakdown_pdf, render_ranking_pdf, render_scorecard_pdf
from .results_workbook import render_results_workbook

RENDERERS = {
    ReportKind.INDEX_SET_WORKBOOK: render_index_set_workbook,
    ReportKind.RANKING_PDF: render_ranking_pdf,
    ReportKind.BREAKDOWN_PDF: render_breakdown_pdf,
    ReportKind.SCORECARD_PDF: render_scorecard_pdf,
    ReportKind.RESULTS_WORKBOOK: render_results_workbook,
    ReportKind.PLAN_PDF: render_plan_pdf,
    ReportKind.PLAN_DOCX: render_plan_docx,
}
