"""Whether a unit submitted its self-assessment: the one definition of "never submitted", read
by the publication's confirmation, the frozen results (PublishedUnitResult.never_submitted) and
the results computed now."""

from scoring.models import Assessment, AssessmentPeriod, AuditAction, AuditEntry
from scoring.workflow import AssessmentStatus

S = AssessmentStatus


def never_submitted(period: AssessmentPeriod) -> set[int]:
    """Ids of the period's taking-part assessments whose unit did not submit the entry the
    council works on: it has no submission time (submitting sets it, reopening clears it) and it
    is still a draft, or it went from draft straight into appraisal (the deadline opened the
    appraisal on whatever the unit had entered). A unit reopened and not submitted again counts
    too. A past year settled by the score import (draft → appraised, the system's own move) is
    not marked: its units submitted outside the portal. Two queries."""
    unsent = dict(
        Assessment.objects.taking_part()
        .filter(period=period, submitted_at__isnull=True)
        .values_list("pk", "status")
    )
    if not unsent:
        return set()
    marked = {pk for pk, status in unsent.items() if status == S.DRAFT}
    moved_unsent = AuditEntry.objects.filter(
        period=period,
        assessment__isnull=False,
        action=AuditAction.STATUS,
        field="status",
        old_value=S.DRAFT,
        new_value=S.IN_APPRAISAL,
    ).values_list("assessment_id", flat=True)
    return marked | (set(moved_unsent) & set(unsent))
