"""What scoring tells the apps above it, which it may not import (reports listens)."""

from django.dispatch import Signal

# A period moved from one status to another (scoring.services.transitions.period_move, the one
# door, which moves it with a queryset update that post_save never sees). Arguments: period,
# source, target. Sent inside the move's transaction.
period_moved = Signal()
