"""Importing scores from a file, to migrate past years from Excel: columns `unit, item, points,
not_applicable, note`, one stage at a time. All rows or none; every bad row is reported."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.tabular import (
    CellError,
    ImportFailed,
    ImportProblem,
    cell_bool,
    cell_decimal,
    cell_text,
    read_table,
    require_columns,
)
from scoring.display import format_number
from scoring.models import (
    SCORED_LEVELS,
    Assessment,
    AssessmentPeriod,
    AuditEntry,
    IndexItem,
    Score,
    SurveyResult,
)
from scoring.workflow import AssessmentStatus

from .assessments import period_open_assessments
from .audit import audit_value

REQUIRED_COLUMNS = ["unit", "item", "points"]


class ImportStage(StrEnum):
    SELF = "self"
    APPRAISAL = "appraisal"
    FINAL = "final"
    SURVEY = "survey"


# The Score fields each stage writes: points, the note's field, the ratio it clears (imported
# points replace a ratio the rule would otherwise turn into points).
STAGE_FIELDS = {
    ImportStage.SELF: ("self_points", "self_note", "self_ratio"),
    ImportStage.APPRAISAL: ("appraisal_points", "appraisal_reason", "appraisal_ratio"),
    ImportStage.FINAL: ("final_points", "final_reason", "final_ratio"),
}


@dataclass
class ParsedRow:
    row: int
    assessment: Assessment
    item: IndexItem
    points: Decimal | None
    not_applicable: bool
    note: str


@dataclass
class ScoreImportSummary:
    rows: int
    created: int
    updated: int
    appraised: int
    not_applicable_outside_rule: list[str]


def scores_import(
    *, period: AssessmentPeriod, stage: str, data: bytes, filename: str, by=None
) -> ScoreImportSummary:
    stage = ImportStage(stage)
    table = read_table(data, filename)
    require_columns(table, REQUIRED_COLUMNS)
    with transaction.atomic():
        period_open_assessments(period=period, by=by)  # units of a kind take its index set
        parsed, problems = _parse(table, period, stage)
        if problems:
            transaction.set_rollback(True)
            raise ImportFailed(problems)
        if stage == ImportStage.SURVEY:
            created, updated = _write_survey(parsed, by, filename)
        else:
            created, updated = _write_scores(parsed, stage, by, filename)
        appraised = _mark_appraised(parsed, by, filename) if stage == ImportStage.FINAL else 0
    outside = sorted(
        {
            f"{p.assessment.unit.code}/{p.item.code}"
            for p in parsed
            if p.not_applicable and not p.item.not_applicable_allowed
        }
    )
    return ScoreImportSummary(len(parsed), created, updated, appraised, outside)


def _parse(table, period, stage) -> tuple[list[ParsedRow], list[ImportProblem]]:
    assessments = {
        a.unit.code.casefold(): a
        for a in Assessment.objects.filter(period=period).select_related("unit__kind")
    }
    units_without = {
        code.casefold(): kind
        for code, kind in period.organiser.units.exclude(
            pk__in=[a.unit_id for a in assessments.values()]
        ).values_list("code", "kind__name")
    }
    items: dict[int, dict[str, IndexItem]] = {}
    for item in IndexItem.objects.filter(
        index_set_id__in={a.index_set_id for a in assessments.values()}
    ):
        items.setdefault(item.index_set_id, {})[item.code] = item
    parsed, problems, seen = [], [], {}
    for row, values in table:
        unit_code, item_code = cell_text(values.get("unit")), cell_text(values.get("item"))
        assessment = assessments.get(unit_code.casefold())
        if assessment is None:
            if unit_code.casefold() in units_without:
                message = _("Unit “%(unit)s” has no index set in %(year)s (kind “%(kind)s”).") % {
                    "unit": unit_code,
                    "year": period.year,
                    "kind": units_without[unit_code.casefold()],
                }
            else:
                message = _("Unknown unit “%(unit)s”.") % {"unit": unit_code}
            problems.append(ImportProblem(row, message))
            continue
        item = items.get(assessment.index_set_id, {}).get(item_code)
        if item is None or item.level not in SCORED_LEVELS:
            problems.append(
                ImportProblem(
                    row,
                    _("Unknown sub-criterion “%(item)s” in the index set of “%(unit)s”.")
                    % {"item": item_code, "unit": unit_code},
                )
            )
            continue
        if stage == ImportStage.SURVEY and not item.is_survey:
            problems.append(
                ImportProblem(
                    row,
                    _("“%(item)s” is not a survey item: survey points cannot go there.")
                    % {"item": item_code},
                )
            )
            continue
        if stage != ImportStage.SURVEY and item.is_survey:
            problems.append(
                ImportProblem(
                    row,
                    _("“%(item)s” is a survey item: import it with --stage survey.")
                    % {"item": item_code},
                )
            )
            continue
        key = (assessment.pk, item.pk)
        if key in seen:
            problems.append(
                ImportProblem(
                    row,
                    _("“%(unit)s”/“%(item)s” is already on row %(first)s.")
                    % {"unit": unit_code, "item": item_code, "first": seen[key]},
                )
            )
            continue
        seen[key] = row
        try:
            not_applicable = bool(
                cell_bool(values.get("not_applicable"), column="not_applicable", default=False)
            )
            points = cell_decimal(values.get("points"), column="points")
        except CellError as exc:
            problems.append(ImportProblem(row, str(exc)))
            continue
        if points is None and not not_applicable:
            problems.append(
                ImportProblem(row, _("No points for “%(item)s”.") % {"item": item_code})
            )
            continue
        if points is not None and not Decimal(0) <= points <= item.max_points:
            problems.append(
                ImportProblem(
                    row,
                    _("%(points)s points for “%(item)s” are outside 0 to its maximum of %(max)s.")
                    % {
                        "points": format_number(points, None),
                        "item": item_code,
                        "max": format_number(item.max_points, None),
                    },
                )
            )
            continue
        if points is not None and points != points.quantize(Decimal("0.0001")):
            problems.append(ImportProblem(row, _("Points have at most 4 decimals.")))
            continue
        parsed.append(
            ParsedRow(row, assessment, item, points, not_applicable, cell_text(values.get("note")))
        )
    return parsed, problems


def _audit_entry(*, by, obj, assessment, field, old, new, reason) -> AuditEntry:
    return AuditEntry(
        actor=by,
        period_id=assessment.period_id,
        assessment=assessment,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=f"{assessment.unit} — {obj.item.code}"[:300],
        action="import",
        field=field,
        old_value=audit_value(old),
        new_value=audit_value(new),
        reason=reason,
    )


def _write_scores(parsed, stage, by, filename) -> tuple[int, int]:
    points_field, note_field, ratio_field = STAGE_FIELDS[stage]
    existing = {
        (score.assessment_id, score.item_id): score
        for score in Score.objects.filter(
            assessment_id__in={p.assessment.pk for p in parsed},
            item_id__in={p.item.pk for p in parsed},
        )
    }
    new, changed, old_values = [], [], {}
    for entry in parsed:
        score = existing.get((entry.assessment.pk, entry.item.pk))
        if score is None:
            score = Score(assessment=entry.assessment, item=entry.item)
            new.append(score)
        else:
            changed.append(score)
            old_values[score.pk] = getattr(score, points_field)
        score.assessment, score.item = entry.assessment, entry.item
        setattr(score, points_field, entry.points)
        setattr(score, note_field, entry.note)
        setattr(score, ratio_field, None)
        score.not_applicable = entry.not_applicable
        if entry.not_applicable and stage == ImportStage.SELF:
            score.not_applicable_reason = entry.note
    Score.objects.bulk_create(new, batch_size=2000)
    for score in changed:
        score.version += 1
    Score.objects.bulk_update(
        changed,
        [
            points_field,
            note_field,
            ratio_field,
            "not_applicable",
            "not_applicable_reason",
            "version",
        ],
        batch_size=2000,
    )
    reason = _("Imported from %(file)s") % {"file": filename}
    AuditEntry.objects.bulk_create(
        [
            _audit_entry(
                by=by,
                obj=score,
                assessment=score.assessment,
                field=points_field,
                old=old_values.get(score.pk),
                new=getattr(score, points_field),
                reason=reason,
            )
            for score in [*new, *changed]
        ],
        batch_size=2000,
    )
    return len(new), len(changed)


def _write_survey(parsed, by, filename) -> tuple[int, int]:
    existing = {
        (result.assessment_id, result.item_id): result
        for result in SurveyResult.objects.filter(
            assessment_id__in={p.assessment.pk for p in parsed},
            item_id__in={p.item.pk for p in parsed},
        )
    }
    new, changed, old_values = [], [], {}
    for entry in parsed:
        result = existing.get((entry.assessment.pk, entry.item.pk))
        if result is None:
            result = SurveyResult(assessment=entry.assessment, item=entry.item)
            new.append(result)
        else:
            changed.append(result)
            old_values[result.pk] = result.points
        result.assessment, result.item = entry.assessment, entry.item
        result.points, result.not_applicable, result.note = (
            entry.points,
            entry.not_applicable,
            entry.note,
        )
    SurveyResult.objects.bulk_create(new, batch_size=2000)
    SurveyResult.objects.bulk_update(changed, ["points", "not_applicable", "note"], batch_size=2000)
    reason = _("Imported from %(file)s") % {"file": filename}
    AuditEntry.objects.bulk_create(
        [
            _audit_entry(
                by=by,
                obj=result,
                assessment=result.assessment,
                field="points",
                old=old_values.get(result.pk),
                new=result.points,
                reason=reason,
            )
            for result in [*new, *changed]
        ],
        batch_size=2000,
    )
    return len(new), len(changed)


def _mark_appraised(parsed, by, filename) -> int:
    """Final points settle the appraisal: those assessments become appraised (audited)."""
    assessments = {p.assessment.pk: p.assessment for p in parsed}
    to_mark = [a for a in assessments.values() if a.status != AssessmentStatus.APPRAISED]
    reason = _("Final scores imported from %(file)s") % {"file": filename}
    content_type = ContentType.objects.get_for_model(Assessment)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=by,
                period_id=a.period_id,
                assessment=a,
                content_type=content_type,
                object_id=str(a.pk),
                object_repr=str(a.unit)[:300],
                action="transition",
                field="status",
                old_value=a.status,
                new_value=AssessmentStatus.APPRAISED,
                reason=reason,
            )
            for a in to_mark
        ]
    )
    now = timezone.now()
    Assessment.objects.filter(pk__in=[a.pk for a in to_mark]).update(
        status=AssessmentStatus.APPRAISED, finalised_at=now, updated_at=now
    )
    return len(to_mark)
