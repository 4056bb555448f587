"""Reading what people type or import — the one number reader, the one yes/no reader and the
one id reader, for forms, the form's JSON saves, spreadsheet cells and rule texts alike.

Vietnamese habits are accepted: a decimal comma or dot ("1,5", "1.5"), spaces, a trailing
"%" (not on points), and có/không or x for yes/no. Thousands separators and exponents are
refused: scores and ratios never need them, and "1.234" or "1e5" are more likely slips than
numbers."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .text import normalize_text

TRUE_WORDS = frozenset({"1", "true", "yes", "x", "có", "co", "đúng", "đạt", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "không", "khong", "sai", "off", ""})
# ASCII digits only: "１,５" typed on a full-width keyboard is refused, as the browser does.
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\ufeff]+")  # a BOM pasted from a file too


class ParseError(ValueError):
    """A value that cannot be read as what it should be; the message is for the user."""


def excel_decimal(value: float) -> Decimal:
    """A spreadsheet float as the number the user typed: Excel keeps 15 significant digits, so
    0.30000000000000004 (a SUM of 0.1 and 0.2) is 0.3."""
    return Decimal(format(value, ".15g")).normalize()


def parse_decimal(value, *, label: str, percent: bool = True) -> Decimal | None:
    """A number as typed or stored in a cell: '1,5', '1.5', ' 95 % ', 1.5, Decimal; empty is
    None. Negative numbers are read (the caller says whether they are allowed). Points are
    never a percentage: with `percent=False` a trailing "%" is refused, not dropped."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _not_a_number(value, label)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_a_number(value, label)
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _not_a_number(value, label)
        return excel_decimal(value)
    text = _SPACES.sub("", normalize_text(str(value)))
    if text.endswith("%") and percent:
        text = text[:-1]
    if not text:
        return None
    if not _NUMBER.match(text):
        raise _not_a_number(value, label)
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes these
        raise _not_a_number(value, label) from exc
    return number.copy_abs() if number.is_zero() else number  # "-0" is 0, never "-0,0000"


def _not_a_number(value, label: str) -> ParseError:
    shown = normalize_text(str(value))
    if not label:
        return ParseError(_("“%(text)s” is not a number.") % {"text": shown})
    return ParseError(
        _("%(field)s: “%(text)s” is not a number (write e.g. 1,5 or 1.5).")
        % {"field": label, "text": shown}
    )


def yes_no_word(value) -> bool | None:
    """True or False for a yes/no word (empty is False), None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalize_text("" if value is None else str(value)).casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def parse_yes_no(value, *, label: str, default: bool | None = None) -> bool | None:
    """Yes or no as typed or ticked: 1/0, true/false, có/không, x/empty, a checkbox's "on".
    Empty is `default`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    answer = yes_no_word(value)
    if answer is not None:
        return answer
    raise ParseError(
        _("%(column)s: “%(value)s” is not yes/no (use 1/0, có/không or x).")
        % {"column": label, "value": normalize_text(str(value))}
    )


MAX_ID = 2**63 - 1


def parse_id(text) -> int | None:
    """A database id from a form or a query string; anything else (empty, "²", 40 digits,
    "-1") is None, so the view answers as for a missing row instead of failing."""
    text = str(text or "").strip()
    if not (text.isascii() and text.isdecimal()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
