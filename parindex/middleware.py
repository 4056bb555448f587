"""Requests the portal refuses before any view sees them."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from .text import has_control_character


def handles_control_characters(view):
    """Marks a view that reads control characters in its query itself and answers them (the
    rule preview, which says the rule holds a character it cannot store)."""
    view.handles_control_characters = True
    return view


class RefuseControlCharactersInQuery(MiddlewareMixin):
    """A query string holding a control character (NUL above all) gets a 400 page.

    No filter, search box or link of the portal makes one; PostgreSQL refuses NUL in any
    query, so a view that passed such a value to the database would fail with a 500. Form
    fields are checked by Django's own validators, so only the query string is looked at here.
    The open-data API (/api/) answers in JSON, as its clients read it.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "handles_control_characters", False):
            return None
        for key, values in request.GET.lists():
            if has_control_character(key) or any(has_control_character(v) for v in values):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "detail": _(
                                "The address holds characters that no page of the portal "
                                "uses. Check the link, or go back and try again."
                            ),
                            "errors": [],
                        },
                        status=400,
                        content_type="application/json; charset=utf-8",
                        json_dumps_params={"ensure_ascii": False},
                    )
                return render(request, "400.html", status=400)
        return None
