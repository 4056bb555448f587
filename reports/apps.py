from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .public_cache import connect_invalidation


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Every change to public data moves the public cache's generation on.
        connect_invalidation()
