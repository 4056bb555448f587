"""Survey results (điều tra xã hội học, SIPAS) from a file: one row per unit and survey item,
giving the answers per option (A, B, C, D[, E] counts), or a rate (%), or points, or "x" (not
applicable). A preview lists every row's effect — what was given, old → new points — and
every problem by row; the upload applies all rows or none, one audit entry per changed field.

The Home Affairs page and `import_scores --stage survey` both go through `survey_import`. The
points come from the engine's one rule (`survey_points`), never recomputed here."""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from parindex.parsing import ParseError, parse_decimal, parse_yes_no
from parindex.tabular import (
    ImportFailed,
    ImportProblem,
    SheetSpec,
    xlsx_bytes,
)
from scoring.display import format_number
from scoring.engine.model import SurveyEntry
from scoring.engine.policy import (
    DEFAULT_SURVEY_WEIGHTS,
    POINTS_PLACES,
    item_def,
    survey_entry,
    survey_points,
)
from scoring.models import (
    SCORED_LEVELS,
    Assessment,
    AssessmentPeriod,
    IndexItem,
    ScoringMethod,
    SurveyResult,
)
from scoring.workflow import AssessmentStatus

from .import_rows import (
    ImportTargets,
    checked_cell,
    published_assessments_reopen,
    read_upload,
    reopening_seen_check,
    require_keys,
    rows_upsert,
)

HUNDRED = Decimal(100)
OPTIONS = ("A", "B", "C", "D", "E")
# More answers than a province has people is a slip (a pasted ID, 1e20 from a formula), and the
# respondents must fit the database's integer.
MAX_RESPONDENTS = 10_000_000

# Column titles: English msgids, translated when the template is written; a file may use the
# translated title, the English one or the command's short key (`unit, item, points, …`).
UNIT = gettext_noop("Unit code")
UNIT_NAME = gettext_noop("Unit name")
ITEM = gettext_noop("Item code")
ITEM_NAME = gettext_noop("Item name")
MAXIMUM = gettext_noop("Maximum")
RATE = gettext_noop("Rate (%)")
POINTS = gettext_noop("Points")
NOT_APPLICABLE = gettext_noop("Not applicable (x)")
NOTE = gettext_noop("Note")
POINTS_NOW = gettext_noop("Points now (not read)")
SHEET_TITLE = gettext_noop("Survey")
GUIDE_TITLE = gettext_noop("Guide")

# The key each column is read under, and the titles that name it.
READ_COLUMNS = {
    "unit": (UNIT,),
    "item": (ITEM,),
    "rate": (RATE, "ratio"),
    "points": (POINTS,),
    "not_applicable": (NOT_APPLICABLE,),
    "note": (NOTE,),
    **{option.casefold(): (option,) for option in OPTIONS},
}
VALUE_KEYS = ("rate", "points", "not_applicable", *(o.casefold() for o in OPTIONS))
FIELDS = ["points", "not_applicable", "note", "ratio", "answer_counts", "respondents"]
# What makes a row a change: the respondents follow from the answers (older rows lack them).
COMPARED = [name for name in FIELDS if name != "respondents"]


class Given(StrEnum):
    ANSWERS = "answers"
    RATE = "rate"
    POINTS = "points"
    NOT_APPLICABLE = "not_applicable"


class RowStatus(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    EMPTY = "empty"  # nothing given: the stored value stays


@dataclass
class SurveyRow:
    row: int
    assessment: Assessment
    item: IndexItem
    status: RowStatus
    given: str = ""  # what the file gives, in words
    old_given: str = ""
    old_points: Decimal | None = None
    new_points: Decimal | None = None
    old_not_applicable: bool = False
    not_applicable: bool = False
    values: dict = field(default_factory=dict)  # the SurveyResult fields to write


@dataclass
class SurveyPreview:
    rows: list[SurveyRow]
    problems: list[ImportProblem]
    warnings: list[str] = field(default_factory=list)
    reopened: int = 0  # published assessments that go back to appraised

    def count(self, status: RowStatus) -> int:
        return sum(row.status == status for row in self.rows)

    @property
    def changes(self) -> list[SurveyRow]:
        return [row for row in self.rows if row.status in (RowStatus.NEW, RowStatus.CHANGED)]

    @property
    def counts(self) -> dict[str, int]:
        return {status.value: self.count(status) for status in RowStatus}


@dataclass
class SurveyImportSummary:
    rows: int
    created: int
    updated: int
    unchanged: int
    appraised: int
    not_applicable_outside_rule: list[str]
    changes: list[SurveyRow] = field(default_factory=list)  # the rows written
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- reading


def _number(values: dict, key: str, label: str):
    value = values.get(key)
    if isinstance(value, str):
        value = value.strip()
    return parse_decimal(value, label=label)


def survey_preview(*, period: AssessmentPeriod, data: bytes, filename: str) -> SurveyPreview:
    """Read and check the whole file; nothing is written."""
    table = read_upload(data, filename, READ_COLUMNS, SHEET_TITLE)
    require_keys(table, ["unit", "item"], READ_COLUMNS)
    if not any(key in table.headers for key in VALUE_KEYS):
        raise ImportFailed(
            [
                ImportProblem(
                    1,
                    _(
                        "The file has no column of values: give the answers per option (A, B, "
                        "C, D), a rate (%), points or not applicable (x)."
                    ),
                )
            ]
        )
    targets = ImportTargets(period)
    stored = {
        (result.assessment_id, result.item_id): result
        for result in SurveyResult.objects.filter(assessment__period=period)
    }
    options = [o for o in OPTIONS if o.casefold() in table.headers]
    has_note = "note" in table.headers
    rows, problems, warnings, seen = [], [], [], {}
    for row, values in table:
        try:
            unit_code = checked_cell(values, "unit", row, _(UNIT), problems)
            item_code = checked_cell(values, "item", row, _(ITEM), problems)
            note = checked_cell(values, "note", row, _(NOTE), problems) if has_note else None
            for key in VALUE_KEYS:
                if isinstance(values.get(key), str):
                    checked_cell(values, key, row, _(READ_COLUMNS[key][0]), problems)
        except ParseError:
            continue
        target = targets.row_target(
            row,
            unit_code,
            item_code,
            seen=seen,
            kind_problem=lambda item: (
                ""
                if item.method == ScoringMethod.SURVEY
                else _("“%(item)s” is not a survey item: survey points cannot go there.")
                % {"item": item.code}
            ),
        )
        if isinstance(target, ImportProblem):
            problems.append(target)
            continue
        assessment, item = target
        key = (assessment.pk, item.pk)
        before = len(problems)
        parsed = _values(values, row, item, options, problems)
        if len(problems) > before:
            continue
        old = stored.get(key)
        old_entry = survey_entry(old) if old else None
        line = SurveyRow(
            row=row,
            assessment=assessment,
            item=item,
            status=RowStatus.EMPTY,
            old_given=given_text(old_entry) if old else "",
            old_points=survey_points(item_def(item), old_entry),
            old_not_applicable=bool(old and old.not_applicable),
        )
        if parsed is None:  # nothing given: what is stored stays
            line.given, line.new_points = "", line.old_points
            line.not_applicable = line.old_not_applicable
            rows.append(line)
            continue
        if note is None:
            note = old.note if old else ""
        parsed["note"] = note
        entry = survey_entry(parsed)
        line.values = parsed
        line.given = given_text(entry)
        line.new_points = survey_points(item_def(item), entry)
        line.not_applicable = parsed["not_applicable"]
        if old is None:
            line.status = RowStatus.NEW
        elif all(getattr(old, name) == parsed[name] for name in COMPARED):
            line.status = RowStatus.UNCHANGED
        else:
            line.status = RowStatus.CHANGED
        if parsed["not_applicable"] and not item.not_applicable_allowed:
            warnings.append(
                _("%(unit)s/%(item)s is marked not applicable although its rule does not say so.")
                % {"unit": assessment.unit.code, "item": item.code}
            )
        rows.append(line)
    if not problems and not any(row.status != RowStatus.EMPTY for row in rows):
        problems.append(ImportProblem(None, _("The file gives no survey result to enter.")))
    preview = SurveyPreview(rows=rows, problems=problems, warnings=warnings)
    preview.reopened = len(
        {
            row.assessment.pk
            for row in preview.changes
            if row.assessment.status == AssessmentStatus.PUBLISHED
        }
    )
    return preview


def _values(values: dict, row: int, item: IndexItem, options, problems) -> dict | None:
    """The SurveyResult fields the row gives, or None when it gives nothing; problems are
    appended (and the row's value ignored)."""
    code = item.code
    counts: dict[str, int] = {}
    given: list[Given] = []
    try:
        for option in options:
            number = _number(
                values, option.casefold(), _("Answers %(option)s") % {"option": option}
            )
            if number is None:
                continue
            if number < 0 or number != number.to_integral_value():
                problems.append(
                    ImportProblem(
                        row,
                        _(
                            "%(item)s: answers %(option)s must be a whole number of 0 or more, "
                            "not %(value)s."
                        )
                        % {"item": code, "option": option, "value": format_number(number, None)},
                    )
                )
                continue
            counts[option] = int(number)
        rate = _number(values, "rate", _(RATE))
        points = _number(values, "points", _(POINTS))
        not_applicable = bool(
            parse_yes_no(values.get("not_applicable"), label=_(NOT_APPLICABLE), default=False)
        )
    except ParseError as exc:
        problems.append(ImportProblem(row, f"{code}: {exc}"))
        return None
    if counts:
        given.append(Given.ANSWERS)
    if rate is not None:
        given.append(Given.RATE)
    if points is not None:
        given.append(Given.POINTS)
    if not_applicable:
        given.append(Given.NOT_APPLICABLE)
    if len(given) > 1:
        problems.append(
            ImportProblem(
                row,
                _(
                    "%(item)s: give one of the answers per option, a rate, points or “x” (not "
                    "applicable), not several."
                )
                % {"item": code},
            )
        )
        return None
    if not given:
        return None
    result = {
        "points": None,
        "ratio": None,
        "answer_counts": {},
        "respondents": None,
        "not_applicable": not_applicable,
    }
    if counts:
        weights = item.method_params.get("weights") or DEFAULT_SURVEY_WEIGHTS
        unweighted = [option for option in counts if option not in weights]
        if unweighted:
            problems.append(
                ImportProblem(
                    row,
                    _(
                        "%(item)s: option %(options)s has no weight in the item's rule "
                        "(%(weights)s)."
                    )
                    % {
                        "item": code,
                        "options": ", ".join(unweighted),
                        "weights": ", ".join(sorted(weights)),
                    },
                )
            )
            return None
        answered = {option: n for option, n in counts.items() if n > 0}
        if sum(answered.values()) > MAX_RESPONDENTS:
            problems.append(
                ImportProblem(
                    row,
                    _("%(item)s: the answers add up to more than %(max)s: check the figures.")
                    % {"item": code, "max": format_number(Decimal(MAX_RESPONDENTS), None)},
                )
            )
            return None
        if not answered:
            problems.append(
                ImportProblem(
                    row,
                    _("%(item)s: the answers add up to 0. Give the answers, or leave them empty.")
                    % {"item": code},
                )
            )
            return None
        result["answer_counts"], result["respondents"] = answered, sum(answered.values())
    elif rate is not None:
        if not Decimal(0) <= rate <= HUNDRED:
            problems.append(
                ImportProblem(
                    row,
                    _("%(item)s: a rate of %(rate)s%% is outside 0 to 100%%.")
                    % {"item": code, "rate": format_number(rate, None)},
                )
            )
            return None
        if rate != rate.quantize(POINTS_PLACES):
            problems.append(
                ImportProblem(row, _("%(item)s: use at most 4 decimal places.") % {"item": code})
            )
            return None
        result["ratio"] = rate
    elif points is not None:
        if points < 0:
            problems.append(
                ImportProblem(row, _("%(item)s: points cannot be negative.") % {"item": code})
            )
            return None
        if points > item.max_points:
            problems.append(
                ImportProblem(
                    row,
                    _("%(item)s: %(points)s points exceed the maximum of %(max)s points.")
                    % {
                        "item": code,
                        "points": format_number(points, None),
                        "max": format_number(item.max_points, None),
                    },
                )
            )
            return None
        if points != points.quantize(POINTS_PLACES):
            problems.append(
                ImportProblem(row, _("%(item)s: use at most 4 decimal places.") % {"item": code})
            )
            return None
        result["points"] = points
    return result


def given_text(entry: SurveyEntry | None) -> str:
    """What a survey result holds, in words: "A 40, B 12", "tỷ lệ 85,5%", "30 điểm"."""
    if entry is None:
        return ""
    if entry.not_applicable:
        return _("not applicable")
    counts = {o: int(n) for o, n in (entry.answer_counts or {}).items() if int(n) > 0}
    if counts:
        answers = ", ".join(f"{option} {n}" for option, n in sorted(counts.items()))
        return _("answers %(answers)s") % {"answers": answers}
    if entry.ratio is not None:
        return _("rate %(rate)s%%") % {"rate": format_number(entry.ratio, None)}
    if entry.points is not None:
        return _("%(points)s points") % {"points": format_number(entry.points, None)}
    return ""


# ---------------------------------------------------------------- writing


def survey_import(
    *,
    period: AssessmentPeriod,
    data: bytes,
    filename: str,
    by=None,
    previewed_reopened: int | None = None,
) -> SurveyImportSummary:
    """Check the whole file again and write every changed row, all or none. With
    `previewed_reopened` (the preview's count), published assessments the preview did not
    show going back are refused."""
    with transaction.atomic():
        preview = survey_preview(period=period, data=data, filename=filename)
        if preview.problems:
            raise ImportFailed(preview.problems)
        reopening_seen_check(preview.reopened, previewed_reopened)
        changes = preview.changes

        def apply(result, line):
            for name, value in line.values.items():
                setattr(result, name, value)

        created, updated = rows_upsert(
            SurveyResult,
            changes,
            FIELDS,
            apply,
            by=by,
            reason=_("Imported from %(file)s") % {"file": filename},
        )
        appraised = published_assessments_reopen(
            {line.assessment.pk: line.assessment for line in changes}.values(),
            filename=filename,
        )
    outside = sorted(
        {
            f"{line.assessment.unit.code}/{line.item.code}"
            for line in changes
            if line.not_applicable and not line.item.not_applicable_allowed
        }
    )
    return SurveyImportSummary(
        rows=len(preview.rows),
        created=created,
        updated=updated,
        unchanged=len(preview.rows) - len(changes),
        appraised=appraised,
        not_applicable_outside_rule=outside,
        changes=changes,
        warnings=preview.warnings,
    )


# ---------------------------------------------------------------- the template


TEMPLATE_COLUMNS = (
    UNIT,
    UNIT_NAME,
    ITEM,
    ITEM_NAME,
    MAXIMUM,
    *OPTIONS,
    RATE,
    POINTS,
    NOT_APPLICABLE,
    NOTE,
    POINTS_NOW,
)


def survey_template(*, period: AssessmentPeriod) -> bytes:
    """One row per taking-part unit × survey item of the period, with what is stored now."""
    assessments = list(
        Assessment.objects.taking_part()
        .filter(period=period)
        .select_related("unit")
        .order_by("unit__code")
    )
    items: dict[int, list[IndexItem]] = {}
    for item in IndexItem.objects.filter(
        index_set_id__in={a.index_set_id for a in assessments},
        method=ScoringMethod.SURVEY,
        level__in=SCORED_LEVELS,
    ).order_by("position"):
        items.setdefault(item.index_set_id, []).append(item)
    stored = {
        (result.assessment_id, result.item_id): result
        for result in SurveyResult.objects.filter(assessment__period=period)
    }
    rows = []
    for assessment in assessments:
        for item in items.get(assessment.index_set_id, []):
            result = stored.get((assessment.pk, item.pk))
            entry = survey_entry(result) if result else None
            counts = {o: int(n) for o, n in (entry.answer_counts or {}).items()} if entry else {}
            counts = {o: n for o, n in counts.items() if n > 0}
            decides = _deciding(entry, counts)
            rows.append(
                [
                    assessment.unit.code,
                    assessment.unit.name,
                    item.code,
                    item.name,
                    item.max_points,
                    *(counts.get(o) if decides == Given.ANSWERS else None for o in OPTIONS),
                    entry.ratio if decides == Given.RATE else None,
                    entry.points if decides == Given.POINTS else None,
                    "x" if decides == Given.NOT_APPLICABLE else "",
                    result.note if result else "",
                    survey_points(item_def(item), entry),
                ]
            )
    number = "0.####"
    first_option = TEMPLATE_COLUMNS.index("A")
    formats = {4: number, len(TEMPLATE_COLUMNS) - 1: number}
    formats.update({first_option + i: "0" for i in range(len(OPTIONS))})
    formats.update({TEMPLATE_COLUMNS.index(RATE): number, TEMPLATE_COLUMNS.index(POINTS): number})
    guide = [
        [_(UNIT), _("The unit's code, as in the portal (do not change).")],
        [_(ITEM), _("The survey item's code (do not change).")],
        [
            "A, B, C, D, E",
            _(
                "The number of answers per option; the points are the maximum × the weighted "
                "average of the answers, with the weights of the item's rule."
            ),
        ],
        [_(RATE), _("Or the rate (satisfaction, weighted average) in %, from 0 to 100.")],
        [_(POINTS), _("Or the points, from 0 to the maximum.")],
        [_(NOT_APPLICABLE), _("Or “x”: the item does not apply to the unit.")],
        [_(NOTE), _("A note, kept with the result.")],
        [
            _(POINTS_NOW),
            _("The points stored now; not read. A row left empty changes nothing."),
        ],
    ]
    return xlsx_bytes(
        [
            SheetSpec(_(SHEET_TITLE), [_(c) for c in TEMPLATE_COLUMNS], rows, formats),
            SheetSpec(_(GUIDE_TITLE), [_("Column"), _("Meaning")], guide),
        ]
    )


def _deciding(entry: SurveyEntry | None, counts: dict) -> Given | None:
    """Which stored value decides the points, as survey_points reads them."""
    if entry is None:
        return None
    if entry.not_applicable:
        return Given.NOT_APPLICABLE
    if counts:
        return Given.ANSWERS
    if entry.ratio is not None:
        return Given.RATE
    if entry.points is not None:
        return Given.POINTS
    return None
