"""The charts of published results, named and described in one way for the public pages and
the PDF reports: a group's units by index, a unit's index over the years, a unit's areas
against its group. Drawn by reports.charts; the numbers come from the caller."""

from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from scoring.display import format_percent, rank_label

from .charts import AreaValues, Bar, LinePoint, area_chart, bar_chart, bar_charts, line_chart


def _group_words(group_name: str, average: Decimal | None) -> tuple[str, str]:
    title = _("Index of the units of “%(name)s”, by rank") % {"name": group_name}
    description = _(
        "One bar per unit, its index written at its end; the dashed line is the group "
        "average (%(average)s)."
    ) % {"average": format_percent(average) or "—"}
    return title, description


def group_charts(
    bars: list[Bar], *, group_name: str, average: Decimal | None, **options
) -> list[SafeString]:
    """A group's units by index, cut into charts of a page each (the ranking PDF)."""
    title, description = _group_words(group_name, average)
    return bar_charts(
        bars,
        reference=average,
        reference_label=_("Group average"),
        title=title,
        description=description,
        **options,
    )


def group_chart(
    bars: list[Bar], *, group_name: str, average: Decimal | None, **options
) -> SafeString:
    """A group's units by index as one chart (a page of the public ranking)."""
    title, description = _group_words(group_name, average)
    return bar_chart(
        bars,
        reference=average,
        reference_label=_("Group average"),
        title=title,
        description=description,
        **options,
    )


def history_chart(history, *, unit_name: str, **options) -> SafeString:
    """The index over the years, the rank under each year. `history`: points with year, rank,
    rank_of, index, combined (merged units added up), stands_for, and is_draft if any
    (reports.published.HistoryPoint, the scorecard's HistoryLine)."""
    points, parts = [], []
    for line in history:
        draft = getattr(line, "is_draft", False)
        rank = rank_label(line.rank, line.rank_of, official=True)
        note = rank
        if line.combined:
            note = _("merged units")
        elif draft:
            note = f"{rank} ({_('draft')})" if rank else _("draft")
        points.append(
            LinePoint(str(line.year), line.index, note=note, hollow=line.combined or draft)
        )
        text = f"{line.year}: {format_percent(line.index) or '—'}"
        if rank:
            text += ", " + _("rank %(rank)s") % {"rank": rank}
        if line.combined:
            text += (
                " ("
                + _("the merged units added up: %(names)s") % {"names": ", ".join(line.stands_for)}
                + ")"
            )
        if draft:
            text += f" ({_('draft')})"
        parts.append(text)
    return line_chart(
        points,
        title=_("Index of %(unit)s over the years") % {"unit": unit_name},
        description="; ".join(parts) + ".",
        **options,
    )


def areas_chart(areas: list[AreaValues], *, unit_name: str, **options) -> SafeString:
    """The unit's index in each area against its group's average and best."""
    parts = []
    for area in areas:
        text = f"{area.label}: {format_percent(area.value) or '—'}"
        if area.average is not None:
            text += (
                " ("
                + _("group average %(average)s, best %(best)s")
                % {
                    "average": format_percent(area.average),
                    "best": format_percent(area.best) or "—",
                }
                + ")"
            )
        parts.append(text)
    return area_chart(
        areas,
        title=_("Index by area of %(unit)s, against its group") % {"unit": unit_name},
        description="; ".join(parts) + ".",
        series=(unit_name, _("Group average"), _("Group best")),
        **options,
    )
