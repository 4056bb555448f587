"""The set-up home's list of index sets an officer may open in the editor."""

from django import template

from scoring.selectors.index_set_editor import editable_index_sets

register = template.Library()


@register.simple_tag
def setup_index_sets(organisers):
    """The current and draft index sets of `organisers` (those the officer manages)."""
    return editable_index_sets(organisers=organisers)
