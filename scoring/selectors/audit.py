"""An assessment's audit trail as people read it: time, who, what, which item, which field,
old → new, why — narrowed to what the reader may see.

Who sees what: holders of VIEW_AUDIT over the unit (appraisers, the chair, Home Affairs, the
admin) see every entry. The unit's own staff see their trail without the council's work until
the period is published: no appraised or final values, reasons or returns, no survey results,
and the council's questions only for the items that were sent to them."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from parindex.dates import datetime_text
from scoring.display import format_number
from scoring.models import (
    SCORED_LEVELS,
    Assessment,
    AssessmentPeriod,
    AuditAction,
    AuditEntry,
    Evidence,
    IndexItem,
    ReviewRequest,
    Score,
    SurveyResult,
)
from scoring.workflow import AssessmentStatus, PeriodStatus
from units.access import has_permission
from units.roles import Permission

from .explanation import explanation_sent

REVIEW_FIELDS = ("review_request", "review_question")
# Score entries written by the council; of these the unit sees only the questions sent to it.
COUNCIL_ACTIONS = (AuditAction.APPRAISAL, AuditAction.FINAL, AuditAction.RETURN)
# An import writes the N/A flag of whichever stage it loads (self, appraisal or final): the
# unit cannot be shown it without perhaps showing the council's value.
STAGE_AMBIGUOUS_FIELDS = ("not_applicable", "not_applicable_reason")
EVIDENCE_LINK_ACTIONS = (AuditAction.EVIDENCE_ATTACH, AuditAction.EVIDENCE_DETACH)


@dataclass(frozen=True)
class HistoryRow:
    entry: AuditEntry
    when: datetime  # local time
    who: str
    action: str
    items: str  # item code(s) the entry concerns, comma-separated
    field: str
    old: str
    new: str
    reason: str


def sees_whole_trail(user, assessment: Assessment) -> bool:
    return assessment.period.status == PeriodStatus.PUBLISHED or has_permission(
        user, Permission.VIEW_AUDIT, unit=assessment.unit
    )


def history_items(assessment: Assessment) -> QuerySet[IndexItem]:
    """The items a reader can filter the trail by."""
    return IndexItem.objects.filter(
        index_set_id=assessment.index_set_id, level__in=SCORED_LEVELS
    ).order_by("position", "code")


def _ct(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def _ids(queryset) -> list[str]:
    return [str(pk) for pk in queryset.values_list("pk", flat=True)]


def history_entries(
    assessment: Assessment, *, whole: bool, item: IndexItem | None = None
) -> QuerySet[AuditEntry]:
    """The assessment's entries in time order. Every service fills AuditEntry.assessment for
    the assessment itself and for anything that has one (scores, evidence, survey results;
    scoring.services.audit._context and the score import), so that column finds them all."""
    score_ct, evidence_ct, period_ct = _ct(Score), _ct(Evidence), _ct(AssessmentPeriod)
    # The period's own status moves and deadlines (the rounds, the explanation deadline, an
    # extension) belong to every unit's trail too.
    period_moves = Q(
        assessment__isnull=True,
        content_type=period_ct,
        object_id=str(assessment.period_id),
        field__in=("status", *AssessmentPeriod.DEADLINE_FIELDS),
    )
    entries = AuditEntry.objects.filter(
        Q(assessment=assessment) | (period_moves if item is None else Q(pk__in=[]))
    )
    if item is not None:
        scores = Score.objects.filter(assessment=assessment, item=item)
        surveys = SurveyResult.objects.filter(assessment=assessment, item=item)
        evidence = Evidence.objects.filter(assessment=assessment, items=item)
        entries = entries.filter(
            Q(content_type=score_ct, object_id__in=_ids(scores))
            | Q(content_type=_ct(SurveyResult), object_id__in=_ids(surveys))
            | (
                Q(content_type=evidence_ct, object_id__in=_ids(evidence))
                & ~Q(action__in=EVIDENCE_LINK_ACTIONS)
            )
            # An attachment names its item: the entry belongs to that item only.
            | Q(content_type=evidence_ct, action=AuditAction.EVIDENCE_ATTACH, new_value=item.code)
            | Q(content_type=evidence_ct, action=AuditAction.EVIDENCE_DETACH, old_value=item.code)
        )
    if not whole:
        sent = (
            Score.objects.filter(assessment=assessment).exclude(review_request=ReviewRequest.NONE)
            if explanation_sent(assessment)
            else Score.objects.none()
        )
        hidden = (
            Q(field__in=Score.COUNCIL_FIELDS)
            | ~Q(content_type__in=[score_ct, evidence_ct, period_ct, _ct(Assessment)])
            | (Q(content_type=score_ct, action__in=COUNCIL_ACTIONS) & ~Q(field__in=REVIEW_FIELDS))
            | Q(content_type=score_ct, action=AuditAction.IMPORT, field__in=STAGE_AMBIGUOUS_FIELDS)
            | (Q(field__in=REVIEW_FIELDS) & ~Q(content_type=score_ct, object_id__in=_ids(sent)))
        )
        entries = entries.exclude(hidden)
    return entries.select_related("actor", "content_type").order_by("created_at", "id")


def history_rows(entries, *, whole: bool) -> list[HistoryRow]:
    """The entries (a page of them, or all for an export) as rows; three queries at most."""
    entries = list(entries)
    by_model: dict[type, set[str]] = {}
    for entry in entries:
        by_model.setdefault(entry.content_type.model_class(), set()).add(entry.object_id)
    codes: dict[tuple[type, str], str] = {}
    for model in (Score, SurveyResult):
        for pk, code in model.objects.filter(pk__in=_numeric(by_model.get(model))).values_list(
            "pk", "item__code"
        ):
            codes[model, str(pk)] = code
    links = Evidence.items.through.objects.filter(
        evidence_id__in=_numeric(by_model.get(Evidence))
    ).order_by("indexitem__position")
    evidence_codes: dict[str, list[str]] = {}
    for evidence_id, code in links.values_list("evidence_id", "indexitem__code"):
        evidence_codes.setdefault(str(evidence_id), []).append(code)
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        if model is Evidence:
            if entry.action in EVIDENCE_LINK_ACTIONS:
                items = entry.new_value or entry.old_value
            else:
                items = ", ".join(evidence_codes.get(entry.object_id, []))
        else:
            items = codes.get((model, entry.object_id), "")
        reason = entry.reason
        if not whole and (
            entry.field in REVIEW_FIELDS
            # The chair reopening a finalised appraisal explains the council's values.
            or (
                entry.action == AuditAction.STATUS and entry.old_value == AssessmentStatus.APPRAISED
            )
        ):
            reason = ""  # the reason saved with a question is the appraiser's
        rows.append(
            HistoryRow(
                entry=entry,
                when=timezone.localtime(entry.created_at),
                who=entry.actor.get_full_name() if entry.actor else _("System"),
                action=entry.get_action_display(),
                items=items,
                field=field_label(model, entry.field),
                old=value_text(model, entry.field, entry.old_value),
                new=value_text(model, entry.field, entry.new_value),
                reason=reason,
            )
        )
    return rows


def _numeric(ids) -> list[int]:
    return [int(pk) for pk in ids or () if pk.isdigit()]


def _model_field(model, name: str) -> models.Field | None:
    if model is None or not name:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(model, name: str) -> str:
    field = _model_field(model, name)
    if field is None:
        return name
    return str(capfirst(getattr(field, "verbose_name", name)))


def value_text(model, name: str, value: str) -> str:
    """An audited value for people: choice labels, yes/no, decimal commas, local times."""
    if value == "":
        return ""
    field = _model_field(model, name)
    if field is None:
        return value
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value in ("1", "True") else _("no")
    if isinstance(field, models.DecimalField):
        try:
            return format_number(Decimal(value), None)
        except InvalidOperation:
            return value
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return datetime_text(moment)
    return value
