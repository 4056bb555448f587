"""Home Affairs sets up a new year in the browser: a period made from last year's (its
tie-breaker and every current index set copied), and the one owner of changing a period's
deadlines — in set-up freely, once opened with a reason, audited and told to those concerned.

Opening the period is scoring.services.periods.period_open; what blocks it is
period_open_problems there."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import AssessmentPeriod, AuditAction, IndexSet
from scoring.workflow import PeriodStatus
from units.access import acts_for
from units.models import year_validators
from units.roles import Permission

from . import audit
from .index_sets import index_set_clone
from .notifications import notify_deadline_changed

DEADLINE_FIELDS = AssessmentPeriod.DEADLINE_FIELDS

# The last status in which each deadline may still move: once its round is over, it is history.
DEADLINE_OPEN_UNTIL = {
    "self_assessment_deadline": PeriodStatus.SELF_ASSESSMENT,
    "appraisal_deadline": PeriodStatus.APPRAISAL,
    "explanation_deadline": PeriodStatus.EXPLANATION,
    "second_appraisal_deadline": PeriodStatus.SECOND_APPRAISAL,
    "publication_deadline": PeriodStatus.FINALISING,
}
STATUS_ORDER = list(PeriodStatus.values)


def period_default_name(*, source: AssessmentPeriod | None, year: int) -> str:
    """Last year's name with this year's number ("Chỉ số CCHC năm 2026" → "… năm 2027"), or
    the portal's usual name."""
    if source is not None and source.name and str(source.year) in source.name:
        return source.name.replace(str(source.year), str(year))
    return _("PAR Index %(year)s") % {"year": year}


def _check_manages(by, organiser_id: int) -> None:
    if not acts_for(by, Permission.MANAGE_PERIOD, organiser_id):
        raise PermissionDenied(_("Only Home Affairs can change the period's deadlines."))


def period_create_from(
    *, source: AssessmentPeriod, year: int, name: str = "", by
) -> AssessmentPeriod:
    """The organiser's period for `year`, in set-up, made from `source`: its tie-breaker and a
    copy of each of its current index sets (items, rules, bands, caps; drafts are left out).
    Ranking groups and the council belong to the organiser and carry over as they are; each
    unit's group is written on its assessment when the period opens. Units see nothing until
    then. Audited."""
    if not acts_for(by, Permission.MANAGE_PERIOD, source.organiser_id):
        raise PermissionDenied(_("Only Home Affairs of this organiser sets up its periods."))
    for validator in year_validators:
        try:
            validator(year)
        except ValidationError as exc:
            raise ValidationError({"year": exc.messages}) from exc
    exists = _("%(organiser)s already has a period for %(year)s: open it from the set-up page.") % {
        "organiser": source.organiser.name,
        "year": year,
    }
    if AssessmentPeriod.objects.filter(organiser_id=source.organiser_id, year=year).exists():
        raise ValidationError({"year": exists})
    name = " ".join((name or "").split()) or period_default_name(source=source, year=year)
    index_sets = IndexSet.objects.filter(
        period=source, is_current=True, is_draft=False
    ).select_related("unit_kind", "period")
    try:
        with transaction.atomic():
            period = AssessmentPeriod.objects.create(
                organiser_id=source.organiser_id,
                year=year,
                name=name,
                status=PeriodStatus.SETUP,
                tie_breaker=source.tie_breaker,
            )
            audit.record(
                audit.created(
                    actor=by,
                    obj=period,
                    reason=_("Set up from %(period)s") % {"period": source},
                )
            )
            for index_set in index_sets:
                index_set_clone(source=index_set, period=period, by=by)
    except IntegrityError as exc:  # created by someone else meanwhile
        raise ValidationError({"year": exists}) from exc
    return period


def period_deadlines_change(
    *,
    period: AssessmentPeriod,
    deadlines: dict[str, datetime | None],
    reason: str = "",
    by,
) -> list[str]:
    """Set any of the period's deadlines; the one owner of that rule. Returns the fields that
    changed.

    In set-up the deadlines are free (in order). Once the period is open a change needs a
    reason; a deadline may move earlier as well as later, but not to a time already past, not
    be removed, and not change after its round is over. Every change is audited (old → new;
    "extended" when it moves later) and, once open, told to everyone it concerns."""
    unknown = set(deadlines) - set(DEADLINE_FIELDS)
    if unknown:
        raise ValueError(f"not deadline fields: {sorted(unknown)}")
    _check_manages(by, period.organiser_id)
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        locked = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        changed = {
            name: value for name, value in deadlines.items() if value != getattr(locked, name)
        }
        if not changed:
            return []
        opened = locked.status != PeriodStatus.SETUP
        if opened:
            _check_open_change(locked, changed, reason)
        before = {name: getattr(locked, name) for name in changed}
        snapshot = audit.audit_snapshot(locked, changed)
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.clean()  # in order, or a ValidationError on the field that comes too early
        locked.save(update_fields=list(changed))
        entries = []
        for name, value in changed.items():
            old = before[name]
            action = (
                AuditAction.EXTEND_DEADLINE
                if opened and old is not None and value is not None and value > old
                else AuditAction.DEADLINE
            )
            entries += audit.field_changes(
                action=action,
                actor=by,
                obj=locked,
                before={name: snapshot[name]},
                reason=reason,
            )
        audit.record(entries)
        if opened:
            for name, value in changed.items():
                notify_deadline_changed(
                    period=locked, field=name, old=before[name], new=value, reason=reason
                )
    for name, value in changed.items():
        setattr(period, name, value)
    return list(changed)


def _check_open_change(period: AssessmentPeriod, changed: dict, reason: str) -> None:
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Please give a reason for the new deadline.")]
    now = timezone.now()
    status_at = STATUS_ORDER.index(period.status)
    for name, value in changed.items():
        label = period._meta.get_field(name).verbose_name
        if status_at > STATUS_ORDER.index(DEADLINE_OPEN_UNTIL[name]):
            errors[name] = [
                _("That round is over: the %(what)s no longer changes.") % {"what": label}
            ]
        elif value is None:
            errors[name] = [
                _("The period is open: the %(what)s can be moved, not removed.") % {"what": label}
            ]
        elif value <= now:
            errors[name] = [_("This time has already passed: give a time still to come.")]
    if errors:
        raise ValidationError(errors)


def period_deadline_change(
    *, period: AssessmentPeriod, field: str, deadline: datetime | None, reason: str = "", by
) -> AssessmentPeriod:
    """Set one deadline of the period (period_deadlines_change)."""
    period_deadlines_change(period=period, deadlines={field: deadline}, reason=reason, by=by)
    return period
