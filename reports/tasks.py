"""Celery tasks of the reports app: the periodic clean-up, and the registration of the build
task that reports.services queues itself (on parindex.tasks.TransactionAwareTask)."""

from celery import shared_task
from django.utils import translation

from .services import build_report, reports_fail_stale

__all__ = ["build_report", "fail_stale_reports"]


@shared_task
def fail_stale_reports() -> int:
    """Run by beat: a worker killed at its hard time limit leaves its report 'being built'."""
    with translation.override("vi"):
        return reports_fail_stale()
