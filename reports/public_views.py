"""The public results portal: published periods, group rankings, units and the documents kept
with each publication, for anyone, signed in or not. Plain functions that read only through
reports.published (composed by reports.portal): a period or a document that is not published
answers 404, whatever the address says."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import portal, published
from .charts import AreaValues, Bar
from .result_charts import areas_chart, group_chart, history_chart

DOCUMENT_MAX_AGE = 24 * 3600  # a document of a publication never changes: a day in caches


def _period_or_404(period_id):
    period = published.public_period(period_id)
    if period is None:
        raise Http404
    publication = published.public_publication(period)
    if publication is None:
        raise Http404
    return period, publication


@require_safe
def landing(request):
    return render(request, "public/landing.html", {"summaries": portal.landing()})


@require_safe
def period(request, period_id: int):
    period, _publication = _period_or_404(period_id)
    return render(
        request,
        "public/period.html",
        {
            "period": period,
            "summary": portal.period_summary(period),
            "versions": portal.documents_by_version(period),
        },
    )


@require_safe
def ranking(request, period_id: int, group_code: str):
    period, publication = _period_or_404(period_id)
    ranking = portal.ranking_of(publication, group_code)
    if ranking is None:
        raise Http404
    view = portal.ranking_view(
        ranking,
        sort=request.GET.get("sort"),
        search=request.GET.get("q"),
        band=request.GET.get("band"),
        page=request.GET.get("page"),
    )
    bars = [
        Bar(f"{line.rank_text or '—'}  {line.unit_name}", line.index)
        for line in view.page.object_list
    ]
    chart = {"group_name": ranking.name, "average": ranking.average_index}
    return render(
        request,
        "public/ranking.html",
        {
            "period": period,
            "publication": publication,
            "view": view,
            "ranking": ranking,
            "chart": {
                "wide": group_chart(
                    bars, **chart, width=640, label_width=250, label_chars=40, chart_id="bars"
                ),
                "narrow": group_chart(
                    bars, **chart, width=360, labels_above=True, chart_id="bars-narrow"
                ),
            },
        },
    )


@require_safe
def unit(request, period_id: int, unit_code: str):
    period, publication = _period_or_404(period_id)
    page = published.unit_page(publication, unit_code)
    if page is None:
        raise Http404
    name = page.row.unit_name
    areas = [
        AreaValues(f"{area.code}. {area.name}", area.index, area.group_average, area.group_best)
        for area in page.areas
    ]
    return render(
        request,
        "public/unit.html",
        {
            "period": period,
            "publication": publication,
            "page": page,
            "row": page.row,
            "line": page.line,
            # Each chart twice, for a desktop and for a phone's width (CSS shows one).
            "history_chart": {
                "wide": history_chart(page.history, unit_name=name, chart_id="history"),
                "narrow": history_chart(
                    page.history, unit_name=name, width=360, height=220, chart_id="history-narrow"
                ),
            },
            "areas_chart": {
                "wide": areas_chart(areas, unit_name=name, chart_id="areas"),
                "narrow": areas_chart(
                    areas, unit_name=name, width=360, label_chars=48, chart_id="areas-narrow"
                ),
            },
            "compared": page.ranking is not None,
            "versions": portal.documents_by_version(period, unit_id=page.row.unit_id),
        },
    )


@require_safe
def document(request, pk: int):
    document = published.public_document(pk)
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=document.file_name)
    response["Cache-Control"] = f"public, max-age={DOCUMENT_MAX_AGE}"
    return response
