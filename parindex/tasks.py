"""The base of every Celery task a service queues: enqueued only once the transaction that
asked for it commits (never for a change that was rolled back), and a failed enqueue — the
broker down — is logged and handed to the task's `on_enqueue_failure` instead of turning an
action that was already saved into an error page.

A broker that refused once is not asked again for PARINDEX_BROKER_DOWN_PAUSE seconds (by this
process): an action that tells 150 people costs one failed publish, not 150. The work waits in
the database for the periodic jobs (pending e-mails, failed reports to retry).

Tasks are declared next to the service that queues them (with `base=TransactionAwareTask`)
and registered for the worker by the app's `tasks` module, so no service imports a tasks
module to call `on_commit` by hand."""

import logging
import time

from celery import Task
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What a broker that does not answer raises (kombu wraps redis' errors in OperationalError).
BROKER_ERRORS = (OperationalError, OSError, ConnectionError)


class BrokerBreaker:
    """Per process: after a broker error, publishing is skipped until the pause ends."""

    def __init__(self) -> None:
        self.down_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    def trip(self) -> None:
        self.down_until = time.monotonic() + settings.PARINDEX_BROKER_DOWN_PAUSE

    def reset(self) -> None:
        self.down_until = 0.0


broker_breaker = BrokerBreaker()


class TransactionAwareTask(Task):
    abstract = True

    def enqueue(self, *args, **kwargs) -> None:
        """Queue the task with these (JSON) arguments once the current transaction commits;
        at once when there is none."""
        transaction.on_commit(lambda: self._enqueue_now(args, kwargs))

    def _enqueue_now(self, args: tuple, kwargs: dict) -> None:
        if broker_breaker.is_open() and not self.app.conf.task_always_eager:
            logger.warning("Broker down: task %s%r left pending", self.name, args)
            self.on_enqueue_failure(*args, **kwargs)
            return
        try:
            self.apply_async(args=args, kwargs=kwargs)
        except BROKER_ERRORS:
            logger.exception("Task %s%r could not be queued: broker down", self.name, args)
            broker_breaker.trip()
            self.on_enqueue_failure(*args, **kwargs)
        except Exception:
            logger.exception("Task %s%r could not be queued", self.name, args)
            self.on_enqueue_failure(*args, **kwargs)

    def on_enqueue_failure(self, *args, **kwargs) -> None:
        """What to record when the task could not be queued (nothing by default: a periodic
        job or the user's retry picks it up)."""
