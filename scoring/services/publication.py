"""Publishing a period: freeze its computed results as a numbered, immutable publication.

Publishing is refused while a survey or data item is missing (scoring.selectors.inputs), unless
the officer names each missing one as an exception with a reason; the exceptions are frozen
with the publication (Publication.exceptions), audited, and printed in the published reports'
notes. Units that never submitted are marked in the frozen results.

A version also fixes its official document's elements (Nghị định 30/2020/NĐ-CP): the report's
number, the publishing decision, the signer and "Nơi nhận" (`DocumentElements`). Once it is
saved, `results_published` tells the apps above (reports renders the version's documents)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.text import has_control_character, normalize_text, typed_text
from scoring.engine.model import Stage, UnitResult
from scoring.exceptions import DutyConflict, TransitionRefused
from scoring.models import (
    Assessment,
    AssessmentPeriod,
    Publication,
    PublishedUnitResult,
)
from scoring.selectors.inputs import MissingInput, period_inputs
from scoring.selectors.results import PeriodResults, latest_publication, period_results
from scoring.signals import results_published
from scoring.workflow import AssessmentStatus, PeriodStatus
from units.access import acts_for, duty_refusal
from units.roles import Permission

from . import audit
from .transitions import assessments_move, period_move

EXACT = Decimal("1e-8")  # the places a publication keeps; see published_points_field
READY = (AssessmentStatus.APPRAISED, AssessmentStatus.PUBLISHED)
EXCEPTION_REASON_MAX = 500
NAMES_LISTED = 10
# The official document's elements: limits of what a person types (the model's lengths, and a
# number that is a number).
DOCUMENT_NUMBER_DIGITS = 6
DECISION_NUMBER_MAX = 50
SIGNER_TITLE_MAX = 200
SIGNER_NAME_MAX = 100
RECIPIENTS_MAX = 2000
RECIPIENT_LINES_MAX = 30
# "1520/QĐ-UBND", "15/2024/QĐ-UBND": a number, maybe a year, then the type and the issuer.
DECISION_NUMBER = re.compile(r"^[0-9]{1,6}(/[0-9]{4})?/[0-9A-ZĐ]+(-[0-9A-ZĐ]+)*$")


@dataclass(frozen=True)
class InputException:
    """The officer's word that a missing survey or data item is published without its input:
    `key` is the MissingInput's key (scoring.selectors.inputs), `reason` why."""

    key: str
    reason: str


@dataclass(frozen=True)
class DocumentElements:
    """What the published documents print besides the results (Nghị định 30/2020): the
    report's number ("12" in "Số: 12/BC-SNV"), the decision that publishes the results, the
    signer (title lines, e.g. "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC", and name) and "Nơi nhận" (one
    recipient per line). None: the organiser's own value."""

    document_number: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    recipients: str | None = None


def document_elements_check(elements: DocumentElements | None, organiser) -> dict:
    """The elements as Publication keeps them, the organiser's values filling what is None.
    Raises ValidationError (messages by field) for a number that is not one, a decision
    without its date or dated in the future, or text that cannot be printed."""
    elements = elements or DocumentElements()
    errors: dict[str, list[str]] = {}

    def check(name, function):
        try:
            return function()
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
            return None

    def number():
        value = normalize_text(elements.document_number)
        if value and not (value.isascii() and value.isdigit()):
            raise ValidationError(_("The document number is digits only, e.g. 12."))
        if len(value) > DOCUMENT_NUMBER_DIGITS:
            raise ValidationError(
                _("The document number has at most %(limit)s digits.")
                % {"limit": DOCUMENT_NUMBER_DIGITS}
            )
        return value

    def decision_number():
        value = typed_text(
            elements.decision_number, label=_("The decision number"), limit=DECISION_NUMBER_MAX
        ).upper()
        if value and not DECISION_NUMBER.match(value):
            raise ValidationError(
                _("Write the decision number as on the decision, e.g. 1520/QĐ-UBND.")
            )
        return value

    def decision_date():
        day = elements.decision_date
        if day is not None and day > timezone.localdate():
            raise ValidationError(_("The decision date cannot be in the future."))
        if day is not None and day.year < 2000:
            raise ValidationError(_("The decision date is too far in the past."))
        return day

    def default(value, fallback):
        return fallback if value is None else value

    def recipients():
        text = typed_text(
            default(elements.recipients, organiser.recipients),
            label=_("“Nơi nhận”"),
            limit=RECIPIENTS_MAX,
            lines=True,
            blank_lines=False,
        )
        if len(text.splitlines()) > RECIPIENT_LINES_MAX:
            raise ValidationError(
                _("“Nơi nhận” lists at most %(limit)s recipients.") % {"limit": RECIPIENT_LINES_MAX}
            )
        return text

    values = {
        "document_number": check("document_number", number),
        "decision_number": check("decision_number", decision_number),
        "decision_date": check("decision_date", decision_date),
        "signer_title": check(
            "signer_title",
            lambda: typed_text(
                default(elements.signer_title, organiser.signer_title),
                label=_("The signer's title"),
                limit=SIGNER_TITLE_MAX,
                lines=True,
                blank_lines=False,
            ),
        ),
        "signer_name": check(
            "signer_name",
            lambda: typed_text(
                default(elements.signer_name, organiser.signer_name),
                label=_("The signer's name"),
                limit=SIGNER_NAME_MAX,
            ),
        ),
        "recipients": check("recipients", recipients),
    }
    if not errors:
        if values["decision_number"] and values["decision_date"] is None:
            errors["decision_date"] = [_("Give the date of the publishing decision.")]
        elif values["decision_date"] is not None and not values["decision_number"]:
            errors["decision_number"] = [_("Give the number of the publishing decision.")]
    if errors:
        raise ValidationError(errors)
    return values


def _listed(names: list[str]) -> str:
    more = len(names) - NAMES_LISTED
    return ", ".join(names[:NAMES_LISTED]) + (f" (+{more})" if more > 0 else "")


def _exception_reason(reason: str) -> str:
    """The reason as stored: NFC, trimmed; a NUL or another control character, or an
    over-long text, is refused."""
    if "\x00" in (reason or ""):
        raise ValidationError(_("A reason cannot contain a NUL character."))
    if has_control_character(reason):
        raise ValidationError(_("A reason contains a character that is not allowed."))
    reason = normalize_text(reason)
    if len(reason) > EXCEPTION_REASON_MAX:
        raise ValidationError(
            _("A reason is at most %(limit_value)s characters long.")
            % {"limit_value": EXCEPTION_REASON_MAX}
        )
    return reason


def exceptions_check(
    missing: list[MissingInput], exceptions: Iterable[InputException]
) -> tuple[list[tuple[MissingInput, str]], list[str]]:
    """Each missing input with the reason it is published without, and what still blocks:
    missing inputs not named, or named without a reason. Exceptions for inputs that are no
    longer missing (entered meanwhile) are dropped: the report would otherwise excuse a value
    it shows."""
    reasons: dict[str, str] = {}
    invalid: list[str] = []
    for exception in exceptions:
        try:
            reason = _exception_reason(exception.reason)
        except ValidationError as exc:
            invalid.extend(exc.messages)
            continue
        if reason:
            reasons[exception.key] = reason
    covered, uncovered = [], []
    for gap in missing:
        if reasons.get(gap.key):
            covered.append((gap, reasons[gap.key]))
        else:
            uncovered.append(f"{gap.unit_name} — {gap.item_code}")
    problems = sorted(set(invalid))
    if uncovered:
        problems.append(
            ngettext(
                "%(count)s survey or data item is missing and not named as an exception with "
                "a reason: %(names)s",
                "%(count)s survey or data items are missing and not named as exceptions with "
                "a reason: %(names)s",
                len(uncovered),
            )
            % {"count": len(uncovered), "names": _listed(uncovered)}
        )
    return covered, problems


def _stored_exception(gap: MissingInput, reason: str) -> dict:
    """An exception as Publication.exceptions keeps it (names frozen like the results)."""
    return {
        "unit_code": gap.unit_code,
        "unit_name": gap.unit_name,
        "item_code": gap.item_code,
        "item_name": gap.item_name,
        "kind": str(gap.kind),
        "reason": reason,
    }


def publish_problems(period: AssessmentPeriod) -> list[str]:
    """Why the period cannot be published now; empty when it can."""
    problems = []
    waiting = list(
        Assessment.objects.taking_part()
        .filter(period=period)
        .exclude(status__in=READY)
        .select_related("unit")
        .order_by("unit__code")
    )
    if waiting:
        names = ", ".join(a.unit.name for a in waiting[:10])
        more = len(waiting) - 10
        problems.append(
            ngettext(
                "%(count)s unit's appraisal is not finalised yet: %(names)s",
                "%(count)s units' appraisals are not finalised yet: %(names)s",
                len(waiting),
            )
            % {"count": len(waiting), "names": names + (f" (+{more})" if more > 0 else "")}
        )
    if not Assessment.objects.taking_part().filter(period=period).exists():
        problems.append(_("The period has no assessments to publish."))
    elif (
        latest_publication(period)
        and not Assessment.objects.filter(period=period, status=AssessmentStatus.APPRAISED).exists()
    ):
        problems.append(_("Nothing has changed since the last publication."))
    return problems


def period_publish(
    *,
    period: AssessmentPeriod,
    by=None,
    reason: str = "",
    published_at=None,
    exceptions: Iterable[InputException] = (),
    document: DocumentElements | None = None,
) -> Publication:
    """Freeze the period's final results as the next publication version. `by=None` is the
    system itself (the `publish` command run by an administrator); `published_at` records the
    date of the decision when a past year is migrated (default: now). Every survey or data item
    still missing must be named in `exceptions` with a reason. `document`: the elements the
    version's official documents print (default: the organiser's signer and recipients, no
    number, no decision); reports renders them once the version commits
    (scoring.signals.results_published)."""
    conflict = by is not None and duty_refusal(
        by, Permission.PUBLISH_RESULTS, organiser_id=period.organiser_id
    )
    if conflict:
        raise DutyConflict(conflict)
    if by is not None and not acts_for(by, Permission.PUBLISH_RESULTS, period.organiser_id):
        raise PermissionDenied(_("Only Home Affairs officers of this organiser publish results."))
    reason = (reason or "").strip()
    elements = document_elements_check(document, period.organiser)
    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        # Held until the snapshot is written: a unit reopened and changed meanwhile would
        # otherwise be published half old, half new.
        list(Assessment.objects.select_for_update().filter(period=period).values_list("pk"))
        problems = publish_problems(period)
        previous = latest_publication(period)
        if previous is not None and not reason:
            problems.append(_("Say why the results are published again (the correction made)."))
        missing = period_inputs(period=period).missing
        covered, uncovered = exceptions_check(missing, exceptions)
        problems += uncovered
        if problems:
            raise TransitionRefused(_("The results cannot be published yet."), problems)
        results = period_results(period=period, stage=Stage.FINAL, with_items=True)
        now = published_at or timezone.now()
        publication = Publication.objects.create(
            period=period,
            version=(previous.version + 1) if previous else 1,
            published_at=now,
            published_by=by if by is not None else None,
            reason=reason,
            tie_breaker=period.tie_breaker,
            structure=_structure(results),
            exceptions=[_stored_exception(gap, why) for gap, why in covered],
            **elements,
        )
        PublishedUnitResult.objects.bulk_create(_unit_rows(publication, results), batch_size=500)
        assessments_move(
            assessments=Assessment.objects.filter(
                period=period, status=AssessmentStatus.APPRAISED
            ).select_related("unit", "period"),
            target=AssessmentStatus.PUBLISHED,
            by=by,
            reason=_("Published as version %(version)s") % {"version": publication.version},
        )
        if period.status == PeriodStatus.PUBLISHED:
            # A new version of results already public: the period stays published.
            period.published_at = now
            period.save(update_fields=["published_at"])
        else:
            period_move(period=period, target=PeriodStatus.PUBLISHED, by=by, published_at=now)
        audit.record(
            audit.published(
                actor=by,
                period=period,
                old_version=previous.version if previous else None,
                new_version=publication.version,
                reason=reason,
            ),
            [
                audit.published_without_input(
                    actor=by,
                    publication=publication,
                    assessment_id=gap.assessment_id,
                    unit_name=gap.unit_name,
                    item_code=gap.item_code,
                    reason=exception_reason,
                )
                for gap, exception_reason in covered
            ],
        )
        # Inside the transaction: the documents' rows are saved with the version or not at all.
        results_published.send(sender=Publication, publication=publication)
    return publication


def _exact(value: Decimal) -> Decimal:
    """Publications store 8 decimals; refuse rather than round anything that has more."""
    stored = value.quantize(EXACT)
    if stored != value:
        raise ValidationError(
            _("A result has more decimals than a publication keeps: %(value)s") % {"value": value}
        )
    return stored


def _text(value: Decimal | None) -> str | None:
    """A decimal as compact exact text: 1.5000 → "1.5"."""
    if value is None:
        return None
    return format(value.normalize(), "f") if value else "0"


def _structure(results: PeriodResults) -> dict:
    """Everything a published report shows about the index sets, frozen with the results:
    each item's code, name, level, maximum, method and parent, in position order, and the
    classification bands (see scoring.selectors.results for the layout)."""
    return {
        "sets": {
            str(set_id): [
                [
                    item.id,
                    item.code,
                    item.name,
                    item.level,
                    _text(item.max_points),
                    item.method,
                    item.parent_id,
                ]
                for item in sorted(definition.items, key=lambda item: item.position)
            ]
            for set_id, definition in results.index_sets.items()
        },
        "bands": {
            str(set_id): [[label, _text(minimum)] for label, minimum in definition.bands]
            for set_id, definition in results.index_sets.items()
        },
    }


def _breakdown(result: UnitResult) -> dict:
    items = []
    for item in result.items:
        entry = [
            item.item_id,
            _text(item.self_points),
            _text(item.appraisal_points),
            _text(item.final_points),
            _text(item.points),
            int(item.not_applicable),
        ]
        if item.appraisal_reason or item.final_reason:
            entry += [item.appraisal_reason, item.final_reason]
        items.append(entry)
    return {
        "levels": [
            [level.item_id, _text(level.max_points), _text(level.points)]
            for level in [*result.areas, *result.criteria]
        ],
        "items": items,
    }


def _unit_rows(publication: Publication, results: PeriodResults):
    for position, row in enumerate(results.rows, start=1):
        result, previous = row.result, row.previous
        yield PublishedUnitResult(
            publication=publication,
            unit_id=row.unit_id,
            unit_code=row.unit_code,
            unit_name=row.unit_name,
            kind_code=row.kind_code,
            group_code=row.group_code,
            group_name=row.group_name,
            max_points=_exact(result.max_points),
            direct_points=_exact(result.direct_points),
            survey_points=_exact(result.survey_points),
            bonus_points=_exact(result.bonus_points),
            penalty_points=_exact(result.penalty_points),
            total_points=_exact(result.total_points),
            band=result.band,
            rank=row.rank,
            rank_of=row.rank_of,
            previous_rank=row.change.previous_rank,
            previous_max_points=_exact(previous.max_points) if previous else None,
            previous_total_points=_exact(previous.total_points) if previous else None,
            previous_combined=bool(previous and previous.combined),
            breakdown=_breakdown(result),
            position=position,
            index_set_id=row.index_set_id,
            never_submitted=row.never_submitted,
        )
