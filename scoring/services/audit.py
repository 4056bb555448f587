"""Writing the append-only audit log. Every service that changes scoring data calls this."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from scoring.models import Assessment, AssessmentPeriod, AuditEntry


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


def _context(obj) -> tuple[Assessment | None, AssessmentPeriod | None]:
    if isinstance(obj, Assessment):
        return obj, obj.period
    if isinstance(obj, AssessmentPeriod):
        return None, obj
    assessment = getattr(obj, "assessment", None)
    if isinstance(assessment, Assessment):
        return assessment, assessment.period
    index_set = getattr(obj, "index_set", None)  # items and bands belong to a period via their set
    period = getattr(index_set or obj, "period", None)
    return None, period if isinstance(period, AssessmentPeriod) else None


def audit_record(
    *,
    actor,
    obj: models.Model,
    action: str,
    field: str = "",
    old=None,
    new=None,
    reason: str = "",
    period: AssessmentPeriod | None = None,
) -> AuditEntry:
    """`period` files the entry under a period for objects that belong to none (a council
    membership changed from that period's page)."""
    assessment, own_period = _context(obj)
    period = own_period or period
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        period=period,
        assessment=assessment,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        field=field,
        old_value=audit_value(old),
        new_value=audit_value(new),
        reason=reason,
    )


def audit_snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, str]:
    return {name: audit_value(getattr(obj, name)) for name in fields}


def audit_changes(
    *,
    actor,
    obj: models.Model,
    before: Mapping[str, str],
    reason: str = "",
    action: str = "update",
    period: AssessmentPeriod | None = None,
) -> list[AuditEntry]:
    """Record one entry per field whose value differs from `before` (an audit_snapshot)."""
    entries = []
    for name, old in before.items():
        new = audit_value(getattr(obj, name))
        if new != old:
            entries.append(
                audit_record(
                    actor=actor,
                    obj=obj,
                    action=action,
                    field=name,
                    old=old,
                    new=new,
                    reason=reason,
                    period=period,
                )
            )
    return entries
