"""The self-assessment upload as a background job: the web process only stores the file, a
worker (eager here) reads it into a preview with nothing written, the uploader confirms and it
is applied in one transaction through self_score_save (audit unchanged)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from scoring.entries import SelfEntry
from scoring.models import AuditEntry, Score
from scoring.services import self_assessment_workbook as wb
from scoring.services.self_assessment import self_score_save
from scoring.workflow import PeriodStatus
from tests.factories import AssessmentFactory, RoleGrantFactory, small_tree
from tests.helpers import xlsx
from units.models import ImportJob, ImportJobStatus
from units.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas):
    assessment = AssessmentFactory(
        unit=personas["unit_a"],
        period__organiser=personas["organiser"],
        period__status=PeriodStatus.SELF_ASSESSMENT,
    )
    small_tree(assessment.index_set)
    return {**personas, "assessment": assessment}


def _workbook(rows) -> bytes:
    """The self-assessment sheet with only the columns read back."""
    header = [_(name) for name in (*wb.READ_COLUMNS, wb.VERSION)]
    return xlsx({_(wb.SHEET_TITLE): [header, *rows]})


GOOD = [["1.1.1", 1, None, None, None, None, None], ["1.1.2", "1,5", None, None, None, None, None]]


def _upload(client, user, assessment, data, callbacks, name="tu-danh-gia.xlsx"):
    client.force_login(user)
    url = reverse("scoring:self_assessment_import", args=[assessment.pk])
    with callbacks(execute=True):
        return client.post(url, {"file": SimpleUploadedFile(name, data)})


def _points(assessment):
    return sorted(
        Score.objects.filter(assessment=assessment).values_list("item__code", "self_points")
    )


def test_upload_is_read_into_a_preview_and_applied_only_once_confirmed(
    client, setting, django_capture_on_commit_callbacks
):
    assessment, staff = setting["assessment"], setting["staff_a"]
    audit_before = AuditEntry.objects.count()
    response = _upload(
        client, staff, assessment, _workbook(GOOD), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:import_job", args=[job.pk])
    assert job.status == ImportJobStatus.READY
    assert (job.owner, job.unit, job.organiser) == (staff, setting["unit_a"], setting["organiser"])
    assert _points(assessment) == []  # the preview wrote nothing
    assert AuditEntry.objects.count() == audit_before

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 mục" in text and "1.1.1" in text and "1.1.2" in text
    assert 'http-equiv="refresh"' not in text  # nothing to wait for
    assert 'value="confirm"' in text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"action": "confirm"})
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert _points(assessment) == [("1.1.1", Decimal("1")), ("1.1.2", Decimal("1.5"))]
    assert AuditEntry.objects.count() == audit_before + 2  # one per item, as from the form
    # Confirming twice does not import twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"action": "confirm"})
    assert AuditEntry.objects.count() == audit_before + 2


def test_a_queued_job_page_refreshes_itself_without_inline_script(client, setting):
    assessment, staff = setting["assessment"], setting["staff_a"]
    client.force_login(staff)
    client.post(  # on-commit callbacks not run: the job waits, queued
        reverse("scoring:self_assessment_import", args=[assessment.pk]),
        {"file": SimpleUploadedFile("f.xlsx", _workbook(GOOD))},
    )
    job = ImportJob.objects.get()
    text = client.get(reverse("scoring:import_job", args=[job.pk])).content.decode()
    assert job.status == ImportJobStatus.QUEUED
    assert '<meta http-equiv="refresh" content="2">' in text
    assert _("Queued") in text
    assert "<script>" not in text


def test_a_bad_file_fails_with_every_problem_and_writes_nothing(
    client, setting, django_capture_on_commit_callbacks
):
    assessment, staff = setting["assessment"], setting["staff_a"]
    rows = [
        ["1.1.1", "0.5%", None, None, None, None, None],
        ["9.9", 1, None, None, None, None, None],
    ]
    response = _upload(
        client, staff, assessment, _workbook(rows), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert len(job.problems) == 2
    text = client.get(response["Location"]).content.decode()
    assert "0.5%" in text and "9.9" in text
    assert 'value="confirm"' not in text
    assert _points(assessment) == []


def test_a_50000_row_workbook_fails_on_its_row_limit_not_a_timeout(
    client, setting, django_capture_on_commit_callbacks
):
    assessment, staff = setting["assessment"], setting["staff_a"]
    rows = [["1.1.1", 1, None, None, None, None, None]] * 50_000
    response = _upload(
        client, staff, assessment, _workbook(rows), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert "5000" in job.problems[0] or "5.000" in job.problems[0]


def test_a_change_on_the_portal_after_the_preview_is_caught_when_applied(
    client, setting, django_capture_on_commit_callbacks
):
    assessment, staff = setting["assessment"], setting["staff_a"]
    rows = [["1.1.1", 1, None, None, None, None, 0]]  # downloaded before any entry
    response = _upload(
        client, staff, assessment, _workbook(rows), django_capture_on_commit_callbacks
    )
    colleague = RoleGrantFactory(role=Role.UNIT_STAFF, unit=setting["unit_a"]).user
    item = assessment.index_set.items.get(code="1.1.1")
    self_score_save(
        assessment=assessment,
        item=item,
        entry=SelfEntry(points=Decimal("0")),
        expected_version=0,
        by=colleague,
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"action": "confirm"})
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert _points(assessment) == [("1.1.1", Decimal("0"))]


@pytest.mark.parametrize(
    ("persona", "get", "confirm"),
    [
        ("staff_a", 200, "applied"),
        ("home_affairs", 200, "refused"),  # may look, not confirm
        ("staff_b", 404, 404),
        ("appraiser", 404, 404),
        ("chair", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_only_the_uploader_and_home_affairs_see_a_job(
    client, setting, django_capture_on_commit_callbacks, persona, get, confirm
):
    assessment = setting["assessment"]
    response = _upload(
        client, setting["staff_a"], assessment, _workbook(GOOD), django_capture_on_commit_callbacks
    )
    url = response["Location"]
    client.logout()
    if persona != "anonymous":
        client.force_login(setting[persona])
    assert client.get(url).status_code == get
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"action": "confirm"})
    job = ImportJob.objects.get()
    if confirm == "applied":
        assert job.status == ImportJobStatus.DONE
    elif confirm == "refused":
        assert answer.status_code == 302
        assert job.status == ImportJobStatus.READY
        assert _points(assessment) == []
    else:
        assert answer.status_code == confirm
        assert job.status == ImportJobStatus.READY


def test_a_file_that_changes_nothing_offers_no_confirmation(
    client, setting, django_capture_on_commit_callbacks
):
    assessment, staff = setting["assessment"], setting["staff_a"]
    first = _upload(client, staff, assessment, _workbook(GOOD), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(first["Location"], {"action": "confirm"})
    stored, audit_before = _points(assessment), AuditEntry.objects.count()

    again = _upload(client, staff, assessment, _workbook(GOOD), django_capture_on_commit_callbacks)
    text = client.get(again["Location"]).content.decode()
    assert "Tệp không thay đổi gì" in text
    assert 'value="confirm"' not in text
    job = ImportJob.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(again["Location"], {"action": "confirm"}, follow=True)
    assert "không thay đổi gì" in refused.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.READY
    assert (_points(assessment), AuditEntry.objects.count()) == (stored, audit_before)
