"""Forms of the staff accounts pages. The rules of an account (e-mail, username, the unit's
organiser, an existing person) are units.accounts'; these only shape the input."""

from django import forms
from django.utils.translation import gettext_lazy

from parindex.admin_imports import ImportFileForm
from units.models import Unit


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.code} — {unit.name}"


class StaffAccountForm(forms.Form):
    unit = UnitChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none())
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    email = forms.CharField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        help_text=gettext_lazy("The link to set the password is sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        required=False,
        help_text=gettext_lazy(
            "Optional: left empty, one is made from the e-mail address (or the name)."
        ),
    )
    job_title = forms.CharField(label=gettext_lazy("Job title"), max_length=150, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AccountFilterForm(forms.Form):
    unit = UnitChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any unit"),
    )
    active = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            ("1", gettext_lazy("Active")),
            ("0", gettext_lazy("Deactivated")),
        ],
    )
    never = forms.BooleanField(label=gettext_lazy("Never logged in"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AccountActiveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(label=gettext_lazy("I confirm."), required=True)


class AccountsFileForm(ImportFileForm):
    """The accounts sheet: the same file rules as every import."""


class TotpTokenForm(forms.Form):
    """The six digits an authenticator app shows."""

    token = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
