"""A crawler of what an anonymous visitor can reach: from the start addresses, follow every
internal link — an HTML page's `href`s, a redirect's Location, and in a JSON answer every
string that is an address of this site (so the open-data API's answers can be crawled with the
same helper) — and keep each answer with its readable text: an HTML page's, a PDF's (page text
and the labels of its SVG charts), a workbook's cells, a CSV's or JSON's text.

The crawl is bounded (`max_visits`) and never leaves the site. Tests check what each answer
holds; the crawler only reaches it."""

import csv
import io
import json
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

from openpyxl import load_workbook

from tests.reports.pdfs import pdf_pages

HOST = "testserver"


@dataclass
class Visit:
    url: str  # path and query
    status: int
    content_type: str
    text: str  # what a person can read in the answer
    html: str = ""  # the markup of an HTML page
    links: list[str] = field(default_factory=list)
    found_on: str = ""  # the page that linked here
    attachment: bool = False


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        # Attribute text a person meets too: tooltips, labels, alternatives.
        for name in ("title", "aria-label", "alt", "value", "placeholder", "content"):
            if attributes.get(name):
                self.text.append(attributes[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def internal(url: str, base: str) -> str | None:
    """The path and query of `url` if it is an address of this site, else None."""
    absolute = urljoin(f"http://{HOST}{base}", url.strip())
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc != HOST:
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def _json_strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, str):
        yield value
    elif value is not None:
        yield str(value)


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def read(response) -> tuple[str, str, list[str]]:
    """(text, html, links) of an answer, by its content type."""
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    body = _content(response)
    if content_type == "text/html":
        html = body.decode()
        parser = _Links()
        parser.feed(html)
        return " ".join(" ".join(parser.text).split()), html, parser.links
    if content_type == "application/pdf":
        pages = pdf_pages(body) + pdf_pages(body, layout=False)
        return "\n".join(pages), "", []
    if content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return "\n".join(cells), "", []
    if content_type == "text/csv":
        text = body.decode("utf-8-sig")
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(text))), "", []
    if content_type == "application/json" or content_type.endswith("+json"):
        strings = list(_json_strings(json.loads(body or b"null")))
        links = [s for s in strings if s.startswith("/") or s.startswith(f"http://{HOST}/")]
        return "\n".join(strings), "", links
    return body.decode(errors="replace"), "", []


def crawl(client, start: list[str], *, max_visits: int = 2000, skip=()) -> dict[str, Visit]:
    """Every address reachable from `start` through the site's own links, each requested
    once (GET, no redirect followed by the client: the crawler follows Location itself).
    `skip`: patterns of paths not to request (they are still recorded as linked)."""
    skip_patterns = [re.compile(pattern) for pattern in skip]
    visits: dict[str, Visit] = {}
    queue: deque[tuple[str, str]] = deque((url, "") for url in start)
    seen = set(start)
    while queue:
        url, found_on = queue.popleft()
        if any(pattern.search(url) for pattern in skip_patterns):
            continue
        assert len(visits) < max_visits, f"more than {max_visits} addresses reachable"
        response = client.get(url)
        text, html, links = read(response)
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response["Location"]]
        visit = Visit(
            url=url,
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            text=text,
            html=html,
            found_on=found_on,
            attachment="attachment" in response.get("Content-Disposition", ""),
        )
        for link in links:
            target = internal(link, url)
            if target is None:
                continue
            visit.links.append(target)
            if target not in seen:
                seen.add(target)
                queue.append((target, url))
        visits[url] = visit
    return visits
