"""What a report of a period shows: the frozen snapshot of its latest publication, or — for a
period not published yet — the results computed now, marked as a draft (DỰ THẢO)."""

from dataclasses import dataclass

from scoring.engine.model import Stage
from scoring.models import AssessmentPeriod, Publication
from scoring.selectors.results import (
    PeriodResults,
    latest_publication,
    period_results,
    publication_results,
)


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
