"""Placeholder: being built (issue 5)."""

from django.http import Http404


def inbox_view(request, **kwargs):
    raise Http404


def inbox_read_view(request, **kwargs):
    raise Http404
