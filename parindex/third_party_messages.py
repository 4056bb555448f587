"""Strings of django-import-export's export pages that it ships without a Vietnamese catalogue.
Listed here so that `makemessages` puts them into locale/vi, which Django consults first."""

from django.utils.translation import gettext_noop, ngettext_lazy

# Django's own admin strings that its Vietnamese catalogue lacks.
DJANGO_ADMIN_MESSAGES = (
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Error:"),
    # Every CharField's ProhibitNullCharactersValidator (a NUL pasted into any form).
    gettext_noop("Null characters are not allowed."),
)

IMPORT_EXPORT_MESSAGES = (
    gettext_noop("Export"),
    gettext_noop("Export selected %(verbose_name_plural)s"),
    gettext_noop("Format"),
    gettext_noop("Resource"),
    gettext_noop("Submit"),
    gettext_noop("Select all"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("export failed due to IllegalCharacterError"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", "len"),
)
