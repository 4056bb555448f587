"""An index set as a workbook in the layout the import reads: `criteria` and `bands` sheets."""

from django.utils.text import slugify
from django.utils.translation import gettext as _

from parindex.tabular import SheetSpec, csv_bytes, xlsx_bytes
from reports.selectors import ReportError
from scoring.models import IndexSet
from scoring.resources import BandResource, IndexItemResource

POINTS_FORMAT = "0.00"


def index_set_sheets(index_set: IndexSet) -> list[SheetSpec]:
    items = IndexItemResource().export(queryset=index_set.items.order_by("position"))
    bands = BandResource().export(queryset=index_set.bands.all())
    return [
        SheetSpec(
            "criteria",
            list(items.headers),
            [list(row) for row in items],
            number_formats={items.headers.index("max_points"): POINTS_FORMAT},
        ),
        SheetSpec(
            "bands",
            list(bands.headers),
            [list(row) for row in bands],
            number_formats={bands.headers.index("min_percent"): POINTS_FORMAT},
        ),
    ]


def index_set_file(index_set: IndexSet, suffix: str = ".xlsx") -> tuple[str, bytes]:
    """(file name, content). CSV holds the criteria only: a CSV file has one sheet."""
    kind, year = slugify(index_set.unit_kind.code), index_set.period.year
    stem = f"bo-chi-so-{kind}-{year}-v{index_set.version}"
    sheets = index_set_sheets(index_set)
    if suffix == ".csv":
        return f"{stem}.csv", csv_bytes(sheets[0].rows, sheets[0].headers)
    return f"{stem}.xlsx", xlsx_bytes(sheets)


def render_index_set_workbook(report, progress) -> tuple[str, bytes]:
    index_set = (
        IndexSet.objects.select_related("period", "unit_kind")
        .filter(pk=report.params.get("index_set_id"))
        .first()
    )
    if index_set is None:
        raise ReportError(_("The index set of this report no longer exists."))
    progress(10)
    return index_set_file(index_set)
