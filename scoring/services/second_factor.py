"""The second factor's writes: a TOTP device set up and confirmed with its first code, and a
lost device removed by the system admin (audited, AuditAction.ACCOUNT field "second_factor";
never the secret)."""

from base64 import b32encode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from units.access import roles_of
from units.models import User
from units.roles import Role

from . import audit

SECOND_FACTOR_FIELD = "second_factor"


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The device being set up (unconfirmed), made on the first visit and kept until confirmed,
    so that reloading the page does not change the code the phone was given."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_check(*, device: TOTPDevice, token: str) -> None:
    """The code matches the device now, or ValidationError. After a wrong code django-otp
    refuses any code for a while (doubling each time), which the message says."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(
            {"token": _("Too many wrong codes: wait a little, then type the code the app shows.")}
        )
    if not device.verify_token((token or "").replace(" ", "")):
        raise ValidationError(
            {"token": _("The code is wrong or has expired. Type the code the app shows now.")}
        )


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> None:
    """The first code from the app proves it holds the secret: the device is confirmed and
    replaces any earlier one."""
    totp_check(device=device, token=token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            audit.account_changed(actor=user, user=user, field=SECOND_FACTOR_FIELD, new="set up")
        )


def second_factor_reset(*, user: User, reason: str, by) -> int:
    """The system admin removes a person's devices (a lost or replaced phone): they set up a
    new one at their next sign-in. Returns how many devices were removed."""
    if Role.SYSTEM_ADMIN not in roles_of(by):
        raise PermissionDenied(_("Only the system admin resets a second factor."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write the reason.")})
    with transaction.atomic():
        removed, _counts = TOTPDevice.objects.filter(user=user).delete()
        audit.record(
            audit.account_changed(
                actor=by,
                user=user,
                field=SECOND_FACTOR_FIELD,
                old="set up",
                new="reset",
                reason=reason,
            )
        )
    return removed
