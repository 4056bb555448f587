"""Unit staff accounts: who works for a unit in the portal. Home Affairs creates them (one by one
or from a spreadsheet), gives an existing person a unit instead of a second account, and
deactivates or reactivates them. An account made here never carries a password: the person
sets one from a link (scoring.services.accounts sends it and writes the audit trail).

Only unit staff are managed here: a superuser or a holder of an organiser role (Home Affairs,
council) is the system administrator's to change."""

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.text import name_text_problem, normalize_text

from .duties import grant_conflict
from .models import Organiser, RoleGrant, Unit, User
from .roles import ORGANISER_ROLES, Role

USERNAME_MAX = 150
# A phone number as officials write it: +84 912 345 678, (0236) 3822 123, 0912.345.678.
_PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{5,28}$")


class PlanAction(StrEnum):
    NEW = "new"  # a new account with a unit-staff grant
    GRANT = "grant"  # an existing account gets the unit
    UNCHANGED = "unchanged"  # the account already works for the unit


@dataclass
class StaffAccountPlan:
    """What saving one account's details would do, checked but not yet written."""

    unit: Unit | None
    full_name: str
    email: str
    username: str
    job_title: str = ""
    phone: str = ""
    action: PlanAction | None = None
    user: User | None = None  # the existing account (GRANT, UNCHANGED)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def ascii_name(text: str) -> str:
    """Vietnamese without diacritics, 'Nguyễn Văn Đức' → 'Nguyen Van Duc'."""
    text = normalize_text(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _username_base(*, email: str, full_name: str) -> str:
    local = email.split("@", 1)[0] if "@" in email else ""
    candidate = re.sub(r"[^a-z0-9._-]+", "", ascii_name(local).casefold()).strip("._-")
    if not candidate:
        words = re.findall(r"[a-z0-9]+", ascii_name(full_name).casefold())
        candidate = ".".join(words)
    return candidate[: USERNAME_MAX - 4] or "canbo"


def username_suggest(*, email: str, full_name: str, taken: set[str] = frozenset()) -> str:
    """A free username from the e-mail's local part (else from the name without diacritics),
    with 2, 3… appended when taken in the portal or in `taken` (lower case, a file's rows)."""
    base = _username_base(email=normalize_text(email), full_name=full_name)
    candidate, number = base, 1
    while candidate in taken or User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _text_errors(name: str, value: str, label: str) -> str | None:
    return name_text_problem(value, label=label, formula=name != "phone")


def staff_account_plan(
    *,
    organiser: Organiser | None,
    unit: Unit | None,
    full_name: str,
    email: str,
    username: str = "",
    job_title: str = "",
    phone: str = "",
    taken_usernames: set[str] = frozenset(),
) -> StaffAccountPlan:
    """Check one account's details for `unit` of `organiser` and say what saving them does:
    a new account, the unit added to the account that already has this e-mail or username,
    or nothing. Errors are by field, in Vietnamese; nothing is written."""
    full_name, email, username, job_title, phone = (
        normalize_text(v) for v in (full_name, email, username, job_title, phone)
    )
    plan = StaffAccountPlan(
        unit=unit,
        full_name=full_name,
        email=email.lower(),
        username=username,
        job_title=job_title,
        phone=phone,
    )
    errors = plan.errors
    if unit is None:
        errors["unit"] = _("Choose the unit.")
    elif organiser is not None and unit.organiser_id != organiser.pk:
        errors["unit"] = _("%(unit)s is assessed by another organiser.") % {"unit": unit.name}
    elif unit.has_ended(timezone.localdate().year):
        errors["unit"] = _("%(unit)s no longer exists (reorganised or dissolved).") % {
            "unit": unit.name
        }
    labels = {
        "full_name": _("The full name"),
        "email": _("The e-mail address"),
        "username": _("The username"),
        "job_title": _("The job title"),
        "phone": _("The phone number"),
    }
    for name, label in labels.items():
        problem = _text_errors(name, getattr(plan, name), label)
        if problem:
            errors[name] = problem
    if not full_name:
        errors.setdefault("full_name", _("Write the full name."))
    if len(full_name) > 150 or len(job_title) > 150:
        errors.setdefault("full_name", _("Names are at most 150 characters."))
    if phone and "phone" not in errors and not _PHONE.match(phone):
        errors["phone"] = _("This is not a phone number (digits, spaces, + . ( ) - only).")
    if not email:
        errors.setdefault("email", _("Write the e-mail address: the password link is sent there."))
    elif "email" not in errors:
        try:
            validate_email(plan.email)
        except ValidationError:
            errors["email"] = _("This is not a valid e-mail address.")
    if username and "username" not in errors:
        try:
            User.username_validator(username)
            if not username.isascii() or len(username) > USERNAME_MAX:
                raise ValidationError("ascii")
        except ValidationError:
            errors["username"] = _("Use letters without diacritics, digits and . @ + - _ only.")
    if errors:
        return plan
    by_email = list(User.objects.filter(email__iexact=plan.email)[:2])
    by_username = User.objects.filter(username__iexact=username).first() if username else None
    if len(by_email) > 1:
        errors["email"] = _(
            "Several accounts use this e-mail address: ask the system administrator."
        )
        return plan
    existing = by_email[0] if by_email else None
    if by_username is not None:
        if existing is not None and existing.pk != by_username.pk:
            errors["username"] = _(
                "The username “%(username)s” belongs to another account than the e-mail "
                "address: leave the username empty or correct it."
            ) % {"username": username}
            return plan
        if existing is None and by_username.email and by_username.email.lower() != plan.email:
            errors["username"] = _(
                "The username “%(username)s” is taken by another person: leave it empty to "
                "have one suggested."
            ) % {"username": username}
            return plan
        existing = by_username
    if existing is None:
        if username and username.casefold() in taken_usernames:
            errors["username"] = _("The username “%(username)s” is used twice in the file.") % {
                "username": username
            }
            return plan
        plan.username = username or username_suggest(
            email=plan.email, full_name=full_name, taken=taken_usernames
        )
        plan.action = PlanAction.NEW
        return plan
    plan.user = existing
    plan.username = existing.username
    if existing.is_superuser:
        errors["email"] = _(
            "This is the system administrator's account: it cannot be given a unit here."
        )
    elif not existing.is_active:
        errors["email"] = _("The account “%(username)s” is deactivated: reactivate it first.") % {
            "username": existing.username
        }
    elif RoleGrant.objects.filter(user=existing, role=Role.UNIT_STAFF, unit=unit).exists():
        plan.action = PlanAction.UNCHANGED
    else:
        # An appraiser or chair of this organiser would judge the unit's competitors.
        conflict = grant_conflict(
            user=existing, grant=RoleGrant(user=existing, role=Role.UNIT_STAFF, unit=unit)
        )
        if conflict:
            errors["email"] = conflict
        else:
            plan.action = PlanAction.GRANT
    return plan


@dataclass(frozen=True)
class StaffAccountSaved:
    user: User
    created: bool
    granted: bool


def staff_account_apply(plan: StaffAccountPlan) -> StaffAccountSaved:
    """Write a checked plan: the new account (no usable password) and its grant, or the grant
    added to the existing account. Raises ValidationError if the plan has errors or the
    username was taken meanwhile."""
    if not plan.ok:
        raise ValidationError(plan.errors)
    if plan.action == PlanAction.UNCHANGED:
        return StaffAccountSaved(user=plan.user, created=False, granted=False)
    with transaction.atomic():
        created = plan.action == PlanAction.NEW
        user = plan.user
        if created:
            user = User(
                username=plan.username,
                email=plan.email,
                full_name=plan.full_name,
                job_title=plan.job_title,
                phone=plan.phone,
                is_active=True,
            )
            user.set_unusable_password()
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError as exc:
                raise ValidationError(
                    {"username": _("The username “%(u)s” was just taken.") % {"u": plan.username}}
                ) from exc
        RoleGrant.objects.get_or_create(user=user, role=Role.UNIT_STAFF, unit=plan.unit)
    return StaffAccountSaved(user=user, created=created, granted=True)


def staff_account_active_errors(*, user: User, organiser_ids: set[int]) -> list[str]:
    """Why the account may not be switched on or off by Home Affairs of these organisers."""
    if user.is_superuser:
        return [_("The system administrator's account is not changed here.")]
    grants = list(RoleGrant.objects.filter(user=user).select_related("unit"))
    if any(grant.role in ORGANISER_ROLES for grant in grants):
        return [
            _(
                "This account also holds a Home Affairs or council role: ask the system "
                "administrator."
            )
        ]
    staff = [grant for grant in grants if grant.role == Role.UNIT_STAFF]
    if not staff:
        return [_("This is not a unit staff account.")]
    if any(grant.unit.organiser_id not in organiser_ids for grant in staff):
        return [
            _(
                "This account also works for units of another organiser: ask the system "
                "administrator."
            )
        ]
    return []


def staff_account_set_active(*, user: User, active: bool, organiser_ids: set[int]) -> bool:
    """Switch the account on or off; returns whether it changed. A deactivated account can no
    longer log in; its work, grants and history stay."""
    problems = staff_account_active_errors(user=user, organiser_ids=organiser_ids)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active == active:
            return False
        locked.is_active = active
        locked.save(update_fields=["is_active"])
    user.is_active = active
    return True
