"""Small helpers every scoring screen shares: JSON or HTML, and how a service's refusal is
shown (an input error beside its field, a business refusal as a message)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

from ..exceptions import EntryClosed, Refused, RoundClosed, ScoreConflict, StatusConflict
from ..services.evidence import file_type_of, opens_inline

# What a service may refuse with: wrong input (per field) or the rules (scoring.exceptions).
REFUSALS = (ValidationError, Refused)


def wants_json(request) -> bool:
    """The page's script asks for JSON; a plain form post (no JavaScript) gets HTML."""
    return "application/json" in request.headers.get("Accept", "")


def refusal_status(exc: Exception) -> int:
    """409 when the state refused it (closed, changed meanwhile): reloading shows why; 400
    when the input or the request was wrong."""
    if isinstance(exc, EntryClosed | RoundClosed | StatusConflict | ScoreConflict):
        return 409
    return 400


def is_closed(exc: Exception) -> bool:
    """The entry or the round is closed: the page should turn read-only."""
    return isinstance(exc, EntryClosed | RoundClosed)


def field_errors(exc: Exception) -> dict[str, str]:
    """Errors by field; anything not about one field under "form"."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return {
            ("form" if key == "__all__" else key): " ".join(messages)
            for key, messages in exc.message_dict.items()
        }
    return {"form": " ".join(exc.messages)}


def add_errors(form, exc: Exception) -> None:
    """A service's refusal shown on the form: next to its field when it names one."""
    for name, message in field_errors(exc).items():
        form.add_error(name if name in form.fields else None, message)


# A user's file is a document of its own origin's: it runs nothing and loads nothing. A PDF that
# passed the content check opens inline without `sandbox`, since Chromium will not start its
# PDF viewer in a sandboxed document; it can still not be framed by another site.
USER_FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
INLINE_PDF_CSP = "default-src 'none'; frame-ancestors 'self'"


def download_name(name: str) -> str:
    """The uploaded name, safe in a header (RFC 6266: Django writes `filename*=utf-8''…` for
    Vietnamese names): no control characters, no path separators, NFC."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join("_" if ch in "/\\" else ch for ch in name if unicodedata.category(ch) != "Cc")
    return name.strip(" .") or "tep-tin"


def private_file_response(field_file, original_name: str, content_type: str = "") -> FileResponse:
    """Stream a checked upload (evidence, a progress report's or an inspection's file) after the
    caller's permission check: there is no public media URL. PDFs and images that pass the
    content check open in the browser, anything else downloads, under the name it was uploaded
    with; never cached, never sniffed as another type, never run."""
    if not field_file:
        raise Http404
    name = original_name or field_file.name
    file_type = file_type_of(name)
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    inline = opens_inline(handle, name)
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=download_name(name),
        content_type=(
            (file_type.content_type if file_type else content_type) or "application/octet-stream"
        ),
    )
    pdf = inline and file_type.content_type == "application/pdf"
    response["Content-Security-Policy"] = INLINE_PDF_CSP if pdf else USER_FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
