"""What the public results portal's pages show, composed from reports.published — the one
answer to what the public may read. Nothing here decides that again: every period, publication,
result and document comes from there; this module only groups, filters, sorts and pages them
for the pages of reports.public_views."""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Min
from django.utils.http import urlencode

from scoring.display import area_short_name, rank_label
from scoring.models import AssessmentPeriod, Publication
from units.access import units_for
from units.roles import Permission

from . import published
from .models import Report
from .published import GroupRanking, RankingLine

# A ranking page lists this many units: a province's 600 communes make 6 pages, each light
# enough for a phone, and the filter finds one commune without paging at all.
PER_PAGE = 100
SEARCH_MAX = 100  # characters of a name search that are read; the rest is ignored


@dataclass(frozen=True)
class GroupSummary:
    code: str  # "" for the units assessed but not ranked
    name: str
    size: int


@dataclass(frozen=True)
class UnitLink:
    code: str
    name: str


@dataclass
class PeriodSummary:
    period: AssessmentPeriod
    publication: Publication
    groups: list[GroupSummary]  # the ranked groups, in the publication's order
    unranked: list[UnitLink] = field(default_factory=list)  # assessed, not ranked


def group_summaries(publication: Publication) -> list[GroupSummary]:
    """The publication's groups with their sizes, in the order it lists them; the units
    outside every group last (code "")."""
    rows = (
        publication.unit_results.values("group_code", "group_name")
        .annotate(size=Count("id"), first=Min("position"))
        .order_by("first")
    )
    groups = [GroupSummary(r["group_code"], r["group_name"], r["size"]) for r in rows]
    return [g for g in groups if g.code] + [g for g in groups if not g.code]


def period_summary(period: AssessmentPeriod) -> PeriodSummary | None:
    publication = published.public_publication(period)
    if publication is None:
        return None
    groups = group_summaries(publication)
    unranked = [
        UnitLink(code, name)
        for code, name in publication.unit_results.filter(group_code="")
        .order_by("unit_name")
        .values_list("unit_code", "unit_name")
    ]
    return PeriodSummary(
        period=period,
        publication=publication,
        groups=[group for group in groups if group.code],
        unranked=unranked,
    )


def landing() -> list[PeriodSummary]:
    """Every published period, newest first, with its groups and their sizes."""
    summaries = (period_summary(period) for period in published.public_periods())
    return [summary for summary in summaries if summary is not None]


# ---------------------------------------------------------------- documents by version


@dataclass
class VersionDocuments:
    publication: Publication
    documents: list[Report]  # the unit's scorecard first (on a unit's page), then the period's

    @property
    def version(self) -> int:
        return self.publication.version


def public_versions(period: AssessmentPeriod) -> list[Publication]:
    """Every version of a public period, the latest first."""
    latest = published.public_publication(period)
    if latest is None:
        return []
    return [latest] + [
        publication
        for version in range(latest.version - 1, 0, -1)
        if (publication := published.public_publication(period, version)) is not None
    ]


def documents_by_version(
    period: AssessmentPeriod, *, unit_id: int | None = None
) -> list[VersionDocuments]:
    """The documents kept with each version, the latest first: the period-wide ones, and with
    `unit_id` that unit's scorecard before them."""
    versions = []
    for publication in public_versions(period):
        documents = list(published.published_documents(publication))
        if unit_id is not None:
            documents = [
                *published.published_documents(publication, unit_id=unit_id),
                *documents,
            ]
        versions.append(VersionDocuments(publication, documents))
    return versions


# ---------------------------------------------------------------- a group's ranking


def ranking_of(publication: Publication, group_code: str) -> GroupRanking | None:
    """A ranked group of the publication, or None (the units outside every group have no
    ranking page: they are listed on the period's page)."""
    if not group_code:
        return None
    results = published.public_results(publication)
    return next(
        (ranking for ranking in published.group_rankings(results) if ranking.code == group_code),
        None,
    )


def sort_key(ranking: GroupRanking, sort: str | None) -> str:
    """The order asked for if the ranking knows it ("-index", "area:2"), else "rank"."""
    sort = (sort or "").strip()
    key = sort.removeprefix("-")
    if key in published.SORT_KEYS and not key.startswith("-"):
        return sort
    if key.startswith("area:") and key[5:] in {area.code for area in ranking.areas}:
        return sort
    return "rank"


def fold(text: str) -> str:
    """For a search typed with or without diacritics: "Tan Hoa" finds "Xã Tân Hòa"."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def bands_of(ranking: GroupRanking) -> list[str]:
    """The classifications found in the group, best first (by the best index holding each)."""
    best: dict[str, Decimal] = {}
    for line in ranking.lines:
        if line.band:
            value = line.index if line.index is not None else Decimal(-1)
            best[line.band] = max(best.get(line.band, Decimal(-1)), value)
    return sorted(best, key=lambda band: (-best[band], band))


@dataclass(frozen=True)
class AreaHeader:
    code: str
    name: str
    short: str
    average: Decimal | None
    best: Decimal | None

    @property
    def sort(self) -> str:
        return f"area:{self.code}"


@dataclass
class RankingView:
    ranking: GroupRanking
    sort: str
    search: str
    band: str
    bands: list[str]
    lines: list[RankingLine]  # filtered and sorted, before paging
    page: Page

    @property
    def filtered(self) -> bool:
        return bool(self.search or self.band)

    @property
    def never_submitted(self) -> bool:
        return any(line.never_submitted for line in self.page.object_list)

    @property
    def areas(self) -> list[AreaHeader]:
        ranking = self.ranking
        return [
            AreaHeader(column.code, column.name, area_short_name(column.name), average, best)
            for column, average, best in zip(
                ranking.areas, ranking.area_averages, ranking.area_best, strict=True
            )
        ]

    @property
    def query(self) -> str:
        """The page's query without its page number, for the pages' links ("q=…&")."""
        values = {"q": self.search, "band": self.band}
        if self.sort != "rank":
            values["sort"] = self.sort
        kept = {key: value for key, value in values.items() if value}
        return urlencode(kept) + "&" if kept else ""


def ranking_view(
    ranking: GroupRanking, *, sort: str | None, search: str | None, band: str | None, page
) -> RankingView:
    """The ranking as the page shows it: sorted by a known order, narrowed by a name search
    and a classification, one page of it. Unknown values are ignored, never an error."""
    sort = sort_key(ranking, sort)
    search = (search or "").strip()[:SEARCH_MAX]
    bands = bands_of(ranking)
    band = band if band in bands else ""
    lines = published.sorted_lines(ranking, sort)
    if search:
        wanted = fold(search)
        lines = [line for line in lines if wanted in fold(line.unit_name)]
    if band:
        lines = [line for line in lines if line.band == band]
    return RankingView(
        ranking=ranking,
        sort=sort,
        search=search,
        band=band,
        bands=bands,
        lines=lines,
        page=Paginator(lines, PER_PAGE).get_page(page),
    )


# ---------------------------------------------------------------- signed-in unit staff


@dataclass(frozen=True)
class OwnResult:
    period: AssessmentPeriod
    publication: Publication
    unit_code: str
    unit_name: str
    group_code: str
    group_name: str
    rank_text: str
    scorecard: Report | None


def own_published_results(user) -> list[OwnResult]:
    """The published results of the units the user works for as unit staff, newest first:
    where to read each, its scorecard and its group's ranking."""
    units = units_for(user, Permission.EDIT_SELF_ASSESSMENT)
    if not units.exists():
        return []
    results = []
    for period in published.public_periods():
        publication = published.public_publication(period)
        if publication is None:
            continue
        for row in publication.unit_results.filter(unit__in=units).order_by("unit_name"):
            results.append(
                OwnResult(
                    period=period,
                    publication=publication,
                    unit_code=row.unit_code,
                    unit_name=row.unit_name,
                    group_code=row.group_code,
                    group_name=row.group_name,
                    rank_text=rank_label(row.rank, row.rank_of, official=True),
                    scorecard=published.published_documents(
                        publication, unit_id=row.unit_id
                    ).first(),
                )
            )
    return results
