"""The group a unit is ranked in, per period: Assessment.ranking_group. Changing it for one year
leaves every other year's ranking as it was."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scoring.exceptions import Refused
from scoring.models import Assessment
from scoring.workflow import AssessmentStatus, PeriodStatus
from units.access import acts_for
from units.models import RankingGroup
from units.roles import Permission

from . import audit


def assessment_ranking_group_set(
    *, assessment: Assessment, group: RankingGroup | None, by, reason: str = ""
) -> Assessment:
    """Rank the unit in `group` (None: assessed but not ranked) for this period only; until the
    period's results are published."""
    period = assessment.period
    if by is not None and not acts_for(by, Permission.MANAGE_PERIOD, period.organiser_id):
        raise PermissionDenied(_("Only Home Affairs of this organiser sets the ranking groups."))
    if period.status == PeriodStatus.PUBLISHED or assessment.status == AssessmentStatus.PUBLISHED:
        raise Refused(_("The results are published: the ranking groups of this year are final."))
    if assessment.status == AssessmentStatus.WITHDRAWN:
        raise Refused(_("This unit was withdrawn from the period: it is not ranked."))
    if group is not None and group.organiser_id != period.organiser_id:
        raise ValidationError({"group": _("The ranking group belongs to another organiser.")})
    if group is not None and group.kind_id and group.kind_id != assessment.unit.kind_id:
        raise ValidationError({"group": _("This ranking group is for another kind of unit.")})
    old = assessment.ranking_group
    if (old.pk if old else None) == (group.pk if group else None):
        return assessment
    with transaction.atomic():
        assessment.ranking_group = group
        assessment.save(update_fields=["ranking_group", "updated_at"])
        audit.record(
            audit.ranking_group_changed(
                actor=by,
                assessment=assessment,
                old=old.code if old else "",
                new=group.code if group else "",
                reason=reason,
            )
        )
    return assessment
