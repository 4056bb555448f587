"""The base of every Celery task a service queues: enqueued only once the transaction that
asked for it commits (never for a change that was rolled back), and a failed enqueue — the
broker down — is logged and handed to the task's `on_enqueue_failure` instead of turning an
action that was already saved into an error page.

Tasks are declared next to the service that queues them (with `base=TransactionAwareTask`)
and registered for the worker by the app's `tasks` module, so no service imports a tasks
module to call `on_commit` by hand."""

import logging

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


class TransactionAwareTask(Task):
    abstract = True

    def enqueue(self, *args, **kwargs) -> None:
        """Queue the task with these (JSON) arguments once the current transaction commits;
        at once when there is none."""
        transaction.on_commit(lambda: self._enqueue_now(args, kwargs))

    def _enqueue_now(self, args: tuple, kwargs: dict) -> None:
        try:
            self.apply_async(args=args, kwargs=kwargs)
        except Exception:
            logger.exception("Task %s%r could not be queued", self.name, args)
            self.on_enqueue_failure(*args, **kwargs)

    def on_enqueue_failure(self, *args, **kwargs) -> None:
        """What to record when the task could not be queued (nothing by default: a periodic
        job or the user's retry picks it up)."""
