"""The PDF reports (ranking, area breakdown, unit scorecard), read back with pypdf: the official
header, units in rank order, the engine's numbers as scoring.display writes them,
DỰ THẢO on every page of a draft, page numbers from page 2 — and no network access."""

import io
import logging
import re
import socket
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports import pdf
from reports.models import Report, ReportKind, ReportStatus
from reports.renderers.ranking_pdf import (
    lost_items,
    render_breakdown_pdf,
    render_ranking_pdf,
    render_scorecard_pdf,
)
from reports.selectors import ReportError, report_data
from reports.services import report_build
from scoring.display import (
    format_number,
    format_percent,
    index_change_text,
    rank_change_text,
    rank_label,
)
from scoring.models import AssessmentPeriod
from tests.factories import PeriodFactory
from tests.reports.pdfs import embedded_fonts, page_pngs, pdf_pages
from tests.scoring.conftest import period_with_scores  # noqa: F401 — a fixture
from units.models import Unit

# Also makes pytest-django create the test database when only these tests run.
pytestmark = pytest.mark.django_db

DRAFT = "DỰ THẢO"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
SCORECARD_UNIT = "STP"  # Sở Tư pháp: appraisal reasons and not-applicable items in 2025
# static/reports/pdf.css loads the shipped Liberation Serif (static/reports/fonts/) as this family.
REPORT_FAMILY = "parindex-serif"
REPORT_FONT = ("Liberation Serif", "Version 2.1.5")


def build(kind, period, params=None):
    report = Report.objects.create(kind=kind, period=period, params=params or {})
    report = report_build(report_id=report.pk)
    assert report.status == ReportStatus.DONE, report.error
    stored = report.file.name.rsplit("/", 1)[-1]
    assert stored.startswith(f"{report.pk}-")  # reports.models.report_upload_to
    return stored.removeprefix(f"{report.pk}-"), report.file.read()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo province's reports, built once for the module and read back as text (the PDF
    files themselves under "pdf"). The data is rolled back afterwards: other test modules expect
    an empty database."""
    built = {"pdf": {}}
    with (
        django_db_blocker.unblock(),
        translation.override("vi"),
        timezone.override("Asia/Ho_Chi_Minh"),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=io.StringIO())
        unit = Unit.objects.get(code=SCORECARD_UNIT)
        for year in (2025, 2026):
            period = AssessmentPeriod.objects.get(year=year)
            data = report_data(period)
            built[year] = {"data": data, "publication": data.publication}
            for kind in (ReportKind.RANKING_PDF, ReportKind.BREAKDOWN_PDF):
                name, content = build(kind, period)
                built[year][kind] = (name, pdf_pages(content))
                built["pdf"][name] = content
            name, content = build(ReportKind.SCORECARD_PDF, period, {"unit_id": unit.pk})
            built[year][ReportKind.SCORECARD_PDF] = (name, pdf_pages(content))
            built["pdf"][name] = content
        missing = Report.objects.create(kind=ReportKind.SCORECARD_PDF, period=period, params={})
        built["missing_unit"] = report_build(report_id=missing.pk)
        built["unit"] = unit
        built["messages"] = {
            msgid: _(msgid)
            for msgid in (
                "Group average",
                "Where the most points were lost",
                "Points of every sub-criterion",
                "Not applicable",
                "This unit has no result in this period.",
            )
        }
        transaction.set_rollback(True)
    return built


def row_pattern(*cells: str) -> re.Pattern:
    """A table line: the cells in order, separated by spaces, anything after the first words of
    a (possibly wrapped) name."""
    return re.compile(r"\s+".join(re.escape(cell) for cell in cells if cell != ""))


def name_start(name: str, words: int = 2) -> str:
    return " ".join(name.split()[:words])


def find_in_order(text: str, patterns: list[re.Pattern]) -> None:
    position = 0
    for pattern in patterns:
        match = pattern.search(text, position)
        assert match, f"not found after position {position}: {pattern.pattern}"
        position = match.end()


def first_line(page: str) -> str:
    return next((line.strip() for line in page.splitlines() if line.strip()), "")


# ---------------------------------------------------------------- ranking report


def check_ranking_rows(text: str, data) -> None:
    """Each ranked group's units in rank order, with their numbers as the engine computed them
    and as scoring.display writes them (comma decimals, '01/20' ranks)."""
    for group in data.results.groups:
        if not group.code:
            continue
        show_bonus = any(row.result.bonus_points for row in group.rows)
        show_penalty = any(row.result.penalty_points for row in group.rows)
        show_change = any(row.previous is not None for row in group.rows)
        patterns = []
        for row in group.rows:
            result = row.result
            cells = [
                rank_label(row.rank, row.rank_of, official=True),
                # Beside the bonus, penalty and change columns a name may wrap after one word.
                name_start(row.unit_name, 1),
            ]
            numbers = [
                format_number(result.max_points),
                format_number(result.direct_points),
                format_number(result.survey_points),
                format_number(result.bonus_points) if show_bonus else "",
                format_number(result.penalty_points) if show_penalty else "",
                format_number(result.total_points),
                format_percent(result.index),
                result.band,
            ]
            if show_change:
                numbers += [
                    rank_change_text(row.change.rank_change) or "—",
                    index_change_text(row.change.index_change) or "—",
                ]
            # The name may wrap: the numbers stay on its first line.
            patterns.append(
                re.compile(row_pattern(*cells).pattern + r"[^\n]*?" + row_pattern(*numbers).pattern)
            )
        find_in_order(text, patterns)


def test_ranking_of_a_published_period(demo):
    data, publication = demo[2025]["data"], demo[2025]["publication"]
    name, pages = demo[2025][ReportKind.RANKING_PDF]
    assert name == "xep-hang-cchc-2025.pdf"
    text = "\n".join(pages)
    check_ranking_rows(text, data)
    # The header of Nghị định 30: issuer, motto, number, the dateline of the publication.
    for line in (MOTTO, SLOGAN, "UBND TỈNH HÒA AN", "SỞ NỘI VỤ", "/BC-SNV"):
        assert line in pages[0]
    published = timezone.localtime(publication.published_at)
    month = f"{published.month:02d}" if published.month <= 2 else str(published.month)
    assert f"Hòa An, ngày {published.day:02d} tháng {month} năm {published.year}" in pages[0]
    assert DRAFT not in text
    # Group averages and counts per band.
    commune = next(group for group in data.results.groups if group.code == "xa")
    # The label may wrap beside the bonus, penalty and change columns: its first words.
    assert re.search(
        re.escape(name_start(demo["messages"]["Group average"]))
        + r"[^\n]*"
        + re.escape(format_percent(commune.average_index)),
        text,
    )


def test_ranking_pages_are_numbered_from_page_two(demo):
    _name, pages = demo[2025][ReportKind.RANKING_PDF]
    assert len(pages) > 3
    assert not first_line(pages[0]).isdigit()  # page 1 starts with the header, unnumbered
    for number, page in enumerate(pages[1:], start=2):
        assert first_line(page).split()[0] == str(number)


def test_ranking_of_a_draft_says_so_on_every_page(demo):
    data = demo[2026]["data"]
    name, pages = demo[2026][ReportKind.RANKING_PDF]
    assert data.is_draft and name == "xep-hang-cchc-2026-du-thao.pdf"
    assert all(DRAFT in page for page in pages), [i for i, p in enumerate(pages) if DRAFT not in p]
    # Compared with the published 2025 results: "tăng 3 bậc" and the index change.
    assert any(row.change.rank_change for row in data.results.rows)
    check_ranking_rows("\n".join(pages), data)
    assert MOTTO in pages[0] and SLOGAN in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert first_line(page).split()[0] == str(number)


def test_ranking_chart_draws_every_unit_sorted_by_rank(demo):
    data = demo[2025]["data"]
    # The chart is an SVG: its labels are read in the order they are drawn, not as laid out.
    text = "\n".join(pdf_pages(demo["pdf"]["xep-hang-cchc-2025.pdf"], layout=False))
    group = next(group for group in data.results.groups if group.code == "so-nganh")
    # A bar's label is the rank and the name, drawn top-down in rank order; then the value at
    # the end of each bar, in the same order.
    labels = [
        re.compile(
            "^"
            + re.escape(f"{rank_label(row.rank, row.rank_of, official=True)} {row.unit_name}")
            + "$",
            re.M,
        )
        for row in group.rows
    ]
    values = [re.compile(f"^{re.escape(format_percent(row.index))}$", re.M) for row in group.rows]
    find_in_order(text, labels + values)


# ---------------------------------------------------------------- area breakdown


def test_breakdown_marks_the_best_value_of_each_area(demo):
    data = demo[2025]["data"]
    name, pages = demo[2025][ReportKind.BREAKDOWN_PDF]
    assert name == "phu-luc-linh-vuc-2025.pdf"
    text = "\n".join(pages)
    assert MOTTO in pages[0] and DRAFT not in text
    marked = 0
    for group in data.results.groups:
        if not group.code:
            continue
        codes = [area.code for area in group.rows[0].result.areas]
        patterns = []
        for row in group.rows:
            by_code = {area.code: area.index for area in row.result.areas}
            cells = []
            for code in codes:
                best = by_code[code] is not None and by_code[code] == group.area_best(code)
                marked += best
                cells.append(format_number(by_code[code]) + ("*" if best else ""))
            patterns.append(
                re.compile(
                    row_pattern(
                        rank_label(row.rank, row.rank_of, official=True),
                        name_start(row.unit_name),
                    ).pattern
                    + r"[^\n]*?"
                    + row_pattern(*cells, format_number(row.index)).pattern
                )
            )
        averages = [format_number(group.area_average(code)) for code in codes]
        patterns.append(row_pattern(demo["messages"]["Group average"], *averages))
        find_in_order(text, patterns)
    assert marked >= 8  # at least one best per area


def test_breakdown_of_a_draft(demo):
    name, pages = demo[2026][ReportKind.BREAKDOWN_PDF]
    assert name == "phu-luc-linh-vuc-2026-du-thao.pdf"
    assert all(DRAFT in page for page in pages)
    # An area nobody has scored yet (the survey, before Home Affairs enters it) marks no one.
    text = "\n".join(pages)
    assert re.search(r"[1-9]\d*,\d\d\*", text)
    assert not re.search(r"(?<![\d,])0,00\*", text)


# ---------------------------------------------------------------- unit scorecard


def test_scorecard_lists_every_sub_criterion_and_the_top_losses(demo):
    data, unit = demo[2025]["data"], demo["unit"]
    name, pages = demo[2025][ReportKind.SCORECARD_PDF]
    assert name == f"phieu-ket-qua-{SCORECARD_UNIT.lower()}-2025.pdf"
    text = "\n".join(pages)
    row = data.results.row_for(unit.pk)
    assert row.unit_name in pages[0] and MOTTO in pages[0] and DRAFT not in text
    messages = demo["messages"]
    losses_start = text.index(messages["Where the most points were lost"])
    items_start = text.index(messages["Points of every sub-criterion"])
    # The ten items that lost most, most first, with their points and what they lost.
    losses = lost_items(row)
    assert len(losses) == 10
    find_in_order(
        text[losses_start:items_start],
        [
            re.compile(
                re.escape(f"{item.code}. {name_start(item.name)}")
                + r"[^\n]*?"
                + row_pattern(
                    format_number(item.max_points),
                    format_number(item.points),
                    format_number(item.lost),
                ).pattern
            )
            for item in losses
        ],
    )
    # Every sub-criterion, in order, with self, appraised and final points.
    items = [item for item in row.result.items if item.level == "sub_criterion"]
    assert len(items) > 30
    patterns = []
    for item in items:
        if item.not_applicable:
            values = [format_number(item.max_points), messages["Not applicable"]]
        else:
            values = [
                format_number(item.max_points),
                format_number(item.self_points),
                format_number(item.appraisal_points),
                format_number(item.final_points),
                format_number(item.points),
            ]
        patterns.append(
            re.compile(
                r"\n\s*"
                + re.escape(item.code)
                + r"\s+"
                + re.escape(name_start(item.name))
                + r"[^\n]*?"
                + row_pattern(*values).pattern
            )
        )
    find_in_order(text[items_start:], patterns)
    reasons = [item.appraisal_reason for item in items if item.appraisal_reason]
    assert reasons and name_start(reasons[0], 4) in text[items_start:]
    # Area sub-indices against the group average.
    group = data.results.group_of(unit.pk)
    for area in row.result.areas:
        assert row_pattern(
            format_percent(area.index), format_percent(group.area_average(area.code))
        ).search(text)


def test_scorecard_history_and_draft(demo):
    unit = demo["unit"]
    published = demo[2025]["data"].results.row_for(unit.pk)
    draft = demo[2026]["data"].results.row_for(unit.pk)
    name, pages = demo[2026][ReportKind.SCORECARD_PDF]
    assert name == f"phieu-ket-qua-{SCORECARD_UNIT.lower()}-2026-du-thao.pdf"
    assert all(DRAFT in page for page in pages)
    text = "\n".join(pages)
    # Rank over the years: the 2025 publication, then this year's draft.
    find_in_order(
        text,
        [
            row_pattern(
                "2025",
                published.group_name,
                rank_label(published.rank, published.rank_of, official=True),
                format_percent(published.index),
            ),
            row_pattern(
                "2026 (dự thảo)",
                draft.group_name,
                rank_label(draft.rank, draft.rank_of, official=True),
                format_percent(draft.index),
            ),
        ],
    )


def test_scorecard_without_a_unit_fails_with_a_message(demo):
    report = demo["missing_unit"]
    assert report.status == ReportStatus.FAILED
    assert report.error == demo["messages"]["This unit has no result in this period."]


@pytest.mark.parametrize(
    "renderer", [render_ranking_pdf, render_breakdown_pdf, render_scorecard_pdf]
)
def test_renderers_report_progress(period_with_scores, personas, renderer):  # noqa: F811
    report = Report(
        kind=ReportKind.SCORECARD_PDF,
        period=period_with_scores,
        params={"unit_id": personas["unit_a"].pk},
    )
    steps = []
    with translation.override("vi"):
        name, content = renderer(report, steps.append)
    assert len(steps) >= 3 and steps == sorted(steps) and steps[-1] < 100
    pages = pdf_pages(content)
    check_fonts(content)
    assert name.endswith("-2025-du-thao.pdf")
    assert all(DRAFT in page for page in pages)
    # An organiser without a superior body heads the document with its own full name.
    assert personas["organiser"].name.upper() in pages[0]
    assert "Sở Tư pháp" in "".join(pages)


def test_a_period_without_results_cannot_be_reported(personas):
    period = PeriodFactory(organiser=personas["organiser"], year=2027)
    report = Report(kind=ReportKind.RANKING_PDF, period=period)
    with pytest.raises(ReportError), translation.override("vi"):
        render_ranking_pdf(report, lambda percent: None)


# ---------------------------------------------------------------- fonts


def check_fonts(content: bytes) -> set[str]:
    """Every font embedded is the shipped Liberation Serif, in one of its four styles: no font of
    the machine stood in for a letter (a Vietnamese word in two fonts). Returns the styles."""
    fonts = embedded_fonts(content)
    assert fonts
    for font in fonts:
        assert (font.family, font.version) == REPORT_FONT, font
        assert font.base_font.removeprefix(REPORT_FAMILY) in {
            "",
            "-Bold",
            "-Italic",
            "-Bold-Italic",
        }, font
    return {font.style for font in fonts}


def test_every_report_embeds_the_shipped_liberation_serif_only(demo):
    styles = {}
    for name, content in demo["pdf"].items():
        styles[name] = check_fonts(content)
    assert len(styles) == 6  # ranking, breakdown and scorecard of 2025 and 2026
    assert all({"Regular", "Bold", "Italic"} <= found for found in styles.values()), styles


def test_report_pages_are_drawn_for_a_look(demo, screenshot_dir):
    """Not a check of the drawing: poppler reads every report without a complaint, and a person
    can look at the first pages in var/screenshots/reports/ (the 2025 ranking's chart on page
    3). Vietnamese must read as one font: "Độc lập - Tự do - Hạnh phúc", "Xã Tân Hòa"."""
    for name, content in demo["pdf"].items():
        drawn = page_pngs(content, screenshot_dir / "reports" / name.removesuffix(".pdf"))
        assert len(drawn) == 3 and all(png.stat().st_size > 5_000 for png in drawn)


# ---------------------------------------------------------------- no network


def test_fetcher_reads_project_files_only(settings):
    css = pdf.static_dir() / pdf.STYLESHEET
    assert pdf.local_path(css.resolve().as_uri()) == css.resolve()
    for url in (
        "http://example.com/x.png",
        "https://example.com/font.woff",
        "ftp://example.com/x",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
        (pdf.static_dir() / ".." / "manage.py").resolve().as_uri(),
        "file://example.com/share/x.png",
    ):
        with pytest.raises(ValueError):
            pdf.local_path(url)
        with pytest.raises(ValueError):
            pdf.local_url_fetcher().fetch(url)


def test_pdf_makes_no_network_request(monkeypatch, caplog):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    html = (
        '<html><head><link rel="stylesheet" href="http://example.com/x.css"></head><body>'
        '<p>Xin chào</p><img src="http://example.com/x.png">'
        '<img src="file:///etc/passwd"></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        content = pdf.html_to_pdf(html)
    assert content.startswith(b"%PDF")
    assert attempts == []
    refused = caplog.text
    assert "http://example.com/x.png" in refused and "file:///etc/passwd" in refused
    assert "Xin chào" in "".join(pdf_pages(content))


def test_document_header_parts():
    from datetime import date

    assert pdf.body_name("Sở Nội vụ tỉnh Hòa An") == "Sở Nội vụ"
    assert pdf.place_name("Sở Nội vụ tỉnh Hòa An") == "Hòa An"
    # The issuer's code is the organiser's own field, never derived from its name.
    assert not hasattr(pdf, "body_symbol")
    assert pdf.document_number_text(number="12", kind="BC", code="SNV") == "12/BC-SNV"
    assert pdf.document_number_text(number="", kind="BC", code="") == "\u2003\u2003\u2002/BC-……"
    assert pdf.dateline_parts(date(2026, 2, 5))["day"] == "05"
    assert pdf.dateline_parts(date(2026, 2, 5))["month"] == "02"
    assert pdf.dateline_parts(date(2026, 3, 15))["month"] == "3"  # only January and February
    assert pdf.dateline_parts(date(2026, 12, 1)) == {"day": "01", "month": "12", "year": 2026}


def test_stylesheet_is_a_project_file():
    assert (Path(pdf.static_dir()) / pdf.STYLESHEET).is_file()
    assert (Path(pdf.static_dir()) / "reports" / "draft-watermark.svg").is_file()
