from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .public_cache import connect_invalidation


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Every change to public data moves the public cache's generation on.
        connect_invalidation()
        # The receivers import the services and so the models, which exist only now; loaded by
        # name, as Django's own autodiscovery loads each app's admin module.
        import_module(f"{self.name}.receivers")
