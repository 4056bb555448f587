"""The admin's units and ranking-groups imports (units.imports, run through the
django-import-export resources) on the audit trail. Units sits below scoring and may not write
scoring's audit log, so scoring registers those two kinds again here, around the same run: the
rows are read before and after it, and every unit or group created, renamed, moved or switched
off is recorded, by the uploader. The preview is that run rolled back, its entries with it."""

from django.utils.translation import gettext as _

from units.import_jobs import IMPORT_KINDS, import_kind_register
from units.imports import RANKING_GROUPS_IMPORT, UNITS_IMPORT
from units.models import RankingGroup, Unit

from ..models import AuditAction
from . import audit

# What the resources can change (units.resources): the concrete fields of their columns.
UNIT_FIELDS = (
    "code",
    "name",
    "organiser",
    "kind",
    "parent",
    "ranking_group",
    "active",
    "valid_from_year",
    "valid_to_year",
)
GROUP_FIELDS = ("code", "name", "organiser", "kind", "position")


def _snapshots(model, names) -> dict[int, dict[str, str]]:
    """Every row's audited values, read in one query (foreign keys by their id, no join)."""
    columns = [model._meta.get_field(name).attname for name in names]
    return {
        row[0]: {name: audit.audit_value(value) for name, value in zip(names, row[1:], strict=True)}
        for row in model.objects.values_list("pk", *columns)
    }


def _entries(model, names, before, *, actor, reason):
    after = _snapshots(model, names)
    touched = [pk for pk, values in after.items() if before.get(pk) != values]
    objects = model.objects.in_bulk(touched)
    entries = []
    for pk in touched:
        obj = objects[pk]
        if pk not in before:
            entries.append(audit.created(actor=actor, obj=obj, reason=reason))
        else:
            entries.extend(
                audit.field_changes(
                    action=AuditAction.UPDATE,
                    actor=actor,
                    obj=obj,
                    before=before[pk],
                    after=after[pk],
                    reason=reason,
                )
            )
    return entries


def _audited(run, audited_models):
    def audited_run(job, data):
        before = {model: _snapshots(model, names) for model, names in audited_models}
        outcome = run(job, data)
        reason = _("Imported from a file in the administration")
        audit.record(
            *(
                _entries(model, names, before[model], actor=job.owner, reason=reason)
                for model, names in audited_models
            )
        )
        return outcome

    audited_run.audited = True
    return audited_run


def _register(kind, audited_models) -> str:
    original = IMPORT_KINDS[kind]
    if getattr(original.run, "audited", False):
        return kind  # registered once already
    import_kind_register(
        kind,
        run=_audited(original.run, audited_models),
        done_url=original.done_url,
        same_as_preview=original.same_as_preview,
    )
    return kind


# Loaded by scoring.apps in every process. A units file may also create the ranking groups its
# rows name.
audited_kinds = (
    _register(UNITS_IMPORT, [(Unit, UNIT_FIELDS), (RankingGroup, GROUP_FIELDS)]),
    _register(RANKING_GROUPS_IMPORT, [(RankingGroup, GROUP_FIELDS)]),
)
