"""Small helpers every scoring screen shares."""

from django.core.exceptions import ValidationError


def wants_json(request) -> bool:
    """The page's script asks for JSON; a plain form post (no JavaScript) gets HTML."""
    return "application/json" in request.headers.get("Accept", "")


def add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: next to its field when it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


MAX_ID = 2**63 - 1


def parse_id(text) -> int | None:
    """A database id from a form or a query string; anything else (empty, "²", 40 digits,
    "-1") is None, so the view answers as for a missing row instead of failing."""
    text = str(text or "").strip()
    if not (text.isascii() and text.isdecimal()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
