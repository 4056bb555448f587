"""Remediation plans after publication: drafting one (the tasks proposed from the points lost),
editing the draft and its tasks, and issuing it as an official document.

Home Affairs drafts the province's plan (`unit=None`) and may edit any draft of its
organiser; a unit's staff draft and edit their own unit's plan. An issued plan never changes
here again: only its tasks' progress moves (scoring.services.remediation_progress). Every
change is audited (AuditAction.PLAN), inside the transaction that makes it."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.dates import date_text
from parindex.text import typed_text_into
from scoring.exceptions import Refused
from scoring.models import (
    AssessmentPeriod,
    AuditAction,
    NotificationKind,
    PlanStatus,
    RemediationPlan,
    RemediationTask,
)
from scoring.remediation import (
    CONCLUSION_MAX,
    MEASURABLE_TARGET_MAX,
    OWNER_PERSON_MAX,
    PLAN_TITLE_MAX,
    TASK_TITLE_MAX,
    default_task_deadline,
)
from scoring.selectors.remediation_plans import (
    province_plan_proposals,
    publication_item_choices,
    unit_plan_proposals,
    unit_target,
)
from scoring.selectors.results import latest_publication
from scoring.signals import plan_issued
from units.access import acts_for, has_permission
from units.models import RoleGrant, Unit
from units.roles import Permission, Role

from . import audit
from .notifications import notify
from .publication import DocumentElements, document_elements_check

# A plan for year N's results is carried out in N+1 and checked by N+1's assessment; a
# deadline later than the end of N+2 belongs to another plan.
DEADLINE_LAST_YEAR_AFTER = 2
PLAN_FIELDS = (
    "title",
    "conclusion",
    "target_rank",
    "document_number",
    "signer_title",
    "signer_name",
    "recipients",
)
TASK_FIELDS = ("title", "owner_unit", "owner_person", "deadline", "measurable_target")
DOCUMENT_FIELDS = ("document_number", "signer_title", "signer_name", "recipients")


# ---------------------------------------------------------------- who may


def plan_may_draft(by, period: AssessmentPeriod, unit: Unit | None) -> bool:
    """The province's plan: Home Affairs of the organiser. A unit's: its own staff."""
    if unit is None:
        return acts_for(by, Permission.MANAGE_IMPROVEMENT, period.organiser_id)
    return has_permission(by, Permission.DRAFT_UNIT_PLAN, unit=unit)


def _may_edit(by, plan: RemediationPlan) -> bool:
    # The same rule as scoring.access.plan_editable_by, status apart (refused with a message).
    if acts_for(by, Permission.MANAGE_IMPROVEMENT, plan.period.organiser_id):
        return True
    return plan.unit_id is not None and has_permission(
        by, Permission.DRAFT_UNIT_PLAN, unit=plan.unit
    )


def _check_draft(plan: RemediationPlan, by) -> None:
    if not _may_edit(by, plan):
        raise PermissionDenied(_("You may not change this plan."))
    if plan.status != PlanStatus.DRAFT:
        raise Refused(_("The plan is issued: it can no longer be changed."))


def _locked(plan: RemediationPlan) -> RemediationPlan:
    """The plan again, locked for the transaction, so an edit never lands after issuing."""
    return (
        # The plan's row only: PostgreSQL locks no row of an outer join (a province plan has
        # no unit).
        RemediationPlan.objects.select_for_update(of=("self",))
        .select_related("period__organiser", "unit", "publication")
        .get(pk=plan.pk)
    )


# ---------------------------------------------------------------- drafting


def plan_default_title(period: AssessmentPeriod, unit: Unit | None) -> str:
    if unit is None:
        return _(
            "Plan to remedy the shortcomings and raise the administrative reform index after "
            "the results of %(year)s"
        ) % {"year": period.year}
    return _(
        "Plan of %(unit)s to remedy the shortcomings of the administrative reform index %(year)s"
    ) % {
        "unit": unit.name,
        "year": period.year,
    }


def plan_draft(*, period: AssessmentPeriod, unit: Unit | None = None, by) -> tuple:
    """Start the period's plan (the province's, or `unit`'s) from its latest publication, with
    the tasks the points lost propose. A plan that exists is returned as it is, with False:
    one plan per unit and one for the province, per period."""
    if not plan_may_draft(by, period, unit):
        raise PermissionDenied(_("You may not draft this plan."))
    existing = RemediationPlan.objects.filter(period=period, unit=unit).first()
    if existing is not None:
        return existing, False
    publication = latest_publication(period)
    if publication is None:
        raise Refused(_("The results of this period are not published yet: nothing to remedy."))
    if unit is not None:
        if unit.organiser_id != period.organiser_id:
            raise PermissionDenied(_("You may not draft this plan."))
        if not publication.unit_results.filter(unit_id=unit.pk).exists():
            raise Refused(_("%(unit)s has no published result in this period.") % {"unit": unit})
        proposals = unit_plan_proposals(publication, unit.pk)
    else:
        proposals = province_plan_proposals(publication)
    organiser = period.organiser
    deadline = default_task_deadline(period.year, timezone.localdate())
    try:
        with transaction.atomic():
            plan = RemediationPlan.objects.create(
                period=period,
                publication=publication,
                unit=unit,
                title=plan_default_title(period, unit),
                signer_title=organiser.signer_title if unit is None else "",
                signer_name=organiser.signer_name if unit is None else "",
                recipients=organiser.recipients if unit is None else f"- {organiser.name};",
                created_by=by,
            )
            tasks = RemediationTask.objects.bulk_create(
                RemediationTask(
                    plan=plan,
                    position=position,
                    title=proposal.title,
                    owner_unit_id=proposal.owner_unit_id,
                    deadline=deadline,
                    measurable_target=proposal.measurable_target[:MEASURABLE_TARGET_MAX],
                    lost_points=proposal.lost_points,
                )
                for position, proposal in enumerate(proposals, start=1)
            )
            links = RemediationTask.items.through
            links.objects.bulk_create(
                links(remediationtask_id=task.pk, indexitem_id=item_id)
                for task, proposal in zip(tasks, proposals, strict=True)
                for item_id in proposal.item_ids
            )
            audit.record(
                audit.improvement_event(
                    action=AuditAction.PLAN,
                    actor=by,
                    obj=plan,
                    period=period,
                    field="status",
                    new=PlanStatus.DRAFT,
                    reason=_("Drafted from publication version %(version)s, %(count)s tasks")
                    % {"version": publication.version, "count": len(tasks)},
                )
            )
    except IntegrityError:
        # Somebody drafted the same plan meanwhile: theirs is the plan.
        return RemediationPlan.objects.get(period=period, unit=unit), False
    return plan, True


# ---------------------------------------------------------------- editing the draft


@dataclass(frozen=True)
class PlanHeader:
    title: str
    conclusion: str = ""
    target_rank: int | None = None
    document_number: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: str = ""


def _collect(errors: dict, name: str, function):
    try:
        return function()
    except ValidationError as exc:
        errors.setdefault(name, []).extend(exc.messages)
        return None


def plan_document_check(plan: RemediationPlan, header) -> dict:
    """The plan's official-document elements as stored — the publication's own check
    (number digits only, printable signer and "Nơi nhận"), without a decision."""
    values = document_elements_check(
        DocumentElements(
            document_number=header.document_number or "",
            signer_title=header.signer_title or "",
            signer_name=header.signer_name or "",
            recipients=header.recipients or "",
        ),
        plan.period.organiser,
    )
    return {name: values[name] for name in DOCUMENT_FIELDS}


def _target_rank_check(plan: RemediationPlan, rank) -> int | None:
    if rank is None:
        return None
    if plan.unit_id is None:
        raise ValidationError(_("Only a unit's plan has a target rank."))
    target = unit_target(plan.publication, plan.unit_id)
    if target is None or not target.ranked:
        raise ValidationError(_("The unit is assessed but not ranked: it has no rank to target."))
    if not 1 <= rank <= target.rank_of:
        raise ValidationError(
            _("The target rank is a whole number from 1 to %(count)s.") % {"count": target.rank_of}
        )
    return rank


def _changes(obj, before: dict, period, by, reason: str = "") -> list:
    after = audit.audit_snapshot(obj, before)
    return [
        audit.improvement_event(
            action=AuditAction.PLAN,
            actor=by,
            obj=obj,
            period=period,
            field=name,
            old=old,
            new=after[name],
            reason=reason,
        )
        for name, old in before.items()
        if after[name] != old
    ]


def plan_update(*, plan: RemediationPlan, header: PlanHeader, by) -> RemediationPlan:
    """Change the draft's title, conclusions, target rank and document elements; each field
    changed is audited. ValidationError by field for what cannot be stored."""
    _check_draft(plan, by)
    errors: dict[str, list[str]] = {}
    values = {
        "title": typed_text_into(
            errors, "title", header.title, label=_("The title"), limit=PLAN_TITLE_MAX, required=True
        ),
        "conclusion": typed_text_into(
            errors,
            "conclusion",
            header.conclusion,
            label=_("The conclusions"),
            limit=CONCLUSION_MAX,
            lines=True,
        ),
        "target_rank": _collect(
            errors, "target_rank", lambda: _target_rank_check(plan, header.target_rank)
        ),
    }
    try:
        values.update(plan_document_check(plan, header))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = _locked(plan)
        _check_draft(plan, by)
        before = audit.audit_snapshot(plan, PLAN_FIELDS)
        for name, value in values.items():
            setattr(plan, name, value)
        plan.save(update_fields=list(PLAN_FIELDS))
        audit.record(_changes(plan, before, plan.period, by))
    return plan


@dataclass(frozen=True)
class TaskInput:
    title: str
    owner_unit: Unit | None
    deadline: date | None
    measurable_target: str
    owner_person: str = ""
    items: tuple = ()


def task_owner_choices(plan: RemediationPlan):
    """Who may own a task: the unit itself for a unit's plan; for the province's, the
    organiser's units that still exist in the year the plan is carried out."""
    if plan.unit_id is not None:
        return Unit.objects.filter(pk=plan.unit_id)
    return Unit.objects.filter(
        Unit.not_ended_in(plan.period.year + 1), organiser_id=plan.period.organiser_id
    ).order_by("kind__position", "name")


def task_clean(plan: RemediationPlan, data: TaskInput, *, old_deadline=None) -> dict:
    """The rules of a plan's task, wherever it comes from (the plan's form, an inspection's
    finding): the cleaned values, or a ValidationError naming each field's problem."""
    errors: dict[str, list[str]] = {}
    values = {
        "title": typed_text_into(
            errors,
            "title",
            data.title,
            label=_("The task"),
            limit=TASK_TITLE_MAX,
            required=True,
            lines=True,
        ),
        "measurable_target": typed_text_into(
            errors,
            "measurable_target",
            data.measurable_target,
            label=_("The measurable target"),
            limit=MEASURABLE_TARGET_MAX,
            required=True,
        ),
        "owner_person": typed_text_into(
            errors,
            "owner_person",
            data.owner_person,
            label=_("The person in charge"),
            limit=OWNER_PERSON_MAX,
        ),
    }
    owner = data.owner_unit
    if owner is None:
        errors.setdefault("owner_unit", []).append(_("Choose the responsible unit."))
    elif not task_owner_choices(plan).filter(pk=owner.pk).exists():
        errors.setdefault("owner_unit", []).append(
            _("A unit's plan assigns its tasks to the unit itself.")
            if plan.unit_id is not None
            else _("The responsible unit must be one of this organiser's units.")
        )
    values["owner_unit"] = owner
    deadline = data.deadline
    last = date(plan.period.year + DEADLINE_LAST_YEAR_AFTER, 12, 31)
    if deadline is None:
        errors.setdefault("deadline", []).append(_("Give the deadline (dd/mm/yyyy)."))
    elif deadline != old_deadline and deadline < timezone.localdate():
        errors.setdefault("deadline", []).append(_("The deadline cannot be in the past."))
    elif deadline > last:
        errors.setdefault("deadline", []).append(
            _("The deadline is at the latest %(date)s.") % {"date": date_text(last)}
        )
    values["deadline"] = deadline
    items = list(data.items)
    allowed = {
        item.pk
        for item in publication_item_choices(
            plan.publication, owner.pk if owner is not None else None
        )
    }
    strangers = [item.code for item in items if item.pk not in allowed]
    if strangers:
        errors.setdefault("items", []).append(
            _("Not a sub-criterion of the published index set of the responsible unit: %(codes)s.")
            % {"codes": ", ".join(strangers)}
        )
    values["items"] = items
    if errors:
        raise ValidationError(errors)
    return values


def plan_task_add(*, plan: RemediationPlan, data: TaskInput, by) -> RemediationTask:
    _check_draft(plan, by)
    values = task_clean(plan, data)
    items = values.pop("items")
    with transaction.atomic():
        plan = _locked(plan)
        _check_draft(plan, by)
        last = plan.tasks.order_by("-position").values_list("position", flat=True).first()
        task = RemediationTask.objects.create(plan=plan, position=(last or 0) + 1, **values)
        task.items.set(items)
        audit.record(
            audit.improvement_event(
                action=AuditAction.PLAN,
                actor=by,
                obj=task,
                period=plan.period,
                field="task",
                new=task.title,
                reason=_("Task added"),
            )
        )
    return task


def plan_task_update(*, task: RemediationTask, data: TaskInput, by) -> RemediationTask:
    plan = task.plan
    _check_draft(plan, by)
    values = task_clean(plan, data, old_deadline=task.deadline)
    items = values.pop("items")
    with transaction.atomic():
        plan = _locked(plan)
        _check_draft(plan, by)
        task = RemediationTask.objects.select_for_update().get(pk=task.pk, plan=plan)
        before = audit.audit_snapshot(task, TASK_FIELDS)
        old_items = sorted(item.code for item in task.items.all())
        for name, value in values.items():
            setattr(task, name, value)
        task.save(update_fields=list(TASK_FIELDS))
        task.items.set(items)
        entries = _changes(task, before, plan.period, by)
        new_items = sorted(item.code for item in items)
        if new_items != old_items:
            entries.append(
                audit.improvement_event(
                    action=AuditAction.PLAN,
                    actor=by,
                    obj=task,
                    period=plan.period,
                    field="items",
                    old=", ".join(old_items),
                    new=", ".join(new_items),
                )
            )
        audit.record(entries)
    return task


def plan_task_remove(*, task: RemediationTask, by) -> None:
    plan = task.plan
    _check_draft(plan, by)
    with transaction.atomic():
        plan = _locked(plan)
        _check_draft(plan, by)
        task = RemediationTask.objects.select_for_update().get(pk=task.pk, plan=plan)
        audit.record(
            audit.improvement_event(
                action=AuditAction.PLAN,
                actor=by,
                obj=plan,
                period=plan.period,
                field="task",
                old=task.title,
                reason=_("Task removed"),
            )
        )
        task.delete()
        _renumber(plan)


def _renumber(plan: RemediationPlan) -> list[RemediationTask]:
    tasks = list(plan.tasks.order_by("position", "pk"))
    for position, task in enumerate(tasks, start=1):
        task.position = position
    RemediationTask.objects.bulk_update(tasks, ["position"])
    return tasks


def plan_task_move(*, task: RemediationTask, up: bool, by) -> None:
    """One place up or down in the plan (the first stays first)."""
    plan = task.plan
    _check_draft(plan, by)
    with transaction.atomic():
        plan = _locked(plan)
        _check_draft(plan, by)
        tasks = _renumber(plan)
        index = next(i for i, t in enumerate(tasks) if t.pk == task.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(tasks):
            return
        a, b = tasks[index], tasks[other]
        a.position, b.position = b.position, a.position
        RemediationTask.objects.bulk_update([a, b], ["position"])
        audit.record(
            audit.improvement_event(
                action=AuditAction.PLAN,
                actor=by,
                obj=a,
                period=plan.period,
                field="position",
                old=str(b.position),
                new=str(a.position),
            )
        )


# ---------------------------------------------------------------- issuing


def plan_issue_problems(plan: RemediationPlan) -> list[str]:
    """What keeps a draft from being issued."""
    problems = []
    if plan.status != PlanStatus.DRAFT:
        problems.append(_("The plan is issued already."))
    if not plan.tasks.exists():
        problems.append(_("The plan has no task: add at least one before issuing it."))
    return problems


def _owner_staff(unit_ids):
    return RoleGrant.objects.filter(
        role=Role.UNIT_STAFF, unit_id__in=unit_ids, user__is_active=True
    ).select_related("user", "unit")


def _unit_signature_check(plan: RemediationPlan, elements: dict) -> None:
    """A unit's plan is signed by the unit: it has no organiser's signer or "Nơi nhận" to fall
    back on, and an issued document is never made again."""
    if plan.unit_id is None:
        return
    missing = {
        name: [message]
        for name, message in (
            ("signer_title", _("Give the signer's title: the document is issued signed.")),
            ("signer_name", _("Give the signer's name: the document is issued signed.")),
            ("recipients", _("Say to whom the document is sent (“Nơi nhận”).")),
        )
        if not (elements.get(name) or "").strip()
    }
    if missing:
        raise ValidationError(missing)


def plan_issue(*, plan: RemediationPlan, header, by) -> RemediationPlan:
    """Issue the draft: its document elements fixed (the publication's check), the status
    issued, one audit entry, `plan_issued` inside the transaction, and every owner unit's
    staff told of their tasks. Irreversible."""
    _check_draft(plan, by)
    elements = plan_document_check(plan, header)
    _unit_signature_check(plan, elements)
    caller = plan
    with transaction.atomic():
        plan = _locked(plan)
        _check_draft(plan, by)
        problems = plan_issue_problems(plan)
        if problems:
            raise Refused(_("The plan cannot be issued yet."), problems)
        before = audit.audit_snapshot(plan, DOCUMENT_FIELDS)
        for name, value in elements.items():
            setattr(plan, name, value)
        plan.status = PlanStatus.ISSUED
        plan.issued_by = by
        plan.issued_at = timezone.now()
        plan.save(update_fields=[*DOCUMENT_FIELDS, "status", "issued_by", "issued_at"])
        entries = _changes(plan, before, plan.period, by)
        entries.append(
            audit.improvement_event(
                action=AuditAction.PLAN,
                actor=by,
                obj=plan,
                period=plan.period,
                field="status",
                old=PlanStatus.DRAFT,
                new=PlanStatus.ISSUED,
            )
        )
        audit.record(entries)
        plan_issued.send(sender=RemediationPlan, plan=plan)
        _tell_owners(plan)
    # The caller's object (and the tasks it hands out) says "issued" too, not the draft it was.
    for name in (*DOCUMENT_FIELDS, "status", "issued_by", "issued_at"):
        setattr(caller, name, getattr(plan, name))
    return plan


def _tell_owners(plan: RemediationPlan) -> None:
    tasks = list(plan.tasks.select_related("owner_unit").order_by("position", "pk"))
    by_unit: dict[int, list[RemediationTask]] = {}
    for task in tasks:
        by_unit.setdefault(task.owner_unit_id, []).append(task)
    link = reverse("scoring:plan_detail", args=[plan.pk])
    for grant in _owner_staff(by_unit):
        unit_tasks = by_unit[grant.unit_id]
        lines = "\n".join(
            _("- %(task)s (deadline %(deadline)s)")
            % {"task": task.title, "deadline": date_text(task.deadline)}
            for task in unit_tasks
        )
        notify(
            recipients=[grant.user],
            kind=NotificationKind.TASK_ASSIGNED,
            subject=ngettext(
                "%(unit)s has %(count)s remediation task: %(plan)s",
                "%(unit)s has %(count)s remediation tasks: %(plan)s",
                len(unit_tasks),
            )
            % {"unit": grant.unit.name, "count": len(unit_tasks), "plan": plan.title},
            body=_("The plan “%(plan)s” is issued. The tasks of %(unit)s:\n%(tasks)s")
            % {"plan": plan.title, "unit": grant.unit.name, "tasks": lines},
            link=f"{link}#unit-{grant.unit_id}",
            dedupe_key=f"plan-issued:{plan.pk}:{grant.unit_id}",
        )
