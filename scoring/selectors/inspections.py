"""Inspections as their pages show them: the list a user may see, and one visit with its
documents and its findings grouped by unit — narrowed to the units whose findings the viewer
may read (scoring.access.finding_units_for decides which)."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from scoring.models import ImprovementFile, IndexItem, Inspection, InspectionFinding
from scoring.models import RemediationTask as Task
from units.access import holds_anywhere, organisers_for, units_for
from units.models import Unit
from units.roles import Permission

INSPECTIONS_PER_PAGE = 25

# Who reads every inspection of an organiser: Home Affairs, the council, the readers of every
# result (scoring.access.inspection_visible_to says the same for one inspection).
_READ_ALL = (Permission.MANAGE_IMPROVEMENT, Permission.APPRAISE, Permission.VIEW_RESULTS)


def inspections_for(user, *, period_id: int | None = None) -> QuerySet[Inspection]:
    """The inspections the user may open, latest visit first: every one of the organisers they
    work for as Home Affairs or the council, and those that visited a unit whose staff they
    are."""
    organiser_ids: set[int] = set()
    for permission in _READ_ALL:
        organiser_ids |= set(organisers_for(user, permission).values_list("pk", flat=True))
    visited = units_for(user, Permission.VIEW_ASSESSMENT)
    condition = Q(period__organiser_id__in=organiser_ids) | Q(
        pk__in=Inspection.units.through.objects.filter(unit__in=visited).values("inspection_id")
    )
    inspections = Inspection.objects.filter(condition)
    if period_id is not None:
        inspections = inspections.filter(period_id=period_id)
    return (
        inspections.select_related("period__organiser")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("-visited_on", "-pk")
    )


@dataclass
class UnitFindings:
    unit: Unit
    findings: list[InspectionFinding] = field(default_factory=list)


@dataclass
class InspectionDetail:
    inspection: Inspection
    units: list[Unit]  # every unit visited
    team: list[str]
    files: list[ImprovementFile]  # empty for a unit's staff: see inspection_documents_visible_to
    documents_shown: bool
    by_unit: list[UnitFindings]  # the units whose findings the viewer reads, in code order

    @property
    def finding_count(self) -> int:
        return sum(len(group.findings) for group in self.by_unit)


def inspection_detail(inspection: Inspection, *, unit_ids: set[int] | None) -> InspectionDetail:
    """One visit; `unit_ids` are the units whose findings the viewer reads (None: all). Four
    queries: units, documents, findings with their items and tasks."""
    units = list(inspection.units.select_related("kind").order_by("code"))
    findings = (
        InspectionFinding.objects.filter(inspection=inspection)
        .select_related("unit")
        .prefetch_related(
            Prefetch("items", queryset=IndexItem.objects.only("pk", "code", "name")),
            Prefetch("tasks", queryset=Task.objects.select_related("plan")),
        )
        .order_by("unit__code", "position", "pk")
    )
    if unit_ids is not None:
        findings = findings.filter(unit_id__in=unit_ids)
    groups = {
        unit.pk: UnitFindings(unit) for unit in units if unit_ids is None or unit.pk in unit_ids
    }
    for finding in findings:
        groups.setdefault(finding.unit_id, UnitFindings(finding.unit)).findings.append(finding)
    return InspectionDetail(
        inspection=inspection,
        units=units,
        team=[line for line in inspection.team.splitlines() if line.strip()],
        # The minutes cover every unit visited: a unit reads its own findings, not them.
        files=list(inspection.files.order_by("uploaded_at", "pk")) if unit_ids is None else [],
        documents_shown=unit_ids is None,
        by_unit=list(groups.values()),
    )


def units_to_visit(organiser_id: int, year: int) -> QuerySet[Unit]:
    """The organiser's units that exist in the period's year, by kind then code: the choices
    of the units visited."""
    return (
        Unit.objects.filter(organiser_id=organiser_id)
        .filter(Unit.not_ended_in(year))
        .filter(Q(valid_from_year__isnull=True) | Q(valid_from_year__lte=year))
        .select_related("kind")
        .order_by("kind__position", "code")
    )


def shows_inspections_link(user) -> bool:
    """Home Affairs records inspections; a unit's staff see the link once one visited them
    (one query, for them only)."""
    if holds_anywhere(user, Permission.MANAGE_IMPROVEMENT):
        return True
    if not holds_anywhere(user, Permission.DRAFT_UNIT_PLAN):
        return False
    return Inspection.units.through.objects.filter(
        unit__in=units_for(user, Permission.VIEW_ASSESSMENT)
    ).exists()
