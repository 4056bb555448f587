from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from parindex import checks  # noqa: F401  registers the start-up checks


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units and users")
