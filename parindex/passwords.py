"""A password must not hold its owner's name, username or e-mail name: Django's similarity
check compares the whole password with the whole attribute and lets "Nguyễn Văn An" through
for Nguyễn Văn An, or "nguyenvanan2026" for the username nguyenvanan."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Parts shorter than this are common syllables ("an", "le"): refusing them would refuse half
# of all passwords.
MIN_PART = 4


def folded(text: str) -> str:
    """Lower case, without diacritics (đ as d), spaces or punctuation: "Nguyễn Văn An" and
    "nguyen-van-an" fold alike."""
    text = unicodedata.normalize("NFD", text or "").casefold().replace("đ", "d")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", "", text)


class PersonalDataValidator:
    """Refuses a password that contains the user's full name, username or the part of the
    e-mail address before @, ignoring case, diacritics and spaces."""

    def _personal(self, user) -> list[tuple[str, str]]:
        email = getattr(user, "email", "") or ""
        names = [
            (getattr(user, "full_name", "") or "", _("your full name")),
            (f"{user.first_name} {user.last_name}" if hasattr(user, "first_name") else "", ""),
            (getattr(user, "username", "") or "", _("your username")),
            (email.split("@")[0], _("the name of your e-mail address")),
        ]
        return [(folded(value), label or _("your full name")) for value, label in names]

    def validate(self, password, user=None):
        if user is None:
            return
        candidate = folded(password)
        for value, label in self._personal(user):
            if len(value) >= MIN_PART and value in candidate:
                raise ValidationError(
                    _("The password must not contain %(what)s.") % {"what": label},
                    code="password_has_personal_data",
                )

    def get_help_text(self):
        return _("Your password must not contain your name, your username or your e-mail name.")
