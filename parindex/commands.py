"""Shared bits of the import commands: reading the file and reporting problems the same way."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from .tabular import ImportFailed


def read_file_argument(path: str) -> tuple[bytes, str]:
    file = Path(path)
    if not file.is_file():
        raise CommandError(_("File not found: %(path)s") % {"path": path})
    return file.read_bytes(), file.name


def import_failed_error(failure: ImportFailed) -> CommandError:
    """One line per problem, after a line saying nothing was imported."""
    header = _("Nothing was imported: %(count)s problem(s).") % {"count": len(failure.problems)}
    return CommandError("\n".join([header, *(str(problem) for problem in failure.problems)]))
