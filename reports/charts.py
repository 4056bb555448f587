"""Charts as inline SVG markup, drawn on the server: one component for the public web pages and
the PDF reports alike (WeasyPrint draws inline SVG; no JavaScript, no image file, no asset from
elsewhere).

Three charts: `bar_chart` (the units of a group by index), `line_chart` (a unit's index over the
years) and `area_chart` (a unit's areas against its group's average and best). Each is an image
with a name and a description (`role="img"`, `<title>`, `<desc>`); the page or the report puts
the data table beside it as its text alternative. Series differ by shape, dash and pattern and
carry their values as direct labels, never by colour alone, so a chart reads in greyscale print.

A ranking group may hold 600 communes: one horizontal bar per unit, cut into charts of a page
each (`bar_charts`). An SVG is drawn whole and never splits across pages, so the cut is ours."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from scoring.display import format_percent

FONT = "parindex serif, serif"  # the report font static/reports/pdf.css loads; pages set theirs
ROW_HEIGHT = 15
BAR_HEIGHT = 10
AXIS_HEIGHT = 18  # tick labels above the bars
FOOT_HEIGHT = 18  # the reference line's label below them
LABEL_CHARS = 48  # longer unit names are cut: the label column has a fixed width
ROWS_PER_CHART = 36  # one landscape A4 page at ROW_HEIGHT, with the heading above it

# Greyscale-safe series: a dark solid fill, a hatched fill, an outline.
INK = "#1d2330"
SOLID = "#3b6ea5"  # reads as a dark grey in greyscale
GRID = "#cccccc"
MUTED = "#555555"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # a percentage, 0–100


@dataclass(frozen=True)
class LinePoint:
    label: str  # under the axis: the year
    value: Decimal | None  # a percentage, 0–100; None leaves a gap
    note: str = ""  # under the label: the rank ("07/20"), or why the point differs
    hollow: bool = False  # a point unlike the others (merged predecessors added up, a draft)


@dataclass(frozen=True)
class AreaValues:
    label: str  # "1. Cải cách thể chế"
    value: Decimal | None  # the unit's sub-index
    average: Decimal | None  # the group's average
    best: Decimal | None  # the group's best


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _x(value: Decimal, left: float, span: float) -> float:
    return left + span * float(max(Decimal(0), min(Decimal(100), value))) / 100


def _chart_id(kind: str, title: str, description: str) -> str:
    """A stable id for the title and description (pages compare their HTML between runs)."""
    digest = hashlib.sha1(f"{kind}\n{title}\n{description}".encode()).hexdigest()[:8]
    return f"chart-{kind}-{digest}"


def _svg(
    *,
    kind: str,
    width: int,
    height: float,
    title: str,
    description: str,
    body: str,
    chart_id: str | None,
    font_size: int,
    defs: str = "",
) -> SafeString:
    """The chart's frame: an image named by its title and described by its description. The
    caller escapes every text it puts in `body`."""
    chart_id = chart_id or _chart_id(kind, title, description)
    height = round(height)
    labelled = f'aria-labelledby="{chart_id}-title {chart_id}-desc"' if title else ""
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--{kind}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'{labelled} font-family="{FONT}" font-size="{font_size}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{f'<defs>{defs}</defs>' if defs else ''}"
        f"{body}</svg>"
    )


def _percent_grid(
    left: float, span: float, top: float, bottom: float, *, font_size: float, every: int = 20
):
    """Vertical grid lines each 10%, labelled each `every`% above the plot."""
    lines, ticks = [], []
    for percent in range(0, 101, 10):
        x = _x(Decimal(percent), left, span)
        lines.append(f'<line x1="{x:.1f}" y1="{top - 3}" x2="{x:.1f}" y2="{bottom}"/>')
        if percent % every == 0:
            ticks.append(f'<text x="{x:.1f}" y="{top - 6}">{percent}%</text>')
    return (
        f'<g stroke="{GRID}" stroke-width="0.6">{"".join(lines)}</g>'
        f'<g text-anchor="middle" font-size="{font_size * 0.85:g}" fill="{MUTED}">'
        f"{''.join(ticks)}</g>"
    )


# ---------------------------------------------------------------- units by index


def bar_chart(
    bars: list[Bar],
    *,
    reference: Decimal | None = None,
    reference_label: str = "",
    width: int = 980,
    label_width: int = 320,
    title: str = "",
    description: str = "",
    chart_id: str | None = None,
    labels_above: bool = False,
    label_chars: int = LABEL_CHARS,
) -> SafeString:
    """One horizontal bar chart (0–100%), bars top-down in the order given, each labelled and
    valued; `reference` draws a dashed vertical line (the group average), labelled below.

    `labels_above` writes each label above its bar across the whole width instead of in a
    column on the left: the layout for a phone's narrow screen."""
    if labels_above:
        left, right, row_height, label_offset = 14, width - 60, 30, 11
        font_size = 13
    else:
        left, right, row_height, label_offset = label_width, width - 56, ROW_HEIGHT, 0
        font_size = 11
    span = right - left
    bottom = AXIS_HEIGHT + row_height * len(bars)
    height = bottom + (FOOT_HEIGHT if reference is not None else 4)
    labels, rects, values = [], [], []
    for position, bar in enumerate(bars):
        top = AXIS_HEIGHT + row_height * position
        if labels_above:
            labels.append(
                f'<text x="{left}" y="{top + label_offset}">{escape(_cut(bar.label, label_chars))}'
                "</text>"
            )
            bar_top = top + label_offset + 4
            baseline = bar_top + BAR_HEIGHT - 1
        else:
            baseline = top + ROW_HEIGHT - 4
            labels.append(
                f'<text x="{left - 6}" y="{baseline}" text-anchor="end">'
                f"{escape(_cut(bar.label, label_chars))}</text>"
            )
            bar_top = top + (ROW_HEIGHT - BAR_HEIGHT) / 2
        if bar.value is None:
            values.append(f'<text x="{left + 4}" y="{baseline}">—</text>')
            continue
        end = _x(bar.value, left, span)
        rects.append(
            f'<rect x="{left}" y="{bar_top:.1f}" width="{end - left:.1f}" height="{BAR_HEIGHT}"/>'
        )
        values.append(f'<text x="{end + 4:.1f}" y="{baseline}">{format_percent(bar.value)}</text>')
    reference_markup = ""
    if reference is not None:
        x = _x(reference, left, span)
        anchor = "middle" if left + 60 < x < right - 40 else ("start" if x <= left + 60 else "end")
        reference_markup = (
            f'<g stroke="#b22222" stroke-width="1.2" stroke-dasharray="4 3">'
            f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 3}" x2="{x:.1f}" y2="{bottom + 3}"/></g>'
            f'<text x="{x:.1f}" y="{bottom + FOOT_HEIGHT - 4}" fill="#b22222" '
            f'text-anchor="{anchor}">{escape(reference_label)} {format_percent(reference)}</text>'
        )
    body = (
        _percent_grid(left, span, AXIS_HEIGHT, bottom, font_size=font_size)
        + f'<g fill="{SOLID}">{"".join(rects)}</g>'
        + reference_markup  # over the bars, under the values: those stay readable
        + f"<g>{''.join(labels)}</g>"
        + f'<g font-size="{font_size - 1}">{"".join(values)}</g>'
    )
    return _svg(
        kind="bars",
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
        chart_id=chart_id,
        font_size=font_size,
    )


def bar_charts(
    bars: list[Bar],
    *,
    reference: Decimal | None = None,
    reference_label: str = "",
    rows_per_chart: int = ROWS_PER_CHART,
    title: str = "",
    description: str = "",
    **options,
) -> list[SafeString]:
    """The bars cut into charts of at most `rows_per_chart` bars, each drawn on one page."""
    parts = range(0, len(bars), rows_per_chart)
    return [
        bar_chart(
            bars[start : start + rows_per_chart],
            reference=reference,
            reference_label=reference_label,
            title=f"{title} ({number}/{len(parts)})" if title and len(parts) > 1 else title,
            description=description,
            **options,
        )
        for number, start in enumerate(parts, start=1)
    ]


# ---------------------------------------------------------------- a unit over the years


def _value_range(values: list[Decimal]) -> tuple[int, int]:
    """The y axis: from a round ten under the lowest value (at most 0) to 100."""
    lowest = min(values) if values else Decimal(0)
    bottom = max(0, int((lowest - 5) // 10 * 10))
    return (min(bottom, 80), 100)


def line_chart(
    points: list[LinePoint],
    *,
    title: str,
    description: str,
    width: int = 640,
    height: int = 240,
    chart_id: str | None = None,
) -> SafeString:
    """Years left to right, the index up: a solid line through round markers, each marked
    with its value; a hollow point (units added up, a draft) is a hollow square joined by a
    dashed line. Under each year its note (the rank)."""
    left, right, top, bottom = 48, width - 24, 26, height - 44
    low, high = _value_range([p.value for p in points if p.value is not None])
    step = 10 if high - low > 30 else 5

    def y(value: Decimal) -> float:
        clamped = max(Decimal(low), min(Decimal(high), value))
        return bottom - (bottom - top) * float(clamped - low) / (high - low)

    count = len(points)
    gap = (right - left) / count
    xs = [left + gap * (position + 0.5) for position in range(count)]
    grid = []
    for value in range(low, high + 1, step):
        grid.append(
            f'<line x1="{left}" y1="{y(Decimal(value)):.1f}" x2="{right}" '
            f'y2="{y(Decimal(value)):.1f}"/>'
        )
    ticks = [
        f'<text x="{left - 6}" y="{y(Decimal(value)) + 4:.1f}">{value}%</text>'
        for value in range(low, high + 1, step)
    ]
    segments, markers, values, labels = [], [], [], []
    previous: tuple[float, float, bool] | None = None
    for x, point in zip(xs, points, strict=True):
        labels.append(f'<text x="{x:.1f}" y="{bottom + 18}" font-weight="bold">')
        labels.append(f"{escape(point.label)}</text>")
        if point.note:
            labels.append(
                f'<text x="{x:.1f}" y="{bottom + 34}" font-size="11">{escape(point.note)}</text>'
            )
        if point.value is None:
            previous = None
            continue
        py = y(point.value)
        if previous is not None:
            dashed = ' stroke-dasharray="5 4"' if point.hollow or previous[2] else ""
            segments.append(
                f'<line x1="{previous[0]:.1f}" y1="{previous[1]:.1f}" x2="{x:.1f}" '
                f'y2="{py:.1f}"{dashed}/>'
            )
        if point.hollow:
            markers.append(
                f'<rect x="{x - 5:.1f}" y="{py - 5:.1f}" width="10" height="10" fill="#ffffff" '
                f'stroke="{INK}" stroke-width="1.6"/>'
            )
        else:
            markers.append(f'<circle cx="{x:.1f}" cy="{py:.1f}" r="5" fill="{INK}"/>')
        values.append(
            f'<text x="{x:.1f}" y="{py - 10:.1f}" font-weight="bold">'
            f"{format_percent(point.value)}</text>"
        )
        previous = (x, py, point.hollow)
    body = (
        f'<g stroke="{GRID}" stroke-width="0.6">{"".join(grid)}</g>'
        f'<g text-anchor="end" font-size="10" fill="{MUTED}">{"".join(ticks)}</g>'
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{INK}"/>'
        f'<g stroke="{INK}" stroke-width="2" fill="none">{"".join(segments)}</g>'
        f"<g>{''.join(markers)}</g>"
        f'<g text-anchor="middle">{"".join(values)}{"".join(labels)}</g>'
    )
    return _svg(
        kind="line",
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
        chart_id=chart_id,
        font_size=12,
    )


# ---------------------------------------------------------------- areas against the group


def area_chart(
    areas: list[AreaValues],
    *,
    title: str,
    description: str,
    series: tuple[str, str, str],
    width: int = 640,
    chart_id: str | None = None,
    label_chars: int = 80,
) -> SafeString:
    """Per area, its name above three bars: the unit (solid), the group's average (hatched)
    and the group's best (outlined), each with its value at its end; a legend on top shows
    the three fills with `series`' names (unit, average, best). A series without any value
    (a unit outside every group has no average) is left out, legend included."""
    chart_id = chart_id or _chart_id("areas", title, description)
    hatch = f"{chart_id}-hatch"
    left, right = 16, width - 64
    span = right - left
    fills = (
        f'fill="{SOLID}"',
        f'fill="url(#{hatch})" stroke="{INK}" stroke-width="0.8"',
        f'fill="#ffffff" stroke="{INK}" stroke-width="1.2"',
    )
    values_of = [
        [area.value for area in areas],
        [area.average for area in areas],
        [area.best for area in areas],
    ]
    shown = [n for n in range(3) if n == 0 or any(v is not None for v in values_of[n])]
    label_height, bar, gap = 16, 9, 9
    block = label_height + len(shown) * (bar + 2) + gap
    # The legend's entries side by side, on as many lines as the width needs.
    legend, x, line = [], left, 0
    for name, fill in ((series[n], fills[n]) for n in shown):
        name = _cut(name, 40)
        entry = 30 + 7 * len(name)
        if x > left and x + entry > width:
            x, line = left, line + 1
        y = 5 + 20 * line
        legend.append(f'<rect x="{x}" y="{y}" width="16" height="10" {fill}/>')
        legend.append(f'<text x="{x + 21}" y="{y + 9}">{escape(name)}</text>')
        x += entry
    top = 20 * (line + 1) + 4 + AXIS_HEIGHT
    bottom = top + block * len(areas)
    rows = []
    for position, area in enumerate(areas):
        y = top + block * position
        rows.append(f'<text x="{left}" y="{y + 12}">{escape(_cut(area.label, label_chars))}</text>')
        for slot, number in enumerate(shown):
            value, fill = values_of[number][position], fills[number]
            bar_top = y + label_height + slot * (bar + 2)
            if value is None:
                rows.append(f'<text x="{left + 4}" y="{bar_top + bar - 1}">—</text>')
                continue
            end = _x(value, left, span)
            rows.append(
                f'<rect x="{left}" y="{bar_top}" width="{max(end - left, 0.5):.1f}" '
                f'height="{bar}" {fill}/>'
            )
            weight = ' font-weight="bold"' if number == 0 else ""
            rows.append(
                f'<text x="{end + 4:.1f}" y="{bar_top + bar - 1}" font-size="11"{weight}>'
                f"{format_percent(value)}</text>"
            )
    defs = (
        f'<pattern id="{hatch}" width="5" height="5" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="5" height="5" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="5" stroke="{INK}" stroke-width="1.6"/></pattern>'
    )
    body = (
        f"<g>{''.join(legend)}</g>"
        + _percent_grid(left, span, top, bottom, font_size=12)
        + f"<g>{''.join(rows)}</g>"
    )
    return _svg(
        kind="areas",
        width=width,
        height=bottom + 6,
        title=title,
        description=description,
        body=body,
        chart_id=chart_id,
        font_size=12,
        defs=defs,
    )
