"""Home Affairs' sheet of unit changes as a background import job (units.import_jobs): the web
process stores the file, a worker reads it and applies it rolled back into a preview (each row:
the change, the units before and after, what it does to each open period), the officer confirms
on the job page, and a worker applies it through unit_changes_from_file, every row or none (its
audit unchanged)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.import_jobs import ImportOutcome, import_job_create, import_kind_register
from units.models import Organiser, Unit

from .unit_changes import ChangeOutcome, sheet_unit_codes, unit_changes_from_file

UNIT_SHEET_IMPORT = "unit_sheet"


def unit_sheet_import_queue(*, organiser: Organiser, data: bytes, filename: str, by):
    """Store the sheet for a worker; Home Affairs of the organiser may follow the job."""
    return import_job_create(
        kind=UNIT_SHEET_IMPORT,
        owner=by,
        data=data,
        filename=filename,
        params={"organiser": organiser.pk},
        organiser=organiser,
    )


def _effects(outcome: ChangeOutcome) -> list[str]:
    """What the change does to each open period, as the confirmation page of one change says."""
    if not outcome.effects:
        return [
            _(
                "No open period covers this year: no assessment changes. Periods still being "
                "set up take the units as they are when they open."
            )
        ]
    said = []
    for effect in outcome.effects:
        if effect.withdrawn:
            said.append(
                ngettext(
                    "%(n)s assessment of %(year)s will be withdrawn: %(names)s. It leaves the "
                    "ranking; what was entered stays.",
                    "%(n)s assessments of %(year)s will be withdrawn: %(names)s. They leave the "
                    "ranking; what was entered stays.",
                    len(effect.withdrawn),
                )
                % {
                    "n": len(effect.withdrawn),
                    "year": effect.year,
                    "names": ", ".join(effect.withdrawn),
                }
            )
        said += [
            _("%(name)s gets its assessment of %(year)s.") % {"name": name, "year": effect.year}
            for name in effect.joined
        ]
        if not effect.withdrawn and not effect.joined:
            said.append(_("No assessment of %(year)s changes.") % {"year": effect.year})
    return said


def _line(row, names_before: dict[str, str]) -> str:
    """One row: the change, the units before (their names before the sheet: a rename's old
    name) and after, what it does to each open period."""
    outcome = row.outcome
    parts = [str(outcome.description)]
    codes = sheet_unit_codes(row.values.get("units", ""))
    before = [names_before.get(code.casefold(), code) for code in codes] or outcome.sources
    if before:
        parts.append(_("before") + ": " + ", ".join(before))
    if outcome.results:
        parts.append(_("after") + ": " + ", ".join(outcome.results))
    return _("Row %(row)s: %(change)s. %(effects)s") % {
        "row": row.row,
        "change": " — ".join(parts),
        "effects": " ".join(_effects(outcome)),
    }


def _run(job, data: bytes) -> ImportOutcome:
    organiser = Organiser.objects.get(pk=job.params["organiser"])
    names_before = {
        code.casefold(): name
        for code, name in Unit.objects.filter(organiser=organiser).values_list("code", "name")
    }
    rows = unit_changes_from_file(
        organiser=organiser, data=data, filename=job.filename, by=job.owner
    )
    withdrawn = sum(row.outcome.withdrawn_count for row in rows)
    return ImportOutcome(
        summary=ngettext(
            "%(n)s change from %(file)s, applied in order, every row or none; assessments "
            "withdrawn: %(withdrawn)s. Each change is recorded in the audit log.",
            "%(n)s changes from %(file)s, applied in order, every row or none; assessments "
            "withdrawn: %(withdrawn)s. Each change is recorded in the audit log.",
            len(rows),
        )
        % {"n": len(rows), "file": job.filename, "withdrawn": withdrawn},
        changes=[_line(row, names_before) for row in rows],
    )


def _done_url(job) -> str:
    return reverse("scoring:setup_units_sheet")


# Held to its preview: the rows are read against the state at confirm time.
import_kind_register(UNIT_SHEET_IMPORT, run=_run, done_url=_done_url, same_as_preview=True)
