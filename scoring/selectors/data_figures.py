"""The figures of a unit's data-fed items as its screens show them, read-only: the figure, the
day it describes and the points the item's rule gives it ("Số liệu từ Cổng Dịch vụ công quốc
gia: 87,5 (ngày 30/11/2026) → 1,75 điểm"), or that none has been uploaded yet. The self-assessment
form, its workbook and the council's review page all read them here."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from parindex.dates import date_text
from scoring.display import format_number
from scoring.engine.policy import figure_points, item_def
from scoring.models import Assessment, DataFigure, IndexItem


@dataclass(frozen=True)
class FedFigure:
    item: IndexItem
    figure: Decimal | None = None  # None: nothing uploaded for this unit yet
    as_of: date | None = None
    points: Decimal | None = None

    @property
    def source(self) -> str:
        return self.item.data_source

    @property
    def text(self) -> str:
        if self.figure is None:
            return _("No figure yet")
        if self.points is None:  # a figure its rule cannot score (refused at upload)
            return _("Figures from %(source)s: %(figure)s (as of %(date)s)") % {
                "source": self.source,
                "figure": format_number(self.figure, None),
                "date": date_text(self.as_of),
            }
        return _("Figures from %(source)s: %(figure)s (as of %(date)s) → %(points)s points") % {
            "source": self.source,
            "figure": format_number(self.figure, None),
            "date": date_text(self.as_of),
            "points": format_number(self.points, None),
        }


def fed_figures(assessment: Assessment, items: list[IndexItem]) -> dict[int, FedFigure]:
    """The figure of each data-fed item among `items` for this unit, by item id (one query,
    none when the set has no data-fed item)."""
    fed = {item.pk: item for item in items if item.is_scored and item.is_data_fed}
    if not fed:
        return {}
    figures = {
        figure.item_id: figure
        for figure in DataFigure.objects.filter(
            assessment=assessment, item_id__in=fed
        ).select_related("data_set")
    }
    shown = {}
    for item_id, item in fed.items():
        figure = figures.get(item_id)
        if figure is None:
            shown[item_id] = FedFigure(item=item)
            continue
        shown[item_id] = FedFigure(
            item=item,
            figure=figure.figure,
            as_of=figure.data_set.as_of,
            points=figure_points(item_def(item), figure.figure),
        )
    return shown
