"""Requests the portal refuses before any view sees them."""

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from .api_paths import is_api_path
from .text import has_control_character


def handles_control_characters(view):
    """Marks a view that reads control characters in its query itself and answers them (the
    rule preview, which says the rule holds a character it cannot store)."""
    view.handles_control_characters = True
    return view


class RefuseControlCharactersInQuery(MiddlewareMixin):
    """A query string or a posted text holding a control character (NUL above all) gets a 400:
    an HTML page, or JSON for the pages' scripts and the open-data API (/api/).

    No filter, form or script of the portal makes one; it comes from pasting out of another
    program, or from a probe. PostgreSQL refuses NUL in any query and text column, so a view
    that passed such a value on failed with a 500 (six write endpoints did, issue 16). The
    rule is parindex.text.has_control_character; tab, line feed and carriage return are text.
    Looked at: the query, form fields (urlencoded, and the fields of a multipart upload, not
    the files' contents), and JSON bodies. Nothing reaches a view, so nothing is changed.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "handles_control_characters", False):
            return None
        if _any_control(request.GET.lists()):
            return _refusal(request, query=True)
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and _body_has_control(request):
            return _refusal(request, query=False)
        return None


def _any_control(lists) -> bool:
    return any(
        has_control_character(key) or any(has_control_character(v) for v in values)
        for key, values in lists
    )


def _body_has_control(request) -> bool:
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            fields = request.POST
        except Exception:  # a malformed body: the view answers it as it always did
            return False
        if _any_control(fields.lists()):
            return True
        # An uploaded file's name is typed text too (stored as the file's original name).
        return any(has_control_character(f.name) for f in request.FILES.values())
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return False
        return _json_has_control(data)
    return False


def _json_has_control(data) -> bool:
    if isinstance(data, str):
        return has_control_character(data)
    if isinstance(data, dict):
        return any(_json_has_control(k) or _json_has_control(v) for k, v in data.items())
    if isinstance(data, list):
        return any(_json_has_control(v) for v in data)
    return False


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or (
        request.content_type or ""
    ).endswith("json")


def _refusal(request, *, query: bool):
    if query:
        message = _(
            "The address holds characters that no page of the portal uses. Check the link, "
            "or go back and try again."
        )
    else:
        message = _(
            "What you sent holds a control character (such as NUL), usually pasted from "
            "another program, that the portal cannot store. Nothing was saved: remove it, "
            "or type the text again, and send it again."
        )
    if is_api_path(request.path):
        return JsonResponse(
            {"detail": message, "errors": []},
            status=400,
            content_type="application/json; charset=utf-8",
            json_dumps_params={"ensure_ascii": False},
        )
    if _wants_json(request):
        # "message" is what the portal's scripts show (as for any other refusal).
        return JsonResponse(
            {"ok": False, "error": message, "message": message},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    # The browser's Back keeps what was typed in the form; a link to it would reload it empty.
    return render(request, "400.html", {"message": message, "form_kept": not query}, status=400)
