"""Home Affairs sets up the appraisal council of its organiser: who appraises which areas (and,
optionally, which units), and who chairs and finalises.

A membership is a RoleGrant of the organiser (APPRAISER or COUNCIL_CHAIR), so it holds for the
organiser's appraisal work from now on — this period and later ones until changed. Changes are
made from a period's page, whose index sets say which area codes exist, and are audited under
that period."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from parindex.text import normalize_text
from scoring.display import code_key
from scoring.exceptions import DutyConflict
from scoring.models import AuditAction
from scoring.selectors.council import COUNCIL_ROLES, accounts_with_email, period_areas
from units.access import acts_for
from units.duties import appointment_conflict
from units.models import RoleGrant, Unit, User
from units.roles import Permission, Role

from . import audit
from .accounts import account_invite

AUDITED_FIELDS = ("role", "area_codes", "scoped_units")


def _check_manager(period, by) -> None:
    if not acts_for(by, Permission.MANAGE_PERIOD, period.organiser_id):
        raise PermissionDenied(_("Only Home Affairs of this organiser sets up its council."))


# A membership (or an account) belongs to no period: its entries are filed under the period
# the change was made from, so that the period's audit log shows who changed its council.


def _snapshot(grant: RoleGrant, units: Iterable[Unit]) -> dict[str, str]:
    return {
        "role": grant.role,
        "area_codes": grant.area_codes,
        "scoped_units": ", ".join(sorted(unit.code for unit in units)),
    }


# ---------------------------------------------------------------- accounts


def new_account_errors(*, full_name: str, email: str, username: str) -> dict[str, str]:
    """What is wrong with the details of a new account, by form field; empty when nothing."""
    full_name, email, username = (normalize_text(v) for v in (full_name, email, username))
    errors: dict[str, str] = {}
    if not full_name:
        errors["new_full_name"] = _("Write the member's full name.")
    if not username:
        errors["new_username"] = _("Choose a username for the new account.")
    else:
        try:
            User.username_validator(username)
            if not username.isascii():  # typed the same on every keyboard, with or without IME
                raise ValidationError(
                    _("Use letters without diacritics, digits and . @ + - _ only.")
                )
        except ValidationError as exc:
            errors["new_username"] = " ".join(exc.messages)
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors["new_username"] = _(
                    "The username “%(username)s” is taken: if it is this person's account, "
                    "choose it as an existing account above."
                ) % {"username": username}
    if not email:
        errors["new_email"] = _("Write the member's e-mail address.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["new_email"] = _("This is not a valid e-mail address.")
        else:
            if accounts_with_email(email):
                errors["new_email"] = _(
                    "An account already uses this e-mail address: choose it as an existing "
                    "account above."
                )
    return errors


def council_account_create(*, period, full_name: str, email: str, username: str, by) -> User:
    """A new portal account for a council member who has none. It gets no password: the person
    is sent the password-set link once the membership is saved (scoring.services.accounts)."""
    _check_manager(period, by)
    errors = new_account_errors(full_name=full_name, email=email, username=username)
    if errors:
        raise ValidationError(errors)
    full_name, email, username = (normalize_text(v) for v in (full_name, email, username))
    user = User(username=username, full_name=full_name, email=email, is_active=True)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same username saved by someone else meanwhile
        raise ValidationError({"new_username": _("This username was just taken.")}) from exc
    reason = _("Account created for the appraisal council.")
    audit.record(
        audit.created(
            actor=by, obj=user, field=name, new=getattr(user, name), reason=reason, period=period
        )
        for name in ("username", "full_name", "email")
    )
    account_invite(user=user, by=by)
    return user


# ---------------------------------------------------------------- memberships


def _clean_area_codes(period, role: str, area_codes: Iterable[str]) -> str:
    codes = sorted(
        {normalize_text(code) for code in area_codes if normalize_text(code)}, key=code_key
    )
    if codes and role != Role.APPRAISER:
        raise ValidationError({"area_codes": _("Only appraisers are limited to areas.")})
    known = {area.code for area in period_areas(period)}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(
            {
                "area_codes": _("This period's index sets have no area %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return ", ".join(codes)


def _clean_units(period, role: str, units: Iterable[Unit]) -> list[Unit]:
    units = list({unit.pk: unit for unit in units}.values())
    if units and role != Role.APPRAISER:
        raise ValidationError({"units": _("Only appraisers are limited to units.")})
    foreign = [unit.name for unit in units if unit.organiser_id != period.organiser_id]
    if foreign:
        raise ValidationError(
            {
                "units": _("These units are assessed by another organiser: %(units)s.")
                % {"units": ", ".join(foreign)}
            }
        )
    return units


def council_member_save(
    *,
    period,
    user: User,
    role: str,
    area_codes: Iterable[str] = (),
    units: Iterable[Unit] = (),
    by,
    grant: RoleGrant | None = None,
) -> RoleGrant:
    """Add `user` to the organiser's council, or change their membership (`grant`).

    An appraiser's `area_codes` must be areas of the period's index sets (none: every area,
    bonus and penalty lines included); their `units` must be the organiser's (none: every
    unit). The chair appraises everything and finalises, so is not narrowed. A person holds
    one council role per organiser, and separation of duties (units.duties) keeps a unit's
    staff, Home Affairs and the officer themselves out: refused with DutyConflict. Every
    change is audited, field by field."""
    _check_manager(period, by)
    organiser = period.organiser
    try:
        role = Role(role)
    except ValueError:
        role = None
    if role not in COUNCIL_ROLES:
        raise ValidationError({"role": _("Choose appraiser or council chair.")})
    if grant is not None and (
        grant.organiser_id != organiser.pk
        or grant.role not in COUNCIL_ROLES
        or grant.user_id != user.pk
    ):
        raise ValidationError(_("This is not a membership of this council."))
    if not user.is_active:
        raise ValidationError(
            {"user": _("The account of %(name)s is disabled.") % {"name": user.get_full_name()}}
        )
    conflict = appointment_conflict(user=user, organiser=organiser, by=by)
    if conflict:
        raise DutyConflict(conflict)
    codes = _clean_area_codes(period, role, area_codes)
    units = _clean_units(period, role, units)
    other = (
        RoleGrant.objects.filter(user=user, organiser=organiser, role__in=COUNCIL_ROLES)
        .exclude(pk=grant.pk if grant else None)
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "user": _(
                    "%(name)s is already in the council (“%(role)s”): change that membership "
                    "instead."
                )
                % {"name": user.get_full_name(), "role": other.get_role_display()}
            }
        )
    with transaction.atomic():
        if grant is None:
            before = None
            grant = RoleGrant(user=user, organiser=organiser)
        else:
            grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
            before = _snapshot(grant, grant.scoped_units.all())
        grant.role = role
        grant.area_codes = codes
        after = _snapshot(grant, units)
        if after == before:
            return grant
        grant.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                grant.save()
        except IntegrityError as exc:  # the same person added from another tab meanwhile
            raise ValidationError(
                {"user": _("%(name)s was just added to the council.") % {"name": user}}
            ) from exc
        grant.scoped_units.set(units)
        if before is None:
            # A new member's empty scope says nothing the role row does not.
            audit.record(
                audit.created(actor=by, obj=grant, field=name, new=after[name], period=period)
                for name in AUDITED_FIELDS
                if after[name] or name == "role"
            )
        else:
            audit.record(
                audit.field_changes(
                    action=AuditAction.UPDATE,
                    actor=by,
                    obj=grant,
                    before=before,
                    after=after,
                    period=period,
                )
            )
    return grant


@dataclass(frozen=True)
class NewAccount:
    full_name: str
    email: str
    username: str


def council_member_add(
    *,
    period,
    user: User | None = None,
    new_account: NewAccount | None = None,
    role: str,
    area_codes: Iterable[str] = (),
    units: Iterable[Unit] = (),
    by,
) -> tuple[RoleGrant, bool]:
    """Add a member: an existing `user`, or a `new_account` created for them — both or neither,
    so a refused membership leaves no stray account. Returns (grant, account_created)."""
    with transaction.atomic():
        created = user is None
        if created and new_account is None:
            raise ValidationError({"account": _("Choose the member's account.")})
        if created:
            user = council_account_create(
                period=period,
                full_name=new_account.full_name,
                email=new_account.email,
                username=new_account.username,
                by=by,
            )
        grant = council_member_save(
            period=period, user=user, role=role, area_codes=area_codes, units=units, by=by
        )
    return grant, created


def council_member_remove(*, period, grant: RoleGrant, by) -> None:
    """Take a member off the council. What they appraised stays, with their name, in the
    scores and the audit log."""
    _check_manager(period, by)
    if grant.organiser_id != period.organiser_id or grant.role not in COUNCIL_ROLES:
        raise ValidationError(_("This is not a membership of this council."))
    with transaction.atomic():
        locked = RoleGrant.objects.select_for_update().filter(pk=grant.pk).first()
        if locked is None:
            return  # removed meanwhile (another tab): nothing left to do
        before = _snapshot(locked, locked.scoped_units.all())
        audit.record(
            audit.deleted(actor=by, obj=locked, field=name, old=before[name], period=period)
            for name in AUDITED_FIELDS
            if before[name] or name == "role"
        )
        locked.delete()
