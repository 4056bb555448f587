"""Celery tasks of the scoring app: the periodic jobs, and the registration of the tasks the
services queue themselves (declared next to them, on parindex.tasks.TransactionAwareTask)."""

from celery import shared_task
from django.utils import translation

from .services.accounts import send_password_link
from .services.appraisal import periods_open_appraisal_due
from .services.index_set_jobs import INDEX_SET_IMPORT  # registers the import
from .services.notifications import (
    deadline_reminders,
    notification_emails_send_pending,
    send_notification_email,
)
from .services.remediation_progress import task_deadline_reminders
from .services.self_assessment_workbook import SELF_ASSESSMENT_IMPORT  # registers the import
from .services.staff_accounts_jobs import STAFF_ACCOUNTS_IMPORT  # registers the import
from .services.survey_data_jobs import DATA_IMPORT, SURVEY_IMPORT  # register the imports
from .services.unit_sheet_jobs import UNIT_SHEET_IMPORT  # registers the import

__all__ = [
    "DATA_IMPORT",
    "INDEX_SET_IMPORT",
    "SELF_ASSESSMENT_IMPORT",
    "STAFF_ACCOUNTS_IMPORT",
    "SURVEY_IMPORT",
    "UNIT_SHEET_IMPORT",
    "open_due_appraisals",
    "send_deadline_reminders",
    "send_notification_email",
    "send_password_link",
    "send_pending_emails",
]


@shared_task
def send_deadline_reminders() -> int:
    """One job for every deadline reminder: self-assessment, explanation, remediation tasks."""
    return deadline_reminders() + task_deadline_reminders()


@shared_task
def open_due_appraisals() -> int:
    with translation.override("vi"):
        return periods_open_appraisal_due()


@shared_task
def send_pending_emails() -> int:
    """The e-mails that could not be queued (the broker was down) or sent, sent once."""
    return notification_emails_send_pending()
