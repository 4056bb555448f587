from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

from parindex import checks  # noqa: F401  registers the start-up checks
from parindex.session_expiry import session_started


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units and users")

    def ready(self):
        user_logged_in.connect(session_started, dispatch_uid="parindex_session_started")
