"""What scoring tells the apps above it, which it may not import: they connect receivers in
their AppConfig.ready() (reports listens)."""

from django.dispatch import Signal

# A period moved from one status to another (scoring.services.transitions.period_move, the one
# door, which moves it with a queryset update that post_save never sees). Arguments: period,
# source, target. Sent inside the move's transaction.
period_moved = Signal()

# A publication version was created: `publication` (scoring.models.Publication). Sent inside
# the publishing transaction, so a receiver's rows are saved with the version or not at all; a
# receiver that queues work must queue it on commit (parindex.tasks.TransactionAwareTask).
results_published = Signal()

# A remediation plan was issued: `plan` (scoring.models.RemediationPlan). Sent inside the
# issuing transaction; reports renders its official documents once it commits.
plan_issued = Signal()
