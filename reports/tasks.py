from celery import shared_task
from django.utils import timezone, translation

from .services import report_build, reports_fail_stale


@shared_task(acks_late=True)  # time limits: CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT
def build_report(report_id: int) -> str:
    """Render in Vietnamese, Hanoi time, whatever the worker's locale."""
    with translation.override("vi"), timezone.override("Asia/Ho_Chi_Minh"):
        return report_build(report_id=report_id).status


@shared_task
def fail_stale_reports() -> int:
    """Run by beat: a worker killed at its hard time limit leaves its report 'being built'."""
    with translation.override("vi"):
        return reports_fail_stale()
