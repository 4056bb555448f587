from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scoring.demo_data.province import DEMO_PASSWORD, demo_already_loaded, load_demo_province


class Command(BaseCommand):
    help = (
        "Build the demo province (tỉnh Hòa An): units, ranking groups, index sets, the council, "
        "last year's published results and this year's period open for self-assessment."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the demo is already loaded.",
        )

    def handle(self, *args, if_empty=False, **options):
        if demo_already_loaded():
            if if_empty:
                self.stdout.write(_("The demo province is already loaded."))
                return
            raise CommandError(_("The demo province is already loaded."))
        accounts = load_demo_province()
        self.stdout.write(self.style.SUCCESS(_("Demo province loaded.")))
        self.stdout.write(
            _("Demo accounts (password: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        width = max(len(account.username) for account in accounts)
        for account in accounts:
            self.stdout.write(
                f"  {account.username.ljust(width)}  {account.role} — {account.scope}"
                f" ({account.full_name})"
            )
