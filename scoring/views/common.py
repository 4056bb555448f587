"""Small helpers every scoring screen shares: JSON or HTML, and how a service's refusal is
shown (an input error beside its field, a business refusal as a message)."""

from django.core.exceptions import ValidationError

from ..exceptions import EntryClosed, Refused, RoundClosed, ScoreConflict, StatusConflict

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
