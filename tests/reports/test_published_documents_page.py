"""Home Affairs follows the documents of each published version on the period's reports page
(progress, the error and *Thử lại* of a failed one); who may read, download and retry a
document of a publication; the admin keeps them read-only and undeletable."""

import pytest
from django.urls import reverse

from reports.models import Report, ReportKind, ReportStatus
from reports.services import report_build
from scoring.services.publication import period_publish

pytestmark = pytest.mark.django_db

PERSONAS = ["staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin", "anonymous"]


@pytest.fixture
def published(period_with_scores, personas):
    """Version 1 with its five documents: two built, one failed, two still queued."""
    publication = period_publish(period=period_with_scores, by=personas["home_affairs"])
    reports = {
        report.params.get("unit_code", report.kind): report
        for report in Report.objects.filter(publication=publication)
    }
    Report.objects.filter(pk=reports["B"].pk).update(
        status=ReportStatus.FAILED, error="Lỗi khi tạo tệp PDF"
    )
    for key in (ReportKind.RANKING_PDF, "A"):
        report_build(report_id=reports[key].pk)
    return {key: Report.objects.get(pk=report.pk) for key, report in reports.items()}


def login(client, personas, persona):
    if persona != "anonymous":
        client.force_login(personas[persona])


def test_home_affairs_sees_the_version_its_progress_and_a_failed_document(
    client, personas, period_with_scores, published
):
    client.force_login(personas["home_affairs"])
    page = client.get(reverse("reports:period", args=[period_with_scores.pk])).content.decode()
    assert "Tài liệu công bố chính thức" in page
    assert "Phiên bản 1, công bố ngày" in page
    assert "2/5 tài liệu đã sẵn sàng" in page and "1 tài liệu lỗi" in page
    for key in (ReportKind.RANKING_PDF, "A"):
        assert reverse("reports:download", args=[published[key].pk]) in page
        assert published[key].file_name in page
    assert "Lỗi khi tạo tệp PDF" in page
    assert reverse("reports:retry", args=[published["B"].pk]) in page
    assert reverse("reports:retry", args=[published["A"].pk]) not in page
    # The list of the reports asked for does not list them.
    assert "Chưa có yêu cầu tạo báo cáo nào." in page
    section = page.split('id="published-documents"')[1]
    assert "Sở Tư pháp" in section and "Sở Y tế" in section  # scorecards by unit name


EXPECTED = {  # reading a document of a publication, as its own or any results report
    "staff_a": 404,
    "staff_b": 404,
    "appraiser": 404,
    "chair": 404,
    "home_affairs": 200,
    "admin": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_of_a_published_document(client, personas, published, persona):
    ready, failed = published["A"], published["B"]
    login(client, personas, persona)
    expected = EXPECTED[persona]
    assert client.get(reverse("reports:status", args=[ready.pk])).status_code == expected
    download = client.get(reverse("reports:download", args=[ready.pk]))
    assert download.status_code == expected
    if expected == 200:
        assert b"".join(download.streaming_content).startswith(b"%PDF")
    # POST only; GET is refused whoever asks.
    assert client.get(reverse("reports:retry", args=[failed.pk])).status_code in (302, 405)
    retried = client.post(reverse("reports:retry", args=[failed.pk]))
    assert retried.status_code == (302 if expected == 200 else expected)
    failed.refresh_from_db()
    assert (failed.status == ReportStatus.FAILED) == (expected != 200)
    # A ready one is never built again, whoever asks.
    client.post(reverse("reports:retry", args=[ready.pk]))
    ready.refresh_from_db()
    assert ready.status == ReportStatus.DONE and ready.file_name == "phieu-ket-qua-A-2025-v1.pdf"


def test_retrying_a_ready_document_says_why_not(client, personas, published):
    client.force_login(personas["home_affairs"])
    response = client.post(reverse("reports:retry", args=[published["A"].pk]), follow=True)
    assert "Tài liệu công bố chỉ được tạo một lần" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "9" * 40, "1\x00", "-1"])
def test_a_malformed_document_id_is_a_404(client, personas, value):
    client.force_login(personas["home_affairs"])
    assert client.get(f"/reports/{value}/download/").status_code == 404


def test_the_admin_keeps_a_published_document_read_only_and_undeletable(
    client, personas, published
):
    client.force_login(personas["admin"])
    ready = published["A"]
    change = client.get(reverse("admin:reports_report_change", args=[ready.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:reports_report_delete", args=[ready.pk])).status_code == 403
    response = client.post(
        reverse("admin:reports_report_changelist"),
        {"action": "delete_selected", "_selected_action": [ready.pk], "post": "yes"},
    )
    assert response.status_code == 403  # the bulk action refuses it too
    assert Report.objects.filter(pk=ready.pk, status=ReportStatus.DONE).exists()


def test_the_organiser_admin_edits_the_document_elements(client, personas):
    client.force_login(personas["admin"])
    organiser = personas["organiser"]
    url = reverse("admin:units_organiser_change", args=[organiser.pk])
    page = client.get(url).content.decode()
    for field in ("document_code", "signer_title", "signer_name", "recipients"):
        assert f'name="{field}"' in page
    assert '<textarea name="signer_title"' in page  # one line per printed line
    response = client.post(
        url,
        {
            "code": organiser.code,
            "name": organiser.name,
            "issuing_body": "",
            "place_name": "",
            "document_code": "snv",
            "signer_title": "KT. GIÁM ĐỐC\r\nPHÓ GIÁM ĐỐC",
            "signer_name": "Trần Quang Huy",
            "recipients": "Bộ Nội vụ\r\nLưu: VT, CCHC",
        },
    )
    assert response.status_code == 200  # lower case: refused with the field's message
    assert "Ký hiệu văn bản gồm chữ in hoa và chữ số" in response.content.decode()
    response = client.post(
        url,
        {
            "code": organiser.code,
            "name": organiser.name,
            "issuing_body": "",
            "place_name": "",
            "document_code": "SNV",
            "signer_title": "KT. GIÁM ĐỐC\r\nPHÓ GIÁM ĐỐC",
            "signer_name": "Trần Quang Huy",
            "recipients": "Bộ Nội vụ\r\nLưu: VT, CCHC",
        },
    )
    assert response.status_code == 302
    organiser.refresh_from_db()
    assert organiser.document_code == "SNV"
    assert organiser.signer_title.splitlines() == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
