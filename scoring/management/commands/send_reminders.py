from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from scoring.remediation import TASK_REMINDER_DAYS
from scoring.services.notifications import REMINDER_DAYS, deadline_reminders
from scoring.services.remediation_progress import task_deadline_reminders


class Command(BaseCommand):
    help = (
        f"Remind the staff of every unit that has not finished its self-assessment or its "
        f"explanation, {REMINDER_DAYS} days or less before the deadline (inbox and e-mail). "
        f"Remind the owner units of remediation tasks not done, {TASK_REMINDER_DAYS} days or "
        "less before a task's deadline and once when it has passed. "
        "Each reminder goes once per person and deadline, so running it again sends nothing new. "
        "Celery beat runs the same every hour."
    )

    def handle(self, *args, **options):
        sent = deadline_reminders() + task_deadline_reminders()
        self.stdout.write(
            ngettext("%(n)s reminder sent.", "%(n)s reminders sent.", sent) % {"n": sent}
        )
