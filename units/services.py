"""Writes on units: the default organiser, kinds and groups met in imported files, and running
an import-export resource over a file (units.imports uses it)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parindex.tabular import ROW_COLUMN, ImportFailed, ImportProblem, read_table, require_columns

from .models import Organiser, RankingGroup, UnitKind

DEFAULT_ORGANISER_CODE = "so-noi-vu"


def organiser_default() -> Organiser:
    """The organiser a file without an `organiser` column belongs to: the only one there is, or
    a new provincial Home Affairs department on an empty database."""
    organisers = list(Organiser.objects.all()[:2])
    if len(organisers) == 1:
        return organisers[0]
    if not organisers:
        return Organiser.objects.create(
            code=DEFAULT_ORGANISER_CODE,
            name=_("Department of Home Affairs"),
        )
    raise ValidationError(
        _("There are several organisers: say which one (an “organiser” column or --organiser).")
    )


def organiser_by_code(code: str | None) -> Organiser:
    if not code:
        return organiser_default()
    try:
        return Organiser.objects.get(code__iexact=code.strip())
    except Organiser.DoesNotExist as exc:
        raise ValidationError(_("Unknown organiser “%(code)s”.") % {"code": code}) from exc


def unit_kind_resolve(code: str, *, create: bool = True) -> tuple[UnitKind, bool]:
    """The unit kind with this code or alias (case-insensitive); created when missing so that
    files alone can set up an empty database. Returns (kind, created)."""
    wanted = code.strip().casefold()
    for kind in UnitKind.objects.all():
        if kind.code.casefold() == wanted or wanted in kind.alias_list:
            return kind, False
    if not create:
        raise ValidationError(_("Unknown unit kind “%(code)s”.") % {"code": code})
    kind = UnitKind(code=code.strip(), name=code.strip())
    kind.full_clean()
    kind.save()
    return kind, True


def ranking_group_resolve(
    *, organiser: Organiser, code: str, kind: UnitKind | None = None
) -> tuple[RankingGroup, bool]:
    """The organiser's ranking group with this code, created when missing.
    Returns (group, created)."""
    group = RankingGroup.objects.filter(organiser=organiser, code__iexact=code.strip()).first()
    if group is not None:
        return group, False
    group = RankingGroup(organiser=organiser, code=code.strip(), name=code.strip(), kind=kind)
    group.full_clean()
    group.save()
    return group, True


@dataclass
class ImportSummary:
    created: int
    updated: int
    new_kinds: list[str] = field(default_factory=list)
    new_groups: list[str] = field(default_factory=list)


def import_with_resource(
    resource, *, data: bytes, filename: str, required_columns: list[str]
) -> ImportSummary:
    """Run a django-import-export resource over a file in one transaction: every row or none,
    problems numbered as Excel shows the rows."""
    table = read_table(data, filename, max_rows=settings.PARINDEX_IMPORT_UNITS_MAX_ROWS)
    require_columns(table, required_columns)
    dataset = table.to_dataset()
    result = resource.import_data(
        dataset,
        dry_run=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    problems = import_result_problems(result, dataset)
    if problems:
        raise ImportFailed(problems)
    return ImportSummary(
        created=result.totals.get("new", 0), updated=result.totals.get("update", 0)
    )


def import_result_problems(result, dataset) -> list[ImportProblem]:
    """django-import-export's errors as row problems numbered the way Excel shows the rows."""
    row_column = dataset.headers.index(ROW_COLUMN) if ROW_COLUMN in dataset.headers else None

    def excel_row(number: int) -> int:
        return dataset[number - 1][row_column] if row_column is not None else number + 1

    problems = [ImportProblem(None, str(error.error)) for error in result.base_errors]
    for number, errors in result.row_errors():
        problems.extend(ImportProblem(excel_row(number), str(error.error)) for error in errors)
    for invalid in result.invalid_rows:
        for field_name, messages in invalid.error_dict.items():
            for message in messages:
                label = "" if field_name == "__all__" else f"{field_name}: "
                problems.append(ImportProblem(excel_row(invalid.number), f"{label}{message}"))
    return problems
