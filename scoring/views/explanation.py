"""Placeholder: being built (issue 5)."""

from django.http import Http404


def explanation_view(request, **kwargs):
    raise Http404


def explanation_item_save(request, **kwargs):
    raise Http404


def explanation_evidence_add(request, **kwargs):
    raise Http404


def explanation_send_view(request, **kwargs):
    raise Http404
