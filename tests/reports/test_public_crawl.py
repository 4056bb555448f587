"""Everything an anonymous visitor reaches from the landing page, checked against the published
snapshot: every answer is a page or a file, no unpublished period is reachable, nothing of what
the public must not read appears anywhere (self-assessed points, notes, the council's reasons
and questions, explanations, evidence — planted in the fixture), and every unit's rank and
index shown is the one its PublishedUnitResult holds."""

import re
from html import unescape

import pytest
from django.urls import reverse

from reports.published import public_period, public_publication
from scoring.display import format_percent, rank_label
from scoring.engine.results import index_of
from scoring.models import PublishedUnitResult
from tests.public_crawl import crawl
from tests.reports.portal_fixtures import (
    PLANTED,
    PLANTED_SELF_TEXT,
    SELF_ASSESSMENT_PERIOD_NAME,
    UNPUBLISHED_PERIOD_NAME,
    UNPUBLISHED_UNIT_NAME,
    build_documents,
)

UNIT_PAGE = re.compile(r"^/ket-qua/(\d+)/don-vi/([^/]+)/$")
RANKING_PAGE = re.compile(r"^/ket-qua/(\d+)/nhom/([^/]+)/")
FIGURE = re.compile(
    r'data-figure="(index|rank)">\s*<span class="figure__label">[^<]*</span>\s*'
    r'<span class="figure__value">([^<]*)<'
)
ROW = re.compile(
    r'<tr data-unit="([^"]+)">\s*<td class="rank">([^<]*)</td>.*?<strong>([^<]*)</strong>', re.S
)


@pytest.fixture
def crawled(client, portal_province):
    p = portal_province
    for key, codes in (((2024, 1), ("X1",)), ((2025, 1), ("A",)), ((2025, 2), ("A", "X3"))):
        build_documents(p.publications[key], unit_codes=codes)
    # From the landing page and from the open-data API: every link either gives, followed.
    # The OpenAPI document's paths are templates ("/periods/{period_id}"), not links.
    visits = crawl(
        client,
        [reverse("public:landing"), "/", "/api/", "/api/v1/periods"],
        skip=[r"\{"],
    )
    return p, visits


def test_every_public_link_answers_with_a_page_or_a_file(crawled):
    _province, visits = crawled
    broken = {
        url: (v.status, v.found_on) for url, v in visits.items() if v.status not in (200, 302)
    }
    assert broken == {}
    # The redirects are the home page's, to the landing page, and nothing else.
    assert {url for url, v in visits.items() if v.status == 302} == {"/"}
    documents = [v for v in visits.values() if v.url.startswith("/ket-qua/tai-lieu/")]
    assert documents and all(v.attachment for v in documents)
    kinds = {v.content_type for v in documents}
    assert {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    } <= kinds
    # The crawl reached each kind of page: periods, rankings (sorted too), units.
    assert sum(bool(UNIT_PAGE.match(url)) for url in visits) == 6 + 5
    assert any("sort=-index" in url for url in visits)


def test_no_unpublished_period_is_reachable(client, crawled):
    province, visits = crawled
    hidden = [province.periods[2026].pk, province.periods[2027].pk]
    for url in visits:
        for pk in hidden:
            assert not url.startswith(f"/ket-qua/{pk}/"), url
    for visit in visits.values():
        for name in (UNPUBLISHED_PERIOD_NAME, SELF_ASSESSMENT_PERIOD_NAME, UNPUBLISHED_UNIT_NAME):
            assert name not in visit.text, (visit.url, name)
    # And asked for directly, they are not there.
    for pk in hidden:
        assert client.get(reverse("public:period", args=[pk])).status_code == 404


def test_nothing_the_public_must_not_read_appears_anywhere(crawled):
    _province, visits = crawled
    for visit in visits.values():
        text = visit.text + visit.html
        for what, planted in PLANTED.items():
            assert planted not in text, (visit.url, what)
        assert PLANTED_SELF_TEXT not in visit.text, (visit.url, "self-assessed points")
        assert "minh-chung.example" not in text, visit.url


def test_every_rank_and_index_shown_is_the_published_one(crawled):
    province, visits = crawled
    checked_units = checked_rows = 0
    for url, visit in visits.items():
        if match := UNIT_PAGE.match(url):
            period_pk, code = int(match[1]), match[2]
            published = _published(province, period_pk, code)
            figures = dict(FIGURE.findall(visit.html))
            assert figures["index"] == format_percent(
                index_of(published.total_points, published.max_points)
            ), url
            expected_rank = rank_label(published.rank, published.rank_of, official=True) or "—"
            assert unescape(figures["rank"]) == expected_rank, url
            checked_units += 1
        elif match := RANKING_PAGE.match(url):
            period_pk = int(match[1])
            for code, rank, index in ROW.findall(visit.html):
                published = _published(province, period_pk, code)
                assert rank == rank_label(published.rank, published.rank_of, official=True)
                assert index == format_percent(
                    index_of(published.total_points, published.max_points)
                )
                checked_rows += 1
    assert checked_units == 11 and checked_rows > 50


def _published(province, period_pk: int, code: str) -> PublishedUnitResult:
    return PublishedUnitResult.objects.get(
        publication=public_publication(public_period(period_pk)), unit_code=code
    )
