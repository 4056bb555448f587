from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from reports.services import reports_fail_stale, reports_queue_again


class Command(BaseCommand):
    help = (
        "Fail the reports whose build was lost (its worker gone, past the time limit, or never "
        "started), so that they can be built again, and hand to the workers again the builds "
        "the broker refused while it was down. Celery beat runs the same every minute."
    )

    def handle(self, *args, **options):
        failed = reports_fail_stale()
        queued = reports_queue_again()
        self.stdout.write(
            ngettext("%(n)s lost report failed.", "%(n)s lost reports failed.", failed)
            % {"n": failed}
        )
        self.stdout.write(
            ngettext("%(n)s report queued again.", "%(n)s reports queued again.", queued)
            % {"n": queued}
        )
