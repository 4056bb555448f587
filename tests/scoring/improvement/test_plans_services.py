"""Drafting, editing and issuing remediation plans (scoring.services.remediation_plans): the
lines proposed from the points lost for a unit and for the province, one plan per scope, the
refusals of an edit (nothing changed), and what issuing does — audit, signal, notices."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from parindex.dates import date_text
from scoring.exceptions import Refused
from scoring.models import (
    AuditAction,
    AuditEntry,
    Notification,
    NotificationKind,
    PlanStatus,
    RemediationPlan,
    RemediationTask,
)
from scoring.remediation import default_task_deadline
from scoring.services.remediation_plans import (
    PlanHeader,
    TaskInput,
    plan_draft,
    plan_issue,
    plan_task_add,
    plan_task_move,
    plan_task_remove,
    plan_task_update,
    plan_update,
)
from scoring.signals import plan_issued
from tests.factories import OrganiserFactory, UnitFactory
from tests.scoring.improvement.conftest import SIGNED

D = Decimal


def _unit_plan(year, personas, code="B", who="staff_b"):
    plan, created = plan_draft(period=year["period"], unit=year["units"][code], by=personas[who])
    assert created
    return plan


def _province_plan(year, personas):
    plan, created = plan_draft(period=year["period"], by=personas["home_affairs"])
    assert created
    return plan


def _lines(plan):
    return [
        (task.position, task.owner_unit.code, task.title, task.measurable_target, task.lost_points)
        for task in plan.tasks.select_related("owner_unit").order_by("position")
    ]


def _plan_audit(plan=None):
    return list(AuditEntry.objects.filter(action=AuditAction.PLAN).order_by("pk"))


# ---------------------------------------------------------------- drafting


def test_a_unit_plan_proposes_one_task_per_sub_criterion_lost_largest_first(
    improvement_year, personas
):
    plan = _unit_plan(improvement_year, personas, "B", "staff_b")  # lost 1, 1, 3
    assert plan.status == PlanStatus.DRAFT and plan.unit == improvement_year["units"]["B"]
    assert plan.publication == improvement_year["publication"]
    assert _lines(plan) == [
        (
            1,
            "B",
            "Khắc phục tiêu chí 2.1.1 – Tỷ lệ hồ sơ giải quyết đúng hạn (mất 3,00 điểm)",
            "Đạt tối đa 4,00 điểm ở tiêu chí 2.1.1",
            D("3"),
        ),
        (
            2,
            "B",
            "Khắc phục tiêu chí 1.1.1 – Ban hành kế hoạch CCHC đúng thời hạn (mất 1,00 điểm)",
            "Đạt tối đa 2,00 điểm ở tiêu chí 1.1.1",
            D("1"),
        ),
        (
            3,
            "B",
            "Khắc phục tiêu chí 1.1.2 – Mức độ thực hiện kế hoạch (mất 1,00 điểm)",
            "Đạt tối đa 4,00 điểm ở tiêu chí 1.1.2",
            D("1"),
        ),
    ]
    first = plan.tasks.get(position=1)
    assert [item.code for item in first.items.all()] == ["2.1.1"]
    assert first.items.get().index_set_id == improvement_year["items"]["2.1.1"].index_set_id
    proposed = default_task_deadline(2025, timezone.localdate())
    assert {task.deadline for task in plan.tasks.all()} == {proposed}
    [entry] = _plan_audit()
    assert (entry.field, entry.new_value, entry.actor) == ("status", "draft", personas["staff_b"])
    assert "3 nhiệm vụ" in entry.reason


def test_drafting_again_opens_the_existing_plan(improvement_year, personas):
    plan = _unit_plan(improvement_year, personas)
    again, created = plan_draft(
        period=improvement_year["period"],
        unit=improvement_year["units"]["B"],
        by=personas["staff_b"],
    )
    assert (again, created) == (plan, False)
    assert RemediationPlan.objects.count() == 1 and plan.tasks.count() == 3


def test_the_province_plan_proposes_a_task_per_unit_per_weak_area(improvement_year, personas):
    # Area 1 averages 73,33% (A 100, C and B 66,67, D 50, E 83,33); area 2 55% (A 87,5, C 100,
    # E 37,5, B and D 25). Units in ranking order: A, C, E, B, D.
    plan = _province_plan(improvement_year, personas)
    assert plan.unit is None
    lines = [(line[1], line[2]) for line in _lines(plan)]
    assert lines == [
        (
            "C",
            "Nâng cao kết quả lĩnh vực 1 – Công tác chỉ đạo, điều hành CCHC (chỉ số 66,67%, "
            "trung bình nhóm 73,33%)",
        ),
        (
            "E",
            "Nâng cao kết quả lĩnh vực 2 – Cải cách thủ tục hành chính (chỉ số 37,50%, "
            "trung bình nhóm 55,00%)",
        ),
        ("B", lines[2][1]),
        ("B", lines[3][1]),
        ("D", lines[4][1]),
        ("D", lines[5][1]),
    ]
    c_task = plan.tasks.get(position=1)
    assert c_task.measurable_target == (
        "Chỉ số lĩnh vực 1 đạt tối thiểu 73,33% (trung bình nhóm năm 2025)"
    )
    assert c_task.lost_points == D("2")
    assert [item.code for item in c_task.items.all()] == ["1.1.2"]
    d_area1 = plan.tasks.get(position=5)
    assert sorted(item.code for item in d_area1.items.all()) == ["1.1.1", "1.1.2"]


def test_who_may_draft_which_plan(improvement_year, personas):
    period = improvement_year["period"]
    for who in ("staff_a", "appraiser", "chair", "admin"):
        with pytest.raises(PermissionDenied):
            plan_draft(period=period, by=personas[who])
    for who in ("staff_a", "home_affairs", "chair"):
        with pytest.raises(PermissionDenied):
            plan_draft(period=period, unit=improvement_year["units"]["B"], by=personas[who])
    assert not RemediationPlan.objects.exists()


def test_a_period_not_published_has_nothing_to_remedy(improvement_year, personas):
    with pytest.raises(Refused) as refused:
        plan_draft(period=improvement_year["next_period"], by=personas["home_affairs"])
    assert "chưa được công bố" in refused.value.message
    assert not RemediationPlan.objects.exists()


# ---------------------------------------------------------------- editing


def _header(plan, **changes):
    values = {
        name: getattr(plan, name)
        for name in (
            "title",
            "conclusion",
            "target_rank",
            "document_number",
            "signer_title",
            "signer_name",
            "recipients",
        )
    }
    values.update(changes)
    return PlanHeader(**values)


def test_the_heading_is_saved_and_each_field_audited(improvement_year, personas):
    plan = _unit_plan(improvement_year, personas)
    plan_update(
        plan=plan,
        header=_header(plan, title="  Kế hoạch số 2 ", target_rank=2, document_number="15"),
        by=personas["staff_b"],
    )
    plan.refresh_from_db()
    assert (plan.title, plan.target_rank, plan.document_number) == ("Kế hoạch số 2", 2, "15")
    changed = {(e.field, e.new_value) for e in _plan_audit()[1:]}
    assert changed == {("title", "Kế hoạch số 2"), ("target_rank", "2"), ("document_number", "15")}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Tiêu đề không được để trống."),
        ({"target_rank": 6}, "target_rank", "Hạng mục tiêu là số nguyên từ 1 đến 5."),
        ({"document_number": "12a"}, "document_number", "Số văn bản chỉ gồm chữ số, ví dụ 12."),
        ({"signer_name": "Nguyễn\x00Văn"}, "signer_name", None),
    ],
)
def test_a_bad_heading_changes_nothing(improvement_year, personas, changes, field, message):
    plan = _unit_plan(improvement_year, personas)
    before = RemediationPlan.objects.values().get(pk=plan.pk)
    with pytest.raises(ValidationError) as refused:
        plan_update(plan=plan, header=_header(plan, **changes), by=personas["staff_b"])
    assert field in refused.value.message_dict
    if message:
        assert refused.value.message_dict[field] == [message]
    assert RemediationPlan.objects.values().get(pk=plan.pk) == before
    assert len(_plan_audit()) == 1


def test_the_province_plan_has_no_target_rank(improvement_year, personas):
    plan = _province_plan(improvement_year, personas)
    with pytest.raises(ValidationError) as refused:
        plan_update(plan=plan, header=_header(plan, target_rank=1), by=personas["home_affairs"])
    assert refused.value.message_dict["target_rank"] == [
        "Chỉ kế hoạch của một đơn vị mới có thứ hạng mục tiêu."
    ]


def test_another_unit_may_not_edit_a_plan(improvement_year, personas):
    plan = _unit_plan(improvement_year, personas)
    with pytest.raises(PermissionDenied):
        plan_update(plan=plan, header=_header(plan, title="X"), by=personas["staff_a"])
    plan.refresh_from_db()
    assert plan.title != "X"


def _task(year, owner_code="B", **changes):
    values = {
        "title": "Rà soát quy trình giải quyết hồ sơ",
        "owner_unit": year["units"][owner_code],
        "deadline": timezone.localdate() + timedelta(days=90),
        "measurable_target": "100% hồ sơ đúng hạn",
        "owner_person": "Phòng Hành chính",
        "items": (year["items"]["2.1.1"],),
    }
    values.update(changes)
    return TaskInput(**values)


def test_a_task_is_added_at_the_end_and_audited(improvement_year, personas):
    plan = _unit_plan(improvement_year, personas)
    task = plan_task_add(plan=plan, data=_task(improvement_year), by=personas["staff_b"])
    assert task.position == 4 and task.owner_person == "Phòng Hành chính"
    assert [item.code for item in task.items.all()] == ["2.1.1"]
    assert _plan_audit()[-1].reason == "Thêm nhiệm vụ"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Nội dung nhiệm vụ không được để trống."),
        ({"measurable_target": " "}, "measurable_target", None),
        ({"deadline": None}, "deadline", "Hãy nhập thời hạn hoàn thành (dd/mm/yyyy)."),
        ({"deadline": date(2020, 1, 1)}, "deadline", "Thời hạn hoàn thành không được ở trong "
         "quá khứ."),
        ({"deadline": date(2028, 1, 1)}, "deadline", "Thời hạn hoàn thành muộn nhất là "
         "31/12/2027."),
        ({"owner_unit": None}, "owner_unit", "Hãy chọn đơn vị chủ trì."),
    ],
)  # fmt: skip
def test_a_bad_task_is_refused_by_field(improvement_year, personas, changes, field, message):
    plan = _unit_plan(improvement_year, personas)
    with pytest.raises(ValidationError) as refused:
        plan_task_add(plan=plan, data=_task(improvement_year, **changes), by=personas["staff_b"])
    assert field in refused.value.message_dict
    if message:
        assert refused.value.message_dict[field] == [message]
    assert plan.tasks.count() == 3


def test_a_unit_plan_assigns_tasks_to_the_unit_only(improvement_year, personas):
    plan = _unit_plan(improvement_year, personas)
    with pytest.raises(ValidationError) as refused:
        plan_task_add(plan=plan, data=_task(improvement_year, "C"), by=personas["staff_b"])
    assert refused.value.message_dict["owner_unit"] == [
        "Kế hoạch của đơn vị chỉ giao nhiệm vụ cho chính đơn vị đó."
    ]


def test_the_province_plan_assigns_tasks_within_the_organiser(improvement_year, personas):
    plan = _province_plan(improvement_year, personas)
    stranger = UnitFactory(organiser=OrganiserFactory(), kind=personas["kind"])
    with pytest.raises(ValidationError) as refused:
        plan_task_add(
            plan=plan,
            data=_task(improvement_year, owner_unit=stranger),
            by=personas["home_affairs"],
        )
    assert "owner_unit" in refused.value.message_dict
    task = plan_task_add(plan=plan, data=_task(improvement_year, "A"), by=personas["home_affairs"])
    assert task.owner_unit == improvement_year["units"]["A"]


def test_items_come_from_the_published_index_set(improvement_year, personas):
    plan = _unit_plan(improvement_year, personas)
    next_year_item = improvement_year["next_items"]["2.1.1"]
    with pytest.raises(ValidationError) as refused:
        plan_task_add(
            plan=plan,
            data=_task(improvement_year, items=(next_year_item,)),
            by=personas["staff_b"],
        )
    assert refused.value.message_dict["items"] == [
        "Không phải tiêu chí thành phần của Bộ chỉ số đã công bố của đơn vị chủ trì: 2.1.1."
    ]


def test_an_edited_task_audits_each_change_and_keeps_an_old_deadline(improvement_year, personas):
    plan = _unit_plan(improvement_year, personas)
    task = plan.tasks.get(position=1)
    RemediationTask.objects.filter(pk=task.pk).update(deadline=date(2020, 1, 1))
    task.refresh_from_db()
    plan_task_update(
        task=task,
        data=_task(
            improvement_year,
            title=task.title,
            deadline=task.deadline,  # unchanged: in the past, but not moved there now
            measurable_target="Đạt 3,5 điểm",
            items=(improvement_year["items"]["2.1.1"], improvement_year["items"]["1.1.1"]),
            owner_person="",
        ),
        by=personas["staff_b"],
    )
    changes = {(e.field, e.old_value, e.new_value) for e in _plan_audit()[1:]}
    assert changes == {
        ("measurable_target", "Đạt tối đa 4,00 điểm ở tiêu chí 2.1.1", "Đạt 3,5 điểm"),
        ("items", "2.1.1", "1.1.1, 2.1.1"),
    }


def test_tasks_move_and_removal_renumbers(improvement_year, personas):
    plan = _unit_plan(improvement_year, personas)
    first, second, third = plan.tasks.order_by("position")
    plan_task_move(task=third, up=True, by=personas["staff_b"])
    assert list(plan.tasks.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    plan_task_move(task=first, up=True, by=personas["staff_b"])  # first stays first
    plan_task_remove(task=first, by=personas["staff_b"])
    assert list(plan.tasks.order_by("position").values_list("pk", "position")) == [
        (third.pk, 1),
        (second.pk, 2),
    ]
    removed = _plan_audit()[-1]
    assert (removed.field, removed.old_value, removed.reason) == (
        "task",
        first.title,
        "Gỡ bỏ nhiệm vụ",
    )


# ---------------------------------------------------------------- issuing


@pytest.fixture
def issued_signals():
    received = []

    def receiver(sender, plan, **kwargs):
        received.append((plan.pk, plan.status, transaction.get_connection().in_atomic_block))

    plan_issued.connect(receiver, weak=False)
    yield received
    plan_issued.disconnect(receiver)


def test_issuing_fixes_the_plan_audits_signals_and_tells_the_owners(
    improvement_year, personas, issued_signals
):
    personas["organiser"].signer_name = "Trần Văn Ký"
    personas["organiser"].save()
    plan = _province_plan(improvement_year, personas)  # tasks for C, E, B, B, D, D
    assert plan.signer_name == "Trần Văn Ký"  # the organiser's default
    plan_issue(
        plan=plan,
        header=_header(plan, document_number="27", recipients="- UBND tỉnh;\n- Các sở, ngành;"),
        by=personas["home_affairs"],
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED and plan.issued_by == personas["home_affairs"]
    assert plan.issued_at is not None and plan.document_number == "27"
    assert plan.recipients == "- UBND tỉnh;\n- Các sở, ngành;"
    assert issued_signals == [(plan.pk, PlanStatus.ISSUED, True)]
    status_entry = _plan_audit()[-1]
    assert (status_entry.field, status_entry.old_value, status_entry.new_value) == (
        "status",
        "draft",
        "issued",
    )
    notices = Notification.objects.filter(kind=NotificationKind.TASK_ASSIGNED)
    # B and C have staff; D and E none; A owns no task.
    assert {n.recipient for n in notices} == {personas["staff_b"], improvement_year["staff_c"]}
    to_b = notices.get(recipient=personas["staff_b"])
    assert to_b.subject.startswith("Sở Y tế được giao 2 nhiệm vụ khắc phục")
    assert to_b.link == f"/plans/{plan.pk}/#unit-{improvement_year['units']['B'].pk}"
    proposed = default_task_deadline(2025, timezone.localdate())
    assert f"thời hạn {date_text(proposed)}" in to_b.body


def test_an_issued_plan_refuses_every_edit(improvement_year, personas):
    plan = _unit_plan(improvement_year, personas)
    plan_issue(plan=plan, header=_header(plan, **SIGNED), by=personas["staff_b"])
    task = plan.tasks.first()
    attempts = [
        lambda: plan_update(plan=plan, header=_header(plan, title="X"), by=personas["staff_b"]),
        lambda: plan_task_add(plan=plan, data=_task(improvement_year), by=personas["staff_b"]),
        lambda: plan_task_update(task=task, data=_task(improvement_year), by=personas["staff_b"]),
        lambda: plan_task_remove(task=task, by=personas["staff_b"]),
        lambda: plan_task_move(task=task, up=False, by=personas["staff_b"]),
        lambda: plan_issue(plan=plan, header=_header(plan, **SIGNED), by=personas["staff_b"]),
    ]
    entries = AuditEntry.objects.count()
    for attempt in attempts:
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.message == "Kế hoạch đã ban hành, không thể sửa đổi nữa."
    assert AuditEntry.objects.count() == entries and plan.tasks.count() == 3


def test_a_plan_without_tasks_or_with_a_bad_number_is_not_issued(
    improvement_year, personas, issued_signals
):
    plan = _unit_plan(improvement_year, personas)
    with pytest.raises(ValidationError):
        plan_issue(
            plan=plan,
            header=_header(plan, document_number="số 5", **SIGNED),
            by=personas["staff_b"],
        )
    for task in list(plan.tasks.all()):
        plan_task_remove(task=task, by=personas["staff_b"])
    with pytest.raises(Refused) as refused:
        plan_issue(plan=plan, header=_header(plan, **SIGNED), by=personas["staff_b"])
    assert refused.value.problems == [
        "Kế hoạch chưa có nhiệm vụ nào: hãy thêm ít nhất một nhiệm vụ trước khi ban hành."
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and not issued_signals
    assert not Notification.objects.exists()


def test_a_units_plan_is_not_issued_unsigned_or_without_its_recipients(improvement_year, personas):
    plan, _ = plan_draft(
        period=improvement_year["period"],
        unit=improvement_year["units"]["B"],
        by=personas["staff_b"],
    )
    with pytest.raises(ValidationError) as refused:
        plan_issue(
            plan=plan,
            header=PlanHeader(title=plan.title, document_number="7", recipients=""),
            by=personas["staff_b"],
        )
    assert {"signer_title", "signer_name", "recipients"} <= set(refused.value.message_dict)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
