"""backup_period writes a whole period to one archive and restore_period brings it back into an
empty instance: every row with every field value (ids kept), every file byte for byte; a
damaged archive, an instance that already has the rows, or a failure half-way write nothing."""

import io
import json
import tarfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import boto3
import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from moto import mock_aws

from reports import backup
from reports.backup import MODELS, BackupRefused, period_querysets, period_restore
from reports.models import Report, ReportKind, ReportStatus
from scoring.models import (
    AssessmentPeriod,
    AuditAction,
    AuditEntry,
    DataFigure,
    DataSet,
    Evidence,
    ImprovementFile,
    Inspection,
    InspectionFinding,
    Notification,
    NotificationKind,
    Publication,
    PublishedUnitResult,
    RemediationPlan,
    RemediationTask,
    ScoreRedo,
    SurveyResult,
    TaskProgress,
)
from scoring.workflow import PeriodStatus
from tests.factories import (
    AssessmentFactory,
    BandFactory,
    IndexSetFactory,
    OrganiserFactory,
    PeriodFactory,
    RankingGroupFactory,
    RoleGrantFactory,
    ScoreFactory,
    UnitFactory,
    UnitKindFactory,
    UserFactory,
    small_tree,
)
from units.kinds import ensure_standard_kinds
from units.models import Organiser, Unit, UnitChange, UnitChangeKind, UnitKind, User
from units.roles import Role

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db(transaction=True)


def at(month, day, hour=9):
    return datetime(2026, month, day, hour, 30, tzinfo=HANOI)


def build_period():
    """A period with a row of every kind a period holds, and last year's period beside it, on
    an instance as `migrate` leaves it (the standard unit kinds, ids from 1)."""
    call_command("flush", interactive=False, verbosity=0)
    ensure_standard_kinds(UnitKind)
    organiser = OrganiserFactory(code="HOA-AN", name="Sở Nội vụ tỉnh Hòa An")
    kind = UnitKindFactory()
    group = RankingGroupFactory(organiser=organiser, code="so", name="Sở, ngành", kind=kind)
    old = UnitFactory(code="SO-CU", name="Sở cũ", kind=kind, organiser=organiser, active=False)
    unit = UnitFactory(code="SO-TP", name="Sở Tư pháp", kind=kind, organiser=organiser)
    unit.ranking_group = group
    unit.save()
    unit.predecessors.add(old)
    staff = RoleGrantFactory(role=Role.UNIT_STAFF, unit=unit, user__username="canbo.tp").user
    officer = RoleGrantFactory(
        role=Role.HOME_AFFAIRS, organiser=organiser, user__username="noivu"
    ).user
    appraiser_grant = RoleGrantFactory(
        role=Role.APPRAISER, organiser=organiser, area_codes="1", user__username="thamdinh"
    )
    appraiser_grant.scoped_units.add(unit)
    editors = Group.objects.create(name="Biên tập")
    officer.groups.add(editors)
    change = UnitChange.objects.create(
        organiser=organiser, kind=UnitChangeKind.MERGE, year=2025, created_by=officer
    )
    change.sources.add(old)
    change.results.add(unit)

    last_year = PeriodFactory(organiser=organiser, year=2025)
    last_set = IndexSetFactory(period=last_year, unit_kind=kind)
    period = PeriodFactory(organiser=organiser, year=2026, name="Chỉ số CCHC 2026")
    index_set = IndexSetFactory(period=period, unit_kind=kind, cloned_from=last_set)
    items = small_tree(index_set)
    BandFactory(index_set=index_set)
    assessment = AssessmentFactory(period=period, unit=unit, index_set=index_set)
    item = items["1.1.1"]
    appraiser = appraiser_grant.user
    ScoreFactory(
        assessment=assessment,
        item=item,
        self_points=Decimal("1"),
        self_note="Đạt",
        appraisal_points=Decimal("0.5"),
        appraised_by=appraiser,
        appraised_at=at(1, 10),
        explanation_text="Đã bổ sung",
        final_points=Decimal("1"),
        final_by=appraiser,
        final_at=at(2, 1),
    )
    ScoreFactory(assessment=assessment, item=items["1.1.2"], not_applicable=True)

    evidence = Evidence(assessment=assessment, uploaded_by=staff, original_name="ke-hoach.pdf")
    evidence.file.save("ke-hoach.pdf", ContentFile(b"%PDF-1.4 EVIDENCE-CONTENT"), save=False)
    evidence.save()
    evidence.items.add(item)
    SurveyResult.objects.create(assessment=assessment, item=item, respondents=10, points=1)
    data_set = DataSet.objects.create(
        period=period, source="Cục Thống kê", as_of=date(2026, 11, 30), uploaded_by=officer
    )
    DataFigure.objects.create(assessment=assessment, item=item, data_set=data_set, figure=3)
    ScoreRedo.objects.create(
        assessment=assessment,
        item=item,
        old_code="1.1.1",
        old_name="Cũ",
        stage="self",
        kind="removed",
        old_max=Decimal("2"),
    )
    Notification.objects.create(
        recipient=staff,
        kind=NotificationKind.choices[0][0],
        assessment=assessment,
        subject="Nhắc hạn tự đánh giá",
        body="Còn 3 ngày.",
    )
    publication = Publication.objects.create(
        period=period,
        version=1,
        published_at=at(3, 1),
        published_by=officer,
        tie_breaker="none",
        structure={"1": "Công tác chỉ đạo"},
    )
    PublishedUnitResult.objects.create(
        publication=publication,
        unit=unit,
        index_set=index_set,
        unit_code=unit.code,
        unit_name=unit.name,
        kind_code=kind.code,
        max_points=Decimal("3.12345678"),
        direct_points=1,
        survey_points=1,
        bonus_points=0,
        penalty_points=0,
        total_points=2,
        breakdown={"1": "2.0000"},
        position=1,
        rank=1,
        rank_of=1,
    )
    document = Report(
        kind=ReportKind.RANKING_PDF,
        period=period,
        publication=publication,
        status=ReportStatus.DONE,
        progress=100,
    )
    document.file.save("bao-cao-xep-hang-2026-v1.pdf", ContentFile(b"%PDF REPORT"), save=False)
    document.save()
    plan = RemediationPlan.objects.create(
        period=period,
        publication=publication,
        unit=unit,
        title="Kế hoạch khắc phục",
        created_by=officer,
    )
    inspection = Inspection.objects.create(
        period=period,
        title="Kiểm tra CCHC",
        visited_on=date(2026, 5, 4),
        team="Ông A",
        created_by=officer,
    )
    inspection.units.add(unit)
    finding = InspectionFinding.objects.create(inspection=inspection, unit=unit, text="Thiếu")
    finding.items.add(item)
    task = RemediationTask.objects.create(
        plan=plan,
        title="Bổ sung",
        owner_unit=unit,
        deadline=date(2026, 6, 30),
        measurable_target="100%",
        finding=finding,
    )
    task.items.add(item)
    progress = TaskProgress.objects.create(task=task, status="done", note="Xong", reported_by=staff)
    for owner in ({"progress": progress}, {"inspection": inspection}):
        improvement = ImprovementFile(
            original_name="anh.png",
            content_type="image/png",
            size=4,
            sha256="x" * 64,
            uploaded_by=staff,
            **owner,
        )
        improvement.file.save("anh.png", ContentFile(b"\x89PNG" + bytes(range(256))), save=False)
        improvement.save()
    for action, target in ((AuditAction.SELF_SCORE, assessment), (AuditAction.PUBLISH, period)):
        AuditEntry.objects.create(
            actor=staff,
            period=period,
            assessment=assessment if target is assessment else None,
            content_type=ContentType.objects.get_for_model(target),
            object_id=str(target.pk),
            object_repr=str(target),
            action=action,
            new_value="1",
        )
    # Without a period: an account's change (in), and last year's entry (out).
    for entry_period, target in ((None, officer), (last_year, last_year)):
        AuditEntry.objects.create(
            period=entry_period,
            content_type=ContentType.objects.get_for_model(target),
            object_id=str(target.pk),
            object_repr=str(target),
            action=AuditAction.ACCOUNT,
        )
    return period


# What the period holds, counted by hand: the collection must find every row.
EXPECTED_COUNTS = {
    "auth.group": 1,
    "units.user": 3,
    "units.unitkind": 1,
    "units.organiser": 1,
    "units.rankinggroup": 1,
    "units.unit": 2,
    "units.rolegrant": 3,
    "units.unitchange": 1,
    "scoring.assessmentperiod": 1,
    "scoring.indexset": 1,
    "scoring.indexitem": 4,
    "scoring.band": 1,
    "scoring.assessment": 1,
    "scoring.score": 2,
    "scoring.evidence": 1,
    "scoring.surveyresult": 1,
    "scoring.dataset": 1,
    "scoring.datafigure": 1,
    "scoring.scoreredo": 1,
    "scoring.notification": 1,
    "scoring.publication": 1,
    "scoring.publishedunitresult": 1,
    "scoring.remediationplan": 1,
    "scoring.inspection": 1,
    "scoring.inspectionfinding": 1,
    "scoring.remediationtask": 1,
    "scoring.taskprogress": 1,
    "scoring.improvementfile": 2,
    "reports.report": 1,
    "scoring.auditentry": 3,
}


def snapshot(querysets):
    """Every row of every model as serialized (ids, every field, many-to-many lists)."""
    return {
        model._meta.label_lower: serializers.serialize(
            "python", queryset.order_by("pk"), use_natural_foreign_keys=True
        )
        for model, queryset in querysets.items()
    }


def stored_files(period) -> dict[str, bytes]:
    names = [e.file.name for e in Evidence.objects.filter(assessment__period=period)]
    names += [r.file.name for r in Report.objects.filter(period=period)]
    names += [f.file.name for f in ImprovementFile.objects.all()]
    return {name: default_storage.open(name).read() for name in names}


def empty_instance(files):
    """What a fresh instance has after `migrate`: no rows but the standard unit kinds."""
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    ensure_standard_kinds(UnitKind)
    for name in files:
        default_storage.delete(name)


def everything():
    return {model: model._base_manager.all() for model in MODELS}


@pytest.fixture
def archived(tmp_path):
    period = build_period()
    expected = snapshot(period_querysets(period))
    files = stored_files(period)
    path = tmp_path / "hoa-an-2026.tar"
    out = io.StringIO()
    call_command("backup_period", organiser="HOA-AN", year=2026, output=str(path), stdout=out)
    return period, expected, files, path, out.getvalue()


def test_round_trip_restores_every_row_and_every_file(archived):
    _period, expected, files, path, output = archived
    assert "scoring.score: 2" in output and "units.user: 3" in output
    assert "Bỏ qua: scoring.indexset" in output  # last year's set it was copied from
    empty_instance(files)
    assert not Organiser.objects.exists()

    out = io.StringIO()
    call_command("restore_period", str(path), stdout=out)

    assert "Đã khôi phục kỳ đánh giá năm 2026 của HOA-AN." in out.getvalue()
    restored = snapshot(everything())
    kinds = {row["pk"] for row in expected["units.unitkind"]}
    restored["units.unitkind"] = [r for r in restored["units.unitkind"] if r["pk"] in kinds]
    (index_set,) = expected["scoring.indexset"]
    index_set["fields"]["cloned_from"] = None  # the 2025 set stays behind
    assert restored.keys() == expected.keys()
    for label, rows in expected.items():
        assert restored[label] == rows, label
    assert {label: len(rows) for label, rows in restored.items()} == EXPECTED_COUNTS
    assert {name: default_storage.open(name).read() for name in files} == files
    assert authenticate(HttpRequest(), username="noivu", password="secret-pass-123") is not None
    # Ids go on after the restored ones.
    assert UnitFactory(code="MOI", organiser=Organiser.objects.get()).pk > max(
        row["pk"] for row in expected["units.unit"]
    )


def test_manifest_counts_rows_and_checks_every_member(archived):
    _period, expected, files, path, _output = archived
    with tarfile.open(path) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        names = set(archive.getnames())
    assert manifest["format"] == 1 and manifest["organiser"] == "HOA-AN"
    assert manifest["counts"] == {label: len(rows) for label, rows in expected.items()}
    assert {f"files/{name}" for name in files} <= set(manifest["members"])
    assert names == set(manifest["members"]) | {"manifest.json"}


def test_dry_run_lists_and_writes_nothing(archived):
    _period, _expected, files, path, _output = archived
    empty_instance(files)
    out = io.StringIO()
    call_command("restore_period", str(path), dry_run=True, stdout=out)
    assert "Tệp sao lưu nguyên vẹn" in out.getvalue()
    assert "scoring.publication: 1" in out.getvalue()
    assert not Organiser.objects.exists() and not User.objects.exists()


def test_damaged_archive_is_refused_before_anything_is_written(archived):
    _period, _expected, files, path, _output = archived
    data = path.read_bytes()
    assert data.count(b"EVIDENCE-CONTENT") == 1
    path.write_bytes(data.replace(b"EVIDENCE-CONTENT", b"EVIDENCE-CONTENX"))
    empty_instance(files)
    with pytest.raises(CommandError, match="bị hỏng: files/evidence/2026/SO-TP/ke-hoach"):
        call_command("restore_period", str(path))
    assert not Organiser.objects.exists() and not User.objects.exists()
    assert not any(default_storage.exists(name) for name in files)


def test_truncated_archive_is_refused(archived, tmp_path):
    _period, _expected, files, path, _output = archived
    cut = tmp_path / "cut.tar"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    empty_instance(files)
    with pytest.raises(CommandError):
        call_command("restore_period", str(cut))
    assert not Organiser.objects.exists()


def test_instance_with_the_organiser_is_refused(archived):
    _period, _expected, _files, path, _output = archived
    before = snapshot(everything())
    with pytest.raises(
        CommandError, match="Cơ quan tổ chức đánh giá HOA-AN đã có trên hệ thống này"
    ):
        call_command("restore_period", str(path))
    assert snapshot(everything()) == before


def test_instance_with_a_conflicting_account_is_refused(archived):
    _period, _expected, files, path, _output = archived
    empty_instance(files)
    UserFactory(username="noivu")
    with pytest.raises(CommandError, match="đã có dữ liệu trùng với tệp sao lưu") as refused:
        call_command("restore_period", str(path))
    assert "noivu" in str(refused.value)
    assert not Organiser.objects.exists() and User.objects.count() == 1


def inject_failure():
    raise RuntimeError("disk full")


@pytest.mark.parametrize("where", ["after the rows", "at the second file"])
def test_failure_half_way_leaves_nothing(archived, monkeypatch, where):
    _period, _expected, files, path, _output = archived
    empty_instance(files)
    after_rows = None
    if where == "after the rows":
        after_rows = inject_failure
    else:
        storage_class = type(storages["default"])
        save = storage_class.save
        calls = []

        def failing_save(storage, name, content, **kwargs):
            calls.append(name)
            if len(calls) == 2:
                inject_failure()
            return save(storage, name, content, **kwargs)

        monkeypatch.setattr(storage_class, "save", failing_save)
    with pytest.raises(RuntimeError, match="disk full"):
        period_restore(path=path, after_rows=after_rows)
    assert not Organiser.objects.exists() and not User.objects.exists()
    assert not Unit.objects.exists() and not AuditEntry.objects.exists()
    assert not any(default_storage.exists(name) for name in files)


def test_backup_refuses_an_unknown_period(tmp_path):
    OrganiserFactory(code="HOA-AN")
    with pytest.raises(CommandError, match="2031"):
        call_command("backup_period", year=2031, output=str(tmp_path / "x.tar"))
    assert not Path(tmp_path / "x.tar").exists()


def test_archive_from_another_format_is_refused(archived, tmp_path):
    _period, _expected, files, path, _output = archived
    other = tmp_path / "other.tar"
    with tarfile.open(path) as source, tarfile.open(other, "w") as target:
        for info in source:
            data = source.extractfile(info).read()
            if info.name == "manifest.json":
                manifest = json.loads(data)
                manifest["format"] = 99
                data = json.dumps(manifest).encode()
                info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    empty_instance(files)
    with pytest.raises(BackupRefused, match="định dạng 99"):
        backup.restore_plan(other)


def test_a_file_already_in_storage_is_refused_before_rows_are_written(archived):
    _period, _expected, files, path, _output = archived
    empty_instance(files)
    name = next(iter(files))
    default_storage.save(name, ContentFile(b"someone else's"))
    with pytest.raises(CommandError, match="đã có dữ liệu trùng với tệp sao lưu") as refused:
        call_command("restore_period", str(path))
    assert name in str(refused.value)
    assert not Organiser.objects.exists()
    assert default_storage.open(name).read() == b"someone else's"


def test_a_file_missing_at_backup_is_told_and_the_rest_restores(tmp_path):
    period = build_period()
    evidence = Evidence.objects.get()
    default_storage.delete(evidence.file.name)
    files = stored_files_present(period)
    path = tmp_path / "gap.tar"
    out = io.StringIO()
    call_command("backup_period", organiser="HOA-AN", year=2026, output=str(path), stdout=out)
    assert evidence.file.name in out.getvalue()
    empty_instance(files)
    call_command("restore_period", str(path), stdout=io.StringIO())
    assert Evidence.objects.get().file.name == evidence.file.name
    assert {name: default_storage.open(name).read() for name in files} == files


def stored_files_present(period) -> dict[str, bytes]:
    names = [e.file.name for e in Evidence.objects.filter(assessment__period=period)]
    names += [r.file.name for r in Report.objects.filter(period=period)]
    names += [f.file.name for f in ImprovementFile.objects.all()]
    return {
        name: default_storage.open(name).read() for name in names if default_storage.exists(name)
    }


def test_an_archive_that_cannot_be_written_leaves_no_partial_file(tmp_path):
    build_period()
    with pytest.raises(CommandError):
        call_command(
            "backup_period", year=2026, organiser="HOA-AN", output=str(tmp_path / "no" / "x.tar")
        )
    assert not list(tmp_path.rglob("*.partial"))


@pytest.fixture
def s3(settings, monkeypatch):
    """The default storage on S3 (moto's in-process fake): files go only through the storage
    API, never a local path."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="parindex-media")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {"bucket_name": "parindex-media", "file_overwrite": False},
            },
        }
        yield


def test_round_trip_through_s3(s3, tmp_path):
    assert type(storages["default"]).__name__ == "S3Storage"
    period = build_period()
    expected = snapshot(period_querysets(period))
    files = stored_files(period)
    path = tmp_path / "s3.tar"
    call_command(
        "backup_period", organiser="HOA-AN", year=2026, output=str(path), stdout=io.StringIO()
    )
    empty_instance(files)
    assert not any(default_storage.exists(name) for name in files)
    call_command("restore_period", str(path), stdout=io.StringIO())
    assert {name: default_storage.open(name).read() for name in files} == files
    expected["scoring.indexset"][0]["fields"]["cloned_from"] = None  # last year's stays behind
    restored = Organiser.objects.get().periods.get(year=2026)
    assert snapshot(period_querysets(restored)) == expected


def test_restore_leaves_no_stale_public_page_and_notifies_no_one(tmp_path, client, mailoutbox):
    """Rows go in without post_save: the public pages are still told, once, and the restored
    notifications and plans send nothing."""
    period = build_period()
    AssessmentPeriod.objects.filter(pk=period.pk).update(status=PeriodStatus.PUBLISHED)
    files = stored_files(period)
    path = tmp_path / "hoa-an-2026.tar"
    call_command(
        "backup_period", organiser="HOA-AN", year=2026, output=str(path), stdout=io.StringIO()
    )
    empty_instance(files)
    before = client.get("/ket-qua/")
    assert before["X-Public-Cache"] == "miss" and period.name not in before.content.decode()
    assert client.get("/ket-qua/")["X-Public-Cache"] == "hit"

    period_restore(path=path)

    after = client.get("/ket-qua/")
    assert after["X-Public-Cache"] == "miss" and period.name in after.content.decode()
    assert mailoutbox == []
