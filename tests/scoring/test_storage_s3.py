"""Evidence and reports on an S3-compatible bucket (STORAGE_BACKEND=s3) against a real server on
this machine: what is uploaded lands in the bucket, private; the views stream it back byte for
byte after their permission check; a deleted evidence takes its object with it; a refused file
or a failed save leaves nothing behind; a report is built into the bucket and downloaded."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Report, ReportKind, ReportStatus
from scoring.models import Evidence
from scoring.services import evidence as evidence_services
from tests.helpers import pdf_bytes

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
PDF = pdf_bytes("S3")  # a PDF that opens: uploads are checked as what they claim
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def pdf_upload(name="ke-hoach.pdf", content=PDF):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def evidence_add(client, s, upload):
    return client.post(
        reverse("scoring:evidence_add", args=[s["assessment_a"].pk]),
        {"items": [s["items"]["1.1.1"].pk], "file": upload, "description": "Kế hoạch"},
        **JSON,
    )


def test_the_settings_choose_the_s3_backend_private_and_never_public(s3_bucket):
    options = default_storage.__class__.__module__, default_storage.default_acl
    assert options == ("storages.backends.s3", "private")
    assert default_storage.querystring_auth and default_storage.querystring_expire <= 300
    assert default_storage.bucket_name == s3_bucket.name


def test_an_uploaded_evidence_is_stored_in_the_bucket_and_served_byte_equal(
    client, self_assessment_setup, s3_bucket
):
    s = self_assessment_setup
    client.force_login(s["staff_a"])
    assert evidence_add(client, s, pdf_upload()).status_code == 200
    evidence = Evidence.objects.get()
    assert s3_bucket.keys() == [evidence.file.name]
    assert s3_bucket.read(evidence.file.name) == PDF
    # Private: nobody but the bucket's owner is granted anything.
    assert not [g for g in s3_bucket.acl_grants(evidence.file.name) if ALL_USERS in str(g)]

    file_url = reverse("scoring:evidence_file", args=[evidence.pk])
    served = client.get(file_url)
    assert served.status_code == 200, served
    assert b"".join(served.streaming_content) == PDF
    assert served["Content-Type"] == "application/pdf"
    assert s3_bucket.name not in served.get("Location", "")  # streamed, not sent to the bucket
    client.force_login(s["staff_b"])
    assert client.get(file_url).status_code == 404


def test_the_same_name_uploaded_twice_keeps_both_files(client, self_assessment_setup, s3_bucket):
    s = self_assessment_setup
    client.force_login(s["staff_a"])
    evidence_add(client, s, pdf_upload("bao-cao.pdf", PDF))
    evidence_add(client, s, pdf_upload("bao-cao.pdf", pdf_bytes("S3, second")))
    first, second = Evidence.objects.order_by("pk")
    assert first.file.name != second.file.name
    assert s3_bucket.read(first.file.name) == PDF
    assert s3_bucket.read(second.file.name) == pdf_bytes("S3, second")


def test_deleting_an_evidence_removes_its_object(
    client, self_assessment_setup, s3_bucket, django_capture_on_commit_callbacks
):
    s = self_assessment_setup
    client.force_login(s["staff_a"])
    evidence_add(client, s, pdf_upload())
    evidence = Evidence.objects.get()
    assert s3_bucket.keys() == [evidence.file.name]
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        response = client.post(
            reverse("scoring:evidence_delete", args=[s["assessment_a"].pk, evidence.pk]), **JSON
        )
    assert response.status_code == 200
    assert not Evidence.objects.exists()
    assert s3_bucket.keys() == []
    served = client.get(reverse("scoring:evidence_file", args=[evidence.pk]))
    assert served.status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [("virus.exe", b"MZ\x90\x00"), ("fake.pdf", b"<html><script>"), ("empty.pdf", b"")],
)
def test_a_refused_file_leaves_nothing_in_the_bucket(
    client, self_assessment_setup, s3_bucket, name, content
):
    s = self_assessment_setup
    client.force_login(s["staff_a"])
    response = evidence_add(client, s, pdf_upload(name, content))
    assert response.status_code == 400 and name in response.json()["message"]
    assert not Evidence.objects.exists()
    assert s3_bucket.keys() == []


def test_a_row_that_cannot_be_saved_takes_its_object_back(
    self_assessment_setup, s3_bucket, monkeypatch
):
    s = self_assessment_setup

    def failing_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Evidence, "save", failing_save)
    with pytest.raises(RuntimeError):
        evidence_services.evidence_upload(
            assessment=s["assessment_a"],
            by=s["staff_a"],
            upload=SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf"),
            items=[s["items"]["1.1.1"]],
        )
    assert s3_bucket.keys() == []


def test_a_report_is_built_into_the_bucket_and_downloaded(
    client, personas, period_with_scores, s3_bucket, django_capture_on_commit_callbacks
):
    period = period_with_scores
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:period", args=[period.pk]), {"kind": ReportKind.RANKING_PDF}
        )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == ReportStatus.DONE, report.error
    assert s3_bucket.keys() == [report.file.name]
    stored = s3_bucket.read(report.file.name)
    assert stored.startswith(b"%PDF")
    status = client.get(reverse("reports:status", args=[report.pk])).json()
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored
    client.force_login(personas["staff_a"])
    assert client.get(status["download_url"]).status_code in {403, 404}
