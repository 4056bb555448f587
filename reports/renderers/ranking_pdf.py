"""The three PDF reports of a period: the ranking report, its appendix by area, and one unit's
scorecard. Each reads the period's results through reports.selectors.report_data (the frozen
publication, or a draft computed now), shapes them here, and prints an HTML template with
WeasyPrint (reports.pdf).

Kept with a publication (Report.publication), they are its official documents: they read
that version, carry its number, decision, signer and "Nơi nhận", and are public — the
scorecard then prints final points only (reports.documents)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext as _

from reports.charts import AreaValues, Bar
from reports.documents import published_file_name, published_items
from reports.pdf import document_header, html_to_pdf, render_html, signature
from reports.published import PublicItem, unit_history
from reports.published import lost_items as published_lost
from reports.result_charts import areas_chart, group_charts, history_chart
from reports.selectors import ReportData, ReportError, period_report_data
from scoring.display import code_key, rank_label
from scoring.engine.model import IndexSetDef, ItemResult, LevelResult
from scoring.selectors.results import GroupResults, UnitRow

LOST_ITEMS_SHOWN = 10
AVERAGED = ("max_points", "direct_points", "survey_points", "bonus_points", "penalty_points")


def _mean(values) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) / len(present) if present else None


def _file_name(stem: str, data: ReportData, *, published_stem: str) -> str:
    """ "xep-hang-cchc-2025.pdf" asked for; "bao-cao-xep-hang-2025-v1.pdf" kept with version 1."""
    if data.kept_with is not None:
        return published_file_name(published_stem, data.kept_with, "pdf")
    draft = "-du-thao" if data.is_draft else ""
    return f"{slugify(stem)}-{data.period.year}{draft}.pdf"


def _document(data: ReportData, *, title: str) -> dict:
    """What every template reads: the header and the foot of the official document, the
    title, whether this is a draft. A publication's own elements (number, decision, signer,
    "Nơi nhận"); a draft has no number nor decision and shows the organiser's signer."""
    publication = data.publication
    organiser = data.period.organiser
    issued = timezone.localtime(publication.published_at).date() if publication else None
    elements = publication if publication is not None else organiser
    return {
        "title": title,
        "period": data.period,
        "year": data.period.year,
        "publication": publication,
        "is_draft": data.is_draft,
        "is_public": data.is_public,
        "computed_at": timezone.localtime(),
        "header": document_header(
            organiser,
            issued=issued,
            number=publication.document_number if publication else "",
        ),
        "decision_number": publication.decision_number if publication else "",
        "decision_date": publication.decision_date if publication else None,
        "signature": signature(
            recipients=elements.recipients,
            signer_title=elements.signer_title,
            signer_name=elements.signer_name,
        ),
    }


def _print(template: str, context: dict, progress) -> bytes:
    html = render_html(template, context)
    progress(50)
    content = html_to_pdf(html)
    progress(95)
    return content


# ---------------------------------------------------------------- ranking report


@dataclass
class RankingGroupView:
    group: GroupResults
    number: int
    ranked: bool
    rows: list[UnitRow]
    average: dict = field(default_factory=dict)
    bands: list[dict] = field(default_factory=list)
    show_bonus: bool = False
    show_penalty: bool = False
    show_change: bool = False
    charts: list[SafeString] = field(default_factory=list)
    highest: UnitRow | None = None
    lowest: UnitRow | None = None
    never_submitted: int = 0  # units marked (*) in the table


def group_averages(rows: list[UnitRow]) -> dict:
    results = [row.result for row in rows]
    average = {name: _mean(getattr(r, name) for r in results) for name in AVERAGED}
    average["total_points"] = _mean(r.total_points for r in results)
    average["index"] = _mean(row.index for row in rows)
    average["index_change"] = _mean(row.change.index_change for row in rows)
    return average


def band_counts(group: GroupResults, index_sets: dict) -> list[dict]:
    """Units per band, best band first: the bands of the group's index sets as computed or as
    published (so an empty band shows 0), then any other label found on the results."""
    counts = group.band_counts()
    set_ids = {row.index_set_id for row in group.rows if row.index_set_id}
    bands = sorted(
        (band for set_id in set_ids if set_id in index_sets for band in index_sets[set_id].bands),
        key=lambda band: (-band[1], band[0]),
    )
    labels: list[str] = []
    for label, _minimum in bands:
        if label not in labels:
            labels.append(label)
    best_index = defaultdict(lambda: Decimal(-1))
    for row in group.rows:
        if row.index is not None:
            best_index[row.result.band] = max(best_index[row.result.band], row.index)
    labels += sorted(
        (label for label in counts if label not in labels), key=lambda b: -best_index[b]
    )
    size = len(group.rows)
    return [
        {
            "label": label,
            "count": counts.get(label, 0),
            "share": Decimal(100) * counts.get(label, 0) / size,
        }
        for label in labels
    ]


def ranking_group_views(data: ReportData) -> list[RankingGroupView]:
    views = []
    for number, group in enumerate(data.results.groups, start=1):
        ranked = bool(group.code)
        rows = group.rows
        view = RankingGroupView(
            group=group,
            number=number,
            ranked=ranked,
            rows=rows,
            average=group_averages(rows),
            show_bonus=any(row.result.bonus_points for row in rows),
            show_penalty=any(row.result.penalty_points for row in rows),
            show_change=any(row.previous is not None for row in rows),
            never_submitted=sum(row.never_submitted for row in rows),
        )
        if ranked:
            view.bands = band_counts(group, data.results.index_sets)
            indexed = [row for row in rows if row.index is not None]
            if indexed:
                view.highest = max(indexed, key=lambda row: row.index)
                view.lowest = min(indexed, key=lambda row: row.index)
            view.charts = group_charts(
                [
                    Bar(
                        f"{rank_label(row.rank, row.rank_of, official=True)}  {row.unit_name}",
                        row.index,
                    )
                    for row in rows
                ],
                group_name=group.name,
                average=view.average["index"],
            )
        views.append(view)
    return views


def publication_notes(data: ReportData) -> dict:
    """The report's notes: the units that never submitted (marked in the tables) and the
    survey or data items published without their input, with the officer's reasons."""
    return {
        "never_submitted": [row for row in data.results.rows if row.never_submitted],
        "exceptions": data.publication.exceptions if data.publication else [],
    }


def render_ranking_pdf(report, progress) -> tuple[str, bytes]:
    data = period_report_data(report, with_items=False)
    groups = ranking_group_views(data)
    progress(25)
    context = {
        **_document(
            data,
            title=_("Results of the Public Administration Reform Index ranking, %(year)s")
            % {"year": data.period.year},
        ),
        "groups": groups,
        "overview": [view for view in groups if view.ranked],
        **publication_notes(data),
    }
    name = _file_name("xep-hang-cchc", data, published_stem="bao-cao-xep-hang")
    return name, _print("reports/pdf/ranking.html", context, progress)


# ---------------------------------------------------------------- area breakdown


@dataclass
class MatrixRow:
    row: UnitRow
    cells: list[tuple[Decimal | None, bool]]  # (area sub-index, best of the group)


@dataclass
class AreaMatrix:
    group: GroupResults
    number: int
    ranked: bool
    areas: list[LevelResult]
    rows: list[MatrixRow]
    averages: list[Decimal | None]
    index_average: Decimal | None


def _best(group: GroupResults, area_code: str) -> Decimal | None:
    """The value to mark in an area's column; None when every unit has the same (an area
    nobody has scored yet, in a draft, would mark them all)."""
    values = {
        area.index
        for row in group.rows
        for area in row.result.areas
        if area.code == area_code and area.index is not None
    }
    return max(values) if len(values) > 1 else None


def area_matrices(data: ReportData) -> list[AreaMatrix]:
    """Units × areas per group. Units outside every group are not compared with one another:
    no best marked, no average."""
    matrices = []
    for number, group in enumerate(data.results.groups, start=1):
        # Columns by area code across the group: a mixed group (the unranked units of several
        # kinds) may hold index sets with different areas.
        areas: dict[str, LevelResult] = {}
        for row in group.rows:
            for area in row.result.areas:
                areas.setdefault(area.code, area)
        codes = sorted(areas, key=code_key)
        ranked = bool(group.code)
        best = {code: _best(group, code) if ranked else None for code in codes}
        rows = []
        for row in group.rows:
            by_code = {area.code: area.index for area in row.result.areas}
            cells = []
            for code in codes:
                value = by_code.get(code)
                cells.append((value, value is not None and value == best[code]))
            rows.append(MatrixRow(row, cells))
        matrices.append(
            AreaMatrix(
                group=group,
                number=number,
                ranked=ranked,
                areas=[areas[code] for code in codes],
                rows=rows,
                averages=[group.area_average(code) for code in codes],
                index_average=group.average_index,
            )
        )
    return matrices


def render_breakdown_pdf(report, progress) -> tuple[str, bytes]:
    data = period_report_data(report, with_items=False)
    matrices = area_matrices(data)
    progress(25)
    context = {
        **_document(
            data,
            title=_("Sub-indices by area of the units, %(year)s") % {"year": data.period.year},
        ),
        "matrices": matrices,
    }
    name = _file_name("phu-luc-linh-vuc", data, published_stem="phu-luc-linh-vuc")
    return name, _print("reports/pdf/breakdown.html", context, progress)


# ---------------------------------------------------------------- unit scorecard


@dataclass
class HistoryLine:
    year: int
    group_name: str
    rank: int | None
    rank_of: int | None
    index: Decimal | None
    band: str
    is_draft: bool = False
    stands_for: tuple[str, ...] = ()  # the units whose result the year shows
    combined: bool = False  # several predecessors added up (no rank)


@dataclass
class ItemLine:
    """A line of the scorecard's full table: an area or criterion heading, or a scored item.
    `item` (every stage's points and the council's reasons) only on the internal scorecard;
    the published one has the final points and `not_applicable`."""

    kind: str  # "area", "criterion", "item"
    code: str
    name: str
    max_points: Decimal
    points: Decimal
    item: ItemResult | None = None
    not_applicable: bool = False


def rank_history(data: ReportData, row: UnitRow) -> list[HistoryLine]:
    """The unit's published results of the organiser's earlier periods (the latest version of
    each, across mergers by the predecessor rule: reports.published.unit_history), then this
    period's own line — draft or published — as this report shows it."""
    period = data.period
    lines = [
        HistoryLine(
            year=point.year,
            group_name=point.group_name,
            rank=point.rank,
            rank_of=point.rank_of,
            index=point.index,
            band=point.band,
            stands_for=point.stands_for,
            combined=point.combined,
        )
        for point in unit_history(
            row.unit_id, organiser_id=period.organiser_id, up_to_year=period.year
        )
        if point.year < period.year
    ]
    lines.append(
        HistoryLine(
            year=period.year,
            group_name=row.group_name,
            rank=row.rank,
            rank_of=row.rank_of,
            index=row.index,
            band=row.result.band,
            is_draft=data.is_draft,
        )
    )
    return lines


def item_blocks(row: UnitRow, tree: IndexSetDef | None) -> list[list[ItemLine]]:
    """Every scored item in the order of the index set, under its area and criterion headings
    as the set's prepared tree places it (the tree frozen with a publication, or today's for a
    draft); bonus and penalty lines come last. One block per criterion, headings included: the
    template keeps a block on one page, so a heading never ends a page without its items."""
    areas = {area.item_id: area for area in row.result.areas}
    criteria = {criterion.item_id: criterion for criterion in row.result.criteria}
    criterion_of = tree.criterion_of if tree is not None else {}
    area_of = tree.area_of if tree is not None else {}
    blocks: list[list[ItemLine]] = []
    current_area = current_criterion = None
    extras = []
    for item in row.result.items:
        if item.level != "sub_criterion":
            extras.append(item)
            continue
        criterion_id = criterion_of.get(item.item_id)
        area_id = area_of.get(item.item_id)
        if not blocks or criterion_id != current_criterion or area_id != current_area:
            blocks.append([])
        if area_id in areas and area_id != current_area:
            area = areas[area_id]
            blocks[-1].append(ItemLine("area", area.code, area.name, area.max_points, area.points))
            current_area = area_id
        if criterion_id in criteria and criterion_id != current_criterion:
            criterion = criteria[criterion_id]
            blocks[-1].append(
                ItemLine(
                    "criterion",
                    criterion.code,
                    criterion.name,
                    criterion.max_points,
                    criterion.points,
                )
            )
            current_criterion = criterion_id
        blocks[-1].append(
            ItemLine("item", item.code, item.name, item.max_points, item.points, item)
        )
    if extras:
        heading = ItemLine(
            "area",
            "",
            _("Bonus and penalty points"),
            Decimal(0),
            row.result.bonus_points - row.result.penalty_points,
        )
        items = [ItemLine("item", i.code, i.name, i.max_points, i.points, i) for i in extras]
        blocks.append([heading, *items])
    return blocks


def published_item_blocks(row: UnitRow, tree: IndexSetDef | None) -> list[list[ItemLine]]:
    """The blocks of item_blocks as the published scorecard prints them: each sub-criterion's
    public figures (reports.documents.published_items: final points, not applicable), no
    stage's points, no reason. Bonus and penalty lines are left to the totals above."""
    published = {line.item.code: line for line in published_items(row)}
    blocks = []
    for block in item_blocks(row, tree):
        lines = []
        for line in block:
            if line.item is None:
                lines.append(line)  # a heading: code, name, maximum, points
            elif line.code in published and line.item.level == "sub_criterion":
                public = published[line.code]
                lines.append(
                    ItemLine(
                        "item",
                        public.item.code,
                        public.item.name,
                        public.item.max_points,
                        public.item.points,
                        not_applicable=public.not_applicable,
                    )
                )
        if any(line.kind == "item" for line in lines):
            blocks.append(lines)
    return blocks


def published_lost_items(row: UnitRow) -> list[PublicItem]:
    """Where the unit lost most points, as the public reads it (reports.published)."""
    return published_lost(row, limit=LOST_ITEMS_SHOWN)


def lost_items(row: UnitRow) -> list[ItemResult]:
    return sorted(
        (item for item in row.result.items if item.level == "sub_criterion" and item.lost > 0),
        key=lambda item: (-item.lost, code_key(item.code)),
    )[:LOST_ITEMS_SHOWN]


def render_scorecard_pdf(report, progress) -> tuple[str, bytes]:
    try:
        unit_id = int(report.params.get("unit_id"))
    except (TypeError, ValueError):
        unit_id = None
    data = period_report_data(report, with_items=True, items_of=unit_id)
    row = data.results.row_for(unit_id) if unit_id is not None else None
    if row is None:
        raise ReportError(_("This unit has no result in this period."))
    group = data.results.group_of(row.unit_id) if row.group_code else None
    areas = [
        {
            "area": area,
            "average": group.area_average(area.code) if group else None,
            "best": group.area_best(area.code) if group else None,
            "difference": area.index - group.area_average(area.code)
            if group and area.index is not None and group.area_average(area.code) is not None
            else None,
        }
        for area in row.result.areas
    ]
    progress(25)
    tree = data.results.index_sets.get(row.index_set_id)
    context = {
        **_document(
            data,
            title=_("Public Administration Reform Index %(year)s: %(unit)s")
            % {"year": data.period.year, "unit": row.unit_name},
        ),
        "row": row,
        "group": group,
        "areas": areas,
    }
    # A document kept with a publication is public: the points counted only, never the
    # self-assessed points or the council's reasons (reports.published).
    if data.is_public:
        context |= {
            "lost_items": published_lost_items(row),
            "blocks": published_item_blocks(row, tree),
        }
    else:
        context |= {
            "lost_items": lost_items(row),
            "blocks": item_blocks(row, tree),
        }
    # Earlier years as published, then this report's own year (its version, or the draft).
    context["history"] = rank_history(data, row)
    context["history_chart"] = history_chart(context["history"], unit_name=row.unit_name)
    context["areas_chart"] = areas_chart(
        [
            AreaValues(
                f"{line['area'].code}. {line['area'].name}",
                line["area"].index,
                line["average"],
                line["best"],
            )
            for line in areas
        ],
        unit_name=row.unit_name,
    )
    name = _file_name(
        f"phieu-ket-qua-{row.unit_code}",
        data,
        published_stem=f"phieu-ket-qua-{row.unit_code}",
    )
    return name, _print("reports/pdf/scorecard.html", context, progress)
