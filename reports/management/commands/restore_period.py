from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.backup import BackupRefused, period_restore, restore_plan


class Command(BaseCommand):
    help = (
        "Restore a period written by backup_period into an empty instance: checksums first, "
        "then every row in one transaction, then the files through storage; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar written by backup_period.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Verify the archive and list what would be restored; write nothing.",
        )

    def handle(self, *args, archive, dry_run=False, **options):
        try:
            if dry_run:
                plan = restore_plan(archive)
            else:
                plan = period_restore(path=archive, progress=self.stdout.write)
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        manifest = plan.manifest
        if dry_run:
            self.stdout.write(
                _("The archive is intact (format %(format)s, written by version %(version)s).")
                % {"format": manifest["format"], "version": manifest["app_version"]}
            )
            for model, count in plan.counts.items():
                self.stdout.write(f"  {model}: {count}")
            self.stdout.write("  " + _("files: %(count)s") % {"count": len(plan.files)})
            self.stdout.write(_("Nothing was written (--dry-run)."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Period %(year)s of %(organiser)s restored.")
                % {"year": manifest["year"], "organiser": manifest["organiser"]}
            )
        )
