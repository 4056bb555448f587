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


# Words that open or close most official area names and tell a column header nothing: the
# whole index is about administrative reform. "Cải cách thể chế" → "Thể chế".
_AREA_PREFIXES = ("công tác ", "cải cách ", "xây dựng và phát triển ")
_AREA_SUFFIXES = (" cải cách hành chính", " cchc", " hành chính nhà nước")
AREA_SHORT_LENGTH = 24


def area_short_name(name: str, limit: int = AREA_SHORT_LENGTH) -> str:
    """A column header's form of an area's name (the full name goes beside it, in a title):
    "Công tác chỉ đạo, điều hành cải cách hành chính" → "Chỉ đạo, điều hành";
    "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số" → "Chính quyền điện tử"."""
    short = " ".join(name.split())
    lowered = short.casefold()
    prefix = next((p for p in _AREA_PREFIXES if lowered.startswith(p)), "")
    if prefix and len(short) > len(prefix):
        short = short[len(prefix) :]
        # Only after a prefix: "…tác động của cải cách hành chính" must keep its ending.
        suffix = next((s for s in _AREA_SUFFIXES if short.casefold().endswith(s)), "")
        if suffix and len(short) > len(suffix):
            short = short[: -len(suffix)]
    if len(short) > limit:
        # The first clause names the area: "Điều tra xã hội học, khảo sát sự hài lòng…".
        for mark in (",", "(", ";", " - "):
            head = short.split(mark, 1)[0].strip()
            if head and len(head) < len(short):
                short = head
                break
    if len(short) > limit:
        head = short[: limit - 1]
        if " " in head:
            head = head.rsplit(" ", 1)[0]
        short = head.rstrip(" ,;") + "…"
    return short[:1].upper() + short[1:]
