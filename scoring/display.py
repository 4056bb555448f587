"""How numbers are shown — the one place where points and percentages are rounded.

Arithmetic stays exact (Decimal); only text for people is rounded: 2 decimals, half-up
(93,5959 → 93,60), with the Vietnamese decimal comma."""

from decimal import ROUND_HALF_UP, Decimal

DISPLAY_PLACES = 2


def round_for_display(value: Decimal, places: int = DISPLAY_PLACES) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(value: Decimal | None, places: int | None = DISPLAY_PLACES) -> str:
    """'88,52' for display; places=None writes the exact value without trailing zeros ('9,5')."""
    if value is None:
        return ""
    if places is None:
        text = format(value.normalize(), "f")
    else:
        text = format(round_for_display(value, places), "f")
    return text.replace(".", ",")


def format_percent(value: Decimal | None) -> str:
    return f"{format_number(value)}%" if value is not None else ""
