"""Home Affairs' file of staff accounts as a background import job (units.import_jobs): the web
process stores the file, a worker reads it into a preview (every row: the unit, the person, the
username, what happens — or every problem by row) with nothing written, the officer confirms on
the job page, and a worker imports it through staff_accounts_import, every row or none (its
audit unchanged; the password links are queued only once that transaction commits).

No password exists to show or store: a new account has none until its owner follows the
e-mailed link, and neither the preview nor the job holds a link or a token. Only the uploader
sees the job (it has no organiser: the file may name units of several)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from units.accounts import PlanAction
from units.import_jobs import ImportOutcome, import_job_create, import_kind_register

from .accounts import account_rows_read, staff_accounts_import, staff_accounts_preview

STAFF_ACCOUNTS_IMPORT = "staff_accounts"


def staff_accounts_import_queue(*, data: bytes, filename: str, by):
    return import_job_create(
        kind=STAFF_ACCOUNTS_IMPORT, owner=by, data=data, filename=filename, params={}
    )


def _what(entry) -> str:
    if entry.plan.action == PlanAction.NEW:
        return _("new account, link sent")
    if entry.plan.action == PlanAction.GRANT:
        said = _("unit added to the existing account")
        return f"{said} ({entry.note})" if entry.note else said
    return _("already works for this unit: nothing to do")


def _run(job, data: bytes) -> ImportOutcome:
    rows = account_rows_read(data=data, filename=job.filename)
    preview = staff_accounts_preview(rows=rows, by=job.owner)
    staff_accounts_import(rows=rows, by=job.owner, filename=job.filename)  # all or none
    counts = {action: 0 for action in PlanAction}
    for entry in preview:
        counts[entry.plan.action] += 1
    lines = [
        _("Row %(row)s: %(unit)s — %(name)s, %(email)s, username %(username)s: %(what)s")
        % {
            "row": entry.row.row,
            "unit": entry.plan.unit.name,
            "name": entry.row.full_name,
            "email": entry.plan.email,
            "username": entry.plan.username,
            "what": _what(entry),
        }
        for entry in preview
    ]
    summary = _(
        "New accounts: %(new_count)s; units added to existing accounts: %(grant_count)s; "
        "already there: %(unchanged_count)s."
    ) % {
        "new_count": counts[PlanAction.NEW],
        "grant_count": counts[PlanAction.GRANT],
        "unchanged_count": counts[PlanAction.UNCHANGED],
    }
    if counts[PlanAction.NEW]:
        summary += " " + _(
            "A new account has no password: its owner sets one through the link e-mailed "
            "once the import is confirmed."
        )
    # Every account already works for its unit: the page offers no confirmation.
    nothing = not counts[PlanAction.NEW] and not counts[PlanAction.GRANT]
    return ImportOutcome(summary=summary, changes=lines, nothing_changes=nothing)


def _done_url(job) -> str:
    return reverse("scoring:setup_accounts")


# Held to its preview: the rows are read against the state at confirm time.
import_kind_register(STAFF_ACCOUNTS_IMPORT, run=_run, done_url=_done_url, same_as_preview=True)
