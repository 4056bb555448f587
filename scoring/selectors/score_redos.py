"""The scores a unit must enter again after its index set was replaced mid-period (see
scoring.services.index_set_replace): what the self-assessment page lists."""

from scoring.models import Assessment, RedoStage, ScoreRedo


def score_redos_open(assessment: Assessment) -> list[ScoreRedo]:
    """The unit's own (self-assessment) redos not yet done, in item order."""
    return list(
        ScoreRedo.objects.filter(assessment=assessment, stage=RedoStage.SELF, resolved_at=None)
        .select_related("item")
        .order_by("old_code", "pk")
    )
