"""The admin's units and ranking-group imports as background jobs: the upload is stored, a
worker (eager here) reads it into a preview with nothing written, the admin confirms."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.helpers import csv_text
from units.models import ImportJob, ImportJobStatus, RankingGroup, Unit

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "kind", "parent", "group"]
ROWS = [
    HEADER,
    ["H01", "UBND huyện An Phú", "district", "", "huyen"],
    ["X01", "Xã An Bình", "xã", "H01", "xa"],
]


def _post(client, url, data, callbacks, name="units.csv"):
    with callbacks(execute=True):
        return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_units_file_is_previewed_then_imported_once_confirmed(
    admin_client, django_capture_on_commit_callbacks
):
    response = _post(
        admin_client,
        reverse("admin:units_unit_import_file"),
        csv_text(ROWS),
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("scoring:import_job", args=[job.pk])
    assert job.status == ImportJobStatus.READY
    assert "2" in job.summary
    assert not Unit.objects.exists()  # the preview was rolled back

    page = admin_client.get(response["Location"]).content.decode()
    assert 'value="confirm"' in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(response["Location"], {"action": "confirm"})
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert sorted(Unit.objects.values_list("code", flat=True)) == ["H01", "X01"]


def test_a_bad_units_file_fails_with_its_rows_and_imports_nothing(
    admin_client, django_capture_on_commit_callbacks
):
    bad = [*ROWS, ["X02", "", "xã", "H01", "xa"]]
    response = _post(
        admin_client,
        reverse("admin:units_unit_import_file"),
        csv_text(bad),
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert any("4" in problem for problem in job.problems)
    assert (
        "Chưa có dữ liệu nào được cập nhật"
        in admin_client.get(response["Location"]).content.decode()
    )
    assert not Unit.objects.exists()


def test_a_units_file_over_the_row_limit_fails_in_the_job_not_the_web_worker(
    admin_client, django_capture_on_commit_callbacks, settings
):
    settings.PARINDEX_IMPORT_UNITS_MAX_ROWS = 50
    rows = [HEADER] + [[f"S{i:03d}", f"Sở {i}", "department", "", ""] for i in range(100)]
    _post(
        admin_client,
        reverse("admin:units_unit_import_file"),
        csv_text(rows),
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert "50" in job.problems[0]
    assert not Unit.objects.exists()


def test_ranking_groups_file_goes_through_a_job_too(
    admin_client, django_capture_on_commit_callbacks
):
    response = _post(
        admin_client,
        reverse("admin:units_rankinggroup_import_file"),
        csv_text([["code", "name"], ["xa", "Xã"]]),
        django_capture_on_commit_callbacks,
        name="groups.csv",
    )
    assert not RankingGroup.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(response["Location"], {"action": "confirm"})
    assert ImportJob.objects.get().status == ImportJobStatus.DONE
    assert RankingGroup.objects.filter(code="xa").exists()


def test_another_admin_cannot_see_the_job(
    admin_client, django_capture_on_commit_callbacks, client, django_user_model
):
    response = _post(
        admin_client,
        reverse("admin:units_unit_import_file"),
        csv_text(ROWS),
        django_capture_on_commit_callbacks,
    )
    other = django_user_model.objects.create_user("other", is_staff=True, is_superuser=True)
    client.force_login(other)
    assert client.get(response["Location"]).status_code == 404
    assert client.post(response["Location"], {"action": "confirm"}).status_code == 404
    assert not Unit.objects.exists()


def test_a_long_preview_says_how_many_lines_it_holds(client, personas, monkeypatch):
    """The job keeps the first MAX_PREVIEW_LINES lines; the page says how many there are."""
    from units import import_jobs

    kind = "test_long_preview"
    lines = [f"Dòng {n}: thay đổi" for n in range(1, 1201)]
    monkeypatch.setitem(
        import_jobs.IMPORT_KINDS,
        kind,
        import_jobs.ImportKind(
            run=lambda job, data: import_jobs.ImportOutcome(summary="1 200 dòng", changes=lines),
            done_url=lambda job: "/",
        ),
    )
    owner = personas["home_affairs"]
    job = import_jobs.import_job_create(
        kind=kind, owner=owner, data=b"x", filename="dai.csv", params={}
    )
    import_jobs.import_job_run(job_id=job.pk, step="preview")
    client.force_login(owner)
    text = client.get(reverse("scoring:import_job", args=[job.pk])).content.decode()
    assert text.count("<li>Dòng ") == import_jobs.MAX_PREVIEW_LINES
    assert "Hiển thị 500 dòng đầu trong số 1200 dòng" in text
    assert 'value="confirm"' in text
