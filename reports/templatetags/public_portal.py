"""Template tags of the public results portal: the signed-in unit staff's own published
results on their home page (templates/home.html; scoring's home view never imports reports),
and the links of the ranking's sortable headers."""

from django import template
from django.utils.http import urlencode

from reports.portal import own_published_results

register = template.Library()


@register.simple_tag
def own_results(user):
    """The user's units' published results, with their scorecards and group rankings."""
    if not user.is_authenticated:
        return []
    return own_published_results(user)


@register.simple_tag
def ranking_query(view, **changes):
    """The query string of the ranking page as shown, with `changes` (sort, page): the filter
    stays when the order changes, and a new order starts at page 1."""
    values = {"q": view.search, "band": view.band, "sort": view.sort}
    values.update(changes)
    if "page" not in changes:
        values.pop("page", None)
    kept = {key: value for key, value in values.items() if value not in ("", None)}
    if kept.get("sort") == "rank":
        kept.pop("sort")
    return "?" + urlencode(kept) if kept else "?"


def _next_sort(view, key: str, first: str) -> str:
    """The order a column's header asks for: its `first` direction, or the other one when
    the ranking is already in that order."""
    primary, secondary = (f"-{key}", key) if first == "desc" else (key, f"-{key}")
    return secondary if view.sort == primary else primary


def _aria_sort(view, key: str) -> str:
    if view.sort == key:
        return "ascending"
    if view.sort == f"-{key}":
        return "descending"
    return ""


@register.inclusion_tag("public/_sort_header.html")
def sort_header(
    view, key: str, label: str, first: str = "desc", full_name: str = "", text: bool = False
):
    """A column header that sorts the ranking by its column, without JavaScript: a link to
    the same page in that order (the filter kept), marked with `aria-sort` when in use."""
    return {
        "href": ranking_query(view, sort=_next_sort(view, key, first)),
        "label": label,
        "full_name": full_name,
        "aria_sort": _aria_sort(view, key),
        "key": key,
        "text": text,
    }
