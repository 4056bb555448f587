"""File sizes as the portal writes them: megabytes, Vietnamese grouping and decimal comma."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

MEGABYTE = 1024 * 1024


def megabytes_text(size: int) -> str:
    """1.234,5 for 1 294 467 072 bytes: one decimal, rounded half up (Django's number_format
    cuts the digits instead)."""
    value = (Decimal(size) / MEGABYTE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return number_format(value, decimal_pos=1, force_grouping=True)
