"""Placeholder: being built (issue 5)."""

from django.http import Http404


def council_members_view(request, **kwargs):
    raise Http404


def council_member_remove_view(request, **kwargs):
    raise Http404
