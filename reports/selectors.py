"""What a report of a period shows: the frozen snapshot of its latest publication, or — for a
period not published yet — the results computed now, marked as a draft (DỰ THẢO)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from scoring.engine.model import Stage
from scoring.models import AssessmentPeriod, Publication
from scoring.selectors.results import (
    PeriodResults,
    latest_publication,
    period_results,
    publication_results,
)


class ReportError(Exception):
    """A report that cannot be built for a reason the user can act on; the message says it."""


@dataclass
class ReportData:
    period: AssessmentPeriod
    results: PeriodResults
    publication: Publication | None  # None: computed now

    @property
    def is_draft(self) -> bool:
        return self.publication is None


def report_data(
    period: AssessmentPeriod, *, with_items: bool = True, items_of: int | None = None
) -> ReportData:
    """`items_of`: only this unit's items are needed (a scorecard) — read from a publication,
    the other units' items are not decoded."""
    publication = latest_publication(period)
    if publication is not None:
        return ReportData(period, publication_results(publication, items_of=items_of), publication)
    return ReportData(
        period, period_results(period=period, stage=Stage.FINAL, with_items=with_items), None
    )


def period_report_data(report, *, with_items: bool = True, items_of: int | None = None):
    """The data of a period's results report, or ReportError when there is none to show."""
    if report.period is None:
        raise ReportError(_("This report has no assessment period."))
    data = report_data(report.period, with_items=with_items, items_of=items_of)
    if not data.results.rows:
        raise ReportError(_("There are no results to report for this period yet."))
    return data
