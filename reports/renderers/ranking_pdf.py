"""Placeholder: being built (issue 6)."""


def render_ranking_pdf(report, progress) -> tuple[str, bytes]:
    from reports.services import ReportError

    raise ReportError("not built yet")


def render_breakdown_pdf(report, progress) -> tuple[str, bytes]:
    from reports.services import ReportError

    raise ReportError("not built yet")


def render_scorecard_pdf(report, progress) -> tuple[str, bytes]:
    from reports.services import ReportError

    raise ReportError("not built yet")
