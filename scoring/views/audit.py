"""An assessment's history of changes (the audit trail): a page with an item filter, and the
same rows as Excel or CSV. Read-only: the trail is append-only and no view writes to it."""

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parindex.dates import datetime_text
from parindex.parsing import parse_id
from parindex.tabular import SheetSpec, csv_bytes, xlsx_bytes

from ..access import get_assessment_for_user
from ..selectors.audit import history_entries, history_items, history_rows, sees_whole_trail

ROWS_PER_PAGE = 50
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _trail(request, pk: int):
    """The assessment, whether the reader sees the whole trail, the item filtered on (if any)
    and the entries."""
    assessment = get_assessment_for_user(request.user, pk)
    whole = sees_whole_trail(request.user, assessment)
    items = history_items(assessment)
    wanted = request.GET.get("item", "")
    item = items.filter(pk=parse_id(wanted)).first() if parse_id(wanted) else None
    return assessment, whole, items, item, history_entries(assessment, whole=whole, item=item)


@login_required
@require_GET
def assessment_history(request, pk: int):
    assessment, whole, items, item, entries = _trail(request, pk)
    page = Paginator(entries, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/audit/history.html",
        {
            "assessment": assessment,
            "items": items,
            "item": item,
            "page": page,
            "rows": history_rows(page.object_list, whole=whole),
            "whole": whole,
            "query": f"item={item.pk}&" if item else "",
        },
    )


def _headers() -> list[str]:
    return [
        _("Time"),
        _("By"),
        _("Action"),
        _("Item"),
        _("Field"),
        _("Old value"),
        _("New value"),
        _("Reason"),
    ]


@login_required
@require_GET
def assessment_history_export(request, pk: int, fmt: str):
    if fmt not in EXPORT_TYPES:
        raise Http404
    assessment, whole, _items, item, entries = _trail(request, pk)
    rows = history_rows(entries, whole=whole)
    if fmt == "xlsx":
        # The time as a real date-time (Excel sorts and filters it), local and naive.
        values = [
            [r.when.replace(tzinfo=None), r.who, r.action, r.items, r.field, r.old, r.new, r.reason]
            for r in rows
        ]
        content = xlsx_bytes(
            [
                SheetSpec(
                    title=_("History"),
                    headers=_headers(),
                    rows=values,
                    number_formats={0: "dd/mm/yyyy hh:mm"},
                )
            ]
        )
    else:
        values = [
            [
                datetime_text(r.when),
                r.who,
                r.action,
                r.items,
                r.field,
                r.old,
                r.new,
                r.reason,
            ]
            for r in rows
        ]
        content = csv_bytes(values, _headers())
    stem = f"lich-su-{assessment.period.year}-{assessment.unit.code}"
    if item is not None:
        stem += f"-{item.code}"
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem)  # a plain header whatever the codes hold
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
