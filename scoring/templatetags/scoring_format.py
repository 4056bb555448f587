"""Template filters over scoring.display, so pages round and word numbers in one way only."""

import json
from decimal import Decimal

from django import template

from scoring import display
from scoring.entries import figure_text

register = template.Library()


@register.filter
def points(value):
    return display.format_number(value)


@register.filter
def percent(value):
    return display.format_percent(value)


@register.simple_tag
def rank_label(rank, rank_of, official=True):
    return display.rank_label(rank, rank_of, official=official)


@register.filter
def rank_change(value):
    return display.rank_change_text(value)


@register.filter
def index_change(value):
    return display.index_change_text(value)


@register.filter
def points_change(value):
    return display.points_change_text(value)


@register.filter
def bar_width(value):
    """A percentage as a CSS width between 0 and 100 (dot decimal)."""
    if value is None:
        return "0"
    return format(max(0, min(100, round(value, 1))), "f")


@register.filter
def figure(value, item):
    """A reported figure of `item` in words: '95,5%', or '2 trường hợp' for a per-case line."""
    if value is None or value == "":
        return ""
    return figure_text(item, Decimal(str(value)))


@register.filter
def exact(value):
    """Points as entered, without padding: '1,5', '0,25' (for inputs and maxima). Rule
    parameters hold decimals as strings."""
    if value is None or value == "":
        return ""
    return display.format_number(Decimal(str(value)), None)


@register.filter
def as_json(value):
    """JSON for a data- attribute (the template's autoescaping makes it attribute-safe)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@register.filter
def area_short(name):
    return display.area_short_name(name)
