"""The set-up index-set editor: Home Affairs builds and corrects an index set in the browser —
its tree of areas, criteria and sub-criteria, bonus and penalty lines, bands and issuing
decision — with each problem shown beside its item and a live reading of every rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.middleware import handles_control_characters
from parindex.parsing import parse_id

from ..access import get_index_set_for_user
from ..forms_index_sets import BandForm, ConfirmForm, IndexItemForm, IndexSetHeaderForm
from ..models import Band, IndexItem, ItemLevel
from ..selectors.index_set_editor import (
    index_set_editor,
    item_descendants,
    parent_choices,
    rule_preview,
)
from ..services.index_set_edit import (
    CHILD_LEVEL,
    band_add,
    band_edit,
    band_remove,
    index_item_add,
    index_item_edit,
    index_item_move,
    index_item_remove,
    index_item_reparent,
    index_set_header_edit,
    index_set_locked_reason,
)
from ..services.index_sets import index_set_item_problems
from .common import REFUSALS, add_errors, field_errors


def _index_set(request, pk):
    if parse_id(pk) is None:  # a path number too large for the database
        raise Http404
    return get_index_set_for_user(request.user, pk)


def _item(index_set, item_pk) -> IndexItem:
    item_id = parse_id(item_pk)
    item = (
        IndexItem.objects.select_related("parent").filter(pk=item_id, index_set=index_set).first()
        if item_id
        else None
    )
    if item is None:
        raise Http404
    item.index_set = index_set  # already loaded with its period
    return item


def _band(index_set, band_pk) -> Band:
    band_id = parse_id(band_pk)
    band = Band.objects.filter(pk=band_id, index_set=index_set).first() if band_id else None
    if band is None:
        raise Http404
    band.index_set = index_set
    return band


def _editor_url(index_set, item=None) -> str:
    url = reverse("scoring:index_set_editor", args=[index_set.pk])
    return f"{url}#item-{item.pk}" if item is not None else url


def _refused(request, exc) -> None:
    for message in field_errors(exc).values():
        messages.error(request, message)


# ---------------------------------------------------------------- the tree


@login_required
@require_GET
def index_set_editor_view(request, pk: int):
    index_set = _index_set(request, pk)
    items = list(index_set.items.all())
    editor = index_set_editor(index_set=index_set, problems=index_set_item_problems(items))
    return render(
        request,
        "scoring/setup/index_set_editor.html",
        {
            "index_set": index_set,
            "editor": editor,
            "locked_reason": index_set_locked_reason(index_set),
        },
    )


@handles_control_characters  # a pasted control character is one of the rule's errors
@login_required
@require_GET
def index_set_rule_preview_view(request, pk: int):
    """How a rule is read, as JSON, for the item form's script."""
    _index_set(request, pk)
    return JsonResponse(
        rule_preview(
            rule=request.GET.get("rule", "")[:5000],
            max_points=request.GET.get("max_points", "")[:50],
            method=request.GET.get("method", "")[:50],
        )
    )


# ---------------------------------------------------------------- items


def _item_page(request, index_set, form, *, item=None, parent=None, level=None):
    data = form.data if form.is_bound else form.initial
    scored = level is None or level not in (ItemLevel.AREA, ItemLevel.CRITERION)
    preview = (
        rule_preview(
            rule=data.get("rule", ""),
            max_points=data.get("max_points", ""),
            method=data.get("method", ""),
        )
        if scored
        else None
    )
    return render(
        request,
        "scoring/setup/index_item_form.html",
        {
            "index_set": index_set,
            "form": form,
            "item": item,
            "parent": parent,
            "level_label": ItemLevel(level).label if level else "",
            "preview": preview,
            "parents": parent_choices(item) if item is not None else [],
            "locked_reason": index_set_locked_reason(index_set),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def index_item_add_view(request, pk: int):
    """?parent=<id> adds under that item; without it, an area or a bonus/penalty line."""
    index_set = _index_set(request, pk)
    parent = None
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    if parent_id:
        parent = _item(index_set, parent_id)
        if parent.level not in CHILD_LEVEL:
            raise Http404
    level = CHILD_LEVEL[ItemLevel(parent.level)] if parent else None
    initial = {"evidence_required": True, "code": _next_code(index_set, parent)}
    if parent is None and request.GET.get("level") in (ItemLevel.BONUS, ItemLevel.PENALTY):
        initial["level"] = request.GET["level"]
    form = IndexItemForm(request.POST or None, level=level, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = index_item_add(
                index_set=index_set,
                parent=parent,
                level=level or form.cleaned_data["level"],
                by=request.user,
                **form.values(),
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("“%(item)s” is added.") % {"item": item})
            return redirect(_editor_url(index_set, item))
    return _item_page(request, index_set, form, parent=parent, level=level)


def _next_code(index_set, parent) -> str:
    """A suggestion: the parent's code and the next number ("1.2" → "1.2.4")."""
    if parent is None:
        return ""
    taken = set(index_set.items.values_list("code", flat=True))
    number = parent.children.count() + 1
    while f"{parent.code}.{number}" in taken:
        number += 1
    return f"{parent.code}.{number}"


@login_required
@require_http_methods(["GET", "POST"])
def index_item_edit_view(request, pk: int, item_pk: int):
    index_set = _index_set(request, pk)
    item = _item(index_set, item_pk)
    initial = {
        name: getattr(item, name)
        for name in (
            "code",
            "name",
            "guidance",
            "max_points",
            "method",
            "rule",
            "evidence_required",
            "not_applicable_allowed",
            "data_source",
        )
    }
    form = IndexItemForm(request.POST or None, level=item.level, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            index_item_edit(item=item, by=request.user, **form.values())
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("“%(item)s” is saved.") % {"item": item})
            return redirect(_editor_url(index_set, item))
    return _item_page(request, index_set, form, item=item, parent=item.parent, level=item.level)


@login_required
@require_POST
def index_item_move_view(request, pk: int, item_pk: int):
    """direction=up|down among the siblings, or parent=<id> to move under another item."""
    index_set = _index_set(request, pk)
    item = _item(index_set, item_pk)
    try:
        if request.POST.get("parent"):
            parent = _item(index_set, request.POST["parent"])
            index_item_reparent(item=item, parent=parent, by=request.user)
            messages.success(
                request,
                _("“%(item)s” is moved under “%(parent)s”.") % {"item": item, "parent": parent},
            )
        else:
            index_item_move(item=item, direction=request.POST.get("direction", ""), by=request.user)
    except REFUSALS as exc:
        _refused(request, exc)
    return redirect(_editor_url(index_set, item))


@login_required
@require_http_methods(["GET", "POST"])
def index_item_remove_view(request, pk: int, item_pk: int):
    index_set = _index_set(request, pk)
    item = _item(index_set, item_pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            index_item_remove(item=item, by=request.user)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("“%(item)s” is removed.") % {"item": item})
            return redirect(_editor_url(index_set))
    descendants = item_descendants(item)
    return render(
        request,
        "scoring/setup/index_set_confirm.html",
        {
            "index_set": index_set,
            "form": form,
            "title": _("Remove “%(item)s”") % {"item": item},
            "what": _(
                "The item and its %(count)s sub-items are removed from this index set. The "
                "removal is recorded in the audit log."
            )
            % {"count": len(descendants)}
            if item.level in CHILD_LEVEL
            else _("The item is removed from this index set. The removal is recorded."),
            "descendants": descendants,
            "button": _("Remove"),
            "locked_reason": index_set_locked_reason(index_set),
        },
    )


# ---------------------------------------------------------------- header and bands


@login_required
@require_http_methods(["GET", "POST"])
def index_set_header_view(request, pk: int):
    index_set = _index_set(request, pk)
    initial = {
        name: getattr(index_set, name)
        for name in (
            "name",
            "decision_number",
            "decision_date",
            "decision_issuer",
            "bonus_cap",
            "penalty_cap",
            "points_step",
        )
    }
    form = IndexSetHeaderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            index_set_header_edit(index_set=index_set, by=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The index set's details are saved."))
            return redirect(_editor_url(index_set))
    return render(
        request,
        "scoring/setup/index_set_header.html",
        {
            "index_set": index_set,
            "form": form,
            "locked_reason": index_set_locked_reason(index_set),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def index_set_bands_view(request, pk: int):
    """The bands, each with its own small form, and a form to add one."""
    index_set = _index_set(request, pk)
    form = BandForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            band_add(index_set=index_set, by=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The band is added."))
            return redirect("scoring:index_set_bands", pk=index_set.pk)
    return _bands_page(request, index_set, form)


def _bands_page(request, index_set, form, edited: tuple[int, BandForm] | None = None):
    rows = []
    for band in index_set.bands.order_by("-min_percent"):
        if edited and edited[0] == band.pk:
            band_form = edited[1]
        else:
            band_form = BandForm(
                prefix=f"band-{band.pk}",
                initial={"label": band.label, "min_percent": band.min_percent},
            )
        for field in band_form.fields.values():  # the inputs sit in table cells, outside it
            field.widget.attrs["form"] = f"band-form-{band.pk}"
        rows.append((band, band_form))
    return render(
        request,
        "scoring/setup/index_set_bands.html",
        {
            "index_set": index_set,
            "form": form,
            "rows": rows,
            "locked_reason": index_set_locked_reason(index_set),
        },
    )


@login_required
@require_POST
def index_set_band_edit_view(request, pk: int, band_pk: int):
    index_set = _index_set(request, pk)
    band = _band(index_set, band_pk)
    form = BandForm(request.POST, prefix=f"band-{band.pk}")
    if form.is_valid():
        try:
            band_edit(band=band, by=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The band is saved."))
            return redirect("scoring:index_set_bands", pk=index_set.pk)
    return _bands_page(request, index_set, BandForm(prefix="new"), edited=(band.pk, form))


@login_required
@require_http_methods(["GET", "POST"])
def index_set_band_remove_view(request, pk: int, band_pk: int):
    index_set = _index_set(request, pk)
    band = _band(index_set, band_pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            band_remove(band=band, by=request.user)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The band is removed."))
            return redirect("scoring:index_set_bands", pk=index_set.pk)
    return render(
        request,
        "scoring/setup/index_set_confirm.html",
        {
            "index_set": index_set,
            "form": form,
            "title": _("Remove the band “%(band)s”") % {"band": band},
            "what": _(
                "Units reaching this index will fall into the next lower band. The removal is "
                "recorded in the audit log."
            ),
            "descendants": [],
            "button": _("Remove"),
            "locked_reason": index_set_locked_reason(index_set),
        },
    )
