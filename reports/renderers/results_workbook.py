"""Placeholder: being built (issue 6)."""


def render_results_workbook(report, progress) -> tuple[str, bytes]:
    from reports.services import ReportError

    raise ReportError("not built yet")
