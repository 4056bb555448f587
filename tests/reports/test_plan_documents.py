"""The official document of an issued remediation plan: rendered once when the plan is issued
(scoring.signals.plan_issued, eager Celery here) as a PDF and an editable Word file, both in the
Nghị định 30/2020 layout and both saying the same; kept like a publication's documents; a
failed one built again by Home Affairs only; downloaded by whoever may read the plan."""

import io
import zoneinfo
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from docx import Document

from reports import renderers
from reports.models import DocumentKept, Report, ReportKind, ReportStatus
from reports.plan_document import plan_document
from reports.services import plan_documents_request, report_build, report_retry
from scoring.models import (
    AuditAction,
    AuditEntry,
    PlanKind,
    PlanStatus,
    Publication,
    RemediationPlan,
    RemediationTask,
)
from scoring.signals import plan_issued
from tests.factories import OrganiserFactory, RoleGrantFactory
from tests.reports.pdfs import page_pngs, pdf_pages
from units.roles import Role

pytestmark = pytest.mark.django_db

D = Decimal
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED_AT = datetime(2026, 3, 16, 9, 30, tzinfo=HANOI)
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "plans"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PROVINCE_TITLE = "Khắc phục hạn chế, nâng cao Chỉ số cải cách hành chính năm 2026"
UNIT_TITLE = "Kết luận về kết quả Chỉ số cải cách hành chính năm 2025 của Sở Tư pháp"
# (owner unit code, title, item codes, lost points, target, person, deadline), in plan order:
# Sở Y tế's two tasks stand around Sở Xây dựng's, so grouping by unit is visible.
PROVINCE_TASKS = [
    (
        "B",
        "Ban hành kế hoạch CCHC năm 2026 đúng thời hạn",
        ["1.1.1"],
        "1",
        "Ban hành trước 15/12",
        "Nguyễn Văn An",
        date(2026, 11, 30),
    ),
    (
        "D",
        "Rà soát hồ sơ trễ hạn, công khai xin lỗi",
        ["2.1.1", "1.1.2"],
        "5",
        "100% hồ sơ đúng hạn",
        "",
        date(2026, 10, 15),
    ),
    (
        "B",
        "Nâng tỷ lệ hồ sơ giải quyết đúng hạn",
        ["2.1.1"],
        "3",
        "Trên 95% đúng hạn",
        "Trần Thị Bình",
        date(2026, 9, 5),
    ),
]


def _plan(year, *, unit=None, kind, title, by, tasks, **fields) -> RemediationPlan:
    plan = RemediationPlan.objects.create(
        period=year["period"],
        publication=year["publication"],
        unit=unit,
        kind=kind,
        title=title,
        created_by=by,
        **fields,
    )
    for position, (code, text, items, lost, target, person, deadline) in enumerate(tasks, 1):
        task = RemediationTask.objects.create(
            plan=plan,
            position=position,
            title=text,
            owner_unit=year["units"][code],
            owner_person=person,
            deadline=deadline,
            measurable_target=target,
            lost_points=D(lost) if lost else None,
        )
        task.items.set([year["items"][item] for item in items])
    return plan


def issue(plan: RemediationPlan, by, capture) -> RemediationPlan:
    """As the plans' own service issues one: status, who and when, the signal inside the
    transaction; the documents are built once it commits."""
    with capture(execute=True), transaction.atomic():
        plan.status = PlanStatus.ISSUED
        plan.issued_by, plan.issued_at = by, ISSUED_AT
        plan.save()
        plan_issued.send(sender=RemediationPlan, plan=plan)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def year(improvement_year, personas):
    """The published 2025; the organiser's document code, signer and recipients (the province
    plan's defaults)."""
    organiser = personas["organiser"]
    organiser.issuing_body = "UBND tỉnh Hòa An"
    organiser.document_code = "SNV"
    organiser.signer_title = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    organiser.signer_name = "Trần Quang Huy"
    organiser.recipients = "UBND tỉnh (để báo cáo)\nCác sở, ban, ngành\nLưu: VT, CCHC"
    organiser.save()
    return improvement_year


@pytest.fixture
def province_plan(year, personas, django_capture_on_commit_callbacks):
    plan = _plan(
        year,
        kind=PlanKind.REMEDIATION,
        title=PROVINCE_TITLE,
        by=personas["home_affairs"],
        tasks=PROVINCE_TASKS,
        conclusion="Sở Y tế và Sở Xây dựng đứng cuối bảng.\nCần khắc phục ngay hồ sơ trễ hạn.",
        document_number="15",
    )
    return issue(plan, personas["home_affairs"], django_capture_on_commit_callbacks)


@pytest.fixture
def unit_plan(year, personas, django_capture_on_commit_callbacks):
    """Sở Tư pháp's own notice, numbered as its office typed it."""
    plan = _plan(
        year,
        unit=year["units"]["A"],
        kind=PlanKind.CONCLUSION,
        title=UNIT_TITLE,
        by=personas["staff_a"],
        tasks=[
            (
                "A",
                "Giữ vững kết quả cải cách thủ tục hành chính",
                ["2.1.1"],
                "0.5",
                "Không hồ sơ trễ hạn",
                "Lê Văn Cường",
                date(2026, 6, 1),
            )
        ],
        conclusion="Sở Tư pháp xếp thứ nhất, mất 0,5 điểm ở tiêu chí 2.1.1.",
        target_rank=1,
        document_number="07/TB-STP",
        signer_title="GIÁM ĐỐC",
        signer_name="Lê Thị Hoa",
        recipients="Sở Nội vụ (để báo cáo)\nLưu: VT",
    )
    return issue(plan, personas["staff_a"], django_capture_on_commit_callbacks)


def documents(plan) -> dict[str, Report]:
    return {report.kind: report for report in Report.objects.filter(plan=plan)}


def content_of(report) -> bytes:
    with report.file.open("rb") as file:
        return file.read()


def pdf_text(report) -> str:
    """In the order WeasyPrint draws it: box by box, so a table cell's lines follow each other
    (the layout mode would interleave the cells of a row, line by line)."""
    return "\n".join(pdf_pages(content_of(report), layout=False))


def squeeze(text: str) -> str:
    """Text without the layout's runs of spaces and line breaks (a table cell wraps)."""
    return " ".join(text.split())


def docx_of(report):
    return Document(io.BytesIO(content_of(report)))


def docx_paragraphs(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs if paragraph.text.strip()]


def cell_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# ---------------------------------------------------------------- rendered once, kept


def test_issuing_renders_the_pdf_and_the_word_copy_once_and_keeps_them(province_plan, personas):
    kept = documents(province_plan)
    assert set(kept) == {ReportKind.PLAN_PDF, ReportKind.PLAN_DOCX}
    for report in kept.values():
        assert report.status == ReportStatus.DONE, report.error
        assert report.requested_by == personas["home_affairs"]
        assert report.period == province_plan.period and report.publication is None
    folder = f"plans/2025/{province_plan.period.pk}/{province_plan.pk}/"
    assert kept[ReportKind.PLAN_PDF].file.name == folder + "ke-hoach-khac-phuc-cchc-2025.pdf"
    assert kept[ReportKind.PLAN_DOCX].file.name == folder + "ke-hoach-khac-phuc-cchc-2025.docx"
    assert content_of(kept[ReportKind.PLAN_PDF]).startswith(b"%PDF")

    # Sent again (a retried issue, a redelivered signal), nothing new is made.
    assert plan_documents_request(plan=province_plan) == sorted(kept.values(), key=lambda r: r.pk)
    assert Report.objects.filter(plan=province_plan).count() == 2

    pdf = kept[ReportKind.PLAN_PDF]
    before = content_of(pdf)
    with pytest.raises(DocumentKept):
        pdf.save()
    with pytest.raises(DocumentKept):
        pdf.delete()
    with pytest.raises(DocumentKept):
        Report.objects.filter(plan=province_plan).update(error="x")
    assert report_build(report_id=pdf.pk).status == ReportStatus.DONE  # a redelivered task
    with pytest.raises(ValidationError):
        report_retry(report=pdf, by=personas["home_affairs"])
    assert content_of(pdf) == before


def test_a_draft_plan_has_no_document(year, personas):
    plan = _plan(
        year, kind=PlanKind.REMEDIATION, title="Dự thảo", by=personas["home_affairs"], tasks=[]
    )
    assert not Report.objects.filter(plan=plan).exists()
    # A document asked for a plan that is not issued fails, and says why.
    report = Report.objects.create(kind=ReportKind.PLAN_PDF, period=plan.period, plan=plan)
    assert report_build(report_id=report.pk).status == ReportStatus.FAILED
    report.refresh_from_db()
    assert "chưa được ban hành" in report.error


# ---------------------------------------------------------------- the PDF


def test_the_province_plan_pdf_reads_as_a_decree_30_plan(province_plan):
    text = pdf_text(documents(province_plan)[ReportKind.PLAN_PDF])
    flat = squeeze(text)
    for expected in (
        "UBND TỈNH HÒA AN",
        "SỞ NỘI VỤ",
        "Số: 15/KH-SNV",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hòa An, ngày 16 tháng 3 năm 2026",
        "KẾ HOẠCH",
        PROVINCE_TITLE,
        "Căn cứ kết quả Chỉ số cải cách hành chính năm 2025 công bố ngày",
        "Sở Y tế và Sở Xây dựng đứng cuối bảng.",
        "NHIỆM VỤ CỦA TỪNG ĐƠN VỊ",
        "Nơi nhận:",
        "- UBND tỉnh (để báo cáo);",
        "- Lưu: VT, CCHC.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Trần Quang Huy",
    ):
        assert expected in flat, expected
    assert "THÔNG BÁO" not in flat
    for _code, title, _items, _lost, target, person, deadline in PROVINCE_TASKS:
        assert title in flat and target in flat
        assert deadline.strftime("%d/%m/%Y") in flat
        if person:
            assert person in flat
    # Unit by unit: Sở Y tế with both its tasks, then Sở Xây dựng.
    y_te, xay_dung = flat.index("1. Sở Y tế"), flat.index("2. Sở Xây dựng")
    assert y_te < flat.index("Nâng tỷ lệ hồ sơ giải quyết đúng hạn") < xay_dung
    assert xay_dung < flat.index("Rà soát hồ sơ trễ hạn")
    # The criteria in code order, with the points lost in Vietnamese decimals.
    assert "1.1.2; 2.1.1" in flat and "5,00 điểm" in flat
    page_pngs(content_of(documents(province_plan)[ReportKind.PLAN_PDF]), SCREENS / "province")


def test_a_units_notice_is_issued_under_its_own_name(unit_plan):
    flat = squeeze(pdf_text(documents(unit_plan)[ReportKind.PLAN_PDF]))
    for expected in (
        "UBND TỈNH HÒA AN",
        "SỞ TƯ PHÁP",
        "Số: 07/TB-STP",  # typed whole, printed as typed
        "THÔNG BÁO",
        UNIT_TITLE,
        "KẾT LUẬN",
        "thứ hạng 1 trở lên",
        "1. Sở Tư pháp",
        "Giữ vững kết quả cải cách thủ tục hành chính",
        "01/06/2026",
        "Lê Văn Cường",
        "GIÁM ĐỐC",
        "Lê Thị Hoa",
        "- Sở Nội vụ (để báo cáo);",
        "- Lưu: VT.",
    ):
        assert expected in flat, expected
    assert "KẾ HOẠCH" not in flat and "SỞ NỘI VỤ" not in flat
    assert documents(unit_plan)[ReportKind.PLAN_PDF].file_name == (
        "thong-bao-ket-luan-cchc-2025-a.pdf"
    )
    page_pngs(content_of(documents(unit_plan)[ReportKind.PLAN_PDF]), SCREENS / "unit")


def test_a_unit_number_without_code_leaves_blanks_to_fill_in(
    year, personas, django_capture_on_commit_callbacks
):
    plan = _plan(
        year,
        unit=year["units"]["B"],
        kind=PlanKind.REMEDIATION,
        title="Khắc phục hạn chế năm 2025",
        by=personas["staff_b"],
        tasks=[],
        document_number="3",
    )
    issue(plan, personas["staff_b"], django_capture_on_commit_callbacks)
    flat = squeeze(pdf_text(documents(plan)[ReportKind.PLAN_PDF]))
    assert "Số: 3/KH-……" in flat and "SỞ Y TẾ" in flat


def test_the_publishing_decision_is_cited_first_when_there_is_one(province_plan):
    """The basis cites the decision that published the results, worded as the published
    reports word it (their _basis.html)."""
    plan = RemediationPlan.objects.get(pk=province_plan.pk)
    published = plan.publication
    plan.publication = Publication(
        period=plan.period,
        version=1,
        published_at=published.published_at,
        decision_number="301/QĐ-UBND",
        decision_date=date(2026, 2, 27),
    )
    basis = plan_document(plan).basis
    assert basis[0] == (
        "Căn cứ Quyết định số 301/QĐ-UBND ngày 27/02/2026 về việc công bố kết quả Chỉ số cải "
        "cách hành chính năm 2025;"
    )
    assert basis[1].startswith("Căn cứ kết quả Chỉ số cải cách hành chính năm 2025 công bố")


# ---------------------------------------------------------------- the Word copy


def test_the_word_copy_says_what_the_pdf_says_unit_by_unit(province_plan):
    kept = documents(province_plan)
    document = docx_of(kept[ReportKind.PLAN_DOCX])
    header, *task_tables, foot = document.tables
    # The header table: issuer and number | national motto and dateline.
    issuer, motto = (cell.text for cell in header.rows[0].cells)
    assert issuer.split("\n") == ["UBND TỈNH HÒA AN", "SỞ NỘI VỤ", "", "Số: 15/KH-SNV"]
    assert motto.split("\n") == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "",
        "Hòa An, ngày 16 tháng 3 năm 2026",
    ]
    paragraphs = docx_paragraphs(document)
    assert paragraphs[:2] == ["KẾ HOẠCH", PROVINCE_TITLE]
    assert paragraphs[2].startswith("Căn cứ kết quả Chỉ số cải cách hành chính năm 2025")
    assert "Sở Y tế và Sở Xây dựng đứng cuối bảng." in paragraphs
    # One table per owner unit, each after its heading, in the order the units first appear.
    headings = [text for text in paragraphs if text in ("1. Sở Y tế", "2. Sở Xây dựng")]
    assert headings == ["1. Sở Y tế", "2. Sở Xây dựng"]
    columns = ["STT", "Nhiệm vụ", "Tiêu chí liên quan", "Chỉ tiêu", "Người phụ trách", "Thời hạn"]
    y_te, xay_dung = (cell_texts(table) for table in task_tables)
    assert y_te == [
        columns,
        [
            "1",
            "Ban hành kế hoạch CCHC năm 2026 đúng thời hạn",
            "1.1.1 (mất 1,00 điểm)",
            "Ban hành trước 15/12",
            "Nguyễn Văn An",
            "30/11/2026",
        ],
        [
            "2",
            "Nâng tỷ lệ hồ sơ giải quyết đúng hạn",
            "2.1.1 (mất 3,00 điểm)",
            "Trên 95% đúng hạn",
            "Trần Thị Bình",
            "05/09/2026",
        ],
    ]
    assert xay_dung[1] == [
        "1",
        "Rà soát hồ sơ trễ hạn, công khai xin lỗi",
        "1.1.2; 2.1.1 (mất 5,00 điểm)",
        "100% hồ sơ đúng hạn",
        "—",
        "15/10/2026",
    ]
    recipients, signer = (cell.text.split("\n") for cell in foot.rows[0].cells)
    assert recipients == [
        "Nơi nhận:",
        "- UBND tỉnh (để báo cáo);",
        "- Các sở, ban, ngành;",
        "- Lưu: VT, CCHC.",
    ]
    assert [line for line in signer if line] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Quang Huy"]

    # The same words as the PDF: every paragraph and cell of the Word copy is in the PDF.
    pdf = squeeze(pdf_text(kept[ReportKind.PLAN_PDF]))
    words = paragraphs + [
        cell for table in document.tables for row in cell_texts(table) for cell in row
    ]
    for text in words:
        for line in text.split("\n"):
            assert squeeze(line) in pdf, line


def test_the_word_copy_is_a4_times_new_roman_with_decree_30_margins(province_plan):
    document = docx_of(documents(province_plan)[ReportKind.PLAN_DOCX])
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(margin.mm) for margin in margins] == [20, 20, 30, 15]
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml
    assert document.styles["Normal"].font.name == "Times New Roman"
    sizes = {
        run.font.size.pt
        for paragraph in document.paragraphs
        for run in paragraph.runs
        if run.font.size is not None
    }
    assert sizes and sizes <= {13, 14}
    assert all(run.font.name == "Times New Roman" for p in document.paragraphs for run in p.runs)
    assert round(document.tables[1].rows[0].cells[1].width.mm) == 54


# ---------------------------------------------------------------- a failed render


@pytest.fixture
def failing_pdf(monkeypatch):
    def broken(report, progress):
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setitem(renderers.RENDERERS, ReportKind.PLAN_PDF, broken)


def test_a_failed_render_is_marked_failed_and_home_affairs_builds_it_again(
    failing_pdf, year, personas, django_capture_on_commit_callbacks, client, monkeypatch
):
    plan = _plan(
        year,
        kind=PlanKind.REMEDIATION,
        title=PROVINCE_TITLE,
        by=personas["home_affairs"],
        tasks=PROVINCE_TASKS,
    )
    issue(plan, personas["home_affairs"], django_capture_on_commit_callbacks)
    kept = documents(plan)
    pdf = kept[ReportKind.PLAN_PDF]
    assert pdf.status == ReportStatus.FAILED and "lỗi hệ thống" in pdf.error
    assert kept[ReportKind.PLAN_DOCX].status == ReportStatus.DONE  # the other one stands

    # The block on the plan's page: the error, and the retry for Home Affairs only.
    page = reverse("reports:plan_documents", args=[plan.pk])
    client.force_login(personas["staff_a"])
    body = client.get(page).content.decode()
    assert "lỗi hệ thống" in body and "Tạo lại các văn bản bị lỗi" not in body
    client.force_login(personas["home_affairs"])
    body = client.get(page).content.decode()
    assert "Tạo lại các văn bản bị lỗi" in body
    assert client.get(reverse("reports:plan_document", args=[plan.pk, "pdf"])).status_code == 404

    # Only Home Affairs may build it again: the chair is refused and nothing changes.
    client.force_login(personas["chair"])
    retry = reverse("reports:plan_documents_retry", args=[plan.pk])
    assert client.post(retry).status_code == 403
    assert client.post(reverse("reports:retry", args=[pdf.pk])).status_code == 403
    pdf.refresh_from_db()
    assert pdf.status == ReportStatus.FAILED
    with pytest.raises(PermissionDenied):
        report_retry(report=pdf, by=personas["staff_a"])

    # The generic retry of a report leads back to the plan's documents; still broken, it
    # fails again and stays retryable.
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[pdf.pk]))
    assert response["Location"] == page + "#plan-documents"
    pdf.refresh_from_db()
    assert pdf.status == ReportStatus.FAILED

    monkeypatch.undo()  # the renderer works again
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == page + "#plan-documents"
    pdf.refresh_from_db()
    assert pdf.status == ReportStatus.DONE and pdf.error == ""
    assert pdf.file.name.endswith("/ke-hoach-khac-phuc-cchc-2025.pdf")  # the same row and name
    assert PROVINCE_TITLE in squeeze(pdf_text(pdf))
    entries = AuditEntry.objects.filter(action=AuditAction.PLAN, field="document:plan_pdf")
    assert entries.count() == 2  # each retry, by whom, from which state
    entry = entries.latest("pk")
    assert entry.actor == personas["home_affairs"] and (entry.old_value, entry.new_value) == (
        "failed",
        "queued",
    )
    # Nothing failed now: asking again changes nothing and says so.
    response = client.post(retry, follow=True)
    assert "Không có văn bản nào bị lỗi" in response.content.decode()


# ---------------------------------------------------------------- who downloads


@pytest.fixture
def other_home_affairs(db):
    return RoleGrantFactory(
        role=Role.HOME_AFFAIRS, organiser=OrganiserFactory(code="org-other")
    ).user


# Who reads an issued plan (scoring.access.plan_visible_to): Home Affairs of the organiser,
# the council and the system admin; a unit's plan its own staff; the province's plan the staff
# of every unit of the organiser.
UNIT_PLAN = {
    "anonymous": 302,
    "staff_a": 200,
    "staff_b": 404,
    "appraiser": 200,
    "chair": 200,
    "home_affairs": 200,
    "admin": 200,
    "other_home_affairs": 404,
}
PROVINCE_PLAN = UNIT_PLAN | {"staff_b": 200}


def _login(client, personas, other_home_affairs, who):
    client.logout()
    if who == "other_home_affairs":
        client.force_login(other_home_affairs)
    elif who != "anonymous":
        client.force_login(personas[who])


@pytest.mark.parametrize("who", list(UNIT_PLAN))
@pytest.mark.parametrize("which", ["unit_plan", "province_plan"])
def test_download_matrix(client, personas, other_home_affairs, request, which, who):
    plan = request.getfixturevalue(which)
    expected = (UNIT_PLAN if which == "unit_plan" else PROVINCE_PLAN)[who]
    kept = documents(plan)
    before = {kind: (r.status, r.file.name, r.error) for kind, r in kept.items()}
    _login(client, personas, other_home_affairs, who)
    stem = kept[ReportKind.PLAN_PDF].file_name.removesuffix(".pdf")

    pdf = client.get(reverse("reports:plan_document", args=[plan.pk, "pdf"]))
    docx = client.get(reverse("reports:plan_document", args=[plan.pk, "docx"]))
    page = client.get(reverse("reports:plan_documents", args=[plan.pk]))
    generic = client.get(reverse("reports:download", args=[kept[ReportKind.PLAN_PDF].pk]))
    for response in (pdf, docx, page, generic):
        assert response.status_code == expected
    if expected == 302:
        assert pdf["Location"].startswith(reverse("login"))
    if expected == 200:
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf["Content-Disposition"] == f'inline; filename="{stem}.pdf"'
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
        assert docx["Content-Type"] == DOCX_TYPE
        assert docx["Content-Disposition"] == f'attachment; filename="{stem}.docx"'
        Document(io.BytesIO(b"".join(docx.streaming_content)))  # opens as Word
        assert 'id="plan-documents"' in page.content.decode()

    # Nobody changes a document by posting to it; only Home Affairs may ask for a retry, and
    # with nothing failed it changes nothing either.
    for url in (
        reverse("reports:plan_document", args=[plan.pk, "pdf"]),
        reverse("reports:plan_documents", args=[plan.pk]),
    ):
        assert client.post(url).status_code == (302 if who == "anonymous" else 405)
    retry = client.post(reverse("reports:plan_documents_retry", args=[plan.pk]))
    if who == "anonymous":
        assert retry.status_code == 302 and retry["Location"].startswith(reverse("login"))
    elif expected == 404:
        assert retry.status_code == 404
    elif who == "home_affairs":
        assert retry.status_code == 302
    else:
        assert retry.status_code == 403
    after = {kind: (r.status, r.file.name, r.error) for kind, r in documents(plan).items()}
    assert after == before


def test_an_unknown_format_or_plan_is_not_found(client, personas, province_plan):
    client.force_login(personas["home_affairs"])
    assert (
        client.get(reverse("reports:plan_document", args=[province_plan.pk, "odt"])).status_code
        == 404
    )
    assert client.get(reverse("reports:plan_document", args=[99999, "pdf"])).status_code == 404
