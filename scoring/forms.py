from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.admin_imports import ImportFileForm


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the results and understand that they will become public."),
        error_messages={"required": _("Tick the box to confirm the publication.")},
    )
    reason = forms.CharField(
        label=_("Why the results are published again"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, republishing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.republishing = republishing
        if not republishing:
            del self.fields["reason"]

    def clean_reason(self):
        reason = self.cleaned_data.get("reason", "").strip()
        if self.republishing and not reason:
            raise forms.ValidationError(_("Say which correction makes a new publication needed."))
        return reason


class LocalDateTimeField(forms.DateTimeField):
    """A browser <input type="datetime-local"> (yyyy-mm-ddThh:mm) or dd/mm/yyyy hh:mm typed."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y"]

    def strptime(self, value, format):
        parsed = super().strptime(value, format)
        if "%H" not in format:  # "until 15/12/2026" means to the end of that day
            return parsed.replace(hour=23, minute=59, second=59)
        return parsed


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give a reason for reopening.")},
    )
    until = LocalDateTimeField(
        label=_("The unit may enter until"),
        error_messages={"required": _("Give the unit's new deadline.")},
    )


class DeadlineForm(forms.Form):
    deadline = LocalDateTimeField(
        label=_("New self-assessment deadline for every unit"),
        error_messages={"required": _("Give the new deadline.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give a reason for the new deadline.")},
    )


class EvidenceCiteForm(forms.Form):
    document_number = forms.CharField(label=_("Number and symbol"), max_length=100, required=False)
    document_date = forms.DateField(
        label=_("Date"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    issuer = forms.CharField(label=_("Issued by"), max_length=255, required=False)
    url = forms.CharField(label=_("Link"), max_length=500, required=False)
    description = forms.CharField(label=_("Title or content"), max_length=2000, required=False)


class WorkbookUploadForm(ImportFileForm):
    """The same size and type limits as every other import (PARINDEX_IMPORT_MAX_MB)."""

    file = forms.FileField(
        label=_("Filled-in Excel file (.xlsx or .csv)"),
        error_messages={"required": _("Choose the Excel file to upload.")},
    )
