"""What the official documents kept with a publication print, beyond the internal reports: the
public figures of each item, read through reports.published (the one
answer to what is public), and the documents' file names."""

from dataclasses import dataclass

from scoring.models import Publication
from scoring.selectors.results import UnitRow

from .published import PublicItem, public_items


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


def published_file_name(stem: str, publication: Publication, extension: str) -> str:
    """ "bao-cao-xep-hang-2025-v1.pdf": the year and the version in every name, so that the
    files of two versions never pass for one another."""
    return f"{stem}-{publication.period.year}-v{publication.version}.{extension}"
