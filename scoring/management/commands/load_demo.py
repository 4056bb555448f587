from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parindex.dates import date_text
from scoring.demo_data.province import DEMO_PASSWORD, demo_already_loaded, load_demo_province


class Command(BaseCommand):
    help = (
        "Build the demo province (tỉnh Hòa An) across the 2025 reform: 2024 published with "
        "departments, districts and communes; 2025 published with the merged communes and "
        "wards; 2026 open for self-assessment."
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
        if settings.REPORTS_RENDER_PUBLISHED_DOCUMENTS:
            self.stdout.write(
                _("Building the demo province; its published documents are rendered after it.")
            )
        province = load_demo_province()
        self.stdout.write(self.style.SUCCESS(_("Demo province loaded.")))
        for year in province.years:
            assessed = "; ".join(f"{count} {name}" for name, count in year.assessed)
            status = year.status
            if year.published_at:
                status = _("published on %(date)s") % {"date": date_text(year.published_at)}
            self.stdout.write(f"  {year.year}: {status} — {assessed}")
        self.stdout.write(
            _("Demo accounts (password: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        width = max(len(account.username) for account in province.accounts)
        for account in province.accounts:
            self.stdout.write(
                f"  {account.username.ljust(width)}  {account.role} — {account.scope}"
                f" ({account.full_name})"
            )
