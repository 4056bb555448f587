"""Importing an index set from a workbook or CSV — all or nothing.

Two layouts are read:
- the portal's own, a `criteria` sheet with `code, name, max_points, method, rule,
  evidence_required, survey` (optional `guidance` and `data_source`: the system a data-fed item's
  figure comes from), one row per area, criterion, sub-criterion
  and bonus/penalty line, the level given by the code ("2", "2.1", "2.1.3"); and an optional
  `bands` sheet with `label, min_percent`;
- the domain sample's, one row per sub-criterion carrying its area and criterion
  (`area_code, area_name, criterion_code, criterion_name, subcriterion_code, subcriterion_name,
  max_points, scoring_rule`, optional `data_source`), plus one row per area holding the area's
  maximum.

Rows are read into ItemSpecs, every problem is collected with its row number, and only a file
without any problem touches the database.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parindex.parsing import ParseError, parse_decimal, parse_yes_no
from parindex.tabular import (
    ImportFailed,
    ImportProblem,
    Table,
    cell_text,
    read_table,
    require_columns,
)
from scoring.display import format_number
from scoring.models import (
    AssessmentPeriod,
    AuditAction,
    Band,
    IndexItem,
    IndexSet,
    ItemLevel,
    ScoringMethod,
)
from units.models import UnitKind

from . import audit
from .index_sets import (
    index_set_current,
    index_set_draft_pending_reason,
    index_set_finish_version,
    index_set_in_use,
    index_set_in_use_message,
    index_set_next_version,
    index_set_start_version,
    period_sets_frozen_reason,
)
from .index_tree import ItemSpec, check_tree

CRITERIA_COLUMNS = ["code", "name", "max_points", "method", "rule", "evidence_required", "survey"]
SAMPLE_COLUMNS = [
    "area_code",
    "area_name",
    "criterion_code",
    "criterion_name",
    "subcriterion_code",
    "subcriterion_name",
    "max_points",
    "scoring_rule",
]
BAND_COLUMNS = ["label", "min_percent"]
TREE_LEVELS = {1: ItemLevel.AREA, 2: ItemLevel.CRITERION, 3: ItemLevel.SUB_CRITERION}
ADJUSTMENT_METHODS = {
    "bonus": ItemLevel.BONUS,
    "thưởng": ItemLevel.BONUS,
    "điểm thưởng": ItemLevel.BONUS,
    "penalty": ItemLevel.PENALTY,
    "trừ": ItemLevel.PENALTY,
    "điểm trừ": ItemLevel.PENALTY,
}
METHOD_ALIASES = {method.value: method.value for method in ScoringMethod} | {
    "mức": ScoringMethod.LEVELS,
    "có/không": ScoringMethod.YES_NO,
    "tỷ lệ": ScoringMethod.RATIO_BANDS,
    "tỷ lệ thuận": ScoringMethod.PROPORTIONAL,
    "điều tra": ScoringMethod.SURVEY,
    "khảo sát": ScoringMethod.SURVEY,
    "nhập điểm": ScoringMethod.MANUAL,
    "mỗi trường hợp": ScoringMethod.PER_CASE,
    "theo số trường hợp": ScoringMethod.PER_CASE,
}


@dataclass
class BandSpec:
    row: int
    label: str
    min_percent: Decimal


@dataclass
class ParsedIndexSet:
    items: list[ItemSpec]
    bands: list[BandSpec]


# ---------------------------------------------------------------- reading


def parse_index_set_file(data: bytes, filename: str) -> ParsedIndexSet:
    """Read and check a whole file; raise ImportFailed listing every problem."""
    if b"\x00" in data and filename.casefold().endswith(".csv"):
        # A NUL is never text an officer typed, and PostgreSQL cannot store it.
        raise ImportFailed(
            [ImportProblem(None, _("The CSV file contains NUL characters: it is not a text file."))]
        )
    small = settings.PARINDEX_IMPORT_SMALL_MAX_ROWS
    criteria = read_table(data, filename, sheet="criteria", max_rows=small)
    bands_table = read_table(data, filename, sheet="bands", required=False, max_rows=small)
    problems: list[ImportProblem] = []
    if "subcriterion_code" in criteria.headers:
        require_columns(criteria, SAMPLE_COLUMNS)
        items = _items_from_sample_layout(criteria, problems)
    else:
        require_columns(criteria, CRITERIA_COLUMNS)
        items = _items_from_criteria_layout(criteria, problems)
    check_tree(items, problems)
    bands = _bands(bands_table, problems) if bands_table is not None else []
    if problems:
        raise ImportFailed(problems)
    return ParsedIndexSet(items=items, bands=bands)


def _decimal(value, column, row, problems) -> Decimal | None:
    try:
        number = parse_decimal(value, label=column)
    except ParseError as exc:
        problems.append(ImportProblem(row, str(exc)))
        return None
    if number is not None and number < 0:
        problems.append(
            ImportProblem(row, _("%(column)s cannot be negative.") % {"column": column})
        )
        return None
    return number


def _bool(value, column, row, problems, default=None):
    try:
        return parse_yes_no(value, label=column, default=default)
    except ParseError as exc:
        problems.append(ImportProblem(row, str(exc)))
        return default


def _items_from_criteria_layout(table: Table, problems) -> list[ItemSpec]:
    items = []
    for row, values in table:
        code = cell_text(values.get("code"))
        name = cell_text(values.get("name"))
        method_text = cell_text(values.get("method")).casefold()
        if not code:
            problems.append(ImportProblem(row, _("The code is empty.")))
            continue
        if not name:
            problems.append(ImportProblem(row, _("Item “%(code)s” has no name.") % {"code": code}))
        if method_text in ADJUSTMENT_METHODS:
            level, method = ADJUSTMENT_METHODS[method_text], None
        else:
            depth = len(code.split("."))
            level = TREE_LEVELS.get(depth)
            if level is None:
                problems.append(
                    ImportProblem(
                        row,
                        _(
                            "Code “%(code)s” has too many levels: use "
                            "area.criterion.sub-criterion, e.g. 2.1.3."
                        )
                        % {"code": code},
                    )
                )
                continue
            method = None
            if method_text:
                method = METHOD_ALIASES.get(method_text)
                if method is None:
                    problems.append(
                        ImportProblem(
                            row,
                            _("Unknown scoring method “%(method)s”; use one of: %(choices)s.")
                            % {
                                "method": values.get("method"),
                                "choices": ", ".join(m.value for m in ScoringMethod),
                            },
                        )
                    )
        survey = _bool(values.get("survey"), "survey", row, problems, default=False)
        if level == ItemLevel.SUB_CRITERION and survey:
            if method not in (None, ScoringMethod.SURVEY):
                problems.append(
                    ImportProblem(
                        row,
                        _(
                            "Item “%(code)s” is marked as a survey item but its method is "
                            "“%(method)s”."
                        )
                        % {"code": code, "method": method},
                    )
                )
            method = ScoringMethod.SURVEY
        max_points = _decimal(values.get("max_points"), "max_points", row, problems)
        # A row without points is kept so that duplicates and parents are still checked.
        if (
            max_points is None
            and level not in (ItemLevel.AREA, ItemLevel.CRITERION)
            and cell_text(values.get("max_points")) == ""
        ):
            problems.append(
                ImportProblem(row, _("Item “%(code)s” has no max_points.") % {"code": code})
            )
        items.append(
            ItemSpec(
                row=row,
                code=code,
                name=name,
                level=level,
                max_points=max_points,
                method=method,
                rule=cell_text(values.get("rule")),
                guidance=cell_text(values.get("guidance")),
                evidence_required=_bool(
                    values.get("evidence_required"), "evidence_required", row, problems
                ),
                survey=bool(survey),
                data_source=cell_text(values.get("data_source")),
                parent_code=code.rsplit(".", 1)[0]
                if level in (ItemLevel.CRITERION, ItemLevel.SUB_CRITERION)
                else None,
            )
        )
    return items


def _items_from_sample_layout(table: Table, problems) -> list[ItemSpec]:
    items: list[ItemSpec] = []
    criteria: dict[str, ItemSpec] = {}
    for row, values in table:
        area_code = cell_text(values.get("area_code"))
        criterion_code = cell_text(values.get("criterion_code"))
        sub_code = cell_text(values.get("subcriterion_code"))
        max_points = _decimal(values.get("max_points"), "max_points", row, problems)
        if not area_code:
            problems.append(ImportProblem(row, _("The area code is empty.")))
            continue
        rule = cell_text(values.get("scoring_rule"))
        if not criterion_code and not sub_code:
            items.append(
                ItemSpec(
                    row=row,
                    code=area_code,
                    name=cell_text(values.get("area_name")),
                    level=ItemLevel.AREA,
                    max_points=max_points,
                    guidance=rule,
                )
            )
            continue
        if criterion_code in criteria and criteria[criterion_code].parent_code != area_code:
            problems.append(
                ImportProblem(
                    row,
                    _("Criterion “%(code)s” is listed under area “%(area)s” and under “%(other)s”.")
                    % {
                        "code": criterion_code,
                        "area": criteria[criterion_code].parent_code,
                        "other": area_code,
                    },
                )
            )
            continue
        if criterion_code and criterion_code not in criteria:
            criterion = ItemSpec(
                row=row,
                code=criterion_code,
                name=cell_text(values.get("criterion_name")),
                level=ItemLevel.CRITERION,
                max_points=None,
                parent_code=area_code,
            )
            criteria[criterion_code] = criterion
            items.append(criterion)
        if not sub_code:
            if criterion_code and max_points is not None:
                criteria[criterion_code].max_points = max_points
            continue
        name = cell_text(values.get("subcriterion_name"))
        if not name:
            problems.append(
                ImportProblem(row, _("Item “%(code)s” has no name.") % {"code": sub_code})
            )
        if max_points is None and cell_text(values.get("max_points")) == "":
            problems.append(
                ImportProblem(row, _("Item “%(code)s” has no max_points.") % {"code": sub_code})
            )
        items.append(
            ItemSpec(
                row=row,
                code=sub_code,
                name=name,
                level=ItemLevel.SUB_CRITERION,
                max_points=max_points,
                rule=rule,
                data_source=cell_text(values.get("data_source")),
                parent_code=criterion_code or None,
            )
        )
    return items


def _bands(table: Table, problems) -> list[BandSpec]:
    require_columns(table, BAND_COLUMNS)
    bands, labels, minima = [], {}, {}
    for row, values in table:
        label = cell_text(values.get("label"))
        if not label:
            problems.append(ImportProblem(row, _("Band label is empty (sheet “bands”).")))
            continue
        minimum = _decimal(values.get("min_percent"), "min_percent", row, problems)
        if minimum is None:
            if cell_text(values.get("min_percent")) == "":
                problems.append(
                    ImportProblem(row, _("Band “%(label)s” has no min_percent.") % {"label": label})
                )
            continue
        try:  # the model's own limits: 0–100, two decimals, label length
            Band._meta.get_field("min_percent").run_validators(minimum)
            Band._meta.get_field("label").run_validators(label)
        except ValidationError as exc:
            problems.append(
                ImportProblem(
                    row,
                    _("Band “%(label)s”: %(error)s")
                    % {"label": label[:100], "error": " ".join(exc.messages)},
                )
            )
            continue
        if label in labels:
            problems.append(
                ImportProblem(
                    row,
                    _("Band “%(label)s” is already on row %(first)s.")
                    % {"label": label, "first": labels[label]},
                )
            )
            continue
        if minimum in minima:
            problems.append(
                ImportProblem(
                    row, _("Two bands start at %(min)s%%.") % {"min": format_number(minimum, None)}
                )
            )
            continue
        labels[label], minima[minimum] = row, row
        bands.append(BandSpec(row=row, label=label, min_percent=minimum))
    return bands


# ---------------------------------------------------------------- the dry run


@dataclass
class IndexSetPreview:
    """What importing a file would do, without doing it: the command's --dry-run prints it and
    the set-up page shows it before the officer confirms. `lines` is the one wording."""

    filename: str
    parsed: ParsedIndexSet
    version: int
    becomes_draft: bool
    replaces: IndexSet | None
    lines: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[str, str, str, Decimal | None, str]]:
        """(code, name, level, maximum, method) in tree order, as people read them."""
        rows = []
        for spec in _tree_order(self.parsed.items):
            method = spec.parsed.method if spec.parsed else spec.method
            rows.append(
                (
                    spec.code,
                    spec.name,
                    str(ItemLevel(spec.level).label),
                    spec.max_points,
                    str(ScoringMethod(method).label) if method else "",
                )
            )
        return rows


def index_set_preview(
    *,
    period: AssessmentPeriod,
    unit_kind: UnitKind,
    data: bytes,
    filename: str,
    draft_when_in_use: bool = False,
) -> IndexSetPreview:
    """Read and check the file and say what its import would create; raise ImportFailed with
    every problem, as the import would. Changes nothing."""
    frozen = period_sets_frozen_reason(period) if draft_when_in_use else None
    if frozen:  # the browser's upload; the command still loads a past year's sets
        raise ImportFailed([ImportProblem(None, frozen)])
    parsed = parse_index_set_file(data, filename)
    current = index_set_current(period=period, unit_kind=unit_kind)
    in_use = current is not None and index_set_in_use(current)
    if in_use and not draft_when_in_use:
        raise ImportFailed([ImportProblem(None, index_set_in_use_message(period, unit_kind))])
    pending = index_set_draft_pending_reason(period=period, unit_kind=unit_kind) if in_use else None
    if pending:
        raise ImportFailed([ImportProblem(None, pending)])
    version = index_set_next_version(period=period, unit_kind=unit_kind)
    counts = {level: 0 for level in ItemLevel}
    for spec in parsed.items:
        counts[spec.level] += 1
    total = sum(
        (spec.max_points or Decimal(0) for spec in parsed.items if spec.level == ItemLevel.AREA),
        Decimal(0),
    )
    lines = [
        _(
            "%(file)s: %(areas)s areas, %(criteria)s criteria, %(subs)s sub-criteria, "
            "%(lines)s bonus or penalty lines, %(bands)s bands; %(total)s points in the tree."
        )
        % {
            "file": filename,
            "areas": counts[ItemLevel.AREA],
            "criteria": counts[ItemLevel.CRITERION],
            "subs": counts[ItemLevel.SUB_CRITERION],
            "lines": counts[ItemLevel.BONUS] + counts[ItemLevel.PENALTY],
            "bands": len(parsed.bands),
            "total": format_number(total),
        }
    ]
    context = {"version": version, "kind": unit_kind, "year": period.year}
    if in_use:
        lines.append(
            _(
                "Units already work with version %(old)s: the file becomes draft version "
                "%(version)s. Compare it and apply it on the replacement page; units keep the "
                "current version until then."
            )
            % {**context, "old": current.version}
        )
    elif current is not None:
        lines.append(
            _(
                "The file becomes version %(version)s, the current index set for %(kind)s in "
                "%(year)s, replacing version %(old)s, which no unit has scored yet."
            )
            % {**context, "old": current.version}
        )
    else:
        lines.append(
            _(
                "The file becomes version %(version)s, the current index set for %(kind)s in "
                "%(year)s."
            )
            % context
        )
    return IndexSetPreview(
        filename=filename,
        parsed=parsed,
        version=version,
        becomes_draft=in_use,
        replaces=current,
        lines=lines,
    )


# ---------------------------------------------------------------- writing


def index_set_import(
    *,
    period: AssessmentPeriod,
    unit_kind: UnitKind,
    data: bytes,
    filename: str,
    by=None,
    name: str = "",
    bands: list[tuple[str, Decimal]] | None = None,
    draft_when_in_use: bool = False,
    decision_number: str = "",
    decision_date: date | None = None,
    decision_issuer: str = "",
) -> IndexSet:
    """Create the period's index set for `unit_kind` from a file, as a new current version.

    `bands` (label, min %) is used when the file has no `bands` sheet (a CSV has only one).
    With `draft_when_in_use`, a current set that units already work with stays current and the
    file becomes a draft version, applied later by scoring.services.index_set_replace.
    """
    frozen = period_sets_frozen_reason(period) if draft_when_in_use else None
    if frozen:
        raise ImportFailed([ImportProblem(None, frozen)])
    parsed = parse_index_set_file(data, filename)
    band_specs = parsed.bands or [BandSpec(0, label, Decimal(m)) for label, m in (bands or [])]
    decision = {
        "decision_number": decision_number,
        "decision_date": decision_date,
        "decision_issuer": decision_issuer,
    }
    with transaction.atomic():
        current = (
            IndexSet.objects.select_for_update()
            .filter(period=period, unit_kind=unit_kind, is_current=True)
            .first()
        )
        # The file has no place for the caps and the points step: a new version keeps the
        # current one's until the officer edits them on the set's header page; a first version
        # takes the model's defaults.
        settings_kept = (
            {
                "bonus_cap": current.bonus_cap,
                "penalty_cap": current.penalty_cap,
                "points_step": current.points_step,
            }
            if current is not None
            else {}
        )
        if draft_when_in_use and current is not None and index_set_in_use(current):
            return _import_draft(
                period,
                unit_kind,
                parsed,
                band_specs,
                filename,
                name,
                by,
                {**decision, **settings_kept},
            )
        try:
            version, retired = index_set_start_version(period=period, unit_kind=unit_kind)
        except ValidationError as exc:
            raise ImportFailed([ImportProblem(None, message) for message in exc.messages]) from exc
        index_set = IndexSet.objects.create(
            period=period,
            unit_kind=unit_kind,
            version=version,
            source=filename[:255],
            name=name,  # empty: shown as "Index set for <kind> — <year>"
            **decision,
            **settings_kept,
        )
        _create_items(index_set, parsed.items)
        Band.objects.bulk_create(
            Band(index_set=index_set, label=b.label, min_percent=b.min_percent) for b in band_specs
        )
        index_set_finish_version(
            new=index_set,
            retired=retired,
            by=by,
            action=AuditAction.IMPORT_INDEX_SET,
            reason=_("Imported from %(file)s") % {"file": filename},
        )
    return index_set


def _import_draft(period, unit_kind, parsed, band_specs, filename, name, by, header) -> IndexSet:
    pending = index_set_draft_pending_reason(period=period, unit_kind=unit_kind)
    if pending:
        raise ImportFailed([ImportProblem(None, pending)])
    draft = IndexSet.objects.create(
        period=period,
        unit_kind=unit_kind,
        version=index_set_next_version(period=period, unit_kind=unit_kind),
        is_current=False,
        is_draft=True,
        source=filename[:255],
        name=name,
        **header,
    )
    _create_items(draft, parsed.items)
    Band.objects.bulk_create(
        Band(index_set=draft, label=b.label, min_percent=b.min_percent) for b in band_specs
    )
    audit.record(
        audit.index_set_drafted(
            actor=by,
            index_set=draft,
            source_id=None,
            reason=_("Imported from %(file)s") % {"file": filename},
        )
    )
    return draft


def _create_items(index_set: IndexSet, specs: list[ItemSpec]) -> None:
    created: dict[str, IndexItem] = {}
    # Parents before children, in file order within a level, positions following the file.
    order = {
        ItemLevel.AREA: 0,
        ItemLevel.CRITERION: 1,
        ItemLevel.SUB_CRITERION: 2,
        ItemLevel.BONUS: 0,
        ItemLevel.PENALTY: 0,
    }
    positions = {spec.code: position for position, spec in enumerate(_tree_order(specs), start=1)}
    for level_rank in (0, 1, 2):
        batch = []
        for spec in specs:
            if order[spec.level] != level_rank:
                continue
            parsed = spec.parsed
            is_survey = parsed is not None and parsed.method == ScoringMethod.SURVEY
            evidence = spec.evidence_required
            if evidence is None:
                evidence = (
                    spec.level in (ItemLevel.SUB_CRITERION, ItemLevel.BONUS, ItemLevel.PENALTY)
                    and not is_survey
                )
            batch.append(
                IndexItem(
                    index_set=index_set,
                    parent=created.get(spec.parent_code) if spec.parent_code else None,
                    level=spec.level,
                    code=spec.code,
                    name=spec.name,
                    guidance=spec.guidance,
                    max_points=spec.max_points,
                    method=parsed.method if parsed else ScoringMethod.MANUAL,
                    method_params=parsed.params if parsed else {},
                    rule=spec.rule,
                    evidence_required=evidence,
                    not_applicable_allowed=parsed.not_applicable_allowed if parsed else False,
                    not_applicable_condition=parsed.not_applicable_condition if parsed else "",
                    data_source=spec.data_source,
                    position=positions[spec.code],
                )
            )
        for item in IndexItem.objects.bulk_create(batch):
            created[item.code] = item


def _tree_order(specs: list[ItemSpec]) -> list[ItemSpec]:
    """Areas each followed by their criteria and sub-criteria; bonus and penalty lines last."""
    ordered = []

    def walk(spec):
        ordered.append(spec)
        for child in spec.children:
            walk(child)

    for spec in specs:
        if spec.level == ItemLevel.AREA:
            walk(spec)
    ordered.extend(s for s in specs if s.level in (ItemLevel.BONUS, ItemLevel.PENALTY))
    return ordered
