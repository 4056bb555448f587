"""Placeholder: being built (issue 5)."""

from django.http import Http404


def assessment_history(request, **kwargs):
    raise Http404


def assessment_history_export(request, **kwargs):
    raise Http404
