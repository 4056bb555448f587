"""Beside an item of a form: what earlier years' remediation and inspections say about its code
(scoring.selectors.improvement_notes)."""

from django import template

register = template.Library()


@register.filter
def lessons_for(lessons: dict | None, code: str):
    """The lessons of one item code, or None."""
    return (lessons or {}).get(code)
