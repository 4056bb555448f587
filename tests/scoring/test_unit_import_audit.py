"""The admin's units file import (Nhập từ tệp) is on the audit trail like a unit renamed on the
set-up pages: each unit created and each field a row changes is one entry, by the uploader,
once confirmed. The preview writes nothing."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring.models import AuditAction, AuditEntry
from tests.helpers import csv_text
from units.models import ImportJob, ImportJobStatus, RankingGroup, Unit

pytestmark = pytest.mark.django_db


def _upload(client, url, rows, callbacks):
    with callbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile("units.csv", csv_text(rows))})
    return ImportJob.objects.get(), response["Location"]


def test_an_admin_units_import_audits_the_unit_renamed_and_the_unit_created(
    client, personas, django_capture_on_commit_callbacks
):
    admin, unit_a, kind = personas["admin"], personas["unit_a"], personas["kind"]
    client.force_login(admin)
    rows = [
        ["code", "name", "kind", "parent", "group", "organiser"],
        ["A", "Sở Tư pháp tỉnh Hòa An", kind.code, "", "", "org-main"],
        ["C", "Sở Xây dựng", kind.code, "", "", "org-main"],
    ]
    job, page = _upload(
        client, reverse("admin:units_unit_import_file"), rows, django_capture_on_commit_callbacks
    )
    assert job.status == ImportJobStatus.READY, job.problems
    assert not AuditEntry.objects.exists()  # the preview, rolled back, wrote no entry

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"action": "confirm"})
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE, job.problems
    new = Unit.objects.get(code="C")
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Unit))
    assert sorted(
        (e.action, e.object_id, e.field, e.old_value, e.new_value) for e in entries
    ) == sorted(
        [
            (AuditAction.UPDATE, str(unit_a.pk), "name", "Sở Tư pháp", "Sở Tư pháp tỉnh Hòa An"),
            (AuditAction.CREATE, str(new.pk), "", "", ""),
        ]
    )
    assert {e.actor for e in entries} == {admin}
    # The Vietnamese once the lead's locale has the msgid.
    assert {e.reason for e in entries} <= {
        "Nhập từ tệp trong trang quản trị",
        "Imported from a file in the administration",
    }
    assert AuditEntry.objects.count() == 2


def test_an_admin_ranking_groups_import_audits_the_group_created(
    client, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["admin"])
    rows = [["code", "name", "organiser"], ["huyen", "Cấp huyện", "org-main"]]
    job, page = _upload(
        client,
        reverse("admin:units_rankinggroup_import_file"),
        rows,
        django_capture_on_commit_callbacks,
    )
    assert job.status == ImportJobStatus.READY, job.problems
    assert not AuditEntry.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"action": "confirm"})
    group = RankingGroup.objects.get(code="huyen")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.actor) == (
        AuditAction.CREATE,
        str(group.pk),
        personas["admin"],
    )
