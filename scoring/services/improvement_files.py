"""Files of the improvement work — a progress report's evidence, an inspection's documents —
checked and named exactly as evidence files are (scoring.services.evidence), stored as
ImprovementFile rows. A file written inside a transaction that then fails is removed again, so
a refused save leaves nothing on disk."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from scoring.models import ImprovementFile

from .evidence import FileType, evidence_file_check, file_sha256, storage_name

FILES_MAX = 10  # files in one report or one save of a visit


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    file_type: FileType
    sha256: str


def improvement_files_check(files, *, max_files: int = FILES_MAX) -> list[CheckedFile]:
    """Every file checked before any is stored: one bad file refuses them all, with every
    file's problem named."""
    files = [upload for upload in files if upload]
    if len(files) > max_files:
        raise ValidationError(_("Attach at most %(max)s files to one report.") % {"max": max_files})
    checked, problems = [], []
    for upload in files:
        try:
            file_type = evidence_file_check(upload)
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        checked.append(CheckedFile(upload, file_type, file_sha256(upload)))
    if problems:
        raise ValidationError(problems)
    return checked


@contextmanager
def files_removed_on_failure() -> Iterator[list]:
    """Collects the files written inside the block; if the block fails they are deleted."""
    written: list[tuple] = []
    try:
        yield written
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def improvement_file_store(checked: CheckedFile, *, by, written: list, **owner) -> ImprovementFile:
    """Store one checked file for its owner (`progress=` or `inspection=`), under a random
    name; `written` is the list of files_removed_on_failure()."""
    row = ImprovementFile(
        original_name=PurePath(checked.upload.name).name[:255],
        content_type=checked.file_type.content_type,
        size=checked.upload.size,
        sha256=checked.sha256,
        uploaded_by=by,
        **owner,
    )
    row.file.save(storage_name(checked.upload.name), checked.upload, save=False)
    written.append((row.file.storage, row.file.name))
    row.save()
    return row
