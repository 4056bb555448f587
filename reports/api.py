"""The open-data API: read-only JSON and CSV of published results under /api/v1/, with its
OpenAPI schema (/api/v1/openapi.json), interactive docs served from this server
(/api/v1/docs) and a page in Vietnamese that describes it (/api/).

Everything it answers comes through reports.published, so it shows what the public may read
and nothing else: published periods, the latest version of each, final points only. Every
answer carries a strong ETag derived from the publications it depends on and may be kept by
any cache for PARINDEX_PUBLIC_MAX_AGE seconds (reports.http_cache). Field names and number
formats are described in reports.api_schemas; README, "Open data (API)"."""

from collections.abc import Callable, Sequence
from typing import Annotated, Literal
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, re_path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from ninja import NinjaAPI, Path, Query, Swagger
from ninja.errors import ValidationError

from parindex.tabular import csv_bytes
from units.models import Unit

from .api_schemas import (
    ErrorOut,
    HistoryPage,
    PageOut,
    PeriodDetailOut,
    PeriodPage,
    RankingPage,
    UnitDetailOut,
    UnitResultPage,
    history_point_out,
    period_detail_out,
    period_out,
    ranking_line_out,
    unit_detail_out,
    unit_result_out,
)
from .http_cache import mark_public, not_modified, period_key, public_etag, publication_key
from .public_cache import public_cached
from .published import (
    group_rankings,
    latest_public_publications,
    public_period,
    public_periods,
    public_publication,
    public_results,
    unit_history,
    unit_page,
)

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_OFFSET = 1_000_000
MAX_ID = 2**63 - 1  # the largest primary key: a bigger number can be no period
CODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._-]*$"  # units.models.code_validator
CODE_LENGTH = 32
LAST_YEAR = 9999  # history reads every published year

api = NinjaAPI(
    title=gettext_lazy("PAR Index open data"),
    version="1",
    description=gettext_lazy(
        "Published results of the administrative reform index, read-only. Numbers are text: "
        "points exactly as published, percentages rounded half-up to 4 decimal places. Lists "
        "are paginated with limit (default 100, at most 1000) and offset, and come as CSV with "
        "format=csv (UTF-8 with a byte-order mark, the same field names). Every answer has an "
        "ETag: send it back in If-None-Match to get 304 while nothing new was published."
    ),
    urls_namespace="api-v1",
    # Served from this server ("ninja" is an installed app), with no validator badge fetched
    # from swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
)

CSV_CONTENT = {
    "responses": {
        200: {
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "rank,rank_of,rank_text,unit_code,unit_name,index,...",
                }
            }
        }
    }
}
ERRORS = {
    304: None,
    400: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
# The groups of the interactive docs.
PERIODS = gettext_lazy("Published periods")
RANKINGS = gettext_lazy("Rankings")
UNITS = gettext_lazy("Units")

Limit = Annotated[
    int,
    Query(ge=1, le=MAX_PAGE_SIZE, description=gettext_lazy("How many results per page (1–1000).")),
]
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description=gettext_lazy("How many results to skip."))
]
Format = Annotated[
    Literal["json", "csv"],
    Query(
        alias="format",
        description=gettext_lazy("json (the default) or csv: the same rows as a CSV file."),
    ),
]
PeriodId = Annotated[
    int, Path(ge=1, le=MAX_ID, description=gettext_lazy("A published period's id."))
]


def _code(description):
    return Path(pattern=CODE_PATTERN, max_length=CODE_LENGTH, description=description)


GroupCode = Annotated[str, _code(gettext_lazy("The ranking group's code."))]
UnitCode = Annotated[str, _code(gettext_lazy("The unit's code, as published."))]
CurrentUnitCode = Annotated[str, _code(gettext_lazy("The unit's current code."))]
OrganiserCode = Annotated[
    str | None,
    Query(
        pattern=CODE_PATTERN,
        max_length=CODE_LENGTH,
        description=gettext_lazy(
            "The code of the unit's organiser: needed when several organisers have a unit "
            "with this code."
        ),
    ),
]

# One instance may serve many provinces: /periods lists them all, or one organiser's.
PeriodsOrganiserCode = Annotated[
    str | None,
    Query(
        pattern=CODE_PATTERN,
        max_length=CODE_LENGTH,
        description=gettext_lazy("Only the periods of the organiser with this code."),
    ),
]

# ---------------------------------------------------------------- answers


def _linker(request: HttpRequest) -> Callable[..., str]:
    """Absolute links to the API's own resources (what a crawler or a client follows)."""

    def url(name: str, *, query: dict | None = None, **kwargs) -> str:
        address = reverse(f"api-v1:{name}", kwargs=kwargs)
        if query:
            address += "?" + urlencode(query)
        return request.build_absolute_uri(address)

    return url


def _page_link(request: HttpRequest, offset: int, limit: int) -> str:
    query = request.GET.copy()
    query["offset"], query["limit"] = str(offset), str(limit)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _page(request, items: Sequence, *, limit: int, offset: int, make: Callable) -> dict:
    """One window of `items`, each made into a result, with links to its neighbours."""
    count = len(items)
    following = offset + limit
    # Past the end, "previous" is the last page that has results.
    preceding = max(min(offset - limit, count - limit), 0)
    return {
        "count": count,
        "next": _page_link(request, following, limit) if following < count else None,
        "previous": _page_link(request, preceding, limit) if offset > 0 else None,
        "results": [make(item) for item in items[offset:following]],
    }


def _flat(row: dict) -> dict:
    """A result as one CSV line: lists of areas become one column per area and field
    ("areas.2.index"), lists of names one cell ("A; B"), booleans true/false, null empty."""
    flat = {}
    for key, value in row.items():
        if isinstance(value, list) and all(isinstance(entry, dict) for entry in value):
            for entry in value:
                for field, inner in entry.items():
                    if field not in ("code", "name"):
                        flat[f"{key}.{entry['code']}.{field}"] = _cell(inner)
        elif isinstance(value, list):
            flat[key] = "; ".join(value)
        else:
            flat[key] = _cell(value)
    return flat


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _csv(body: PageOut, name: str) -> HttpResponse:
    rows = [_flat(result.model_dump(mode="json")) for result in body.results]
    item = type(body).model_fields["results"].annotation.__args__[0]
    headers = list(dict.fromkeys(key for row in rows for key in row)) or [
        key for key, field in item.model_fields.items() if key != "areas"
    ]
    content = csv_bytes([[row.get(key, "") for key in headers] for row in rows], headers)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _answer(request, etag: str, schema, build: Callable[[], dict], *, fmt="json", name=""):
    """304 when the client holds this answer; else the answer, built, checked against its
    schema and written as JSON or CSV, with the cache headers."""
    cached = not_modified(request, etag)
    if cached is not None:
        return cached
    body = schema.model_validate(build())
    if fmt == "csv":
        response = _csv(body, name)
    else:
        response = HttpResponse(
            body.model_dump_json(), content_type="application/json; charset=utf-8"
        )
    if isinstance(body, PageOut):
        links = [(body.next, "next"), (body.previous, "prev")]
        if any(link for link, _rel in links):
            response["Link"] = ", ".join(f'<{link}>; rel="{rel}"' for link, rel in links if link)
    return mark_public(response, etag)


def _public_period(period_id: int):
    period = public_period(period_id)
    if period is None:
        raise Http404(_("No published period has this id."))
    return period, public_publication(period)


# ---------------------------------------------------------------- resources


@api.get(
    "/periods",
    response={200: PeriodPage, **ERRORS},
    url_name="periods",
    tags=[PERIODS],
    summary=gettext_lazy("Published periods"),
    description=gettext_lazy("Every published period, newest year first, at its latest version."),
    openapi_extra=CSV_CONTENT,
)
def periods(
    request,
    organiser: PeriodsOrganiserCode = None,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
    fmt: Format = "json",
):
    found = list(public_periods(organiser_code=organiser))
    etag = public_etag(request, *(period_key(period, period.latest_version) for period in found))
    url = _linker(request)

    def build():
        return _page(
            request,
            found,
            limit=limit,
            offset=offset,
            make=lambda period: period_out(period, public_publication(period), url=url),
        )

    return _answer(request, etag, PeriodPage, build, fmt=fmt, name="periods")


@api.get(
    "/periods/{period_id}",
    response={200: PeriodDetailOut, **ERRORS},
    url_name="period",
    tags=[PERIODS],
    summary=gettext_lazy("One published period"),
    description=gettext_lazy(
        "The period at its latest version, every published version, and its ranking groups."
    ),
)
def period(request, period_id: PeriodId):
    found, publication = _public_period(period_id)
    etag = public_etag(request, period_key(found, publication.version))

    def build():
        # Versions only ever add up: version 1 to the latest, each as it was published.
        versions = [
            public_publication(found, version) for version in range(publication.version, 0, -1)
        ]
        return period_detail_out(
            found,
            publication,
            [version for version in versions if version is not None],
            group_rankings(public_results(publication)),
            url=_linker(request),
        )

    return _answer(request, etag, PeriodDetailOut, build)


@api.get(
    "/periods/{period_id}/groups/{group_code}/ranking",
    response={200: RankingPage, **ERRORS},
    url_name="ranking",
    tags=[RANKINGS],
    summary=gettext_lazy("A ranking group's ranking"),
    description=gettext_lazy(
        "The group's units in rank order, with the index, band, change against last year and "
        "the sub-index of every area."
    ),
    openapi_extra=CSV_CONTENT,
)
def ranking(
    request,
    period_id: PeriodId,
    group_code: GroupCode,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
    fmt: Format = "json",
):
    found, publication = _public_period(period_id)
    etag = public_etag(request, period_key(found, publication.version))

    def build():
        rankings = group_rankings(public_results(publication))
        group = next((r for r in rankings if r.ranked and r.code == group_code), None)
        if group is None:
            raise Http404(_("This period has no ranking group with this code."))
        url = _linker(request)
        return _page(
            request,
            group.lines,
            limit=limit,
            offset=offset,
            make=lambda line: ranking_line_out(line, group, period_id=found.pk, url=url),
        )

    name = f"parindex-{found.year}-{group_code}-ranking"
    return _answer(request, etag, RankingPage, build, fmt=fmt, name=name)


@api.get(
    "/periods/{period_id}/units",
    response={200: UnitResultPage, **ERRORS},
    url_name="units",
    tags=[UNITS],
    summary=gettext_lazy("Every unit's result"),
    description=gettext_lazy(
        "Every assessed unit of the period, ranked or not, in the publication's order: its "
        "points, index, band and rank."
    ),
    openapi_extra=CSV_CONTENT,
)
def units(
    request,
    period_id: PeriodId,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
    fmt: Format = "json",
):
    found, publication = _public_period(period_id)
    etag = public_etag(request, period_key(found, publication.version))

    def build():
        url = _linker(request)
        return _page(
            request,
            public_results(publication).rows,
            limit=limit,
            offset=offset,
            make=lambda row: unit_result_out(row, period_id=found.pk, url=url),
        )

    return _answer(
        request, etag, UnitResultPage, build, fmt=fmt, name=f"parindex-{found.year}-units"
    )


@api.get(
    "/periods/{period_id}/units/{unit_code}",
    response={200: UnitDetailOut, **ERRORS},
    url_name="unit",
    tags=[UNITS],
    summary=gettext_lazy("One unit's result"),
    description=gettext_lazy(
        "The unit's published result: totals, index, rank, band, every area against the "
        "group's average and best, and the sub-criteria where it lost most points (final "
        "points only)."
    ),
)
def unit(
    request,
    period_id: PeriodId,
    unit_code: UnitCode,
):
    found, publication = _public_period(period_id)
    etag = public_etag(request, period_key(found, publication.version))

    def build():
        page = unit_page(publication, unit_code)
        if page is None:
            raise Http404(_("This unit has no published result in this period."))
        return unit_detail_out(page, url=_linker(request))

    return _answer(request, etag, UnitDetailOut, build)


@api.get(
    "/units/{unit_code}/history",
    response={200: HistoryPage, **ERRORS},
    url_name="history",
    tags=[UNITS],
    summary=gettext_lazy("A unit's index and rank over the years"),
    description=gettext_lazy(
        "Every published year of the organiser, oldest first. Across mergers: the unit's own "
        "result; else its one predecessor's (renamed or re-coded); else the units it replaced "
        "added up, with no rank."
    ),
    openapi_extra=CSV_CONTENT,
)
def history(
    request,
    unit_code: CurrentUnitCode,
    organiser: OrganiserCode = None,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
    fmt: Format = "json",
):
    # Unit codes are unique within an organiser: `?organiser=` says whose unit; without it the
    # code must name one unit on the whole instance, else the client is asked to say.
    units = Unit.objects.filter(code=unit_code)
    if organiser is not None:
        units = units.filter(organiser__code=organiser)
    found = list(units.values_list("pk", "organiser_id", "organiser__code"))
    if len(found) > 1:
        message = _(
            "Several organisers have a unit with this code: add ?organiser= with one of %(codes)s."
        ) % {"codes": ", ".join(sorted(row[2] for row in found))}
        return _error(message, status=400, errors=[{"parameter": "organiser", "message": message}])
    unit_id, organiser_id = found[0][:2] if found else (None, None)
    points = unit_history(unit_id, organiser_id=organiser_id, up_to_year=LAST_YEAR) if found else []
    if not points:
        raise Http404(_("No published result of this unit."))
    # The history reads the organiser's publications through the unit's predecessors (live
    # links that set-up may correct): both are in the ETag.
    publications = latest_public_publications(organiser_id, up_to_year=LAST_YEAR)
    etag = public_etag(request, *map(publication_key, publications), *points)
    url = _linker(request)

    def build():
        return _page(
            request,
            points,
            limit=limit,
            offset=offset,
            make=lambda point: history_point_out(point, url=url),
        )

    name = f"parindex-{unit_code}-history"
    return _answer(request, etag, HistoryPage, build, fmt=fmt, name=name)


# ---------------------------------------------------------------- errors


@api.exception_handler(Http404)
def _not_found(request, exc):
    message = str(exc) if exc.args else _("No resource of the open-data API has this address.")
    return _error(message, status=404)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = [
        {"parameter": str(error["loc"][-1]), "message": _parameter_message(error)}
        for error in exc.errors
    ]
    return _error(_("Some parameters are not valid."), status=422, errors=errors)


def _parameter_message(error: dict) -> str:
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind.startswith("int_"):
        return _("must be a whole number.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("must be at least %(limit)s.") % {
            "limit": context.get("ge", context.get("gt", ""))
        }
    if kind in ("less_than_equal", "less_than"):
        return _("must be at most %(limit)s.") % {"limit": context.get("le", context.get("lt", ""))}
    if kind == "literal_error":
        return _("must be one of: %(values)s.") % {"values": context.get("expected", "")}
    if kind == "string_too_long":
        return _("is too long: at most %(limit)s characters.") % {
            "limit": context.get("max_length", "")
        }
    if kind == "string_pattern_mismatch":
        return _("is not a code: letters without diacritics, digits, “.”, “_” and “-”.")
    if kind == "missing":
        return _("is required.")
    return _("is not valid.")


def _error(detail: str, *, status: int, errors: list | None = None) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "errors": errors or []},
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


def api_not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 (a client reads JSON, not the 404 page)."""
    return _error(_("No resource of the open-data API has this address."), status=404)


# ---------------------------------------------------------------- the page that describes it


@require_safe
def api_index(request):
    """/api/: the resources in Vietnamese, with example links to real published data."""
    example = public_periods().first()
    context = {"example": None}
    if example is not None:
        rankings = group_rankings(public_results(public_publication(example)))
        group = next((ranking for ranking in rankings if ranking.ranked and ranking.lines), None)
        context["example"] = {
            "period": example,
            "group_code": group.code if group else "",
            "unit_code": group.lines[0].unit_code if group else "",
            "organiser_code": example.organiser.code,
        }
    return render(request, "reports/api_index.html", context)


def _cached(urls):
    """Every operation's answer is kept whole in the public cache (reports.public_cache)."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        pattern.callback = public_cached(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("", public_cached(api_index), name="api_index"),
    path("v1/", _cached(api.urls)),
    re_path(r"^", api_not_found),
]
