"""Writing the append-only audit log: one constructor per kind of event (AuditAction), each
building the entry with what that event must say, and `record`, which writes any number of
them in one statement. Every service that changes scoring data calls these."""

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from scoring.models import Assessment, AssessmentPeriod, AuditAction, AuditEntry


def audit_value(value) -> str:
    """Canonical text for an audited value (Decimal keeps its digits; None is empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def audit_snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, str]:
    """The audited values of `fields`, to compare with after a change (field_changes)."""
    return {name: audit_value(getattr(obj, name)) for name in fields}


def record(*entries: AuditEntry | Iterable[AuditEntry]) -> list[AuditEntry]:
    """Write entries (or lists of them) to the log in one statement."""
    flat: list[AuditEntry] = []
    for entry in entries:
        if isinstance(entry, AuditEntry):
            flat.append(entry)
        else:
            flat.extend(entry)
    return AuditEntry.objects.bulk_create(flat, batch_size=2000) if flat else []


def _context(obj) -> tuple[int | None, int | None]:
    """The ids of the assessment and the period an entry is filed under (no query for an
    assessment, a period, or a row whose assessment is loaded)."""
    if isinstance(obj, Assessment):
        return obj.pk, obj.period_id
    if isinstance(obj, AssessmentPeriod):
        return None, obj.pk
    assessment = getattr(obj, "assessment", None)
    if isinstance(assessment, Assessment):
        return assessment.pk, assessment.period_id
    index_set = getattr(obj, "index_set", None)  # items and bands belong to a period via their set
    period = getattr(index_set or obj, "period", None)
    return None, period.pk if isinstance(period, AssessmentPeriod) else None


def _entry(
    *,
    action: AuditAction,
    actor,
    obj: models.Model,
    field: str = "",
    old="",
    new="",
    reason: str = "",
    period: AssessmentPeriod | None = None,
    object_repr: str | None = None,
    content_type: ContentType | None = None,
) -> AuditEntry:
    """`period` files the entry under a period for objects that belong to none (a council
    membership changed from that period's page)."""
    assessment_id, period_id = _context(obj)
    return AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        period_id=period_id or (period.pk if period is not None else None),
        assessment_id=assessment_id,
        content_type=content_type
        or ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=(str(obj) if object_repr is None else object_repr)[:300],
        action=AuditAction(action),
        field=field,
        old_value=audit_value(old),
        new_value=audit_value(new),
        reason=reason,
    )


# ---------------------------------------------------------------- the events


# The events that record fields changed on an object; the others have constructors of their own.
FIELD_EVENTS = frozenset(
    {
        AuditAction.UPDATE,
        AuditAction.SELF_SCORE,
        AuditAction.APPRAISAL,
        AuditAction.FINAL,
        AuditAction.REQUEST,
        AuditAction.RETURN,
        AuditAction.EXPLANATION,
        AuditAction.REOPEN,
        AuditAction.DEADLINE,
        AuditAction.EXTEND_DEADLINE,
    }
)


def field_changes(
    *,
    action: AuditAction,
    actor,
    obj: models.Model,
    before: Mapping[str, str],
    after: Mapping[str, str] | None = None,
    reason: str = "",
    period: AssessmentPeriod | None = None,
) -> list[AuditEntry]:
    """One entry per field whose value differs from `before` (an audit_snapshot): a score
    entered or appraised, a question, a return, an explanation, a deadline, an admin edit.
    The new values are read from `obj`, or from `after` for what is not a field of it (a
    membership's units)."""
    action = AuditAction(action)  # a misspelt event fails here, changed fields or not
    if action not in FIELD_EVENTS:
        raise ValueError(f"{action} has its own constructor")
    entries = []
    for name, old in before.items():
        new = audit_value(after[name] if after is not None else getattr(obj, name))
        if new != old:
            entries.append(
                _entry(
                    action=action,
                    actor=actor,
                    obj=obj,
                    field=name,
                    old=old,
                    new=new,
                    reason=reason,
                    period=period,
                )
            )
    return entries


def status_changed(
    *,
    actor,
    obj: models.Model,
    old: str,
    new: str,
    reason: str = "",
    content_type: ContentType | None = None,
) -> AuditEntry:
    """An assessment or a period moved from `old` to `new` (scoring.services.transitions)."""
    return _entry(
        action=AuditAction.STATUS,
        actor=actor,
        obj=obj,
        field="status",
        old=old,
        new=new,
        reason=reason,
        content_type=content_type,
    )


def created(
    *,
    actor,
    obj: models.Model,
    reason: str = "",
    field: str = "",
    new="",
    period: AssessmentPeriod | None = None,
) -> AuditEntry:
    return _entry(
        action=AuditAction.CREATE,
        actor=actor,
        obj=obj,
        field=field,
        new=new,
        reason=reason,
        period=period,
    )


def deleted(
    *,
    actor,
    obj: models.Model,
    reason: str = "",
    field: str = "",
    old="",
    period: AssessmentPeriod | None = None,
) -> AuditEntry:
    return _entry(
        action=AuditAction.DELETE,
        actor=actor,
        obj=obj,
        field=field,
        old=old if old != "" else str(obj),
        reason=reason,
        period=period,
    )


def evidence_added(*, actor, evidence, name: str) -> AuditEntry:
    return _entry(action=AuditAction.EVIDENCE_ADD, actor=actor, obj=evidence, new=name)


def evidence_attached(*, actor, evidence, item_code: str) -> AuditEntry:
    """The entry names its item: the item's trail finds it by the code."""
    return _entry(action=AuditAction.EVIDENCE_ATTACH, actor=actor, obj=evidence, new=item_code)


def evidence_detached(*, actor, evidence, item_code: str) -> AuditEntry:
    return _entry(action=AuditAction.EVIDENCE_DETACH, actor=actor, obj=evidence, old=item_code)


def evidence_deleted(*, actor, evidence, name: str) -> AuditEntry:
    return _entry(action=AuditAction.EVIDENCE_DELETE, actor=actor, obj=evidence, old=name)


def assessments_opened(*, actor, period: AssessmentPeriod, count: int) -> AuditEntry:
    return _entry(
        action=AuditAction.OPEN_ASSESSMENTS,
        actor=actor,
        obj=period,
        field="assessments",
        new=count,
    )


def index_set_versioned(
    *, action: AuditAction, actor, period: AssessmentPeriod, old_id, new_id, reason: str
) -> AuditEntry:
    """A new current version of an index set, imported or copied."""
    if action not in (AuditAction.IMPORT_INDEX_SET, AuditAction.CLONE_INDEX_SET):
        raise ValueError(f"{action} is not an index-set event")
    return _entry(
        action=action,
        actor=actor,
        obj=period,
        field="index_set",
        old=old_id,
        new=new_id,
        reason=reason,
    )


def published(
    *, actor, period: AssessmentPeriod, old_version, new_version: int, reason: str
) -> AuditEntry:
    return _entry(
        action=AuditAction.PUBLISH,
        actor=actor,
        obj=period,
        field="publication",
        old=old_version,
        new=new_version,
        reason=reason,
    )


def published_without_input(
    *,
    actor,
    publication: models.Model,
    assessment_id: int,
    unit_name: str,
    item_code: str,
    reason: str,
) -> AuditEntry:
    """A survey or data item published without its input, named by the officer with a reason
    (scoring.services.publication): an entry on the publication's exceptions, filed under the
    unit's assessment so that its history shows it."""
    entry = _entry(
        action=AuditAction.PUBLISH,
        actor=actor,
        obj=publication,
        field="exceptions",
        new=item_code,
        reason=reason,
        object_repr=f"{publication} — {unit_name}",
    )
    entry.assessment_id = assessment_id
    return entry


def imported_field(
    *,
    actor,
    obj: models.Model,
    field: str,
    old: str,
    new: str,
    reason: str,
    object_repr: str,
    content_type: ContentType,
) -> AuditEntry:
    """One field of a row written by a score import (entries built in bulk)."""
    return _entry(
        action=AuditAction.IMPORT,
        actor=actor,
        obj=obj,
        field=field,
        old=old,
        new=new,
        reason=reason,
        object_repr=object_repr,
        content_type=content_type,
    )


def demo_loaded(*, period: AssessmentPeriod) -> AuditEntry:
    return _entry(action=AuditAction.LOAD_DEMO, actor=None, obj=period, reason="Demo data")


def account_changed(
    *, actor, user: models.Model, field: str, old="", new="", reason: str = ""
) -> AuditEntry:
    """A staff account created, given a unit, switched on or off, or its password-set link
    queued, sent or failed (field "password_link"). Never a password or a token: the caller
    passes only the field's public value."""
    if field in ("password", "token"):
        raise ValueError("secrets are never audited")
    return _entry(
        action=AuditAction.ACCOUNT,
        actor=actor,
        obj=user,
        field=field,
        old=old,
        new=new,
        reason=reason,
    )


def index_set_replaced(
    *, actor, period: AssessmentPeriod, old_id: int, new_id: int, reason: str
) -> AuditEntry:
    """A draft version became the current set mid-period, scores carried over
    (scoring.services.index_set_replace); `reason` says what was mapped and cleared."""
    return _entry(
        action=AuditAction.REPLACE_INDEX_SET,
        actor=actor,
        obj=period,
        field="index_set",
        old=old_id,
        new=new_id,
        reason=reason,
    )


def index_set_drafted(*, actor, index_set, source_id: int | None, reason: str) -> AuditEntry:
    """A draft version was prepared (copied from the current set, or uploaded) to replace the
    current one later."""
    return _entry(
        action=AuditAction.EDIT_INDEX_SET,
        actor=actor,
        obj=index_set,
        field="is_draft",
        old=source_id if source_id is not None else "",
        new=index_set.pk,
        reason=reason,
    )


# ---------------------------------------------------------------- the set-up index-set editor


def index_set_edited(
    *, actor, obj: models.Model, before: Mapping[str, str], reason: str = ""
) -> list[AuditEntry]:
    """Fields of an index set, one of its items or one of its bands changed in the editor: one
    entry per field whose value differs from `before` (an audit_snapshot)."""
    return [
        _entry(
            action=AuditAction.EDIT_INDEX_SET,
            actor=actor,
            obj=obj,
            field=name,
            old=old,
            new=new,
            reason=reason,
        )
        for name, old in before.items()
        if (new := audit_value(getattr(obj, name))) != old
    ]


def index_set_part_added(*, actor, obj: models.Model, reason: str = "") -> AuditEntry:
    """An item or a band added to an index set in the editor."""
    return _entry(
        action=AuditAction.EDIT_INDEX_SET, actor=actor, obj=obj, new=str(obj), reason=reason
    )


def index_set_part_removed(*, actor, obj: models.Model, reason: str = "") -> AuditEntry:
    """An item or a band removed in the editor; built before the row is deleted (it names the
    row's id)."""
    return _entry(
        action=AuditAction.EDIT_INDEX_SET, actor=actor, obj=obj, old=str(obj), reason=reason
    )


def unit_changed(*, actor, change: models.Model, period: AssessmentPeriod | None = None):
    """A reorganisation of units (units.models.UnitChange): what changed, from which year, on
    which decision; filed under each period it touched."""
    return _entry(
        action=AuditAction.UNIT_CHANGE,
        actor=actor,
        obj=change,
        field=change.kind,
        old=", ".join(unit.code for unit in change.sources.all()) or change.old_name,
        new=", ".join(unit.code for unit in change.results.all()) or change.new_name,
        reason=" — ".join(part for part in (change.decision_number, change.note) if part),
        period=period,
    )


def ranking_group_changed(*, actor, assessment: Assessment, old, new, reason: str = ""):
    """The group one unit is ranked in for one period (Assessment.ranking_group)."""
    return _entry(
        action=AuditAction.GROUP_CHANGE,
        actor=actor,
        obj=assessment,
        field="ranking_group",
        old=old,
        new=new,
        reason=reason,
    )


def score_let_go(
    *, actor, score: models.Model, values: dict[str, str], evidence: list[str], reason: str
) -> AuditEntry:
    """A score whose item left the index set in a replacement: everything written on it (and
    the names of the evidence cited for it), as JSON, before the row goes."""
    snapshot = {name: value for name, value in values.items() if value not in ("", "0")}
    if evidence:
        snapshot["evidence"] = evidence
    return _entry(
        action=AuditAction.DELETE,
        actor=actor,
        obj=score,
        old=json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
        reason=reason,
    )


# Improvement after publication: plans and their tasks, progress reports, inspections.
IMPROVEMENT_EVENTS = frozenset(
    {AuditAction.PLAN, AuditAction.TASK_PROGRESS, AuditAction.INSPECTION}
)


def improvement_event(
    *,
    action: AuditAction,
    actor,
    obj: models.Model,
    period: AssessmentPeriod,
    field: str = "",
    old="",
    new="",
    reason: str = "",
) -> AuditEntry:
    """A plan drafted, changed or issued, a task added or changed, progress reported, an
    inspection or a finding recorded — filed under the period the work follows from."""
    action = AuditAction(action)
    if action not in IMPROVEMENT_EVENTS:
        raise ValueError(f"{action} is not an improvement event")
    return _entry(
        action=action,
        actor=actor,
        obj=obj,
        field=field,
        old=old,
        new=new,
        reason=reason,
        period=period,
    )
