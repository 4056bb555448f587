"""Text rules shared by every app: Unicode NFC for whatever users type or import."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Blank at either end: whitespace, and the invisible marks pasted from Word or a web page (a
# zero-width space, a word joiner, a byte-order mark) that would make "​" a text.
_EDGES = re.compile(r"^[\s\u200b\u2060\ufeff]+|[\s\u200b\u2060\ufeff]+$")


def normalize_text(value: str | None) -> str:
    """NFC-normalise and trim; Vietnamese typed with combining marks becomes one code point."""
    if value is None:
        return ""
    return _EDGES.sub("", unicodedata.normalize("NFC", str(value)))


# Control characters other than tab, line feed and carriage return: C0 (NUL above all) and C1
# (U+0080–U+009F, what a Windows-1252 text read as Latin-1 leaves). Never typed, pasted from
# other programs at most; PostgreSQL cannot store NUL and an .xlsx cannot hold the C0 ones.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_character(value: str | None) -> bool:
    """Whether text holds a character that cannot be stored or written to a workbook."""
    return bool(value) and bool(_CONTROL_CHARACTERS.search(str(value)))


def without_control_characters(value: str) -> str:
    """The text with those characters left out (for writing what was stored before they were
    refused at input)."""
    return _CONTROL_CHARACTERS.sub("", value)


# Text a spreadsheet would run as a formula (OWASP CSV injection): refused in names.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def name_text_problem(value: str | None, *, label: str, formula: bool = True) -> str | None:
    """Why a name (of a person, of a unit) cannot be stored, in the staff accounts' wording:
    a control character (NUL above all), or — unless `formula` is False (a phone number) —
    a start a spreadsheet would run as a formula. None when it can."""
    value = "" if value is None else str(value)
    if has_control_character(value):
        return _("%(label)s contains a character that is not allowed.") % {"label": label}
    if formula and value.startswith(FORMULA_START):
        return _("%(label)s cannot start with = + - or @.") % {"label": label}
    return None


def typed_text(
    value: str | None,
    *,
    label: str,
    limit: int,
    required: bool = False,
    lines: bool = False,
    blank_lines: bool = True,
) -> str:
    """What a person typed, as stored: NFC and trimmed (each line, when `lines`; blank lines
    dropped unless `blank_lines`). Raises ValidationError, in one wording for every form,
    for a control character (or a line break in one-line text), an empty required text, or a
    text over `limit` characters. `label` names the field: "Tiêu đề", "Người phụ trách"."""
    value = "" if value is None else str(value)
    if has_control_character(value) or (not lines and ("\n" in value or "\r" in value)):
        raise ValidationError(
            _("%(field)s contains a character that is not allowed.") % {"field": label},
            code="control_character",
        )
    if lines:
        kept = (line for line in map(normalize_text, value.splitlines()) if blank_lines or line)
        value = normalize_text("\n".join(kept))
    else:
        value = normalize_text(value)
    if required and not value:
        raise ValidationError(_("%(field)s cannot be empty.") % {"field": label}, code="required")
    if len(value) > limit:
        raise ValidationError(
            _("%(field)s is at most %(limit)s characters long.") % {"field": label, "limit": limit},
            code="max_length",
        )
    return value


def typed_text_into(errors: dict, name: str, value: str | None, **rules) -> str:
    """typed_text for a form of several fields: a refusal goes to errors[name] (a list, as
    ValidationError(errors) takes it) and "" comes back, so every field is checked at once."""
    try:
        return typed_text(value, **rules)
    except ValidationError as exc:
        errors.setdefault(name, []).extend(exc.messages)
        return ""


# Vietnamese alphabetical order: a ă â b c d đ e ê … o ô ơ … u ư …, then the tones in dictionary
# order (ngang, huyền, hỏi, ngã, sắc, nặng). Unicode code-point order would put "Đ" after "Z".
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve, circumflex, horn
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_sort_key(value: str) -> tuple:
    """A key that sorts Vietnamese names as a Vietnamese dictionary does."""
    letters, tones = [], []
    for char in normalize_text(value).casefold():
        if char == "đ":
            letters.append(("d", 1))
            tones.append(0)
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        letters.append((base, max((_LETTER_MARKS.get(m, 0) for m in marks), default=0)))
        tones.append(max((_TONE_MARKS.get(m, 0) for m in marks), default=0))
    return (tuple(letters), tuple(tones))
