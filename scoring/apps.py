from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("PAR Index scoring")

    def ready(self):
        # The admin's units and ranking-groups imports (units.imports) registered again with
        # an audited run, in every process (web and worker): units may not import scoring.
        # Loaded by name once the models exist, as reports.apps loads its receivers.
        import_module(f"{self.name}.services.unit_import_audit")
