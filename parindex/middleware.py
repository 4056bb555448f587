"""Requests the portal refuses before any view sees them."""

from django.shortcuts import render

from .text import has_control_character


class RefuseControlCharactersInQuery:
    """A query string holding a control character (NUL above all) gets a 400 page.

    No filter, search box or link of the portal makes one; PostgreSQL refuses NUL in any
    query, so a view that passed such a value to the database would fail with a 500. Form
    fields are checked by Django's own validators, so only the query string is looked at here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if has_control_character(key) or any(has_control_character(v) for v in values):
                return render(request, "400.html", status=400)
        return self.get_response(request)
