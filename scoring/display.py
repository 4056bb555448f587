"""How numbers are shown — the one place where points and percentages are rounded.

Arithmetic stays exact (Decimal); only text for people is rounded: 2 decimals, half-up
(93,5959 → 93,60), with the Vietnamese decimal comma."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DISPLAY_PLACES = 2


def round_for_display(value: Decimal, places: int = DISPLAY_PLACES) -> Decimal:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # never "-0,00"


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


def machine_number(value: Decimal | None, places: int = DISPLAY_PLACES) -> str | None:
    """For files and JSON: rounded like the display, with a dot ("88.52")."""
    if value is None:
        return None
    return format(round_for_display(value, places), "f")


def rank_label(rank: int | None, rank_of: int | None, *, official: bool = False) -> str:
    """'7/20', or the official form '07/20' (ranks under 10 zero-padded)."""
    if rank is None or rank_of is None:
        return ""
    return f"{rank:02d}/{rank_of}" if official else f"{rank}/{rank_of}"


def rank_change_text(change: int | None) -> str:
    if change is None:
        return ""
    if change == 0:
        return _("unchanged")
    if change > 0:
        return ngettext("up %(n)s place", "up %(n)s places", change) % {"n": change}
    return ngettext("down %(n)s place", "down %(n)s places", -change) % {"n": -change}


def _decimal_change_text(change: Decimal | None, up: str, down: str) -> str:
    if change is None:
        return ""
    shown = round_for_display(change)
    if shown == 0:
        return _("unchanged")
    return (up if shown > 0 else down) % {"value": format_number(abs(shown))}


def index_change_text(change: Decimal | None) -> str:
    """'tăng 2,76%' — a difference in percentage points, as published tables write it."""
    return _decimal_change_text(change, _("up %(value)s%%"), _("down %(value)s%%"))


def points_change_text(change: Decimal | None) -> str:
    return _decimal_change_text(change, _("up %(value)s points"), _("down %(value)s points"))


def code_key(code: str) -> tuple:
    """Item codes in reading order: '2' before '10', part by part, numbers as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split("."))
