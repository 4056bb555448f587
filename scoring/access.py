"""One access helper per entity: the object, or 404 when the user has no access at all, or 403
when they may read it but not do what they ask."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from units.access import acts_for, duty_refusal, has_permission, organisers_for, units_for
from units.models import Unit
from units.roles import Permission

from .models import (
    Assessment,
    AssessmentPeriod,
    Evidence,
    ImprovementFile,
    IndexSet,
    Inspection,
    PlanStatus,
    RemediationPlan,
    RemediationTask,
)
from .remediation import progress_reportable
from .workflow import PeriodStatus


def get_period_for_user(
    user, pk: int, permission: Permission = Permission.VIEW_RESULTS
) -> AssessmentPeriod:
    """A period whose results the user may see; 403 if they may see them but not `permission`."""
    period = AssessmentPeriod.objects.select_related("organiser").filter(pk=pk).first()
    if period is None or not acts_for(user, Permission.VIEW_RESULTS, period.organiser_id):
        raise Http404
    if permission != Permission.VIEW_RESULTS and not acts_for(
        user, permission, period.organiser_id
    ):
        # Separation of duties says why (the 403 page shows it); other refusals need no words.
        raise PermissionDenied(
            duty_refusal(user, permission, organiser_id=period.organiser_id) or ""
        )
    return period


def get_unit_for_user(user, period: AssessmentPeriod, unit_pk: int) -> Unit:
    """A unit of the period whose own results page the user may open: its staff, appraisers
    and officers of its organiser."""
    unit = (
        Unit.objects.select_related("kind")
        .filter(pk=unit_pk, organiser=period.organiser_id)
        .first()
    )
    if unit is None:
        raise Http404
    allowed = has_permission(user, Permission.VIEW_ASSESSMENT, unit=unit) or acts_for(
        user, Permission.VIEW_RESULTS, period.organiser_id
    )
    if not allowed:
        raise Http404
    return unit


def get_assessment_for_user(
    user, pk: int, permission: Permission = Permission.VIEW_ASSESSMENT
) -> Assessment:
    """An assessment the user may read: 404 when they may not even see it (another unit's
    staff), 403 when they may see it but not do `permission` (an appraiser saving a score)."""
    assessment = (
        Assessment.objects.select_related(
            "period__organiser", "unit__kind", "index_set", "unit__organiser"
        )
        .filter(pk=pk)
        .first()
    )
    if assessment is None or not has_permission(
        user, Permission.VIEW_ASSESSMENT, unit=assessment.unit
    ):
        raise Http404
    if assessment.period.status == PeriodStatus.SETUP and not acts_for(
        user, Permission.VIEW_ASSESSMENT, assessment.period.organiser_id
    ):
        raise Http404  # a period being set up is invisible to its units until it opens
    if permission != Permission.VIEW_ASSESSMENT and not has_permission(
        user, permission, unit=assessment.unit
    ):
        raise PermissionDenied(duty_refusal(user, permission, unit=assessment.unit) or "")
    return assessment


def get_evidence_for_user(user, pk: int) -> Evidence:
    """A piece of evidence, only for those who may read its assessment (404 for anyone else,
    so the existence of another unit's files is not revealed)."""
    evidence = (
        Evidence.objects.select_related("assessment__unit", "assessment__period")
        .filter(pk=pk)
        .first()
    )
    if evidence is None or not has_permission(
        user, Permission.VIEW_ASSESSMENT, unit=evidence.assessment.unit
    ):
        raise Http404
    period = evidence.assessment.period
    if period.status == PeriodStatus.SETUP and not acts_for(
        user, Permission.VIEW_ASSESSMENT, period.organiser_id
    ):
        raise Http404
    return evidence


def get_index_set_for_user(
    user, pk: int, permission: Permission = Permission.MANAGE_PERIOD
) -> IndexSet:
    """An index set for those who hold `permission` for its period's organiser; 403 for anyone
    else who works in that period (a unit's staff, an appraiser, the chair), 404 for the rest
    (another organiser's officers, and units while the period is being set up)."""
    index_set = (
        IndexSet.objects.select_related("period__organiser", "unit_kind").filter(pk=pk).first()
    )
    if index_set is None:
        raise Http404
    organiser_id = index_set.period.organiser_id
    if acts_for(user, permission, organiser_id):
        return index_set
    if acts_for(user, Permission.VIEW_RESULTS, organiser_id):
        raise PermissionDenied
    # A period in set-up does not exist for the units until it opens.
    if index_set.period.status != PeriodStatus.SETUP and (
        units_for(user, Permission.VIEW_ASSESSMENT).filter(organiser_id=organiser_id).exists()
    ):
        raise PermissionDenied
    raise Http404


def get_unit_for_setup(user, pk: int) -> Unit:
    """A unit Home Affairs of its organiser reorganises: 403 for those who may see the unit
    but not set it up (its staff, the council), 404 for anyone else."""
    unit = Unit.objects.select_related("organiser", "kind", "ranking_group").filter(pk=pk).first()
    if unit is None:
        raise Http404
    if acts_for(user, Permission.MANAGE_PERIOD, unit.organiser_id):
        return unit
    if has_permission(user, Permission.VIEW_ASSESSMENT, unit=unit) or acts_for(
        user, Permission.VIEW_RESULTS, unit.organiser_id
    ):
        raise PermissionDenied
    raise Http404


def get_setup_organisers_for_user(user, permission: Permission = Permission.MANAGE_PERIOD) -> list:
    """The organisers whose year the user sets up (Home Affairs), or whose staff accounts they
    manage (`MANAGE_ACCOUNTS`: Home Affairs; the system admin: all), or 403: the set-up pages
    are for them alone."""
    organisers = list(organisers_for(user, permission))
    if not organisers:
        raise PermissionDenied
    return organisers


# ---------------------------------------------------------------- improvement after publication
#
# Who sees what: Home Affairs of the organiser (and the system admin, who reads everything)
# see every plan, task and inspection. A unit's staff see their own unit's plan, the tasks
# their unit owns, and the findings about their unit — and the province's plan once Home
# Affairs has issued it (it is an official document sent to every unit). The council sees
# issued plans, as it sees the tasks beside the scores it appraises.


def manages_improvement(user, organiser_id: int) -> bool:
    return acts_for(user, Permission.MANAGE_IMPROVEMENT, organiser_id)


def _council_or_reader(user, organiser_id: int) -> bool:
    """The council (appraisers, the chair) and those who read every result (the system admin)."""
    return acts_for(user, Permission.APPRAISE, organiser_id) or acts_for(
        user, Permission.VIEW_RESULTS, organiser_id
    )


def plan_visible_to(user, plan: RemediationPlan) -> bool:
    organiser_id = plan.period.organiser_id
    if manages_improvement(user, organiser_id):
        return True
    if plan.status == PlanStatus.ISSUED and _council_or_reader(user, organiser_id):
        return True
    if plan.unit_id is not None:  # a unit's own plan: its staff, draft or issued
        return has_permission(user, Permission.DRAFT_UNIT_PLAN, unit=plan.unit)
    if plan.status != PlanStatus.ISSUED:
        return False
    return units_for(user, Permission.VIEW_ASSESSMENT).filter(organiser_id=organiser_id).exists()


def plan_author(user, plan: RemediationPlan) -> bool:
    """Who writes the plan while it is a draft: the province's Home Affairs, a unit's its staff
    or Home Affairs (told "already issued" rather than refused once it is)."""
    if manages_improvement(user, plan.period.organiser_id):
        return True
    return plan.unit_id is not None and has_permission(
        user, Permission.DRAFT_UNIT_PLAN, unit=plan.unit
    )


def plan_editable_by(user, plan: RemediationPlan) -> bool:
    """Drafts only: the province's by Home Affairs, a unit's by its staff or Home Affairs."""
    return plan.status == PlanStatus.DRAFT and plan_author(user, plan)


def get_plan_for_user(user, pk: int, *, edit: bool = False) -> RemediationPlan:
    """A plan the user may read (404 otherwise); with `edit`, 403 unless they may change it."""
    plan = (
        RemediationPlan.objects.select_related("period__organiser", "unit", "publication")
        .filter(pk=pk)
        .first()
    )
    if plan is None or not plan_visible_to(user, plan):
        raise Http404
    if edit and not plan_editable_by(user, plan):
        raise PermissionDenied
    return plan


def task_visible_to(user, task: RemediationTask) -> bool:
    """A task's page, with its progress reports and files: Home Affairs, the council once the
    plan is issued, the staff of the unit whose own plan it is, and the owner unit's staff once
    issued. Other units read the issued province plan's tasks in the plan itself, not each
    other's reports."""
    organiser_id = task.plan.period.organiser_id
    if manages_improvement(user, organiser_id):
        return True
    if task.plan.status == PlanStatus.ISSUED and _council_or_reader(user, organiser_id):
        return True
    if task.plan.unit_id is not None and has_permission(
        user, Permission.DRAFT_UNIT_PLAN, unit=task.plan.unit
    ):
        return True
    return task.plan.status == PlanStatus.ISSUED and has_permission(
        user, Permission.REPORT_TASK_PROGRESS, unit=task.owner_unit
    )


def progress_reportable_by(user, task: RemediationTask) -> bool:
    """Progress is reported by the owner unit's staff, on tasks of issued plans (the rule:
    scoring.remediation.progress_reportable)."""
    return progress_reportable(user, task)


def get_task_for_user(user, pk: int, *, report: bool = False) -> RemediationTask:
    """A task the user may read (404 otherwise); with `report`, 403 unless they may report its
    progress."""
    task = (
        RemediationTask.objects.select_related(
            "plan__period__organiser", "plan__unit", "plan__publication", "owner_unit"
        )
        .filter(pk=pk)
        .first()
    )
    if task is None or not task_visible_to(user, task):
        raise Http404
    if report and not progress_reportable_by(user, task):
        raise PermissionDenied
    return task


def inspection_visible_to(user, inspection: Inspection) -> bool:
    """Home Affairs and the council see an inspection; a unit's staff only one that visited
    their unit (and only their own unit's findings: scoring.selectors.inspections)."""
    organiser_id = inspection.period.organiser_id
    if manages_improvement(user, organiser_id) or _council_or_reader(user, organiser_id):
        return True
    return any(
        has_permission(user, Permission.VIEW_ASSESSMENT, unit=unit)
        for unit in inspection.units.all()
    )


def get_inspection_for_user(user, pk: int, *, edit: bool = False) -> Inspection:
    inspection = Inspection.objects.select_related("period__organiser").filter(pk=pk).first()
    if inspection is None or not inspection_visible_to(user, inspection):
        raise Http404
    if edit and not manages_improvement(user, inspection.period.organiser_id):
        raise PermissionDenied
    return inspection


def get_improvement_file_for_user(user, pk: int) -> ImprovementFile:
    """A progress report's file for those who see its task; an inspection's document for Home
    Affairs and the council. 404 for anyone else."""
    upload = (
        ImprovementFile.objects.select_related(
            "progress__task__plan__period", "progress__task__owner_unit", "inspection__period"
        )
        .filter(pk=pk)
        .first()
    )
    if upload is None:
        raise Http404
    if upload.progress_id is not None:
        visible = task_visible_to(user, upload.progress.task)
    else:
        # An inspection's minutes cover every unit visited: Home Affairs and the council only
        # (a unit reads its own findings on the inspection's page).
        organiser_id = upload.inspection.period.organiser_id
        visible = manages_improvement(user, organiser_id) or _council_or_reader(user, organiser_id)
    if not visible:
        raise Http404
    return upload


def finding_units_for(user, inspection: Inspection) -> set[int] | None:
    """The units whose findings of `inspection` the user reads: None for every unit (Home
    Affairs, the council, the readers of every result); else the visited units whose staff
    they are — a unit never reads another unit's findings."""
    organiser_id = inspection.period.organiser_id
    if manages_improvement(user, organiser_id) or _council_or_reader(user, organiser_id):
        return None
    return {
        unit.pk
        for unit in inspection.units.all()
        if has_permission(user, Permission.VIEW_ASSESSMENT, unit=unit)
    }


def get_inspection_file_for_user(user, pk: int) -> ImprovementFile:
    """An inspection's document (not a progress report's), for those who see the inspection."""
    upload = get_improvement_file_for_user(user, pk)
    if upload.inspection_id is None:
        raise Http404
    return upload


def get_finding_for_user(user, inspection: Inspection, pk: int):
    """A finding of `inspection` that Home Affairs changes (the caller has checked `edit`)."""
    finding = inspection.findings.select_related("unit").filter(pk=pk).first()
    if finding is None:
        raise Http404
    return finding


def plans_visible_to(user):
    """The query form of `plan_visible_to`, for lists: every plan the user may read."""
    if not getattr(user, "is_authenticated", False):
        return RemediationPlan.objects.none()
    issued = Q(status=PlanStatus.ISSUED)
    visible = (
        Q(period__organiser__in=organisers_for(user, Permission.MANAGE_IMPROVEMENT))
        | (issued & Q(period__organiser__in=organisers_for(user, Permission.APPRAISE)))
        | (issued & Q(period__organiser__in=organisers_for(user, Permission.VIEW_RESULTS)))
        | Q(unit__in=units_for(user, Permission.DRAFT_UNIT_PLAN))
        | (
            issued
            & Q(unit=None)
            & Q(
                period__organiser__in=units_for(user, Permission.VIEW_ASSESSMENT).values(
                    "organiser_id"
                )
            )
        )
    )
    return RemediationPlan.objects.filter(visible)
