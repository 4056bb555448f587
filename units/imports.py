"""Importing units and ranking groups from a file: every row or none, problems numbered as
Excel shows the rows. The resources (units.resources) read the columns; units.services owns
the resolvers they use and the run over the file."""

from .resources import RankingGroupResource, UnitResource
from .services import ImportSummary, import_with_resource


def units_import(*, data: bytes, filename: str, organiser_code: str | None = None) -> ImportSummary:
    """Create or update units from a file (columns code, name, kind, parent, group; optional
    organiser, active, valid_from_year, valid_to_year)."""
    resource = UnitResource(default_organiser_code=organiser_code)
    summary = import_with_resource(
        resource, data=data, filename=filename, required_columns=["code", "name", "kind"]
    )
    summary.new_kinds, summary.new_groups = resource.new_kinds, resource.new_groups
    return summary


def ranking_groups_import(*, data: bytes, filename: str) -> ImportSummary:
    """Create or update ranking groups (columns code, name; optional organiser, kind, position)."""
    return import_with_resource(
        RankingGroupResource(), data=data, filename=filename, required_columns=["code", "name"]
    )
