"""Placeholder: being built (issue 5)."""

from django.http import Http404


def appraisal_queue(request, **kwargs):
    raise Http404


def appraisal_review(request, **kwargs):
    raise Http404


def appraisal_item_save(request, **kwargs):
    raise Http404


def appraisal_accept_rest_view(request, **kwargs):
    raise Http404


def appraisal_return_view(request, **kwargs):
    raise Http404


def appraisal_finalise_view(request, **kwargs):
    raise Http404


def appraisal_reopen_view(request, **kwargs):
    raise Http404


def council_progress(request, **kwargs):
    raise Http404


def period_advance_view(request, **kwargs):
    raise Http404
