"""Start-up checks of what the portal's safety rests on, run by every manage.py command and by
the WSGI server's first import (Django's system checks)."""

import openpyxl
from django.core.checks import Error, register


@register()
def defusedxml_in_effect(app_configs=None, **kwargs):
    """Workbooks are parsed through defusedxml (XXE and billion-laughs files refused); openpyxl
    uses it only when installed and not switched off with OPENPYXL_DEFUSEDXML=False."""
    if openpyxl.DEFUSEDXML:
        return []
    return [
        Error(
            "openpyxl does not parse workbooks through defusedxml.",
            hint="Install defusedxml and leave OPENPYXL_DEFUSEDXML unset.",
            id="parindex.E001",
        )
    ]
