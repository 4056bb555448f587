"""The set-up pages' template tags: the predecessors' work shown on a successor's page."""

from django import template

from scoring.selectors.units_setup import predecessors_work as _predecessors_work

register = template.Library()


@register.simple_tag
def predecessors_work(assessment):
    """What units merged or split into this assessment's unit entered in the same period."""
    return _predecessors_work(assessment)
