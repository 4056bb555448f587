"""What scoring tells the apps above it. scoring never imports them (reports depends on scoring,
not the reverse): they connect receivers in their AppConfig.ready()."""

from django.dispatch import Signal

# A publication version was created: `publication` (scoring.models.Publication). Sent inside
# the publishing transaction, so a receiver's rows are saved with the version or not at all; a
# receiver that queues work must queue it on commit (parindex.tasks.TransactionAwareTask).
results_published = Signal()
