"""The open-data API's resources: their stable field names, how each number is written, and how
each is built from what reports.published lets the public read.

Numbers are JSON strings, never JSON numbers, so that no client reads them through a binary
float: points are the published value exactly ("65.25", "31.5", "0"); indices and other
ratios are rounded half-up to 4 decimal places and always carry 4 ("88.5235", "-2.7600"). The
exact index is total_points × 100 / max_points. A missing value is null."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from scoring.display import machine_number, rank_label

from .published import (
    AreaComparison,
    GroupRanking,
    HistoryPoint,
    PublicItem,
    RankingLine,
    UnitPage,
)

RATIO_PLACES = 4

# ---------------------------------------------------------------- how numbers are written

Points = Annotated[
    str,
    Field(
        pattern=r"^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$",
        description=_("Points exactly as published, as text: no trailing zeros, e.g. “65.25”."),
        examples=["65.25"],
    ),
]
Ratio = Annotated[
    str,
    Field(
        pattern=r"^-?(0|[1-9][0-9]*)\.[0-9]{4}$",
        description=_("A percentage rounded half-up to 4 decimal places, as text, e.g. “88.5235”."),
        examples=["88.5235"],
    ),
]
RankText = Annotated[
    str,
    Field(
        description=_(
            "The official form of the rank, zero-padded under 10: “07/20”; empty when not ranked."
        ),
        examples=["07/20"],
    ),
]


def points_text(value: Decimal) -> str:
    """The published value, every digit kept, none added: 65.25000000 → "65.25"."""
    if value.is_zero():
        return "0"
    return format(value.normalize(), "f")


def ratio_text(value: Decimal | None) -> str | None:
    return machine_number(value, RATIO_PLACES)


def local_time(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


# ---------------------------------------------------------------- errors and pages


class ParameterError(Schema):
    parameter: str = Field(description=_("The query or path parameter at fault."))
    message: str = Field(description=_("What is wrong with it, in Vietnamese."))


class ErrorOut(Schema):
    detail: str = Field(description=_("What went wrong, in Vietnamese."))
    errors: list[ParameterError] = Field(
        default_factory=list, description=_("One entry per invalid parameter (422 only).")
    )


class PageOut(Schema):
    count: int = Field(description=_("How many results there are in all pages."))
    next: str | None = Field(description=_("The address of the next page, or null."))
    previous: str | None = Field(description=_("The address of the previous page, or null."))


# ---------------------------------------------------------------- periods


class PeriodOut(Schema):
    id: int
    year: int
    name: str
    organiser_code: str
    organiser_name: str
    version: int = Field(description=_("The publication version read: the latest."))
    published_at: datetime = Field(description=_("When that version was published."))
    decision_number: str = Field(description=_("The publishing decision's number, or empty."))
    decision_date: date | None = Field(description=_("The publishing decision's date."))
    document_number: str = Field(description=_("The published report's number, or empty."))
    url: str


class PeriodPage(PageOut):
    results: list[PeriodOut]


class VersionOut(Schema):
    version: int
    published_at: datetime
    decision_number: str
    decision_date: date | None


class AreaOut(Schema):
    code: str
    name: str


class GroupOut(Schema):
    code: str
    name: str
    size: int = Field(description=_("How many units the group ranks."))
    average_index: Ratio | None
    areas: list[AreaOut] = Field(description=_("The areas of its sub-indices, in order."))
    ranking_url: str


class PeriodDetailOut(PeriodOut):
    versions: list[VersionOut] = Field(description=_("Every published version, newest first."))
    groups: list[GroupOut]
    unranked_units: int = Field(description=_("Units assessed but left out of every ranking."))
    units_url: str


def period_out(period, publication, *, url: Callable[..., str]) -> dict:
    return {
        "id": period.pk,
        "year": period.year,
        "name": period.name,
        "organiser_code": period.organiser.code,
        "organiser_name": period.organiser.name,
        "version": publication.version,
        "published_at": local_time(publication.published_at),
        "decision_number": publication.decision_number,
        "decision_date": publication.decision_date,
        "document_number": publication.document_number,
        "url": url("period", period_id=period.pk),
    }


def period_detail_out(
    period, publication, versions, rankings: list[GroupRanking], *, url: Callable[..., str]
) -> dict:
    return {
        **period_out(period, publication, url=url),
        "versions": [
            {
                "version": version.version,
                "published_at": local_time(version.published_at),
                "decision_number": version.decision_number,
                "decision_date": version.decision_date,
            }
            for version in versions
        ],
        "groups": [
            {
                "code": ranking.code,
                "name": ranking.name,
                "size": ranking.size,
                "average_index": ratio_text(ranking.average_index),
                "areas": [{"code": a.code, "name": a.name} for a in ranking.areas],
                "ranking_url": url("ranking", period_id=period.pk, group_code=ranking.code),
            }
            for ranking in rankings
            if ranking.ranked
        ],
        "unranked_units": sum(ranking.size for ranking in rankings if not ranking.ranked),
        "units_url": url("units", period_id=period.pk),
    }


# ---------------------------------------------------------------- rankings


class AreaIndexOut(Schema):
    code: str
    name: str
    index: Ratio | None


class RankingLineOut(Schema):
    rank: int | None = Field(description=_("Rank in the group; equal indices share a rank."))
    rank_of: int | None = Field(description=_("How many units the group ranks."))
    rank_text: RankText
    unit_code: str
    unit_name: str
    index: Ratio | None
    band: str = Field(description=_("The classification, e.g. “Tốt”."))
    rank_change: int | None = Field(
        description=_("Places gained since last year (negative: lost); null when not comparable.")
    )
    index_change: Ratio | None = Field(
        description=_("Change of the index since last year, in percentage points.")
    )
    previous_combined: bool = Field(
        description=_("Last year's figures add up the units this one replaced (a merger).")
    )
    never_submitted: bool = Field(
        description=_("The unit never submitted its self-assessment: the council's figures.")
    )
    areas: list[AreaIndexOut] = Field(description=_("The sub-index of every area, in order."))
    unit_url: str


class RankingPage(PageOut):
    results: list[RankingLineOut]


def ranking_line_out(
    line: RankingLine, ranking: GroupRanking, *, period_id: int, url: Callable[..., str]
) -> dict:
    return {
        "rank": line.rank,
        "rank_of": line.rank_of,
        "rank_text": line.rank_text,
        "unit_code": line.unit_code,
        "unit_name": line.unit_name,
        "index": ratio_text(line.index),
        "band": line.band,
        "rank_change": line.rank_change,
        "index_change": ratio_text(line.index_change),
        "previous_combined": line.previous_combined,
        "never_submitted": line.never_submitted,
        "areas": [
            {"code": column.code, "name": column.name, "index": ratio_text(value)}
            for column, value in zip(ranking.areas, line.areas, strict=True)
        ],
        "unit_url": url("unit", period_id=period_id, unit_code=line.unit_code),
    }


# ---------------------------------------------------------------- units


class UnitResultOut(Schema):
    unit_code: str
    unit_name: str
    kind_code: str = Field(description=_("The unit's kind, as published."))
    group_code: str = Field(description=_("Its ranking group, or empty when not ranked."))
    group_name: str
    rank: int | None
    rank_of: int | None
    rank_text: RankText
    max_points: Points = Field(description=_("The unit's own maximum (not applicable items out)."))
    direct_points: Points = Field(description=_("Points of the appraised (self-assessed) items."))
    survey_points: Points
    bonus_points: Points
    penalty_points: Points
    total_points: Points
    index: Ratio | None
    band: str
    rank_change: int | None
    index_change: Ratio | None
    previous_combined: bool
    never_submitted: bool
    url: str


class UnitResultPage(PageOut):
    results: list[UnitResultOut]


class AreaResultOut(Schema):
    code: str
    name: str
    max_points: Points
    points: Points
    index: Ratio | None
    group_average: Ratio | None = Field(description=_("The group's average sub-index."))
    group_best: Ratio | None = Field(description=_("The group's best sub-index."))


class LostItemOut(Schema):
    code: str
    name: str
    max_points: Points
    points: Points = Field(description=_("The final points, as published."))
    lost: Points


class UnitDetailOut(UnitResultOut):
    period_id: int
    year: int
    version: int
    group_size: int | None = Field(description=_("How many units its group ranks."))
    areas: list[AreaResultOut]
    lost_items: list[LostItemOut] = Field(
        description=_("The sub-criteria where the most points were lost, most first.")
    )
    history_url: str


def unit_result_out(row, *, period_id: int, url: Callable[..., str]) -> dict:
    """A UnitRow of public_results(...) (reports.published): its published figures."""
    result = row.result
    return {
        "unit_code": row.unit_code,
        "unit_name": row.unit_name,
        "kind_code": row.kind_code,
        "group_code": row.group_code,
        "group_name": row.group_name,
        "rank": row.rank,
        "rank_of": row.rank_of,
        "rank_text": rank_label(row.rank, row.rank_of, official=True),
        "max_points": points_text(result.max_points),
        "direct_points": points_text(result.direct_points),
        "survey_points": points_text(result.survey_points),
        "bonus_points": points_text(result.bonus_points),
        "penalty_points": points_text(result.penalty_points),
        "total_points": points_text(result.total_points),
        "index": ratio_text(result.index),
        "band": result.band,
        "rank_change": row.change.rank_change,
        "index_change": ratio_text(row.change.index_change),
        "previous_combined": bool(row.previous and row.previous.combined),
        "never_submitted": row.never_submitted,
        "url": url("unit", period_id=period_id, unit_code=row.unit_code),
    }


def _area_result(area: AreaComparison) -> dict:
    return {
        "code": area.code,
        "name": area.name,
        "max_points": points_text(area.max_points),
        "points": points_text(area.points),
        "index": ratio_text(area.index),
        "group_average": ratio_text(area.group_average),
        "group_best": ratio_text(area.group_best),
    }


def _lost_item(item: PublicItem) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "max_points": points_text(item.max_points),
        "points": points_text(item.points),
        "lost": points_text(item.lost),
    }


def unit_detail_out(page: UnitPage, *, url: Callable[..., str]) -> dict:
    period = page.period
    return {
        **unit_result_out(page.row, period_id=period.pk, url=url),
        "period_id": period.pk,
        "year": period.year,
        "version": page.publication.version,
        "group_size": page.ranking.size if page.ranking else None,
        "areas": [_area_result(area) for area in page.areas],
        "lost_items": [_lost_item(item) for item in page.lost_items],
        "history_url": url(
            "history", unit_code=page.row.unit_code, query={"organiser": period.organiser.code}
        ),
    }


# ---------------------------------------------------------------- history


class HistoryPointOut(Schema):
    year: int
    period_id: int
    version: int
    group_name: str
    rank: int | None
    rank_of: int | None
    rank_text: RankText
    index: Ratio | None
    band: str
    stands_for: list[str] = Field(
        description=_(
            "Whose result the year shows: empty for the unit's own; the predecessor's name when "
            "it was renamed or re-coded; the names added up when it replaced several units."
        )
    )
    combined: bool = Field(description=_("The year adds up the units it replaced (no rank)."))
    period_url: str


class HistoryPage(PageOut):
    results: list[HistoryPointOut]


def history_point_out(point: HistoryPoint, *, url: Callable[..., str]) -> dict:
    return {
        "year": point.year,
        "period_id": point.period_id,
        "version": point.version,
        "group_name": point.group_name,
        "rank": point.rank,
        "rank_of": point.rank_of,
        "rank_text": point.rank_text,
        "index": ratio_text(point.index),
        "band": point.band,
        "stands_for": list(point.stands_for),
        "combined": point.combined,
        "period_url": url("period", period_id=point.period_id),
    }
