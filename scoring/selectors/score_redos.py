"""The scores a unit must enter again after its index set was replaced mid-period (see
scoring.services.index_set_replace): what the self-assessment page lists."""

from django.db.models import Case, When

from scoring.models import Assessment, RedoKind, RedoStage, ScoreRedo


def council_redos_open(assessment: Assessment) -> list[ScoreRedo]:
    """The council's values (round 1 or 2) a replacement cleared, not yet entered again."""
    return list(
        ScoreRedo.objects.filter(
            assessment=assessment,
            stage__in=(RedoStage.APPRAISAL, RedoStage.FINAL),
            kind=RedoKind.ABOVE_MAX,
            resolved_at=None,
        )
        .select_related("item")
        .order_by("old_code", "stage", "pk")
    )


def score_redos_open(assessment: Assessment) -> list[ScoreRedo]:
    """The unit's own (self-assessment) redos not yet done: the values to enter again first,
    then the removed items (kept for information: nothing can be entered for them), each in
    item order."""
    return list(
        ScoreRedo.objects.filter(assessment=assessment, stage=RedoStage.SELF, resolved_at=None)
        .select_related("item")
        .order_by(Case(When(kind=RedoKind.ABOVE_MAX, then=0), default=1), "old_code", "pk")
    )
