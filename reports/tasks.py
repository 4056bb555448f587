from celery import shared_task
from django.utils import timezone, translation

from .services import report_build


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def build_report(report_id: int) -> str:
    """Render in Vietnamese, Hanoi time, whatever the worker's locale."""
    with translation.override("vi"), timezone.override("Asia/Ho_Chi_Minh"):
        return report_build(report_id=report_id).status
