from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("PAR Index scoring")

    def ready(self):
        # The admin's units and ranking-groups imports, audited (units may not import scoring).
        from .services import unit_import_audit  # noqa: F401
