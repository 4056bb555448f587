"""Inspection visits (kiểm tra công tác CCHC) by Home Affairs: the visit itself (title, date,
team, units visited, summary, documents), the findings at each unit visited, and a finding
turned into a task of a draft remediation plan.

Findings stay editable after the visit — a team's minutes are often corrected — and every
change is one `inspection` audit entry per field, old → new. Documents are checked and hashed
as evidence files are (scoring.services.evidence) and never deleted: an inspection's record
is what the province relies on later."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.dates import date_text
from parindex.text import normalize_text, typed_text_into
from scoring.display import code_key
from scoring.models import (
    AssessmentPeriod,
    AuditAction,
    IndexItem,
    Inspection,
    InspectionFinding,
    PlanStatus,
    RemediationPlan,
    RemediationTask,
)
from scoring.remediation import INSPECTION_TEXT_MAX, INSPECTION_TITLE_MAX
from scoring.workflow import PeriodStatus
from units.access import acts_for
from units.models import Unit
from units.roles import Permission

from . import audit
from .improvement_files import (
    files_removed_on_failure,
    improvement_file_store,
    improvement_files_check,
)
from .remediation_plans import TaskInput as PlanTaskInput
from .remediation_plans import task_clean


@dataclass(frozen=True)
class VisitInput:
    """What Home Affairs types about a visit."""

    title: str
    visited_on: date
    team: str
    units: list[Unit]
    summary: str = ""


# ---------------------------------------------------------------- checks


def _refuse_unless_manager(by, period: AssessmentPeriod) -> None:
    if not acts_for(by, Permission.MANAGE_IMPROVEMENT, period.organiser_id):
        raise ValidationError(_("Only Home Affairs of this organiser records inspections."))


def _clean_visit(period: AssessmentPeriod, data: VisitInput) -> VisitInput:
    errors: dict = {}
    title = typed_text_into(
        errors,
        "title",
        data.title,
        label=_("The title"),
        required=True,
        limit=INSPECTION_TITLE_MAX,
    )
    team = typed_text_into(
        errors,
        "team",
        data.team,
        label=_("The team"),
        required=True,
        limit=INSPECTION_TEXT_MAX,
        lines=True,
        blank_lines=False,  # one member per line
    )
    summary = typed_text_into(
        errors,
        "summary",
        data.summary,
        label=_("The summary"),
        required=False,
        limit=INSPECTION_TEXT_MAX,
        lines=True,
    )
    if data.visited_on is None:
        errors["visited_on"] = _("Give the date of the visit (dd/mm/yyyy).")
    elif data.visited_on > timezone.localdate():
        errors["visited_on"] = _("The date of the visit cannot be in the future.")
    units = list(dict.fromkeys(data.units))
    if not units:
        errors["units"] = _("Choose at least one unit visited.")
    for unit in units:
        if unit.organiser_id != period.organiser_id:
            errors["units"] = _("%(unit)s (%(code)s) belongs to another organiser.") % {
                "unit": unit.name,
                "code": unit.code,
            }
            break
        if not unit.exists_in(period.year):
            errors["units"] = _("%(unit)s (%(code)s) does not exist in %(year)s.") % {
                "unit": unit.name,
                "code": unit.code,
                "year": period.year,
            }
            break
    if errors:
        raise ValidationError(errors)
    return VisitInput(
        title=title, visited_on=data.visited_on, team=team, units=units, summary=summary
    )


def _check_files(uploads) -> list:
    try:
        return improvement_files_check(uploads)
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from exc


def _store_files(inspection: Inspection, checked, by, written: list) -> list[audit.AuditEntry]:
    """Stored under random names, as evidence is; the same file twice is kept once."""
    known = set(inspection.files.values_list("sha256", flat=True))
    entries = []
    for upload in checked:
        if upload.sha256 in known:
            continue
        known.add(upload.sha256)
        stored = improvement_file_store(upload, by=by, written=written, inspection=inspection)
        entries.append(
            _event(by, inspection, inspection.period, field="file", new=stored.original_name)
        )
    return entries


def _event(by, obj, period, *, field="", old="", new="", reason=""):
    return audit.improvement_event(
        action=AuditAction.INSPECTION,
        actor=by,
        obj=obj,
        period=period,
        field=field,
        old=audit.audit_value(old),
        new=audit.audit_value(new),
        reason=reason,
    )


def _codes(units) -> str:
    return ", ".join(sorted(unit.code for unit in units))


# ---------------------------------------------------------------- the visit


def inspection_create(
    *, period: AssessmentPeriod, by, data: VisitInput, files: list[UploadedFile] = ()
) -> Inspection:
    """Record a visit: one audit entry for the visit, one per document."""
    _refuse_unless_manager(by, period)
    if period.status == PeriodStatus.SETUP:
        raise ValidationError({"period": _("This period has not opened yet.")})
    data = _clean_visit(period, data)
    checked = _check_files(list(files))
    with files_removed_on_failure() as written, transaction.atomic():
        inspection = Inspection.objects.create(
            period=period,
            title=data.title,
            visited_on=data.visited_on,
            team=data.team,
            summary=data.summary,
            created_by=by,
        )
        inspection.units.set(data.units)
        entries = [
            _event(by, inspection, period, field="created", new=data.title),
            _event(by, inspection, period, field="units", new=_codes(data.units)),
        ]
        entries += _store_files(inspection, checked, by, written)
        audit.record(entries)
    return inspection


def inspection_update(
    *, inspection: Inspection, by, data: VisitInput, files: list[UploadedFile] = ()
) -> list[str]:
    """Change what was recorded of a visit and add documents; returns the fields changed. A
    unit with findings cannot leave the list of units visited."""
    period = inspection.period
    _refuse_unless_manager(by, period)
    data = _clean_visit(period, data)
    checked = _check_files(list(files))
    with files_removed_on_failure() as written, transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        old_units = list(inspection.units.all())
        removed = {u.pk for u in old_units} - {u.pk for u in data.units}
        with_findings = list(
            Unit.objects.filter(pk__in=removed, inspection_findings__inspection=inspection)
            .distinct()
            .order_by("code")
        )
        if with_findings:
            raise ValidationError(
                {
                    "units": _(
                        "%(units)s already have findings of this visit: they stay among the "
                        "units visited."
                    )
                    % {"units": ", ".join(unit.name for unit in with_findings)}
                }
            )
        entries = []
        changed = []
        for name in ("title", "visited_on", "team", "summary"):
            old, new = getattr(inspection, name), getattr(data, name)
            if old != new:
                entries.append(_event(by, inspection, period, field=name, old=old, new=new))
                setattr(inspection, name, new)
                changed.append(name)
        if changed:
            inspection.save(update_fields=changed)
        if {u.pk for u in old_units} != {u.pk for u in data.units}:
            inspection.units.set(data.units)
            entries.append(
                _event(
                    by,
                    inspection,
                    period,
                    field="units",
                    old=_codes(old_units),
                    new=_codes(data.units),
                )
            )
            changed.append("units")
        files_added = _store_files(inspection, checked, by, written)
        if files_added:
            changed.append("files")
        audit.record(entries + files_added)
    return changed


# ---------------------------------------------------------------- findings


@dataclass(frozen=True)
class FindingInput:
    unit: Unit | None
    text: str
    remedy: str = ""
    item_codes: str = ""  # "1.1.2, 2.1.1"


def finding_items(period: AssessmentPeriod, unit: Unit, codes_text: str) -> list[IndexItem]:
    """The scored items of `unit`'s index set in `period` named by code (commas, semicolons or
    spaces between them); refused, naming them, when a code is not one of them."""
    codes = list(
        dict.fromkeys(
            c for c in codes_text.replace(";", ",").replace(" ", ",").split(",") if c.strip()
        )
    )
    codes = [normalize_text(code) for code in codes]
    if not codes:
        return []
    found = {
        item.code: item
        for item in IndexItem.objects.filter(
            index_set__period=period,
            index_set__unit_kind_id=unit.kind_id,
            index_set__is_current=True,
            index_set__is_draft=False,
            code__in=codes,
        )
        if item.is_scored
    }
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(
            {
                "item_codes": _(
                    "%(codes)s: not a sub-criterion or bonus/penalty line of the index set of "
                    "%(year)s for %(unit)s."
                )
                % {"codes": ", ".join(unknown), "year": period.year, "unit": unit.name}
            }
        )
    return sorted(found.values(), key=lambda item: code_key(item.code))


def _clean_finding(inspection: Inspection, data: FindingInput) -> tuple[Unit, str, str, list]:
    errors: dict = {}
    text = typed_text_into(
        errors,
        "text",
        data.text,
        label=_("The finding"),
        required=True,
        limit=INSPECTION_TEXT_MAX,
        lines=True,
    )
    remedy = typed_text_into(
        errors,
        "remedy",
        data.remedy,
        label=_("What must be remedied"),
        required=False,
        limit=INSPECTION_TEXT_MAX,
        lines=True,
    )
    codes = typed_text_into(
        errors,
        "item_codes",
        data.item_codes,
        label=_("The index items"),
        required=False,
        limit=2000,
        lines=True,
    )
    unit = data.unit
    if unit is None or not inspection.units.filter(pk=unit.pk).exists():
        errors["unit"] = _("Choose one of the units this inspection visited.")
    if errors:
        raise ValidationError(errors)
    items = finding_items(inspection.period, unit, codes)
    return unit, text, remedy, items


def _item_codes(items) -> str:
    return ", ".join(item.code for item in sorted(items, key=lambda i: code_key(i.code)))


def finding_add(*, inspection: Inspection, by, data: FindingInput) -> InspectionFinding:
    _refuse_unless_manager(by, inspection.period)
    unit, text, remedy, items = _clean_finding(inspection, data)
    with transaction.atomic():
        position = (
            inspection.findings.filter(unit=unit).aggregate(top=Max("position"))["top"] or 0
        ) + 1
        finding = InspectionFinding.objects.create(
            inspection=inspection, unit=unit, text=text, remedy=remedy, position=position
        )
        finding.items.set(items)
        period = inspection.period
        audit.record(
            _event(by, finding, period, field="created", new=text),
            _event(by, finding, period, field="unit", new=unit.code),
            *([_event(by, finding, period, field="remedy", new=remedy)] if remedy else []),
            *(
                [_event(by, finding, period, field="items", new=_item_codes(items))]
                if items
                else []
            ),
        )
    return finding


def finding_update(*, finding: InspectionFinding, by, data: FindingInput) -> list[str]:
    """Findings stay editable: each field changed is audited, old → new."""
    inspection = finding.inspection
    _refuse_unless_manager(by, inspection.period)
    unit, text, remedy, items = _clean_finding(inspection, data)
    period = inspection.period
    with transaction.atomic():
        finding = InspectionFinding.objects.select_for_update().get(pk=finding.pk)
        entries, changed = [], []
        if finding.unit_id != unit.pk:
            if finding.tasks.exists():
                raise ValidationError(
                    {"unit": _("This finding is already a task of its unit: it keeps its unit.")}
                )
            entries.append(
                _event(by, finding, period, field="unit", old=finding.unit.code, new=unit.code)
            )
            finding.unit = unit
            changed.append("unit")
        for name, new in (("text", text), ("remedy", remedy)):
            if getattr(finding, name) != new:
                entries.append(
                    _event(by, finding, period, field=name, old=getattr(finding, name), new=new)
                )
                setattr(finding, name, new)
                changed.append(name)
        if changed:
            finding.save(update_fields=changed)
        old_items = list(finding.items.all())
        if {i.pk for i in old_items} != {i.pk for i in items}:
            finding.items.set(items)
            entries.append(
                _event(
                    by,
                    finding,
                    period,
                    field="items",
                    old=_item_codes(old_items),
                    new=_item_codes(items),
                )
            )
            changed.append("items")
        audit.record(entries)
    return changed


# ---------------------------------------------------------------- a finding becomes a task


def finding_task_plans(finding: InspectionFinding) -> QuerySet[RemediationPlan]:
    """The draft plans of the inspection's period a finding may go into: the province's and
    the finding's unit's own, whichever exist as drafts."""
    return (
        RemediationPlan.objects.filter(
            Q(unit__isnull=True) | Q(unit_id=finding.unit_id),
            period_id=finding.inspection.period_id,
            status=PlanStatus.DRAFT,
        )
        .select_related("unit")
        # The province's plan first, on every database (PostgreSQL sorts NULL last).
        .order_by(F("unit__code").asc(nulls_first=True), "pk")
    )


@dataclass(frozen=True)
class TaskInput:
    plan: RemediationPlan | None
    title: str
    deadline: date | None
    measurable_target: str
    owner_person: str = ""


def finding_to_task(*, finding: InspectionFinding, by, data: TaskInput) -> RemediationTask:
    """A task of a draft plan, owned by the finding's unit, for the finding's items."""
    inspection = finding.inspection
    period = inspection.period
    _refuse_unless_manager(by, period)
    allowed = set(finding_task_plans(finding).values_list("pk", flat=True))
    if data.plan is None or data.plan.pk not in allowed:
        raise ValidationError(
            {
                "plan": _("Choose a draft plan of %(year)s: the province's, or %(unit)s's own.")
                % {"year": period.year, "unit": finding.unit.name}
            }
        )
    items = list(finding.items.all())
    # The plan's own rules for a task (lengths, deadline window, owner, items): one owner.
    values = task_clean(
        data.plan,
        PlanTaskInput(
            title=data.title,
            owner_unit=finding.unit,
            deadline=data.deadline,
            measurable_target=data.measurable_target,
            owner_person=data.owner_person,
            items=tuple(items),
        ),
    )
    with transaction.atomic():
        plan = RemediationPlan.objects.select_for_update().get(pk=data.plan.pk)
        if plan.status != PlanStatus.DRAFT:
            raise ValidationError(
                {"plan": _("This plan was issued meanwhile: it takes no new tasks.")}
            )
        if plan.tasks.filter(finding=finding).exists():
            raise ValidationError({"plan": _("This finding is already a task of this plan.")})
        position = (plan.tasks.aggregate(top=Max("position"))["top"] or 0) + 1
        values.pop("items")
        task = RemediationTask.objects.create(
            plan=plan, position=position, finding=finding, **values
        )
        task.items.set(items)
        reason = _("From the finding of the inspection “%(title)s” of %(date)s") % {
            "title": inspection.title,
            "date": date_text(inspection.visited_on),
        }
        audit.record(
            audit.improvement_event(
                action=AuditAction.PLAN,
                actor=by,
                obj=task,
                period=period,
                field="task",
                new=task.title,
                reason=reason,
            ),
            _event(by, finding, period, field="task", new=str(task.pk), reason=plan.title),
        )
    return task
