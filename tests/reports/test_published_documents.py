"""The official documents of a publication: rendered once when a version is published (eager
Celery here, a real worker on Redis in CI), kept with it under readable names, never rebuilt,
replaced or deleted; a republication renders version 2 and keeps version 1; a failed one is
built again in place, from its own version. Their PDFs carry the elements of a Nghị định
30/2020 document, and the published scorecard and workbook hold final points only."""

import io
import time
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from parindex.processes import run_in_processes
from reports import services
from reports.models import DocumentKept, Report, ReportKind, ReportStatus
from reports.services import period_report_request, report_build, report_retry
from scoring.models import Assessment, Score
from scoring.services.publication import DocumentElements, period_publish
from scoring.services.transitions import assessment_move
from scoring.workflow import AssessmentStatus
from tests.reports.pdfs import page_pngs, pdf_pages
from tests.reports.test_report_pages import _two_unit_period

pytestmark = pytest.mark.django_db

D = Decimal
ELEMENTS = DocumentElements(
    document_number="12", decision_number="1520/QĐ-UBND", decision_date=date(2026, 2, 27)
)
PERIOD_WIDE = {ReportKind.RANKING_PDF, ReportKind.BREAKDOWN_PDF, ReportKind.RESULTS_WORKBOOK}
# Short: a table cell wraps longer text, and pypdf reads it line by line.
COUNCIL_REASON = "Thiếu XYZ-001"
FINAL_REASON = "Giữ QRS-002"


@pytest.fixture
def period(period_with_scores, personas):
    """Two ranked units; the organiser has its document code, signer and recipients. Unit A's
    1.1.2 was self-assessed at 2, lowered by the council with reasons."""
    organiser = personas["organiser"]
    organiser.document_code = "SNV"
    organiser.signer_title = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    organiser.signer_name = "Trần Quang Huy"
    organiser.recipients = "UBND tỉnh (để báo cáo)\nCác sở, ban, ngành"
    organiser.save()
    Score.objects.filter(assessment__unit=personas["unit_a"], item__code="1.1.2").update(
        self_points=D("2"),
        appraisal_points=D("1.5"),
        appraisal_reason=COUNCIL_REASON,
        final_reason=FINAL_REASON,
    )
    return period_with_scores


def publish(period, personas, capture, **kwargs):
    with capture(execute=True):  # the builds are queued once the publication commits
        return period_publish(
            period=period, by=personas["home_affairs"], document=ELEMENTS, **kwargs
        )


def republish(period, personas, capture):
    """Unit B's 1.1.1 corrected from 0 to 1, published again as version 2."""
    assessment = Assessment.objects.get(period=period, unit=personas["unit_b"])
    assessment_move(
        assessment=assessment,
        target=AssessmentStatus.IN_APPRAISAL,
        by=personas["chair"],
        reason="Sai sót khi tổng hợp",
    )
    Score.objects.filter(assessment=assessment, item__code="1.1.1").update(final_points=D("1"))
    assessment_move(assessment=assessment, target=AssessmentStatus.APPRAISED, by=personas["chair"])
    return publish(period, personas, capture, reason="Điều chỉnh điểm 1.1.1 của Sở Y tế")


def documents(publication) -> dict[str, Report]:
    """The version's documents by kind, scorecards by unit code."""
    return {
        report.params.get("unit_code", report.kind): report
        for report in Report.objects.filter(publication=publication)
    }


def text_of(report) -> str:
    report.file.open("rb")
    try:
        return "\n".join(pdf_pages(report.file.read()))
    finally:
        report.file.close()


def content_of(report) -> bytes:
    with report.file.open("rb") as file:
        return file.read()


# ---------------------------------------------------------------- rendered once, kept


def test_publishing_renders_every_document_of_the_version_under_readable_names(
    client, personas, period, django_capture_on_commit_callbacks
):
    publication = publish(period, personas, django_capture_on_commit_callbacks)
    kept = documents(publication)
    assert set(kept) == {*PERIOD_WIDE, "A", "B"}  # one scorecard per unit of the publication
    assert {r.kind for r in kept.values()} == {*PERIOD_WIDE, ReportKind.SCORECARD_PDF}
    for report in kept.values():
        assert report.status == ReportStatus.DONE, report.error
        assert report.period == period and report.requested_by == personas["home_affairs"]
    folder = f"publications/2025/{period.pk}/v1/"
    assert {r.file.name for r in kept.values()} == {
        folder + "bao-cao-xep-hang-2025-v1.pdf",
        folder + "phu-luc-linh-vuc-2025-v1.pdf",
        folder + "ket-qua-cchc-2025-v1.xlsx",
        folder + "phieu-ket-qua-A-2025-v1.pdf",
        folder + "phieu-ket-qua-B-2025-v1.pdf",
    }
    client.force_login(personas["home_affairs"])
    for report in kept.values():
        response = client.get(reverse("reports:download", args=[report.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'"{report.file.name.split("/")[-1]}"')
    assert "Sở Tư pháp" in text_of(kept["A"]) and "Sở Y tế" in text_of(kept["B"])


def test_with_rendering_off_the_documents_are_recorded_and_wait(
    personas, period, django_capture_on_commit_callbacks, settings
):
    """Tests on a live server render only what they read: the rows exist, nothing is built."""
    settings.REPORTS_RENDER_PUBLISHED_DOCUMENTS = False
    with django_capture_on_commit_callbacks(execute=True):
        publication = period_publish(period=period, by=personas["home_affairs"])
    # Whatever ran on commit (the public cache's generation moves on), nothing was built.
    assert {r.status for r in documents(publication).values()} == {ReportStatus.QUEUED}
    report = report_build(report_id=documents(publication)["A"].pk)
    assert report.status == ReportStatus.DONE and "phieu-ket-qua-A-2025-v1" in report.file.name


def test_republishing_renders_version_2_and_keeps_version_1_as_it_was(
    client, personas, period, django_capture_on_commit_callbacks
):
    first = publish(period, personas, django_capture_on_commit_callbacks)
    before = {
        key: (r.file.name, content_of(r), r.finished_at) for key, r in documents(first).items()
    }
    second = republish(period, personas, django_capture_on_commit_callbacks)
    assert second.version == 2
    after = {
        key: (r.file.name, content_of(r), r.finished_at) for key, r in documents(first).items()
    }
    assert after == before  # version 1's files, untouched
    kept = documents(second)
    assert all(r.status == ReportStatus.DONE for r in kept.values())
    assert kept[ReportKind.RANKING_PDF].file.name == (
        f"publications/2025/{period.pk}/v2/bao-cao-xep-hang-2025-v2.pdf"
    )
    version_1, version_2 = (
        text_of(documents(publication)[ReportKind.RANKING_PDF]) for publication in (first, second)
    )
    assert "(phiên bản 1)" in version_1 and "(phiên bản 2)" in version_2
    assert "phiên bản 2" not in version_1
    # Version 2 ranks Sở Y tế first; version 1 still ranks Sở Tư pháp first.
    assert version_1.index("Sở Tư pháp") < version_1.index("Sở Y tế")
    assert version_2.index("Sở Y tế") < version_2.index("Sở Tư pháp")
    client.force_login(personas["home_affairs"])
    downloaded = [
        b"".join(client.get(reverse("reports:download", args=[report.pk])).streaming_content)
        for report in (documents(first)["B"], documents(second)["B"])
    ]
    assert downloaded[0] != downloaded[1]
    assert all(content.startswith(b"%PDF") for content in downloaded)


def test_a_ready_document_is_never_rebuilt_replaced_or_deleted(
    personas, period, django_capture_on_commit_callbacks
):
    publication = publish(period, personas, django_capture_on_commit_callbacks)
    report = documents(publication)[ReportKind.RANKING_PDF]
    name, content = report.file.name, content_of(report)
    assert report_build(report_id=report.pk).file.name == name  # a redelivered task: no-op
    with pytest.raises(ValidationError):
        report_retry(report=report, by=personas["home_affairs"])
    report.status = ReportStatus.QUEUED
    with pytest.raises(DocumentKept):
        report.save()
    with pytest.raises(DocumentKept):
        report.delete()
    with pytest.raises(DocumentKept):
        Report.objects.filter(publication=publication).update(progress=0)
    with pytest.raises(DocumentKept):
        Report.objects.filter(pk=report.pk).delete()
    report.refresh_from_db()
    assert (report.status, report.file.name, content_of(report)) == (
        ReportStatus.DONE,
        name,
        content,
    )
    # Asking for the version's documents again makes no second set.
    assert len(services.publication_documents_request(publication=publication)) == 5
    assert Report.objects.filter(publication=publication).count() == 5


def test_a_failed_document_is_built_again_in_place_from_its_own_version(
    client, personas, period, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(report, progress):
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setitem(services.RENDERERS, ReportKind.SCORECARD_PDF, broken)
    first = publish(period, personas, django_capture_on_commit_callbacks)
    failed = documents(first)["B"]
    assert failed.status == ReportStatus.FAILED and f"số {failed.pk})" in failed.error
    assert documents(first)[ReportKind.RANKING_PDF].status == ReportStatus.DONE
    monkeypatch.undo()
    republish(period, personas, django_capture_on_commit_callbacks)  # B corrected in v2
    client.force_login(personas["home_affairs"])
    page = client.get(reverse("reports:period", args=[period.pk])).content.decode()
    assert failed.error in page and reverse("reports:retry", args=[failed.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[failed.pk]))
    assert response.status_code == 302
    retried = Report.objects.get(pk=failed.pk)
    assert retried.status == ReportStatus.DONE and retried.error == ""
    assert retried.file.name == f"publications/2025/{period.pk}/v1/phieu-ket-qua-B-2025-v1.pdf"
    text = text_of(retried)
    # Version 1's figures (B at 2,00 of 3,00: 66,67%), not version 2's (3,00: 100,00%).
    assert "(phiên bản 1)" in text and "66,67%" in text and "100,00%" not in text
    assert Report.objects.filter(publication=first).count() == 5


# ---------------------------------------------------------------- Nghị định 30/2020


def test_the_pdfs_carry_the_elements_of_an_official_document(
    personas, period, django_capture_on_commit_callbacks, screenshot_dir
):
    publication = publish(period, personas, django_capture_on_commit_callbacks)
    kept = documents(publication)
    for key in (ReportKind.RANKING_PDF, ReportKind.BREAKDOWN_PDF, "A"):
        content = content_of(kept[key])
        pages = pdf_pages(content)
        first, last = pages[0], pages[-1]
        assert "Số: 12/BC-SNV" in first, key
        assert "Căn cứ Quyết định số 1520/QĐ-UBND ngày 27/02/2026" in first, key
        # "Nơi nhận" bottom left, the signer bottom right, on the last page.
        assert "Nơi nhận:" in last and "KT. GIÁM ĐỐC" in last, key
        lines = [line.strip() for line in last.splitlines() if line.strip()]
        recipients = [line for line in lines if line.startswith("- ")]
        assert [r.split("  ")[0] for r in recipients] == [
            "- UBND tỉnh (để báo cáo);",
            "- Các sở, ban, ngành;",
            "- Lưu: VT.",
        ], key
        assert last.index("KT. GIÁM ĐỐC") < last.index("PHÓ GIÁM ĐỐC")
        assert last.index("PHÓ GIÁM ĐỐC") < last.index("Trần Quang Huy"), key
        drawn = page_pngs(content, screenshot_dir / "reports" / f"published-{key}", pages=8)
        assert drawn
    scorecard = "\n".join(pdf_pages(content_of(kept["A"])))
    assert "(Kèm theo Báo cáo số 12/BC-SNV về kết quả xếp hạng)" in scorecard


def test_without_a_document_code_the_number_is_left_to_fill_in(
    personas, period, django_capture_on_commit_callbacks
):
    organiser = personas["organiser"]
    organiser.document_code = ""
    organiser.save()
    with django_capture_on_commit_callbacks(execute=True):
        publication = period_publish(period=period, by=personas["home_affairs"])
    first_page = pdf_pages(content_of(documents(publication)[ReportKind.RANKING_PDF]))[0]
    number_line = next(line for line in first_page.splitlines() if "Số:" in line)
    assert "/BC-……" in number_line and "12" not in number_line
    assert "Căn cứ Quyết định" not in first_page  # no decision given


# ---------------------------------------------------------------- public: final points only


def test_the_published_scorecard_and_workbook_hold_final_points_only(
    personas, period, django_capture_on_commit_callbacks
):
    publication = publish(period, personas, django_capture_on_commit_callbacks)
    published = text_of(documents(publication)["A"])
    # No reason, no column of the self-assessed ("Điểm tự chấm") or appraised points.
    for secret in (COUNCIL_REASON, FINAL_REASON, "chấm", _("Appraised value (round 1)")):
        assert secret not in published
    # Every sub-criterion with its final points over its maximum: A's 1.1.2 at 1,50 of 2,00.
    assert "1.1.1. Ban hành kế hoạch" in published and "1,50/2,00" in published
    # The internal scorecard, built on demand, keeps them: the check above can fail.
    with django_capture_on_commit_callbacks(execute=True):
        internal = period_report_request(
            period=period,
            kind=ReportKind.SCORECARD_PDF,
            by=personas["home_affairs"],
            unit=personas["unit_a"],
        )
    internal.refresh_from_db()
    internal_text = text_of(internal)
    assert COUNCIL_REASON in internal_text and FINAL_REASON in internal_text
    assert "chấm" in internal_text  # "Điểm tự chấm", wrapped in its column

    def workbook_cells(report):
        sheets = load_workbook(io.BytesIO(content_of(report)), read_only=True)
        return {
            str(value)
            for sheet in sheets.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        }

    public = workbook_cells(documents(publication)[ReportKind.RESULTS_WORKBOOK])
    for secret in (COUNCIL_REASON, FINAL_REASON, _("Self-assessed points"), _("Appraised points")):
        assert secret not in public
    assert _("Points counted") in public and "Ban hành kế hoạch" in public
    with django_capture_on_commit_callbacks(execute=True):
        internal = period_report_request(
            period=period, kind=ReportKind.RESULTS_WORKBOOK, by=personas["home_affairs"]
        )
    internal.refresh_from_db()
    assert {COUNCIL_REASON, _("Self-assessed points")} <= workbook_cells(internal)


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_documents_are_rendered_by_several_processes(
    personas, period, settings, monkeypatch
):
    """`make run`: no worker, so the version's documents are shared between processes (spawned,
    on this database and media folder) and the publication returns once all are built."""
    settings.REPORTS_EAGER_PROCESSES = 2
    shared = []

    def spy(function, items, *, processes):
        shared.append((len(items), processes))
        return run_in_processes(function, items, processes=processes)

    monkeypatch.setattr(services, "run_in_processes", spy)
    publication = period_publish(period=period, by=personas["home_affairs"], document=ELEMENTS)
    kept = documents(publication)
    assert {r.status for r in kept.values()} == {ReportStatus.DONE}, [
        r.error for r in kept.values()
    ]
    assert "Số: 12/BC-SNV" in pdf_pages(content_of(kept[ReportKind.RANKING_PDF]))[0]
    assert "Sở Y tế" in text_of(kept["B"])
    assert shared == [(5, 2)]  # built by the two processes, not here


@pytest.mark.django_db(transaction=True)
def test_the_processes_write_the_documents_to_the_bucket(personas, period, settings, s3_bucket):
    """STORAGE_BACKEND=s3: the spawned processes are handed the storage settings too."""
    settings.REPORTS_EAGER_PROCESSES = 2
    publication = period_publish(period=period, by=personas["home_affairs"], document=ELEMENTS)
    kept = documents(publication)
    assert {r.status for r in kept.values()} == {ReportStatus.DONE}, [
        r.error for r in kept.values()
    ]
    assert s3_bucket.keys() == sorted(r.file.name for r in kept.values())
    assert "Sở Y tế" in text_of(kept["B"])


@pytest.mark.django_db(transaction=True)
def test_if_the_processes_stop_what_they_left_fails_and_can_be_retried(
    personas, period, settings, monkeypatch
):
    settings.REPORTS_EAGER_PROCESSES = 2

    def stopped(function, items, *, processes):
        function(items[0])  # one built, then the pool breaks
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(services, "run_in_processes", stopped)
    publication = period_publish(period=period, by=personas["home_affairs"], document=ELEMENTS)
    kept = documents(publication)
    assert kept[ReportKind.RANKING_PDF].status == ReportStatus.DONE
    failed = [r for r in kept.values() if r.status == ReportStatus.FAILED]
    assert len(failed) == 4
    assert {r.error for r in failed} == {
        "Dịch vụ tạo báo cáo bị dừng khi đang tạo. Vui lòng thử lại."
    }
    report_retry(report=failed[0], by=personas["home_affairs"])  # eager: built again here
    failed[0].refresh_from_db()
    assert failed[0].status == ReportStatus.DONE


# ---------------------------------------------------------------- a real worker


@pytest.mark.integration
def test_a_publication_is_rendered_by_a_real_celery_worker_on_redis(
    celery_worker_process, personas
):
    personas["organiser"].document_code = "SNV"
    personas["organiser"].save()
    period = _two_unit_period(personas)
    publication = period_publish(period=period, by=personas["home_affairs"], document=ELEMENTS)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        statuses = set(
            Report.objects.filter(publication=publication).values_list("status", flat=True)
        )
        if statuses <= {ReportStatus.DONE, ReportStatus.FAILED}:
            break
        time.sleep(0.5)
    kept = documents(publication)
    assert len(kept) == 5
    assert {r.status for r in kept.values()} == {ReportStatus.DONE}, [
        r.error for r in kept.values()
    ]
    assert "Số: 12/BC-SNV" in pdf_pages(content_of(kept[ReportKind.RANKING_PDF]))[0]
