"""Celery tasks of the scoring app: notification e-mails and deadline reminders."""

from celery import shared_task
from django.utils import translation

from .services.appraisal import periods_open_appraisal_due
from .services.notifications import deadline_reminders, notification_email_send


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """Idempotent: a notification already e-mailed is not sent again."""
    with translation.override("vi"):
        return notification_email_send(notification_id)


@shared_task
def send_deadline_reminders() -> int:
    return deadline_reminders()


@shared_task
def open_due_appraisals() -> int:
    with translation.override("vi"):
        return periods_open_appraisal_due()
