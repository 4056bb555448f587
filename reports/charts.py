"""Bar charts for the PDF reports as inline SVG markup (WeasyPrint draws inline SVG; no
matplotlib, no image files).

A ranking group may hold 600 communes: one horizontal bar per unit, sorted by rank, cut into
charts of a page each. An SVG is drawn whole and never splits across pages, so the cut is ours."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from scoring.display import format_percent

FONT = "parindex serif, serif"  # the report font static/reports/pdf.css loads
ROW_HEIGHT = 15
BAR_HEIGHT = 10
AXIS_HEIGHT = 18  # tick labels above the bars
FOOT_HEIGHT = 18  # the reference line's label below them
LABEL_CHARS = 48  # longer unit names are cut: the label column has a fixed width
ROWS_PER_CHART = 36  # one landscape A4 page at ROW_HEIGHT, with the heading above it


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # a percentage, 0–100


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _x(value: Decimal, left: int, span: int) -> float:
    return left + span * float(max(Decimal(0), min(Decimal(100), value))) / 100


def bar_chart(
    bars: list[Bar],
    *,
    reference: Decimal | None = None,
    reference_label: str = "",
    width: int = 980,
    label_width: int = 320,
) -> SafeString:
    """One horizontal bar chart (0–100%), bars top-down in the order given, each labelled and
    valued; `reference` draws a dashed vertical line (the group average)."""
    left, right = label_width, width - 56  # room for the value after the longest bar
    span = right - left
    height = AXIS_HEIGHT + ROW_HEIGHT * len(bars) + (FOOT_HEIGHT if reference is not None else 4)
    bottom = AXIS_HEIGHT + ROW_HEIGHT * len(bars)
    grid, ticks, labels, rects, values = [], [], [], [], []
    for percent in range(0, 101, 10):
        x = _x(Decimal(percent), left, span)
        grid.append(f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 3}" x2="{x:.1f}" y2="{bottom}"/>')
        if percent % 20 == 0:
            ticks.append(f'<text x="{x:.1f}" y="{AXIS_HEIGHT - 6}">{percent}%</text>')
    for position, bar in enumerate(bars):
        top = AXIS_HEIGHT + ROW_HEIGHT * position
        baseline = top + ROW_HEIGHT - 4
        labels.append(f'<text x="{left - 6}" y="{baseline}">{escape(_label(bar.label))}</text>')
        if bar.value is None:
            values.append(f'<text x="{left + 4}" y="{baseline}">—</text>')
            continue
        end = _x(bar.value, left, span)
        bar_top = top + (ROW_HEIGHT - BAR_HEIGHT) / 2
        rects.append(
            f'<rect x="{left}" y="{bar_top:.1f}" width="{end - left:.1f}" height="{BAR_HEIGHT}"/>'
        )
        values.append(f'<text x="{end + 4:.1f}" y="{baseline}">{format_percent(bar.value)}</text>')
    reference_markup = ""
    if reference is not None:
        x = _x(reference, left, span)
        reference_markup = (
            f'<g stroke="#b22222" stroke-width="1.2" stroke-dasharray="4 3">'
            f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 3}" x2="{x:.1f}" y2="{bottom + 3}"/></g>'
            f'<text x="{x:.1f}" y="{bottom + FOOT_HEIGHT - 4}" fill="#b22222" '
            f'text-anchor="middle">{escape(reference_label)} {format_percent(reference)}</text>'
        )
    # Every piece of text above is escaped.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">'
        f'<g stroke="#cccccc" stroke-width="0.6">{"".join(grid)}</g>'
        f'<g text-anchor="middle" font-size="10" fill="#555555">{"".join(ticks)}</g>'
        f'<g fill="#3b6ea5">{"".join(rects)}</g>'
        f"{reference_markup}"  # over the bars, under the values: those stay readable
        f'<g text-anchor="end">{"".join(labels)}</g>'
        f'<g font-size="10">{"".join(values)}</g>'
        "</svg>"
    )


def bar_charts(
    bars: list[Bar],
    *,
    reference: Decimal | None = None,
    reference_label: str = "",
    rows_per_chart: int = ROWS_PER_CHART,
    **options,
) -> list[SafeString]:
    """The bars cut into charts of at most `rows_per_chart` bars, each drawn on one page."""
    return [
        bar_chart(
            bars[start : start + rows_per_chart],
            reference=reference,
            reference_label=reference_label,
            **options,
        )
        for start in range(0, len(bars), rows_per_chart)
    ]
