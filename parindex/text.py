"""Text rules shared by every app: Unicode NFC for whatever users type or import."""

import unicodedata


def normalize_text(value: str | None) -> str:
    """NFC-normalise and trim; Vietnamese typed with combining marks becomes one code point."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()
