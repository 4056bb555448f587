"""A whole period in one archive and back again.

The archive is a tar file: `manifest.json` (format version, app version, rows per model, the
SHA-256 and size of every member), `rows/<app.model>.json` (Django's serializer, primary keys
kept so that references and the audit trail's object ids stay exact; content types, users'
groups and permissions by natural key, since their ids differ between instances) and
`files/<storage name>` (every file of the period, read and written through its field's
storage, streamed, never held whole in memory).

Staff accounts travel with their password hashes, so that people log in after a restore as
before. Rows are restored in one transaction, after every checksum was verified and no
conflicting row was found; files are written after the rows, and taken away again if anything
fails, so that a failed restore leaves nothing behind."""

import datetime
import hashlib
import io
import json
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from scoring.exceptions import Refused
from scoring.models import (
    Assessment,
    AssessmentPeriod,
    AuditEntry,
    Band,
    DataFigure,
    DataSet,
    Evidence,
    ImprovementFile,
    IndexItem,
    IndexSet,
    Inspection,
    InspectionFinding,
    Notification,
    Publication,
    PublishedUnitResult,
    RemediationPlan,
    RemediationTask,
    Score,
    ScoreRedo,
    SurveyResult,
    TaskProgress,
)
from units.models import Organiser, RankingGroup, RoleGrant, Unit, UnitChange, UnitKind, User

from .models import Report
from .public_cache import public_data_changed

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ROWS_DIR = "rows/"
FILES_DIR = "files/"
CHUNK = 1024 * 1024
# Rows per INSERT statement at most (SQLite and PostgreSQL lower it to their parameter limit).
INSERT_BATCH = 500

# In the order they are restored: users (and their groups) first, because the other rows name
# them by username; the rest is inserted with the database's constraint checks deferred.
MODELS: tuple[type[models.Model], ...] = (
    Group,
    User,
    UnitKind,
    Organiser,
    RankingGroup,
    Unit,
    RoleGrant,
    UnitChange,
    AssessmentPeriod,
    IndexSet,
    IndexItem,
    Band,
    Assessment,
    Score,
    Evidence,
    SurveyResult,
    DataSet,
    DataFigure,
    ScoreRedo,
    Notification,
    Publication,
    PublishedUnitResult,
    RemediationPlan,
    Inspection,
    InspectionFinding,
    RemediationTask,
    TaskProgress,
    ImprovementFile,
    Report,
    AuditEntry,
)
# Shared by every organiser and seeded by the migrations (units.kinds): a kind already there
# with the same id and code is the same kind, and takes the archive's values.
SHARED_MODELS = (UnitKind,)


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but keeping the microseconds it cuts to milliseconds: a restored
    time must equal the stored one."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time) and o.microsecond:
            return o.isoformat()
        return super().default(o)


class BackupRefused(Refused):
    """The archive cannot be written or restored; nothing was changed."""


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def app_version() -> str:
    try:
        return metadata.version("parindex")
    except metadata.PackageNotFoundError:
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        for line in (
            pyproject.read_text(encoding="utf-8").splitlines() if pyproject.exists() else []
        ):
            if line.startswith("version"):
                return line.split("=", 1)[1].strip().strip('"')
        return "unknown"


# ---------------------------------------------------------------- what a period holds


def period_querysets(period: AssessmentPeriod) -> dict[type[models.Model], models.QuerySet]:
    """Every row that belongs to the period, per model: the organiser's units with their whole
    reorganisation history and ranking groups, the period's index sets, assessments and all
    that hangs on them, publications, plans, inspections, reports and audit entries, and the
    accounts that appear in any of them."""
    organiser = period.organiser
    assessments = Assessment.objects.filter(period=period)
    index_sets = IndexSet.objects.filter(period=period)
    publications = Publication.objects.filter(period=period)
    plans = RemediationPlan.objects.filter(period=period)
    inspections = Inspection.objects.filter(period=period)
    tasks = RemediationTask.objects.filter(plan__in=plans)
    progress = TaskProgress.objects.filter(task__in=tasks)
    units = Unit.objects.filter(organiser=organiser)
    grants = RoleGrant.objects.filter(Q(organiser=organiser) | Q(unit__organiser=organiser))
    sets = {
        Organiser: Organiser.objects.filter(pk=organiser.pk),
        RankingGroup: RankingGroup.objects.filter(organiser=organiser),
        Unit: units,
        RoleGrant: grants,
        UnitChange: UnitChange.objects.filter(organiser=organiser),
        AssessmentPeriod: AssessmentPeriod.objects.filter(pk=period.pk),
        IndexSet: index_sets,
        IndexItem: IndexItem.objects.filter(index_set__in=index_sets),
        Band: Band.objects.filter(index_set__in=index_sets),
        Assessment: assessments,
        Score: Score.objects.filter(assessment__in=assessments),
        Evidence: Evidence.objects.filter(assessment__in=assessments),
        SurveyResult: SurveyResult.objects.filter(assessment__in=assessments),
        DataSet: DataSet.objects.filter(period=period),
        DataFigure: DataFigure.objects.filter(assessment__in=assessments),
        ScoreRedo: ScoreRedo.objects.filter(assessment__in=assessments),
        Notification: Notification.objects.filter(assessment__in=assessments),
        Publication: publications,
        PublishedUnitResult: PublishedUnitResult.objects.filter(publication__in=publications),
        RemediationPlan: plans,
        Inspection: inspections,
        InspectionFinding: InspectionFinding.objects.filter(inspection__in=inspections),
        RemediationTask: tasks,
        TaskProgress: progress,
        ImprovementFile: ImprovementFile.objects.filter(
            Q(progress__in=progress) | Q(inspection__in=inspections)
        ),
        Report: Report.objects.filter(
            Q(period=period) | Q(publication__in=publications) | Q(plan__in=plans)
        ),
        AuditEntry: AuditEntry.objects.filter(Q(period=period) | Q(assessment__in=assessments)),
    }
    kind_ids = set(units.values_list("kind_id", flat=True))
    kind_ids |= set(index_sets.values_list("unit_kind_id", flat=True))
    kind_ids |= set(sets[RankingGroup].exclude(kind=None).values_list("kind_id", flat=True))
    sets[UnitKind] = UnitKind.objects.filter(pk__in=kind_ids)

    sets[User] = User.objects.filter(pk__in=_user_ids(sets, grants))
    # The organiser's own history, written without a period: accounts, units, reorganisations.
    about = Q(pk__in=[])
    for model in (Organiser, RankingGroup, Unit, UnitChange, RoleGrant, User):
        about |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in sets[model].values_list("pk", flat=True)],
        )
    sets[AuditEntry] = AuditEntry.objects.filter(
        Q(period=period) | Q(assessment__in=assessments) | Q(about, period=None)
    )
    sets[User] = User.objects.filter(pk__in=_user_ids(sets, grants))
    sets[Group] = Group.objects.filter(user__in=sets[User]).distinct()
    return {model: sets[model].order_by("pk") for model in MODELS}


def _user_ids(sets: dict, grants: models.QuerySet) -> set[int]:
    """The accounts that hold a role in the organiser or appear in any row."""
    user_ids = set(grants.values_list("user_id", flat=True))
    for model, queryset in sets.items():
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model is User and model is not User:
                user_ids |= set(
                    queryset.exclude(**{fk.attname: None}).values_list(fk.attname, flat=True)
                )
    return user_ids


@dataclass
class Detached:
    """A reference to a row outside the period (an index set copied from last year's): kept
    as empty in the archive, since the row it names does not travel with it."""

    model: str
    pk: object
    field: str
    target: object


def _detach(
    model: type[models.Model], rows: list[dict], ids: dict[type[models.Model], set]
) -> list[Detached]:
    """Empty the references of `rows` (serialized) to rows of a copied model left out of the
    archive; a required one means the period's contents are incomplete, which is a bug."""
    detached = []
    for fk in model._meta.get_fields():
        if not (fk.concrete and fk.is_relation) or fk.related_model not in ids:
            continue
        if fk.related_model in (User, Group):
            continue  # by natural key: every account referenced is in the archive
        known = ids[fk.related_model]
        for row in rows:
            value = row["fields"].get(fk.name)
            if fk.many_to_many:
                kept = [pk for pk in value if pk in known]
                for pk in value:
                    if pk not in known:
                        detached.append(Detached(label(model), row["pk"], fk.name, pk))
                row["fields"][fk.name] = kept
            elif value is not None and value not in known:
                if not fk.null:
                    raise BackupRefused(
                        _("%(model)s #%(pk)s refers to a row outside the period (%(field)s).")
                        % {"model": label(model), "pk": row["pk"], "field": fk.name}
                    )
                detached.append(Detached(label(model), row["pk"], fk.name, value))
                row["fields"][fk.name] = None
    return detached


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


# ---------------------------------------------------------------- backup


@dataclass
class BackupSummary:
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    detached: list[Detached] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class _HashingReader(io.RawIOBase):
    """Reads a storage file in chunks for tarfile, hashing on the way."""

    def __init__(self, handle):
        self.handle = handle
        self.sha = hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.handle.read(size if size and size > 0 else CHUNK)
        self.sha.update(data)
        return data


def period_backup(
    *, period: AssessmentPeriod, output, progress: Callable[[str], None] = lambda line: None
) -> BackupSummary:
    """Write the period to `output` (a path): rows per model, then every file, then the
    manifest. The archive is written to a temporary name and moved into place at the end."""
    output = Path(output)
    querysets = period_querysets(period)
    ids = {model: set(qs.values_list("pk", flat=True)) for model, qs in querysets.items()}
    summary = BackupSummary()
    partial = output.with_name(output.name + ".partial")
    try:
        _write_archive(partial, period, querysets, ids, summary, progress)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
    return summary


def _write_archive(partial, period, querysets, ids, summary, progress) -> None:
    members: dict[str, dict] = {}
    with tarfile.open(partial, "w") as archive:
        file_names: list[tuple[object, str]] = []
        for model, queryset in querysets.items():
            m2m = [f.name for f in model._meta.many_to_many]
            rows = serializers.serialize(
                "python",
                queryset.prefetch_related(*m2m).iterator(chunk_size=2000),
                use_natural_foreign_keys=True,
            )
            summary.detached += _detach(model, rows, ids)
            for file_field in _file_fields(model):
                for row in rows:
                    if name := row["fields"].get(file_field.name):
                        file_names.append((file_field.storage, name))
            data = json.dumps(rows, cls=_ExactEncoder, ensure_ascii=False).encode()
            member = f"{ROWS_DIR}{label(model)}.json"
            _add_bytes(archive, member, data)
            members[member] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            summary.counts[label(model)] = len(rows)
            progress(f"{label(model)}: {len(rows)}")
        for storage, name in file_names:
            member = FILES_DIR + name
            if member in members or name in summary.missing:
                continue
            if not storage.exists(name):
                # Kept as the row says, so that the restore is the same instance; told loudly.
                summary.missing.append(name)
                progress(_("Missing from storage, left out: %(name)s") % {"name": name})
                continue
            info = tarfile.TarInfo(member)
            info.size = storage.size(name)
            with storage.open(name, "rb") as handle:
                reader = _HashingReader(handle)
                archive.addfile(info, reader)
            members[member] = {"sha256": reader.sha.hexdigest(), "size": info.size}
            summary.files += 1
            summary.file_bytes += info.size
        progress(
            _("files: %(count)s (%(size)s bytes)")
            % {"count": summary.files, "size": summary.file_bytes}
        )
        manifest = {
            "format": FORMAT_VERSION,
            "app_version": app_version(),
            "organiser": period.organiser.code,
            "year": period.year,
            "period": period.pk,
            "counts": summary.counts,
            "members": members,
            "detached": [vars(d) for d in summary.detached],
            "missing_files": summary.missing,
        }
        _add_bytes(
            archive,
            MANIFEST,
            json.dumps(manifest, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode(),
        )


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


# ---------------------------------------------------------------- restore


@dataclass
class RestorePlan:
    """What a restore would write, once the archive is verified."""

    manifest: dict
    counts: dict[str, int]
    files: dict[str, Storage]  # storage name → the storage of its field


def _members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for info in archive:
        if info.isfile():
            yield info


def archive_verify(path) -> dict:
    """The manifest, once every member's checksum and size match it and nothing is missing or
    added; refused otherwise, before anything is written."""
    try:
        with tarfile.open(path, "r") as archive:
            try:
                handle = archive.extractfile(MANIFEST)
                manifest = json.load(handle)
            except (KeyError, ValueError, AttributeError) as exc:
                raise BackupRefused(_("The archive has no readable manifest.")) from exc
            if manifest.get("format") != FORMAT_VERSION:
                raise BackupRefused(
                    _(
                        "The archive's format %(found)s is not the one this version reads "
                        "(%(ours)s)."
                    )
                    % {"found": manifest.get("format"), "ours": FORMAT_VERSION}
                )
            expected = manifest["members"]
            seen = set()
            for info in _members(archive):
                if info.name == MANIFEST:
                    continue
                entry = expected.get(info.name)
                if entry is None:
                    raise BackupRefused(
                        _("The archive holds %(name)s, which its manifest does not list.")
                        % {"name": info.name}
                    )
                sha = hashlib.sha256()
                handle = archive.extractfile(info)
                while chunk := handle.read(CHUNK):
                    sha.update(chunk)
                if sha.hexdigest() != entry["sha256"] or info.size != entry["size"]:
                    raise BackupRefused(
                        _("The archive is damaged: %(name)s does not match its checksum.")
                        % {"name": info.name}
                    )
                seen.add(info.name)
            if missing := sorted(set(expected) - seen):
                raise BackupRefused(
                    _("The archive is incomplete: %(names)s missing.")
                    % {"names": ", ".join(missing[:5])}
                )
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupRefused(_("The archive cannot be read: %(error)s") % {"error": exc}) from exc
    return manifest


def _rows(archive: tarfile.TarFile, model: type[models.Model]) -> list[dict]:
    handle = archive.extractfile(f"{ROWS_DIR}{label(model)}.json")
    return json.load(handle)


def _conflicts(model: type[models.Model], rows: list[dict]) -> list[str]:
    """Rows of the archive that the instance already has, by id or by a unique field."""
    found = []
    pks = [row["pk"] for row in rows]
    existing = set()
    for start in range(0, len(pks), 500):
        existing |= set(
            model._base_manager.filter(pk__in=pks[start : start + 500]).values_list("pk", flat=True)
        )
    if model in SHARED_MODELS:
        # The same kind (id and code) is fine; another under either is a conflict.
        same = {
            row["pk"]
            for row in rows
            if model._base_manager.filter(pk=row["pk"], code=row["fields"]["code"]).exists()
        }
        codes = [row["fields"]["code"] for row in rows if row["pk"] not in same]
        clash = existing - same
        clash |= set(model._base_manager.filter(code__in=codes).values_list("pk", flat=True))
        if clash:
            found.append(
                f"{model._meta.verbose_name_plural}: #{', #'.join(map(str, sorted(clash)))}"
            )
        return found
    if existing:
        found.append(
            f"{model._meta.verbose_name_plural}: #{', #'.join(map(str, sorted(existing)[:10]))}"
        )
    for unique in model._meta.concrete_fields:
        if unique.unique and not unique.primary_key and not unique.is_relation:
            values = [row["fields"][unique.name] for row in rows if unique.name in row["fields"]]
            taken = model._base_manager.filter(**{f"{unique.name}__in": values}).values_list(
                unique.name, flat=True
            )
            if taken := sorted(set(taken)):
                found.append(
                    f"{model._meta.verbose_name_plural} ({unique.verbose_name}): "
                    + ", ".join(map(str, taken[:10]))
                )
    return found


def restore_plan(path) -> RestorePlan:
    """Verify the archive and find what stands in its way; refused if anything does."""
    manifest = archive_verify(path)
    if Organiser.objects.filter(code=manifest["organiser"]).exists():
        raise BackupRefused(
            _(
                "The organiser %(code)s already exists here: a period is restored into an "
                "empty instance."
            )
            % {"code": manifest["organiser"]}
        )
    problems = []
    files = {}
    with tarfile.open(path, "r") as archive:
        for model in MODELS:
            rows = _rows(archive, model)
            problems += _conflicts(model, rows)
            for file_field in _file_fields(model):
                for row in rows:
                    if name := row["fields"].get(file_field.name):
                        files[name] = file_field.storage
    for name in manifest.get("missing_files", []):
        files.pop(name, None)  # missing when the backup was made
    if taken := [name for name, storage in files.items() if storage.exists(name)]:
        problems.append(_("files already in storage: %(names)s") % {"names": ", ".join(taken[:10])})
    if problems:
        raise BackupRefused(
            _("This instance already has rows the archive holds; restore into an empty one."),
            problems,
        )
    return RestorePlan(manifest=manifest, counts=manifest["counts"], files=files)


def period_restore(
    *, path, progress: Callable[[str], None] = lambda line: None, after_rows=None
) -> RestorePlan:
    """Restore the archive at `path` into this instance: verify, check for conflicts, insert
    every row in one transaction, write the files through storage; all or nothing.
    Rows go in per model in batches, many-to-many rows after them (a statement per row was
    what made a restore slow), with no signals: the public cache is told once at the end.
    `after_rows` is called between the rows and the files (tests inject a failure there)."""
    plan = restore_plan(path)
    written: list[tuple[object, str]] = []
    try:
        with transaction.atomic(), tarfile.open(path, "r") as archive:
            with connection.constraint_checks_disabled():
                natural_keys: dict = {}
                links: list[tuple[models.ManyToManyField, object, list]] = []
                for model in MODELS:
                    rows = _rows(archive, model)
                    _resolve_natural_keys(model, rows, natural_keys)
                    items = _insert_rows(model, serializers.deserialize("python", rows))
                    for item in items:
                        for name, pks in (item.m2m_data or {}).items():
                            links.append((model._meta.get_field(name), item.object.pk, pks))
                    progress(f"{label(model)}: {len(rows)}")
                _insert_links(links)
            connection.check_constraints(table_names=[m._meta.db_table for m in MODELS])
            _reset_sequences()
            # Rows inserted in bulk send no post_save: the public pages learn of them once.
            public_data_changed()
            if after_rows is not None:
                after_rows()
            for name, storage in plan.files.items():
                with tempfile.TemporaryFile() as spool:
                    handle = archive.extractfile(FILES_DIR + name)
                    while chunk := handle.read(CHUNK):
                        spool.write(chunk)
                    spool.seek(0)
                    saved = storage.save(name, File(spool, name=name))
                written.append((storage, saved))
                if saved != name:
                    raise BackupRefused(
                        _("Storage saved %(name)s under another name.") % {"name": name}
                    )
            progress(_("files: %(count)s") % {"count": len(written)})
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return plan


def _resolve_natural_keys(model: type[models.Model], rows: list[dict], known: dict) -> None:
    """Replace the archive's natural keys (accounts by username, groups, permissions, content
    types) by the ids they have here, each looked up once: Django's deserializer would ask the
    database again for every row that names one."""
    for fk in model._meta.get_fields():
        if not (fk.concrete and fk.is_relation):
            continue
        target = fk.related_model
        if not hasattr(target._default_manager, "get_by_natural_key"):
            continue
        to_field = "pk" if fk.many_to_many else fk.remote_field.field_name

        def resolve(value, target=target, to_field=to_field):
            if value is None or isinstance(value, str) or not hasattr(value, "__iter__"):
                return value
            key = (target, to_field, tuple(value))
            if key not in known:
                try:
                    found = target._default_manager.get_by_natural_key(*value)
                except target.DoesNotExist:
                    return value  # left to the deserializer, which says which row it is
                known[key] = getattr(found, to_field)
            return known[key]

        for row in rows:
            if fk.name not in row["fields"]:
                continue
            value = row["fields"][fk.name]
            if fk.many_to_many:
                row["fields"][fk.name] = [resolve(v) for v in value]
            else:
                row["fields"][fk.name] = resolve(value)


def _insert_rows(model: type[models.Model], deserialized) -> list:
    """Insert the deserialized rows as they are, in batches, and return them (their
    many-to-many rows are still to write). `raw` as in a deserialized object's save(): every
    value is the archive's (no auto_now, no save() override, no signals). A shared model's
    rows already here (same id and code, as restore_plan checked) are saved one by one instead,
    over the existing row, as before."""
    items = list(deserialized)
    if model in SHARED_MODELS and items:
        pks = [item.object.pk for item in items]
        here = set(model._base_manager.filter(pk__in=pks).values_list("pk", flat=True))
        for item in items:
            if item.object.pk in here:
                item.save(force_update=True)
        items = [item for item in items if item.object.pk not in here]
    objects = [item.object for item in items]
    fields = model._meta.local_concrete_fields
    size = min(connection.ops.bulk_batch_size(fields, objects) or 1, INSERT_BATCH)
    for start in range(0, len(objects), size):
        batch = objects[start : start + size]
        model._base_manager._insert(batch, fields=fields, raw=True, using=connection.alias)
        for obj in batch:
            obj._state.adding = False
            obj._state.db = connection.alias
    return items


def _insert_links(links: list[tuple[models.ManyToManyField, object, list]]) -> None:
    """The many-to-many rows, per through table, once every row they join is in."""
    per_through: dict[type[models.Model], list[models.Model]] = {}
    for m2m, pk, target_pks in links:
        through = m2m.remote_field.through
        source = m2m.m2m_field_name() + "_id"
        target = m2m.m2m_reverse_field_name() + "_id"
        per_through.setdefault(through, []).extend(
            through(**{source: pk, target: target_pk}) for target_pk in target_pks
        )
    for through, rows in per_through.items():
        through._base_manager.bulk_create(rows, batch_size=INSERT_BATCH)


def _reset_sequences() -> None:
    """Explicit ids do not move PostgreSQL's sequences: set them past the restored rows."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(MODELS))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
