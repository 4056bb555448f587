"""Importing scores from a file, to migrate past years from Excel: columns `unit, item, points,
not_applicable, note`, one stage at a time. All rows or none; every bad row is reported."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext as _

from parindex.parsing import ParseError, parse_decimal, parse_yes_no
from parindex.tabular import (
    ImportFailed,
    ImportProblem,
    cell_text,
    read_table,
    require_columns,
)
from scoring.display import format_number
from scoring.models import (
    Assessment,
    AssessmentPeriod,
    IndexItem,
    Score,
)
from scoring.workflow import AssessmentStatus

from .import_rows import ImportTargets, published_assessments_reopen, rows_upsert
from .periods import period_open_assessments
from .survey_import import survey_import
from .transitions import SYSTEM, assessments_move

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
    if stage == ImportStage.SURVEY:
        # The survey has its own columns (answers, rate, points, N/A): the upload page's reader.
        with transaction.atomic():
            period_open_assessments(period=period, by=by)  # units of a kind take its index set
            survey = survey_import(period=period, data=data, filename=filename, by=by)
        return ScoreImportSummary(
            survey.rows,
            survey.created,
            survey.updated,
            survey.appraised,
            survey.not_applicable_outside_rule,
        )
    table = read_table(data, filename)
    require_columns(table, REQUIRED_COLUMNS)
    with transaction.atomic():
        period_open_assessments(period=period, by=by)  # units of a kind take its index set
        parsed, problems = _parse(table, period, stage)
        if problems:
            transaction.set_rollback(True)
            raise ImportFailed(problems)
        created, updated = _write_scores(parsed, stage, by, filename)
        appraised = _settle_statuses(parsed, stage, by, filename)
    outside = sorted(
        {
            f"{p.assessment.unit.code}/{p.item.code}"
            for p in parsed
            if p.not_applicable and not p.item.not_applicable_allowed
        }
    )
    return ScoreImportSummary(len(parsed), created, updated, appraised, outside)


def _not_self_scored(item: IndexItem) -> str:
    """Scores go on the items units and the council score; Home Affairs enters the others."""
    if item.is_survey:
        return _("“%(item)s” is a survey item: import it with --stage survey.") % {
            "item": item.code
        }
    if item.is_data_fed:
        return _(
            "“%(item)s” is scored from data: upload its figures on the period's data page."
        ) % {"item": item.code}
    return ""


def _parse(table, period, stage) -> tuple[list[ParsedRow], list[ImportProblem]]:
    targets = ImportTargets(period)
    parsed, problems, seen = [], [], {}
    for row, values in table:
        unit_code, item_code = cell_text(values.get("unit")), cell_text(values.get("item"))
        target = targets.row_target(
            row, unit_code, item_code, seen=seen, kind_problem=_not_self_scored
        )
        if isinstance(target, ImportProblem):
            problems.append(target)
            continue
        assessment, item = target
        try:
            not_applicable = bool(
                parse_yes_no(values.get("not_applicable"), label="not_applicable", default=False)
            )
            points = parse_decimal(values.get("points"), label="points", percent=False)
        except ParseError as exc:
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


def _write_scores(parsed, stage, by, filename) -> tuple[int, int]:
    points_field, note_field, ratio_field = STAGE_FIELDS[stage]

    def apply(score, entry):
        setattr(score, points_field, entry.points)
        setattr(score, note_field, entry.note)
        setattr(score, ratio_field, None)
        if stage == ImportStage.SELF:
            score.not_applicable = entry.not_applicable
            if entry.not_applicable and entry.note:
                score.not_applicable_reason = entry.note
        else:
            # The council's "không áp dụng" sits beside the unit's claim: "x" grants it, points
            # mean the council scored the item (so it applies); neither is no decision.
            setattr(score, not_applicable_field, _council_not_applicable(entry))

    not_applicable_field = {
        ImportStage.SELF: "not_applicable",
        ImportStage.APPRAISAL: "appraisal_not_applicable",
        ImportStage.FINAL: "final_not_applicable",
    }[stage]
    fields = [points_field, note_field, ratio_field, not_applicable_field, "not_applicable_reason"]
    return rows_upsert(
        Score, parsed, fields, apply, by=by, reason=_("Imported from %(file)s") % {"file": filename}
    )


def _settle_statuses(parsed, stage, by, filename) -> int:
    """Final points settle the appraisal: those assessments become appraised. Any other stage
    imported into a published assessment changes its results: it goes back to appraised
    (`published_assessments_reopen`). The moves are the system's own (the import is a command
    an administrator runs), through the one door, each audited."""
    assessments = {p.assessment.pk: p.assessment for p in parsed}
    if stage != ImportStage.FINAL:
        return published_assessments_reopen(assessments.values(), filename=filename)
    to_mark = [a for a in assessments.values() if a.status != AssessmentStatus.APPRAISED]
    reason = _("Final scores imported from %(file)s") % {"file": filename}
    assessments_move(
        assessments=to_mark, target=AssessmentStatus.APPRAISED, by=SYSTEM, reason=reason
    )
    return len(to_mark)


def _council_not_applicable(entry) -> bool | None:
    if entry.not_applicable:
        return True
    return False if entry.points is not None else None
