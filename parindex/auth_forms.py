"""The log-in side's forms that differ from Django's."""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, _unicode_ci_compare

from .auth_throttle import password_reset_mail_allowed, password_reset_request_allowed


class PasswordForgotForm(PasswordResetForm):
    """ "Forgot password?" also reaches an account that never set one: portal accounts are made
    without a password and sent a link, and a person whose link expired asks for a new one here.
    Only active accounts (the link goes to the account's own address, as Django's does)."""

    def get_users(self, email):
        """The accounts to mail: active ones whose address is the one typed, each at most
        PARINDEX_PASSWORD_RESET_PER_EMAIL times an hour (parindex.auth_throttle)."""
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        # Django's own safeguard, kept: the database's case folding is not Unicode's
        # (PostgreSQL's UPPER makes "ı" an "I"), so an address is mailed only if it is the
        # typed one after NFKC and case folding.
        matching = [u for u in users if u.email and _unicode_ci_compare(email, u.email)]
        return [user for user in matching if password_reset_mail_allowed(user=user)]

    def save(self, *, request=None, **kwargs):
        """Send the link unless this client asked too often within the hour, or the account
        was mailed too often (parindex.auth_throttle); the page that follows is the same
        either way."""
        if request is not None and not password_reset_request_allowed(request=request):
            return
        super().save(request=request, **kwargs)
