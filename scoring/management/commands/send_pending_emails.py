from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from scoring.services.notifications import notification_emails_send_pending


class Command(BaseCommand):
    help = (
        "Send the e-mails of notifications that were not e-mailed: queued while the broker "
        "(Redis) was down, or refused by the mail server every time. Each goes once; running it "
        "again sends nothing new. Celery beat runs the same every 5 minutes."
    )

    def handle(self, *args, **options):
        sent = notification_emails_send_pending()
        self.stdout.write(ngettext("%(n)s e-mail sent.", "%(n)s e-mails sent.", sent) % {"n": sent})
