"""Small helpers every scoring screen shares: JSON or HTML, and how a service's refusal is
shown (an input error beside its field, a business refusal as a message)."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

from ..exceptions import EntryClosed, Refused, RoundClosed, ScoreConflict, StatusConflict
from ..services.evidence import file_type_of

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


def private_file_response(field_file, original_name: str) -> FileResponse:
    """Stream a checked upload (evidence, a progress report's file) after the caller's
    permission check: there is no public media URL. PDFs and images open in the browser,
    anything else downloads, under the name it was uploaded with."""
    if not field_file:
        raise Http404
    file_type = file_type_of(original_name or field_file.name)
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=not (file_type and file_type.inline),
        filename=original_name or None,
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
