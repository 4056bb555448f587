"""Recording inspections: the visit, its documents, the findings by unit and a finding made a
task — each change audited, every bad input refused with nothing written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from scoring.models import (
    AuditAction,
    AuditEntry,
    ImprovementFile,
    Inspection,
    InspectionFinding,
    PlanStatus,
    RemediationTask,
)
from scoring.services.inspections import (
    FindingInput,
    TaskInput,
    finding_task_plans,
    finding_to_task,
    finding_update,
    inspection_create,
    inspection_update,
)
from tests.factories import OrganiserFactory, UnitFactory
from tests.helpers import pdf_bytes

from .inspection_helpers import pdf, plan, record_finding, record_inspection, visit


@pytest.fixture
def y(improvement_year, personas):
    return {**improvement_year, **personas}


def _audit(**filters):
    return list(
        AuditEntry.objects.filter(action=AuditAction.INSPECTION, **filters).values_list(
            "field", "old_value", "new_value"
        )
    )


def test_a_visit_is_recorded_with_its_documents_and_audited(y):
    units = [y["units"]["A"], y["units"]["C"]]
    inspection = inspection_create(
        period=y["period"],
        by=y["home_affairs"],
        data=visit(*units, team="  Nguyễn Văn An \n\n Lê Thị Bình  "),
        files=[pdf(), pdf("ban-sao.pdf"), pdf("khac.pdf", pdf_bytes("khac"))],
    )
    assert inspection.team == "Nguyễn Văn An\nLê Thị Bình"
    assert set(inspection.units.values_list("code", flat=True)) == {"A", "C"}
    # The same file twice is stored once.
    assert sorted(inspection.files.values_list("original_name", flat=True)) == [
        "bien-ban.pdf",
        "khac.pdf",
    ]
    upload = inspection.files.get(original_name="bien-ban.pdf")
    assert len(upload.sha256) == 64 and upload.content_type == "application/pdf"
    assert upload.uploaded_by == y["home_affairs"]
    assert _audit() == [
        ("created", "", "Kiểm tra công tác CCHC"),
        ("units", "", "A, C"),
        ("file", "", "bien-ban.pdf"),
        ("file", "", "khac.pdf"),
    ]
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.INSPECTION, period=y["period"], actor=y["home_affairs"]
        ).count()
        == 4
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "  "}, "title", "không được để trống"),
        ({"title": "Kiểm tra\x00"}, "title", "ký tự không được phép"),
        ({"team": "An\x00"}, "team", "ký tự không được phép"),
        ({"team": ""}, "team", "không được để trống"),
        ({"visited_on": None}, "visited_on", "dd/mm/yyyy"),
        ({"units": []}, "units", "ít nhất một đơn vị"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(y, change, field, message):
    data = visit(y["units"]["A"])
    data = type(data)(**{**data.__dict__, **change})
    with pytest.raises(ValidationError) as refused:
        inspection_create(period=y["period"], by=y["home_affairs"], data=data)
    assert message in " ".join(refused.value.message_dict[field])
    assert (
        not Inspection.objects.exists()
        and not AuditEntry.objects.filter(action=AuditAction.INSPECTION).exists()
    )


def test_a_future_visit_is_refused(y):
    data = visit(y["units"]["A"], day=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="tương lai"):
        inspection_create(period=y["period"], by=y["home_affairs"], data=data)


def test_units_of_another_organiser_are_refused(y):
    other = UnitFactory(code="X1", name="Sở Y tế tỉnh khác", organiser=OrganiserFactory())
    with pytest.raises(ValidationError) as refused:
        inspection_create(
            period=y["period"], by=y["home_affairs"], data=visit(y["units"]["A"], other)
        )
    assert "thuộc cơ quan tổ chức khác" in " ".join(refused.value.message_dict["units"])
    assert not Inspection.objects.exists()


def test_a_unit_that_no_longer_exists_is_refused(y):
    gone = UnitFactory(code="OLD", organiser=y["organiser"], kind=y["kind"], valid_to_year=2024)
    with pytest.raises(ValidationError, match="không tồn tại trong năm 2025"):
        inspection_create(period=y["period"], by=y["home_affairs"], data=visit(gone))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("bien-ban.exe", b"MZ\x90\x00"), "không thuộc loại tệp được chấp nhận"),
        (SimpleUploadedFile("bien-ban.pdf", b"<html><script>"), "không đúng định dạng .pdf"),
        (SimpleUploadedFile("rong.pdf", b""), "không có dữ liệu"),
    ],
)
def test_bad_files_refuse_the_whole_visit(y, upload, message):
    with pytest.raises(ValidationError) as refused:
        inspection_create(
            period=y["period"],
            by=y["home_affairs"],
            data=visit(y["units"]["A"]),
            files=[pdf(), upload],
        )
    assert message in " ".join(refused.value.message_dict["files"])
    assert not Inspection.objects.exists() and not ImprovementFile.objects.exists()


@pytest.mark.parametrize("who", ["chair", "appraiser", "admin", "staff_a"])
def test_only_home_affairs_records(y, who):
    with pytest.raises(ValidationError, match="Chỉ Sở Nội vụ"):
        inspection_create(period=y["period"], by=y[who], data=visit(y["units"]["A"]))
    assert not Inspection.objects.exists()


def test_an_update_audits_each_field_old_to_new(y):
    inspection = record_inspection(y, y["home_affairs"], "A", "B")
    AuditEntry_count = AuditEntry.objects.count()
    data = visit(y["units"]["A"], y["units"]["C"], title="Kiểm tra CCHC đợt 1")
    changed = inspection_update(
        inspection=inspection, by=y["home_affairs"], data=data, files=[pdf()]
    )
    assert changed == ["title", "units", "files"]
    new = AuditEntry.objects.order_by("pk")[AuditEntry_count:]
    assert [(e.field, e.old_value, e.new_value) for e in new] == [
        ("title", "Kiểm tra công tác CCHC", "Kiểm tra CCHC đợt 1"),
        ("units", "A, B", "A, C"),
        ("file", "", "bien-ban.pdf"),
    ]
    # Saving the same again changes nothing and writes nothing.
    before = AuditEntry.objects.count()
    assert inspection_update(inspection=inspection, by=y["home_affairs"], data=data) == []
    assert AuditEntry.objects.count() == before


def test_a_unit_with_findings_stays_among_the_units_visited(y):
    inspection = record_inspection(y, y["home_affairs"], "A", "B")
    record_finding(inspection, y["home_affairs"], y["units"]["B"])
    with pytest.raises(ValidationError, match="Sở Y tế đã có phát hiện"):
        inspection_update(inspection=inspection, by=y["home_affairs"], data=visit(y["units"]["A"]))
    assert set(inspection.units.values_list("code", flat=True)) == {"A", "B"}


# ---------------------------------------------------------------- findings


def test_a_finding_links_items_of_the_period_by_code_and_is_audited(y):
    inspection = record_inspection(y, y["home_affairs"], "A", "B")
    finding = record_finding(
        inspection, y["home_affairs"], y["units"]["B"], codes="2.1.1; 1.1.2", remedy="Rà soát"
    )
    assert [item.pk for item in finding.items.order_by("code")] == [
        y["items"]["1.1.2"].pk,
        y["items"]["2.1.1"].pk,
    ]
    assert _audit(object_id=str(finding.pk), content_type__model="inspectionfinding") == [
        ("created", "", "Chưa công khai đủ TTHC"),
        ("unit", "", "B"),
        ("remedy", "", "Rà soát"),
        ("items", "", "1.1.2, 2.1.1"),
    ]


@pytest.mark.parametrize(
    ("codes", "message"),
    [("9.9.9", "9.9.9"), ("1.1", "1.1"), ("1.1.2, 7", "7:")],
)
def test_unknown_codes_and_parents_are_refused(y, codes, message):
    inspection = record_inspection(y, y["home_affairs"], "A")
    with pytest.raises(ValidationError) as refused:
        record_finding(inspection, y["home_affairs"], y["units"]["A"], codes=codes)
    assert message in refused.value.message_dict["item_codes"][0]
    assert not InspectionFinding.objects.exists()


def test_items_of_another_period_never_link(y):
    """The 2026 set has the same codes; a 2025 inspection links the 2025 items only."""
    inspection = record_inspection(y, y["home_affairs"], "A")
    finding = record_finding(inspection, y["home_affairs"], y["units"]["A"], codes="1.1.2")
    assert list(finding.items.all()) == [y["items"]["1.1.2"]]
    assert finding.items.get().index_set.period == y["period"]


def test_a_finding_is_about_a_unit_visited(y):
    inspection = record_inspection(y, y["home_affairs"], "A")
    with pytest.raises(ValidationError, match="một trong các đơn vị"):
        record_finding(inspection, y["home_affairs"], y["units"]["B"])
    assert not InspectionFinding.objects.exists()


def test_a_finding_stays_editable_and_each_change_is_audited(y):
    inspection = record_inspection(y, y["home_affairs"], "A", "B")
    finding = record_finding(inspection, y["home_affairs"], y["units"]["A"], codes="1.1.2")
    before = AuditEntry.objects.count()
    changed = finding_update(
        finding=finding,
        by=y["home_affairs"],
        data=FindingInput(
            unit=y["units"]["A"], text="Chưa công khai 3 TTHC", remedy="", item_codes="2.1.1"
        ),
    )
    assert changed == ["text", "items"]
    new = AuditEntry.objects.order_by("pk")[before:]
    assert [(e.action, e.field, e.old_value, e.new_value) for e in new] == [
        (AuditAction.INSPECTION, "text", "Chưa công khai đủ TTHC", "Chưa công khai 3 TTHC"),
        (AuditAction.INSPECTION, "items", "1.1.2", "2.1.1"),
    ]
    with pytest.raises(ValidationError, match="ký tự không được phép"):
        finding_update(
            finding=finding,
            by=y["home_affairs"],
            data=FindingInput(unit=y["units"]["A"], text="x\x00y"),
        )
    finding.refresh_from_db()
    assert finding.text == "Chưa công khai 3 TTHC"


# ---------------------------------------------------------------- a finding becomes a task


def test_a_finding_becomes_a_task_of_a_draft_plan(y):
    inspection = record_inspection(y, y["home_affairs"], "B")
    finding = record_finding(inspection, y["home_affairs"], y["units"]["B"], codes="1.1.2, 2.1.1")
    province = plan(y, y["home_affairs"])
    own = plan(y, y["staff_b"], unit=y["units"]["B"], title="Kế hoạch của Sở Y tế")
    plan(y, y["staff_a"], unit=y["units"]["A"], title="Kế hoạch của Sở Tư pháp")
    assert list(finding_task_plans(finding)) == [province, own]

    deadline = date(2027, 6, 30)
    task = finding_to_task(
        finding=finding,
        by=y["home_affairs"],
        data=TaskInput(
            plan=own,
            title="Công khai đầy đủ TTHC",
            deadline=deadline,
            measurable_target="100% TTHC công khai",
            owner_person="Trần Văn Cường",
        ),
    )
    assert (task.plan, task.owner_unit, task.finding, task.deadline) == (
        own,
        y["units"]["B"],
        finding,
        deadline,
    )
    assert set(task.items.values_list("code", flat=True)) == {"1.1.2", "2.1.1"}
    entry = AuditEntry.objects.get(action=AuditAction.PLAN)
    assert entry.field == "task" and "Kiểm tra công tác CCHC" in entry.reason
    assert entry.period == y["period"]
    # The same finding twice in one plan is refused.
    with pytest.raises(ValidationError, match="đã là nhiệm vụ"):
        finding_to_task(
            finding=finding,
            by=y["home_affairs"],
            data=TaskInput(plan=own, title="Lại", deadline=deadline, measurable_target="x"),
        )
    assert RemediationTask.objects.count() == 1


def test_an_issued_plan_or_another_units_plan_takes_no_task(y):
    inspection = record_inspection(y, y["home_affairs"], "B")
    finding = record_finding(inspection, y["home_affairs"], y["units"]["B"])
    issued = plan(y, y["home_affairs"], status=PlanStatus.ISSUED)
    other = plan(y, y["staff_a"], unit=y["units"]["A"], title="Kế hoạch của Sở Tư pháp")
    for chosen in (issued, other, None):
        with pytest.raises(ValidationError) as refused:
            finding_to_task(
                finding=finding,
                by=y["home_affairs"],
                data=TaskInput(
                    plan=chosen, title="x", deadline=date(2027, 6, 30), measurable_target="y"
                ),
            )
        assert "dự thảo" in refused.value.message_dict["plan"][0]
    assert not RemediationTask.objects.exists()


def test_a_task_needs_a_target_and_a_deadline_not_past(y):
    inspection = record_inspection(y, y["home_affairs"], "B")
    finding = record_finding(inspection, y["home_affairs"], y["units"]["B"])
    draft = plan(y, y["home_affairs"])
    with pytest.raises(ValidationError) as refused:
        finding_to_task(
            finding=finding,
            by=y["home_affairs"],
            data=TaskInput(
                plan=draft,
                title="Công khai",
                deadline=timezone.localdate() - timedelta(days=1),
                measurable_target=" ",
            ),
        )
    errors = refused.value.message_dict
    assert "quá khứ" in errors["deadline"][0] and "để trống" in errors["measurable_target"][0]
    assert not RemediationTask.objects.exists()


def test_a_task_from_a_finding_keeps_the_plans_own_task_rules(y):
    inspection = record_inspection(y, y["home_affairs"], "B")
    finding = record_finding(inspection, y["home_affairs"], y["units"]["B"])
    province = plan(y, y["home_affairs"])
    for data, message in (
        (dict(deadline=date(9999, 12, 31), title="Công khai TTHC"), "muộn nhất"),
        (dict(deadline=date(2027, 6, 30), title="x" * 5000), "1000"),
        (dict(deadline=date(2027, 6, 30), title="Công khai TTHC", owner_person="Ông A\nBà B"), ""),
    ):
        with pytest.raises(ValidationError, match=message):
            finding_to_task(
                finding=finding,
                by=y["home_affairs"],
                data=TaskInput(plan=province, measurable_target="100% TTHC công khai", **data),
            )
    assert RemediationTask.objects.count() == 0
