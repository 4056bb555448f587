"""Assessment lifecycle: opening a period's assessments and moving them through the workflow."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import Assessment, AssessmentPeriod, IndexSet
from scoring.workflow import AssessmentStatus, find_transition
from units.access import has_permission
from units.models import Unit

from .audit import audit_record


def period_open_assessments(*, period: AssessmentPeriod, by=None) -> int:
    """Create the missing assessment of every unit the period covers: units of the organiser
    that exist in the period's year and whose kind has a current index set. Returns how many."""
    index_sets = {
        index_set.unit_kind_id: index_set
        for index_set in IndexSet.objects.filter(period=period, is_current=True)
    }
    existing = set(Assessment.objects.filter(period=period).values_list("unit_id", flat=True))
    units = Unit.objects.filter(organiser=period.organiser, kind_id__in=index_sets, active=True)
    new = [
        Assessment(period=period, unit=unit, index_set=index_sets[unit.kind_id])
        for unit in units
        if unit.pk not in existing and unit.exists_in(period.year)
    ]
    with transaction.atomic():
        Assessment.objects.bulk_create(new)
        if new:
            audit_record(
                actor=by, obj=period, action="open_assessments", field="assessments", new=len(new)
            )
    return len(new)


def assessment_transition(
    *, assessment: Assessment, target: str, by, reason: str = "", permission_checked=False
) -> Assessment:
    """Move an assessment to `target` if the workflow allows it and `by` may; audited.
    `by=None` is the system itself (a management command), which skips the permission check;
    so does `permission_checked`, for a move that follows from an action the caller has already
    checked more narrowly (an area appraiser's first save starts the unit's appraisal)."""
    transition = find_transition(assessment.status, target)
    if transition is None:
        raise ValidationError(
            _("An assessment cannot go from “%(source)s” to “%(target)s”.")
            % {
                "source": AssessmentStatus(assessment.status).label,
                "target": AssessmentStatus(target).label,
            }
        )
    if (
        by is not None
        and not permission_checked
        and not any(
            has_permission(by, permission, unit=assessment.unit)
            for permission in transition.permissions
        )
    ):
        raise PermissionDenied(_("You may not make this change to this unit's assessment."))
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise ValidationError(_("Please give a reason for this change."))

    with transaction.atomic():
        current = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if current.status != transition.source:
            # Someone else moved it meanwhile: refuse rather than overwrite their move.
            raise ValidationError(
                _("This assessment is now “%(status)s”; reload the page.")
                % {"status": AssessmentStatus(current.status).label}
            )
        now = timezone.now()
        current.status = transition.target
        if transition.target == AssessmentStatus.SUBMITTED:
            current.submitted_at = now
        elif transition.target == AssessmentStatus.APPRAISED:
            current.finalised_at = now
        elif transition.target == AssessmentStatus.DRAFT:
            current.submitted_at = None
        elif transition.target == AssessmentStatus.IN_APPRAISAL:
            current.finalised_at = None  # a reopened appraisal is no longer final
        current.save(update_fields=["status", "submitted_at", "finalised_at", "updated_at"])
        audit_record(
            actor=by,
            obj=current,
            action="transition",
            field="status",
            old=transition.source,
            new=transition.target,
            reason=reason,
        )
    assessment.refresh_from_db()
    return assessment
