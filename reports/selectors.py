"""What a report of a period shows: the frozen snapshot of its latest publication, or — for a
period not published yet — the results computed now, marked as a draft (DỰ THẢO). A document
kept with a publication (Report.publication) reads that version, whichever came after it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from scoring.engine.model import Stage
from scoring.models import AssessmentPeriod, Publication, PublishedUnitResult
from scoring.selectors.results import (
    PeriodResults,
    latest_publication,
    period_results,
    publication_results,
)

from .models import PERIOD_REPORT_KINDS, Report, ReportKind, ReportStatus


class ReportError(Exception):
    """A report that cannot be built for a reason the user can act on; the message says it."""


@dataclass
class ReportData:
    period: AssessmentPeriod
    results: PeriodResults
    publication: Publication | None  # None: computed now
    # A document kept with this publication (and served to the public), not one asked for.
    kept_with: Publication | None = None

    @property
    def is_draft(self) -> bool:
        return self.publication is None

    @property
    def is_public(self) -> bool:
        """A published document, which the public reads: final points only, no self-assessed
        points, no council reasons (reports.published decides what is public)."""
        return self.kept_with is not None


def report_data(
    period: AssessmentPeriod,
    *,
    with_items: bool = True,
    items_of: int | None = None,
    publication: Publication | None = None,
) -> ReportData:
    """`items_of`: only this unit's items are needed (a scorecard) — read from a publication,
    the other units' items are not decoded. `publication`: that version (a document kept with
    it), not the latest."""
    if publication is not None:
        return ReportData(
            period,
            publication_results(publication, items_of=items_of),
            publication,
            kept_with=publication,
        )
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
    publication = report.publication
    if publication is not None and publication.period_id != report.period_id:
        raise ReportError(_("This document belongs to a publication of another period."))
    data = report_data(
        report.period, with_items=with_items, items_of=items_of, publication=publication
    )
    if not data.results.rows:
        raise ReportError(_("There are no results to report for this period yet."))
    return data


# ---------------------------------------------------------------- a period's published documents


@dataclass
class VersionDocuments:
    """One published version of a period with the documents kept with it."""

    publication: Publication
    documents: list[Report]  # period-wide: ranking, area breakdown, workbook
    scorecards: list[Report]  # one per unit, in the publication's order, with `unit_name`

    @property
    def all(self) -> list[Report]:
        return [*self.documents, *self.scorecards]

    @property
    def total(self) -> int:
        return len(self.documents) + len(self.scorecards)

    @property
    def ready(self) -> int:
        return sum(report.status == ReportStatus.DONE for report in self.all)

    @property
    def failed(self) -> list[Report]:
        return [report for report in self.all if report.status == ReportStatus.FAILED]

    @property
    def failed_scorecards(self) -> int:
        return sum(report.status == ReportStatus.FAILED for report in self.scorecards)

    @property
    def finished(self) -> bool:
        return all(report.is_finished for report in self.all)


def period_published_documents(period: AssessmentPeriod) -> list[VersionDocuments]:
    """Every published version of the period, newest first, with its documents (the on-demand
    reports are not among them). Three queries whatever the number of units."""
    publications = list(period.publications.order_by("-version"))
    by_publication: dict[int, list[Report]] = {publication.pk: [] for publication in publications}
    for report in Report.objects.filter(publication__in=publications).order_by("pk"):
        by_publication[report.publication_id].append(report)
    names: dict[int, dict[int, str]] = {publication.pk: {} for publication in publications}
    for publication_id, unit_id, unit_name in PublishedUnitResult.objects.filter(
        publication__in=publications
    ).values_list("publication_id", "unit_id", "unit_name"):
        names[publication_id][unit_id] = unit_name
    kinds = {kind: position for position, kind in enumerate(PERIOD_REPORT_KINDS)}
    versions = []
    for publication in publications:
        reports = by_publication[publication.pk]
        scorecards = [r for r in reports if r.kind == ReportKind.SCORECARD_PDF]
        for report in scorecards:
            unit_id = report.params.get("unit_id")
            report.unit_name = names[publication.pk].get(unit_id, report.params.get("unit_code"))
        versions.append(
            VersionDocuments(
                publication=publication,
                documents=sorted(
                    (r for r in reports if r.kind != ReportKind.SCORECARD_PDF),
                    key=lambda report: kinds.get(report.kind, len(kinds)),
                ),
                scorecards=scorecards,
            )
        )
    return versions
