"""Importing units and ranking groups from a file: every row or none, problems numbered as
Excel shows the rows. The resources (units.resources) read the columns; units.services owns
the resolvers they use and the run over the file."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .import_jobs import ImportOutcome, import_kind_register
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


def units_import_message(summary: ImportSummary) -> str:
    message = _("%(created)s units created, %(updated)s updated.") % {
        "created": summary.created,
        "updated": summary.updated,
    }
    if summary.new_kinds:
        message += " " + _("New unit kinds: %(kinds)s.") % {"kinds": ", ".join(summary.new_kinds)}
    if summary.new_groups:
        message += " " + _("New ranking groups: %(groups)s.") % {
            "groups": ", ".join(summary.new_groups)
        }
    return message


def ranking_groups_import_message(summary: ImportSummary) -> str:
    return _("%(created)s ranking groups created, %(updated)s updated.") % {
        "created": summary.created,
        "updated": summary.updated,
    }


# ---------------------------------------------------------------- as background jobs

UNITS_IMPORT = "units"
RANKING_GROUPS_IMPORT = "ranking_groups"


def _run_units_job(job, data: bytes) -> ImportOutcome:
    summary = units_import(
        data=data, filename=job.filename, organiser_code=job.params.get("organiser_code")
    )
    return ImportOutcome(
        summary=units_import_message(summary),
        nothing_changes=not (
            summary.created or summary.updated or summary.new_kinds or summary.new_groups
        ),
    )


def _run_ranking_groups_job(job, data: bytes) -> ImportOutcome:
    summary = ranking_groups_import(data=data, filename=job.filename)
    return ImportOutcome(
        summary=ranking_groups_import_message(summary),
        nothing_changes=not (summary.created or summary.updated),
    )


import_kind_register(
    UNITS_IMPORT, run=_run_units_job, done_url=lambda job: reverse("admin:units_unit_changelist")
)
import_kind_register(
    RANKING_GROUPS_IMPORT,
    run=_run_ranking_groups_job,
    done_url=lambda job: reverse("admin:units_rankinggroup_changelist"),
)
