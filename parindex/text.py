"""Text rules shared by every app: Unicode NFC for whatever users type or import."""

import re
import unicodedata

# Blank at either end: whitespace, and the invisible marks pasted from Word or a web page (a
# zero-width space, a word joiner, a byte-order mark) that would make "​" a text.
_EDGES = re.compile(r"^[\s\u200b\u2060\ufeff]+|[\s\u200b\u2060\ufeff]+$")


def normalize_text(value: str | None) -> str:
    """NFC-normalise and trim; Vietnamese typed with combining marks becomes one code point."""
    if value is None:
        return ""
    return _EDGES.sub("", unicodedata.normalize("NFC", str(value)))


# C0 control characters other than tab, line feed and carriage return: never typed, pasted
# from other programs at most; PostgreSQL cannot store NUL and an .xlsx cannot hold any of them.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def has_control_character(value: str | None) -> bool:
    """Whether text holds a character that cannot be stored or written to a workbook."""
    return bool(value) and bool(_CONTROL_CHARACTERS.search(str(value)))
