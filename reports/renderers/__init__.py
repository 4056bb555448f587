"""Report renderers by kind. A renderer takes the report and a progress callback and returns
(file name, bytes)."""

from reports.models import ReportKind

from .index_set_workbook import render_index_set_workbook

RENDERERS = {
    ReportKind.INDEX_SET_WORKBOOK: render_index_set_workbook,
}
