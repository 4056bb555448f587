"""Evidence (tài liệu kiểm chứng) of a self-assessment: uploaded files and cited documents, each
attachable to several items of the same assessment. Files live in private storage and are only
served by a view that checks permissions."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from parindex.sizes import megabytes_text
from scoring.models import Assessment, Evidence, EvidenceStage, IndexItem

from . import audit
from .appraisal import explanation_evidence_check
from .file_content import content_problem
from .self_assessment import evidence_closed_check


@dataclass(frozen=True)
class FileType:
    content_type: str
    signatures: tuple[bytes, ...]
    inline: bool = False  # opened in the browser (PDF, images) rather than downloaded


_OOXML = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# What units may upload: PDF, Office and OpenDocument files, images. The first bytes must match
# the extension, so a renamed executable or HTML page is refused; then the content is checked as
# what the extension claims (scoring.services.file_content).
ALLOWED_FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", (b"%PDF-",), inline=True),
    ".png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",), inline=True),
    ".jpg": FileType("image/jpeg", (b"\xff\xd8\xff",), inline=True),
    ".jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",), inline=True),
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _OOXML
    ),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _OOXML),
    ".pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", _OOXML
    ),
    ".doc": FileType("application/msword", _OLE),
    ".xls": FileType("application/vnd.ms-excel", _OLE),
    ".ppt": FileType("application/vnd.ms-powerpoint", _OLE),
    ".odt": FileType("application/vnd.oasis.opendocument.text", _OOXML),
    ".ods": FileType("application/vnd.oasis.opendocument.spreadsheet", _OOXML),
}


def evidence_max_bytes() -> int:
    return settings.PARINDEX_EVIDENCE_MAX_MB * 1024 * 1024


def file_type_of(name: str) -> FileType | None:
    return ALLOWED_FILE_TYPES.get(PurePath(name).suffix.lower())


def evidence_file_check(upload: UploadedFile) -> FileType:
    """Refuse empty, oversized or unexpected files with a message saying what is allowed, and
    files whose content is not what their extension claims or could run something (a PDF with
    JavaScript, a workbook with macros, a zip bomb), naming the file and the reason."""
    file_type = file_type_of(upload.name or "")
    if file_type is None:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted file type. Upload PDF, Word, Excel, PowerPoint, "
                "OpenDocument or image (PNG, JPEG) files."
            )
            % {"name": upload.name}
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": upload.name})
    if upload.size > evidence_max_bytes():
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; files may be at most %(max)s MB.")
            % {
                "name": upload.name,
                "size": megabytes_text(upload.size),
                "max": settings.PARINDEX_EVIDENCE_MAX_MB,
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in file_type.signatures):
        raise ValidationError(
            _("“%(name)s” does not look like a %(ext)s file; it may be damaged or renamed.")
            % {"name": upload.name, "ext": PurePath(upload.name).suffix.lower()}
        )
    problem = content_problem(PurePath(upload.name).suffix.lower(), upload)
    if problem:
        raise ValidationError(
            _("“%(name)s” was refused: %(reason)s.") % {"name": upload.name, "reason": problem}
        )
    return file_type


def evidence_quota_bytes() -> int:
    return settings.PARINDEX_EVIDENCE_QUOTA_MB * 1024 * 1024


def evidence_quota_check(assessment: Assessment, upload: UploadedFile) -> None:
    """A unit's files of one period stay within the quota. Called under the assessment's row
    lock (_check_open_locked), so two uploads at once are counted one after the other."""
    used = (
        Evidence.objects.filter(
            assessment__unit_id=assessment.unit_id, assessment__period_id=assessment.period_id
        ).aggregate(total=Sum("size"))["total"]
        or 0
    )
    if used + upload.size > evidence_quota_bytes():
        raise ValidationError(
            _(
                "“%(name)s” (%(size)s MB) does not fit: this unit's evidence for the period "
                "already uses %(used)s MB of %(limit)s MB. Remove files no longer needed, or "
                "ask Home Affairs to raise the limit."
            )
            % {
                "name": upload.name,
                "size": megabytes_text(upload.size),
                "used": megabytes_text(used),
                "limit": megabytes_text(evidence_quota_bytes()),
            }
        )


def opens_inline(handle, name: str) -> bool:
    """A stored file opens in the browser only when it is a PDF or an image that passes the
    content check as it is stored now (files kept from before the check included); anything
    else downloads."""
    file_type = file_type_of(name)
    if not (file_type and file_type.inline):
        return False
    return content_problem(PurePath(name).suffix.lower(), handle) is None


def file_sha256(upload: UploadedFile) -> str:
    """The file's SHA-256, read in chunks; the file is rewound for storing."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def storage_name(name: str) -> str:
    """A random name to store an uploaded file under (128 random bits: not guessable, nothing
    of the user's name but its checked extension); users' names can be longer than the disk
    allows, and the original name is kept for display and download only."""
    return f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()}"


def _check_items(assessment: Assessment, items: list[IndexItem]) -> None:
    for item in items:
        if (
            item.index_set_id != assessment.index_set_id
            or item.is_entered_by_home_affairs
            or not item.is_scored
        ):
            raise ValidationError(_("Evidence can only support this unit's self-scored items."))


def _check_open(assessment: Assessment, by, stage: str, items: list[IndexItem]) -> None:
    """Self-assessment evidence follows the self-assessment's lock; explanation evidence the
    explanation round's, and supports only the items the council asked about."""
    if stage == EvidenceStage.EXPLANATION:
        explanation_evidence_check(assessment, by, items)
    else:
        evidence_closed_check(assessment, by)
    _check_items(assessment, items)


def _check_open_locked(assessment: Assessment, by, stage: str, items) -> None:
    """The same check again under the assessment's row lock, inside the write's transaction:
    a submission or a sent explanation that lands meanwhile decides."""
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("period", "unit")
        .get(pk=assessment.pk)
    )
    _check_open(locked, by, stage, items)


def evidence_upload(
    *,
    assessment: Assessment,
    by,
    upload: UploadedFile,
    items: list[IndexItem],
    description: str = "",
    stage: str = EvidenceStage.SELF_ASSESSMENT,
) -> Evidence:
    """Store an uploaded file and attach it to `items`. The same file uploaded again is not
    stored twice: the existing evidence is attached instead."""
    _check_open(assessment, by, stage, items)
    file_type = evidence_file_check(upload)
    sha256 = file_sha256(upload)
    with transaction.atomic():
        _check_open_locked(assessment, by, stage, items)
        evidence = Evidence.objects.filter(
            assessment=assessment, sha256=sha256, stage=stage
        ).first()
        if evidence is None:
            evidence_quota_check(assessment, upload)
            evidence = Evidence(
                assessment=assessment,
                stage=stage,
                original_name=PurePath(upload.name).name[:255],
                content_type=file_type.content_type,
                size=upload.size,
                sha256=sha256,
                description=(description or "").strip(),
                uploaded_by=by,
            )
            evidence.file.save(storage_name(upload.name), upload, save=False)
            stored = evidence.file.name
            try:
                evidence.save()
            except Exception:
                evidence.file.storage.delete(stored)
                raise
            audit.record(
                audit.evidence_added(actor=by, evidence=evidence, name=evidence.original_name)
            )
        _attach(evidence, items, by)
    return evidence


def evidence_cite(
    *,
    assessment: Assessment,
    by,
    items: list[IndexItem],
    document_number: str = "",
    document_date: date | None = None,
    issuer: str = "",
    url: str = "",
    description: str = "",
    stage: str = EvidenceStage.SELF_ASSESSMENT,
) -> Evidence:
    """Cite a document (number, date, issuer) or a link as evidence for `items`."""
    _check_open(assessment, by, stage, items)
    document_number, issuer = document_number.strip(), issuer.strip()
    url, description = url.strip(), description.strip()
    errors = {}
    if not document_number and not url:
        errors["document_number"] = _("Give the document's number, or a link to it.")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = _("Enter a full web address starting with http:// or https://.")
    if document_date and document_date > date.today():
        errors["document_date"] = _("The document's date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _check_open_locked(assessment, by, stage, items)
        evidence = Evidence.objects.create(
            assessment=assessment,
            stage=stage,
            document_number=document_number[:100],
            document_date=document_date,
            issuer=issuer[:255],
            url=url[:500],
            description=description,
            uploaded_by=by,
        )
        audit.record(audit.evidence_added(actor=by, evidence=evidence, name=str(evidence)))
        _attach(evidence, items, by)
    return evidence


def _attach(evidence: Evidence, items: list[IndexItem], by) -> None:
    already = set(evidence.items.values_list("pk", flat=True))
    for item in items:
        if item.pk not in already:
            evidence.items.add(item)
            audit.record(audit.evidence_attached(actor=by, evidence=evidence, item_code=item.code))


def evidence_attach(*, evidence: Evidence, item: IndexItem, by) -> None:
    """Attach an existing document to one more item, without uploading it again."""
    evidence_closed_check(evidence.assessment, by)
    _check_items(evidence.assessment, [item])
    with transaction.atomic():
        _attach(evidence, [item], by)


def evidence_detach(*, evidence: Evidence, item: IndexItem, by) -> None:
    """Take a document off one item; it stays in the unit's list for other items."""
    evidence_closed_check(evidence.assessment, by)
    with transaction.atomic():
        if evidence.items.filter(pk=item.pk).exists():
            evidence.items.remove(item)
            audit.record(audit.evidence_detached(actor=by, evidence=evidence, item_code=item.code))


def evidence_delete(*, evidence: Evidence, by) -> None:
    """Remove a document from the unit's entry altogether (and its file, once committed), while
    the stage it was given in is open: a file of the explanation round only until the answers
    are sent."""
    items = list(evidence.items.all())
    _check_open(evidence.assessment, by, evidence.stage, items)
    with transaction.atomic():
        _check_open_locked(evidence.assessment, by, evidence.stage, items)
        audit.record(
            audit.evidence_deleted(
                actor=by, evidence=evidence, name=evidence.original_name or str(evidence)
            )
        )
        file = evidence.file
        evidence.delete()
        if file:
            transaction.on_commit(lambda: file.storage.delete(file.name))
