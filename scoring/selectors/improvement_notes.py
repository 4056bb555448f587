"""What earlier years teach about each item of an assessment, shown beside the item on the
unit's form and on the council's review page:

- the remediation tasks of *issued* plans of the organiser's earlier periods that the unit
  owned — or the units it stands for after a merger (units.reorganisation.unit_lineage) — and
  whose items have the item's code, the latest period first, with their status and outcome;
- the inspection findings about the unit (or those units) linked to that code, of this period
  or the previous one.

Matching is by code: next year's set is a copy of this year's, so 1.1.2 is 1.1.2 again. The
same query count whatever the size of the form: the lineage (one query per generation of
predecessors, one for a unit never merged), one for the tasks, one for the findings."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from scoring.models import (
    Assessment,
    AssessmentPeriod,
    InspectionFinding,
    PlanStatus,
    RemediationTask,
    TaskStatus,
)
from scoring.remediation import task_is_overdue
from units.reorganisation import unit_lineage


@dataclass(frozen=True)
class TaskLesson:
    year: int  # the period the plan follows from
    title: str
    status: str  # TaskStatus value
    status_label: str
    deadline: date
    completed_on: date | None
    outcome: str
    overdue: bool
    unit_name: str  # the owner (a predecessor's name after a merger)

    @property
    def done(self) -> bool:
        return self.status == TaskStatus.DONE


@dataclass(frozen=True)
class FindingLesson:
    year: int
    inspection_title: str
    visited_on: date
    text: str
    remedy: str
    unit_name: str


@dataclass
class ItemLessons:
    tasks: list[TaskLesson]
    findings: list[FindingLesson]

    def __bool__(self) -> bool:
        return bool(self.tasks or self.findings)

    @property
    def count(self) -> int:
        return len(self.tasks) + len(self.findings)


def lessons_by_code(assessment: Assessment, *, today: date | None = None) -> dict[str, ItemLessons]:
    """Item code → what earlier years say about it, for `assessment`'s unit. Codes without
    anything are absent."""
    today = today or timezone.localdate()
    period = assessment.period
    lineage = unit_lineage(assessment.unit_id)
    tasks: dict[str, list[TaskLesson]] = defaultdict(list)
    findings: dict[str, list[FindingLesson]] = defaultdict(list)

    task_rows = (
        RemediationTask.items.through.objects.filter(
            remediationtask__owner_unit_id__in=lineage,
            remediationtask__plan__status=PlanStatus.ISSUED,
            remediationtask__plan__period__organiser_id=period.organiser_id,
            remediationtask__plan__period__year__lt=period.year,
        )
        .select_related("indexitem", "remediationtask__plan__period", "remediationtask__owner_unit")
        .only(
            "indexitem__code",
            "remediationtask__title",
            "remediationtask__status",
            "remediationtask__deadline",
            "remediationtask__completed_on",
            "remediationtask__outcome",
            "remediationtask__position",
            "remediationtask__owner_unit__name",
            "remediationtask__plan__period__year",
        )
        .order_by(
            "-remediationtask__plan__period__year",
            "remediationtask__plan__unit_id",
            "remediationtask__position",
            "remediationtask__pk",
        )
    )
    seen: set[tuple] = set()  # a task or a finding once per code, whatever index sets it spans
    for row in task_rows:
        task = row.remediationtask
        if ("task", task.pk, row.indexitem.code) in seen:
            continue
        seen.add(("task", task.pk, row.indexitem.code))
        tasks[row.indexitem.code].append(
            TaskLesson(
                year=task.plan.period.year,
                title=task.title,
                status=task.status,
                status_label=TaskStatus(task.status).label,
                deadline=task.deadline,
                completed_on=task.completed_on,
                outcome=task.outcome,
                overdue=task_is_overdue(task, today),
                unit_name=task.owner_unit.name,
            )
        )

    # This period and the organiser's latest one before it.
    previous_year = Subquery(
        AssessmentPeriod.objects.filter(
            organiser_id=OuterRef("inspectionfinding__inspection__period__organiser_id"),
            year__lt=period.year,
        )
        .order_by("-year")
        .values("year")[:1]
    )
    finding_rows = (
        InspectionFinding.items.through.objects.filter(
            inspectionfinding__unit_id__in=lineage,
            inspectionfinding__inspection__period__organiser_id=period.organiser_id,
            inspectionfinding__inspection__period__year__lte=period.year,
            inspectionfinding__inspection__period__year__gte=Coalesce(previous_year, period.year),
        )
        .select_related(
            "indexitem", "inspectionfinding__inspection__period", "inspectionfinding__unit"
        )
        .only(
            "indexitem__code",
            "inspectionfinding__text",
            "inspectionfinding__remedy",
            "inspectionfinding__unit__name",
            "inspectionfinding__inspection__title",
            "inspectionfinding__inspection__visited_on",
            "inspectionfinding__inspection__period__year",
        )
        .order_by(
            "-inspectionfinding__inspection__visited_on",
            "inspectionfinding__position",
            "inspectionfinding__pk",
        )
    )
    for row in finding_rows:
        finding = row.inspectionfinding
        if ("finding", finding.pk, row.indexitem.code) in seen:
            continue
        seen.add(("finding", finding.pk, row.indexitem.code))
        findings[row.indexitem.code].append(
            FindingLesson(
                year=finding.inspection.period.year,
                inspection_title=finding.inspection.title,
                visited_on=finding.inspection.visited_on,
                text=finding.text,
                remedy=finding.remedy,
                unit_name=finding.unit.name,
            )
        )
    return {
        code: ItemLessons(tasks.get(code, []), findings.get(code, []))
        for code in tasks.keys() | findings.keys()
    }
