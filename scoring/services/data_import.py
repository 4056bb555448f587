"""Figures from another system (the share of procedures online, the 766 service index…) for the
data-fed items: one upload is one DataSet — its source and the day the figures describe — and
one figure per unit and item (`unit, [item,] figure`). The same preview as the survey (old →
new figure, old → new points, every problem by row), then all rows or none, audited; a figure
uploaded again moves to the new DataSet. Points come from the item's rule (`figure_points`)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from parindex.parsing import ParseError, parse_decimal
from parindex.tabular import ImportFailed, ImportProblem, SheetSpec, xlsx_bytes
from parindex.text import has_control_character, normalize_text
from scoring.display import code_key, format_number
from scoring.engine.model import PERCENT_METHODS
from scoring.engine.policy import POINTS_PLACES, figure_points, item_def
from scoring.entries import ratio_message
from scoring.models import (
    SCORED_LEVELS,
    Assessment,
    AssessmentPeriod,
    DataFigure,
    DataSet,
    IndexItem,
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
from .survey_import import ITEM, ITEM_NAME, MAXIMUM, UNIT, UNIT_NAME, RowStatus

FIGURE = gettext_noop("Figure")
FIGURE_NOW = gettext_noop("Figure now (not read)")
POINTS_NOW = gettext_noop("Points now (not read)")
RULE = gettext_noop("Scoring rule")
SOURCE = gettext_noop("Data source")
SHEET_TITLE = gettext_noop("Data")
READ_COLUMNS = {"unit": (UNIT,), "item": (ITEM,), "figure": (FIGURE,)}
FIGURE_LIMIT = Decimal("100000000")  # the field holds 8 digits before the decimals
FIELDS = ["figure", "data_set"]


@dataclass
class DataRow:
    row: int
    assessment: Assessment
    item: IndexItem
    status: RowStatus
    figure: Decimal
    old_figure: Decimal | None = None
    old_points: Decimal | None = None
    new_points: Decimal | None = None
    data_set: DataSet | None = None  # set when written


@dataclass
class DataPreview:
    rows: list[DataRow]
    problems: list[ImportProblem]
    reopened: int = 0

    def count(self, status: RowStatus) -> int:
        return sum(row.status == status for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        return {status.value: self.count(status) for status in RowStatus}


def data_fed_items(*, period: AssessmentPeriod) -> list[tuple[str, str, str]]:
    """The data-fed items of the period's current index sets: (code, name, source), one per
    code (units of several kinds may share a code)."""
    items = (
        IndexItem.objects.filter(
            index_set__period=period, index_set__is_current=True, level__in=SCORED_LEVELS
        )
        .exclude(data_source="")
        .order_by("code", "index_set__unit_kind__position")
        .values_list("code", "name", "data_source")
    )
    seen: dict[str, tuple[str, str, str]] = {}
    for code, name, source in items:
        seen.setdefault(code, (code, name, source))
    return sorted(seen.values(), key=lambda item: code_key(item[0]))


def data_preview(
    *, period: AssessmentPeriod, data: bytes, filename: str, item_codes: list[str]
) -> DataPreview:
    """Read and check the whole file; nothing is written. Without an item column every row is
    the one item picked; with one, each row names its item (among those picked, if any)."""
    table = read_upload(data, filename, READ_COLUMNS, SHEET_TITLE)
    require_keys(table, ["unit", "figure"], READ_COLUMNS)
    per_row = "item" in table.headers
    if not per_row and len(item_codes) != 1:
        raise ImportFailed(
            [
                ImportProblem(
                    1,
                    _(
                        "Pick the one item the figures are for, or add a column “%(column)s” "
                        "naming the item on each row."
                    )
                    % {"column": _(ITEM)},
                )
            ]
        )
    targets = ImportTargets(period)
    stored = {
        (figure.assessment_id, figure.item_id): figure
        for figure in DataFigure.objects.filter(assessment__period=period)
    }

    def not_uploadable(item: IndexItem) -> str:
        if item_codes and item.code not in item_codes:
            return _("“%(item)s” is not among the items picked for this upload (%(picked)s).") % {
                "item": item.code,
                "picked": ", ".join(item_codes),
            }
        if not item.is_data_fed:
            return _("“%(item)s” is not scored from data: its figures cannot be uploaded.") % {
                "item": item.code
            }
        return ""

    rows, problems, seen = [], [], {}
    for row, values in table:
        try:
            unit_code = checked_cell(values, "unit", row, _(UNIT), problems)
            item_code = (
                checked_cell(values, "item", row, _(ITEM), problems) if per_row else item_codes[0]
            )
            if isinstance(values.get("figure"), str):
                checked_cell(values, "figure", row, _(FIGURE), problems)
        except ParseError:
            continue
        target = targets.row_target(
            row,
            unit_code,
            item_code,
            seen=seen,
            kind_problem=not_uploadable,
        )
        if isinstance(target, ImportProblem):
            problems.append(target)
            continue
        assessment, item = target
        key = (assessment.pk, item.pk)
        value = values.get("figure")
        try:
            figure = parse_decimal(
                value.strip() if isinstance(value, str) else value, label=_(FIGURE)
            )
        except ParseError as exc:
            problems.append(ImportProblem(row, f"{item.code}: {exc}"))
            continue
        message = _figure_problem(item, figure)
        if message:
            problems.append(ImportProblem(row, f"{item.code}: {message}"))
            continue
        old = stored.get(key)
        definition = item_def(item)
        line = DataRow(
            row=row,
            assessment=assessment,
            item=item,
            status=RowStatus.NEW,
            figure=figure,
            old_figure=old.figure if old else None,
            old_points=figure_points(definition, old.figure) if old else None,
            new_points=figure_points(definition, figure),
        )
        if old is not None:
            line.status = RowStatus.UNCHANGED if old.figure == figure else RowStatus.CHANGED
        rows.append(line)
    if not problems and not rows:
        problems.append(ImportProblem(None, _("The file gives no figure to upload.")))
    preview = DataPreview(rows=rows, problems=problems)
    preview.reopened = len(
        {
            row.assessment.pk
            for row in rows
            if row.status != RowStatus.UNCHANGED
            and row.assessment.status == AssessmentStatus.PUBLISHED
        }
    )
    return preview


def _figure_problem(item: IndexItem, figure: Decimal | None) -> str:
    """Why a figure cannot be stored or scored by the item's rule; empty when it can."""
    if figure is None:
        return _("the figure is empty.")
    if figure < 0:
        return _("a figure cannot be negative.")
    if figure >= FIGURE_LIMIT:
        return _("%(figure)s is too large for a figure.") % {"figure": format_number(figure, None)}
    if figure != figure.quantize(POINTS_PLACES):
        return _("use at most 4 decimal places.")
    message = ratio_message(item, figure)
    if message:
        return message
    if item.method in PERCENT_METHODS and figure > Decimal(1000):
        return _("A ratio of %(ratio)s%% is not plausible; check the figure.") % {
            "ratio": format_number(figure, None)
        }
    return ""


def data_upload_check(*, source: str, as_of: date | None) -> None:
    """The upload's own fields: the source named, the day the figures describe not ahead."""
    errors = {}
    if not normalize_text(source):
        errors["source"] = _("Name the source of the figures.")
    elif has_control_character(source):
        errors["source"] = _("%(label)s contains a character that is not allowed.") % {
            "label": _(SOURCE)
        }
    if as_of is None:
        errors["as_of"] = _("Give the date the figures describe (dd/mm/yyyy).")
    elif as_of > timezone.localdate():
        errors["as_of"] = _("The figures cannot describe a day that has not come yet.")
    if errors:
        raise ValidationError(errors)


def data_import(
    *,
    period: AssessmentPeriod,
    data: bytes,
    filename: str,
    item_codes: list[str],
    source: str,
    as_of: date,
    by=None,
    previewed_reopened: int | None = None,
) -> tuple[DataSet, DataPreview]:
    """Check the file again, create the upload's DataSet and write every figure, all or none.
    An unchanged figure moves to the new DataSet too: the latest upload holds it. With
    `previewed_reopened`, as survey_import."""
    data_upload_check(source=source, as_of=as_of)
    with transaction.atomic():
        preview = data_preview(period=period, data=data, filename=filename, item_codes=item_codes)
        if preview.problems:
            raise ImportFailed(preview.problems)
        reopening_seen_check(preview.reopened, previewed_reopened)
        data_set = DataSet.objects.create(
            period=period,
            source=normalize_text(source),
            as_of=as_of,
            file_name=filename[:255],
            uploaded_by=by,
        )
        for line in preview.rows:
            line.data_set = data_set

        def apply(figure, line):
            figure.figure, figure.data_set = line.figure, line.data_set

        rows_upsert(
            DataFigure,
            preview.rows,
            FIELDS,
            apply,
            by=by,
            reason=_("Uploaded from %(file)s (%(source)s, %(date)s)")
            % {"file": filename, "source": data_set.source, "date": f"{as_of:%d/%m/%Y}"},
        )
        published_assessments_reopen(
            {
                line.assessment.pk: line.assessment
                for line in preview.rows
                if line.status != RowStatus.UNCHANGED
            }.values(),
            filename=filename,
        )
    return data_set, preview


def data_template(*, period: AssessmentPeriod, item_codes: list[str] | None = None) -> bytes:
    """One row per taking-part unit × data-fed item (those picked, or all), with the figure
    stored now and its points."""
    assessments = list(
        Assessment.objects.taking_part()
        .filter(period=period)
        .select_related("unit")
        .order_by("unit__code")
    )
    items: dict[int, list[IndexItem]] = {}
    query = IndexItem.objects.filter(
        index_set_id__in={a.index_set_id for a in assessments}, level__in=SCORED_LEVELS
    ).exclude(data_source="")
    if item_codes:
        query = query.filter(code__in=item_codes)
    for item in query.order_by("position"):
        items.setdefault(item.index_set_id, []).append(item)
    stored = {
        (f.assessment_id, f.item_id): f.figure
        for f in DataFigure.objects.filter(assessment__period=period)
    }
    rows = []
    for assessment in assessments:
        for item in items.get(assessment.index_set_id, []):
            figure = stored.get((assessment.pk, item.pk))
            rows.append(
                [
                    assessment.unit.code,
                    assessment.unit.name,
                    item.code,
                    item.name,
                    item.max_points,
                    item.data_source,
                    item.rule,
                    figure,
                    figure,
                    figure_points(item_def(item), figure),
                ]
            )
    headers = [
        _(UNIT),
        _(UNIT_NAME),
        _(ITEM),
        _(ITEM_NAME),
        _(MAXIMUM),
        _(SOURCE),
        _(RULE),
        _(FIGURE),
        _(FIGURE_NOW),
        _(POINTS_NOW),
    ]
    number = "0.####"
    guide = [
        [_(UNIT), _("The unit's code, as in the portal (do not change).")],
        [_(ITEM), _("The data-fed item's code (do not change).")],
        [
            _(FIGURE),
            _(
                "The figure the other system gives for the unit: a ratio in %, an index in "
                "points, or a count of cases, as the item's rule reads it."
            ),
        ],
        [_(FIGURE_NOW), _("The figure stored now, and its points; not read.")],
    ]
    return xlsx_bytes(
        [
            SheetSpec(_(SHEET_TITLE), headers, rows, {4: number, 7: number, 8: number, 9: number}),
            SheetSpec(_("Guide"), [_("Column"), _("Meaning")], guide),
        ]
    )
