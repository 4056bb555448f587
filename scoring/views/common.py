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
