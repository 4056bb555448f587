"""What the official documents kept with a publication print, beyond the internal reports: the
public figures of each item and of the unit's years, read through reports.published (the one
answer to what is public), and the documents' file names."""

from dataclasses import dataclass

from scoring.models import Publication
from scoring.selectors.results import UnitRow

from .published import HistoryPoint, PublicItem, public_items, unit_history


@dataclass(frozen=True)
class PublishedItemLine:
    item: PublicItem  # final points only
    # The council's final word that the item does not apply: it explains the unit's own
    # maximum (no self-assessed claim, no reason).
    not_applicable: bool


def published_items(row: UnitRow) -> list[PublishedItemLine]:
    """The unit's sub-criteria as its published scorecard and workbook print them."""
    final_not_applicable = {
        item.code: item.not_applicable for item in row.result.items if item.level == "sub_criterion"
    }
    return [
        PublishedItemLine(item, final_not_applicable.get(item.code, False))
        for item in public_items(row)
    ]


def published_history(publication: Publication, row: UnitRow) -> list[HistoryPoint]:
    """The unit's earlier published years, by the predecessor rule (a merged commune shows the
    units it replaced), then the year of this publication: this version's own figures, even
    when a later version exists."""
    period = publication.period
    earlier = unit_history(
        row.unit_id, organiser_id=period.organiser_id, up_to_year=period.year - 1
    )
    return [
        *earlier,
        HistoryPoint(
            year=period.year,
            period_id=period.pk,
            version=publication.version,
            group_name=row.group_name,
            rank=row.rank,
            rank_of=row.rank_of,
            index=row.index,
            band=row.result.band,
        ),
    ]


def published_file_name(stem: str, publication: Publication, extension: str) -> str:
    """ "bao-cao-xep-hang-2025-v1.pdf": the year and the version in every name, so that the
    files of two versions never pass for one another."""
    return f"{stem}-{publication.period.year}-v{publication.version}.{extension}"
