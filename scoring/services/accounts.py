"""Home Affairs gives units their staff accounts: one by one or from a spreadsheet, with a
password-set link by e-mail (Django's password-reset token, so nobody passes a password by
hand), deactivation and reactivation. The rules of an account are units.accounts'; this is the
door: it checks that the officer acts for the unit's organiser, writes the audit trail
(AuditAction.ACCOUNT, never a password or a token) and sends the link after the commit.

The link's fate — queued, sent, failed — is an audit event too, so the accounts page can say
"not sent, send again" without a column of its own. A broker or mail server that is down never
undoes a saved account: the failure is logged and recorded, and the officer sends again."""

import logging
import smtplib
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from parindex.tabular import ImportFailed, ImportProblem, cell_text, read_table
from parindex.tasks import TransactionAwareTask
from scoring.selectors.accounts import LINK_FIELD, LinkState, staff_account
from units.access import acts_for, organisers_for
from units.accounts import (
    PlanAction,
    StaffAccountPlan,
    StaffAccountSaved,
    staff_account_apply,
    staff_account_plan,
    staff_account_set_active,
)
from units.models import Unit, User
from units.roles import Permission

from . import audit

logger = logging.getLogger(__name__)

PROFILE_FIELDS = ("username", "full_name", "email", "job_title", "phone")


def _check_organiser(organiser_id: int, by) -> None:
    if not acts_for(by, Permission.MANAGE_ACCOUNTS, organiser_id):
        raise PermissionDenied(_("Only Home Affairs of the unit's organiser manages its accounts."))


def _organiser_ids(by) -> set[int]:
    return set(organisers_for(by, Permission.MANAGE_ACCOUNTS).values_list("pk", flat=True))


def _audit_saved(saved: StaffAccountSaved, plan: StaffAccountPlan, *, by, reason: str) -> None:
    entries = []
    if saved.created:
        entries += [
            audit.account_changed(
                actor=by, user=saved.user, field=name, new=getattr(saved.user, name), reason=reason
            )
            for name in PROFILE_FIELDS
            if getattr(saved.user, name)
        ]
    if saved.granted:
        entries.append(
            audit.account_changed(
                actor=by, user=saved.user, field="unit_staff", new=plan.unit.code, reason=reason
            )
        )
    audit.record(entries)


# ---------------------------------------------------------------- the password-set link


class PasswordLinkTask(TransactionAwareTask):
    abstract = True

    def on_enqueue_failure(self, user_id, *args, **kwargs) -> None:
        _link_recorded(user_id, LinkState.FAILED, _("The link could not be queued."))


def _link_recorded(user_id: int, state: str, reason: str = "", by=None) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        audit.record(
            audit.account_changed(actor=by, user=user, field=LINK_FIELD, new=state, reason=reason)
        )


@shared_task(
    base=PasswordLinkTask,
    name="scoring.tasks.send_password_link",
    acks_late=True,
)
def send_password_link(user_id: int, unit_id: int | None = None) -> bool:
    with translation.override("vi"):
        return password_link_send(user_id, unit_id)


def password_link(user: User) -> str:
    """The absolute password-set address for `user` (valid until a password is set, or for
    PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.PARINDEX_SITE_URL.rstrip("/") + path


def password_link_send(user_id: int, unit_id: int | None = None) -> bool:
    """E-mail the password-set link; a mail server failure is logged and recorded, not
    raised: the officer sees "not sent" and sends again."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    if not user.is_active or not user.email:
        _link_recorded(user_id, LinkState.FAILED, _("The account is deactivated or has no e-mail."))
        return False
    unit = Unit.objects.select_related("organiser").filter(pk=unit_id).first() if unit_id else None
    context = {
        "portal_name": settings.PARINDEX_SITE_NAME,
        "site_url": settings.PARINDEX_SITE_URL.rstrip("/"),
        "full_name": user.get_full_name(),
        "username": user.username,
        "unit": unit.name if unit else "",
        "organiser": unit.organiser.name if unit else "",
        "link": password_link(user),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    # Rendered and sent here rather than by PasswordResetForm.send_mail, which swallows a
    # failure: the page must be able to say the link did not go.
    subject = "".join(
        loader.render_to_string("registration/password_set_subject.txt", context).splitlines()
    )
    body = loader.render_to_string("registration/password_set_email.txt", context)
    try:
        EmailMessage(subject, body, None, [user.email]).send()
    except (OSError, smtplib.SMTPException):
        logger.exception("The password link for account %s could not be sent", user_id)
        _link_recorded(user_id, LinkState.FAILED, _("The mail server refused or did not answer."))
        return False
    _link_recorded(user_id, LinkState.SENT)
    return True


def account_invite(*, user: User, unit: Unit | None = None, by) -> None:
    """Queue the password-set link for `user` once the transaction commits (recorded now as
    queued; the task records sent or failed)."""
    if not user.is_active:
        raise ValidationError(_("The account is deactivated: reactivate it first."))
    if not user.email:
        raise ValidationError(_("The account has no e-mail address to send the link to."))
    audit.record(audit.account_changed(actor=by, user=user, field=LINK_FIELD, new=LinkState.QUEUED))
    send_password_link.enqueue(user.pk, unit.pk if unit else None)


def account_link_resend(*, user: User, by) -> None:
    """Send the password-set link again to a unit-staff account of the officer's units."""
    account = staff_account(organisers=organisers_for(by, Permission.MANAGE_ACCOUNTS), pk=user.pk)
    if account is None or account.is_superuser:
        raise PermissionDenied(_("This is not an account of your units."))
    grants = account.staff_grants_here
    with transaction.atomic():
        account_invite(user=account, unit=grants[0].unit if len(grants) == 1 else None, by=by)


# ---------------------------------------------------------------- one account


def staff_account_create(
    *,
    unit: Unit,
    full_name: str,
    email: str,
    username: str = "",
    job_title: str = "",
    phone: str = "",
    by,
) -> StaffAccountSaved:
    """A unit-staff account for `unit`, or the unit added to the person's existing account
    (same e-mail or username). A new account has no password and is sent the link."""
    _check_organiser(unit.organiser_id, by)
    plan = staff_account_plan(
        organiser=unit.organiser,
        unit=unit,
        full_name=full_name,
        email=email,
        username=username,
        job_title=job_title,
        phone=phone,
    )
    if plan.ok and plan.action == PlanAction.UNCHANGED:
        plan.errors["email"] = _("%(name)s already works for %(unit)s.") % {
            "name": plan.user.get_full_name(),
            "unit": unit.name,
        }
    if not plan.ok:
        raise ValidationError(plan.errors)
    with transaction.atomic():
        saved = staff_account_apply(plan)
        _audit_saved(saved, plan, by=by, reason=_("Unit staff account set up by Home Affairs."))
        if saved.created:
            account_invite(user=saved.user, unit=unit, by=by)
    return saved


def staff_account_activate(*, user: User, active: bool, reason: str, by) -> bool:
    """Deactivate (no more log-ins; work and history stay) or reactivate a unit-staff account,
    with a reason. Returns whether anything changed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write the reason.")})
    if "\x00" in reason:
        raise ValidationError({"reason": _("The reason contains a character that is not allowed.")})
    with transaction.atomic():
        changed = staff_account_set_active(
            user=user, active=active, organiser_ids=_organiser_ids(by)
        )
        if changed:
            audit.record(
                audit.account_changed(
                    actor=by,
                    user=user,
                    field="is_active",
                    old=not active,
                    new=active,
                    reason=reason,
                )
            )
    return changed


# ---------------------------------------------------------------- many accounts from a file

# The template's headers (Vietnamese) and the English names, both accepted.
COLUMNS = {
    "unit_code": ("Mã đơn vị", "unit_code"),
    "full_name": ("Họ và tên", "full_name"),
    "email": ("Thư điện tử", "email"),
    "username": ("Tên đăng nhập", "username"),
    "job_title": ("Chức vụ", "job_title"),
    "phone": ("Điện thoại", "phone"),
    # Only needed where several of one's organisers have a unit with the same code.
    "organiser": ("Mã cơ quan tổ chức đánh giá", "organiser"),
}
REQUIRED_COLUMNS = ("unit_code", "full_name", "email")
MAX_ROWS = 2000


@dataclass(frozen=True)
class AccountRow:
    row: int
    unit_code: str
    full_name: str
    email: str
    username: str = ""
    job_title: str = ""
    phone: str = ""
    organiser: str = ""


@dataclass
class PreviewRow:
    row: AccountRow
    plan: StaffAccountPlan
    note: str = ""

    @property
    def problems(self) -> list[str]:
        return list(dict.fromkeys(self.plan.errors.values()))


def account_rows_read(*, data: bytes, filename: str) -> list[AccountRow]:
    """The rows of an accounts file (XLSX or CSV), by Excel row number; ImportFailed when the
    file or its header is unusable."""
    table = read_table(data, filename)
    aliases = {}
    for key, names in COLUMNS.items():
        for name in names:
            aliases["_".join(name.casefold().split())] = key
    keys = [aliases.get(header, header) for header in table.headers]
    missing = [COLUMNS[key][0] for key in REQUIRED_COLUMNS if key not in keys]
    if missing:
        raise ImportFailed(
            [
                ImportProblem(
                    1,
                    _("Missing column(s): %(columns)s. The header row must have: %(all)s.")
                    % {
                        "columns": ", ".join(missing),
                        "all": ", ".join(names[0] for names in COLUMNS.values()),
                    },
                )
            ]
        )
    if len(table) > MAX_ROWS:
        raise ImportFailed(
            [ImportProblem(None, _("At most %(n)s rows per file.") % {"n": MAX_ROWS})]
        )
    rows = []
    for number, values in table:
        by_key = {aliases.get(h, h): cell_text(v) for h, v in values.items()}
        rows.append(AccountRow(row=number, **{key: by_key.get(key, "") for key in COLUMNS}))
    return rows


def staff_accounts_preview(*, rows: list[AccountRow], by) -> list[PreviewRow]:
    """What importing `rows` would do, row by row; nothing is written. A person listed twice
    (two units) gets the account on the first row and the second unit on the next."""
    organisers = organisers_for(by, Permission.MANAGE_ACCOUNTS)
    # A code is unique within an organiser only: one acting for several may meet it twice.
    units: dict[str, list[Unit]] = {}
    for candidate in Unit.objects.filter(organiser__in=organisers).select_related("organiser"):
        units.setdefault(candidate.code.casefold(), []).append(candidate)
    taken: set[str] = set()
    new_by_email: dict[str, PreviewRow] = {}
    preview = []
    for row in rows:
        matches = units.get(row.unit_code.strip().casefold(), [])
        if row.organiser.strip():
            wanted = row.organiser.strip().casefold()
            matches = [match for match in matches if match.organiser.code.casefold() == wanted]
        unit = matches[0] if len(matches) == 1 else None
        plan = staff_account_plan(
            organiser=unit.organiser if unit else None,
            unit=unit,
            full_name=row.full_name,
            email=row.email,
            username=row.username,
            job_title=row.job_title,
            phone=row.phone,
            taken_usernames=taken,
        )
        if len(matches) > 1:
            plan.errors["unit"] = _(
                "Several organisers have a unit coded “%(code)s”: write which in the "
                "“%(column)s” column (%(organisers)s)."
            ) % {
                "code": row.unit_code,
                "column": COLUMNS["organiser"][0],
                "organisers": ", ".join(sorted(match.organiser.code for match in matches)),
            }
        elif unit is None:
            plan.errors["unit"] = (
                _("Write the unit's code.")
                if not row.unit_code.strip()
                else _("No unit of yours has the code “%(code)s”.") % {"code": row.unit_code}
            )
        entry = PreviewRow(row=row, plan=plan)
        first = new_by_email.get(plan.email)
        if first is not None and plan.action == PlanAction.NEW:
            if first.plan.unit == unit:
                plan.errors["email"] = _("The same person and unit are on row %(row)s.") % {
                    "row": first.row.row
                }
            else:
                plan.action = PlanAction.GRANT
                plan.username = first.plan.username
                entry.note = _("the account of row %(row)s") % {"row": first.row.row}
        elif plan.ok and plan.action == PlanAction.NEW:
            new_by_email[plan.email] = entry
            taken.add(plan.username.casefold())
        preview.append(entry)
    return preview


def preview_problems(preview: list[PreviewRow]) -> list[ImportProblem]:
    return [
        ImportProblem(entry.row.row, message) for entry in preview for message in entry.problems
    ]


def staff_accounts_import(
    *, rows: list[AccountRow], by, filename: str = ""
) -> list[StaffAccountSaved]:
    """Create every account of the file, or none: one bad row and nothing changes
    (ImportFailed lists every problem by row). New accounts get their link after the commit."""
    problems = preview_problems(staff_accounts_preview(rows=rows, by=by))
    if problems:
        raise ImportFailed(problems)
    reason = _("Imported from %(file)s.") % {"file": filename} if filename else ""
    saved_all = []
    with transaction.atomic():
        # Checked again row by row as the rows are written: a person on two rows gets the
        # account from the first and the unit of the second.
        for entry in staff_accounts_preview(rows=rows, by=by):
            plan = entry.plan
            if plan.ok and entry.note:
                plan = staff_account_plan(
                    organiser=plan.unit.organiser,
                    unit=plan.unit,
                    full_name=entry.row.full_name,
                    email=entry.row.email,
                    username=entry.row.username,
                )
            if not plan.ok:
                raise ImportFailed(
                    [ImportProblem(entry.row.row, m) for m in dict.fromkeys(plan.errors.values())]
                )
            _check_organiser(plan.unit.organiser_id, by)
            saved = staff_account_apply(plan)
            _audit_saved(saved, plan, by=by, reason=reason)
            if saved.created:
                account_invite(user=saved.user, unit=plan.unit, by=by)
            saved_all.append(saved)
    return saved_all
