"""Celery tasks of the reports app: the periodic clean-up, and the registration of the build
task that reports.services queues itself (on parindex.tasks.TransactionAwareTask)."""

from celery import shared_task
from django.utils import translation

from .services import build_report, reports_fail_stale, reports_queue_again

__all__ = ["build_report", "fail_stale_reports"]


@shared_task
def fail_stale_reports() -> int:
    """Run by beat every minute: a worker killed leaves its report 'being built' (failed here,
    with a retry); a build the broker refused waits queued (queued again here)."""
    with translation.override("vi"):
        failed = reports_fail_stale()
    reports_queue_again()
    return failed
