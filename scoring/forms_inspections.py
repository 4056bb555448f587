"""The inspection forms: a visit, a finding, a finding made a task. They parse what was typed;
scoring.services.inspections checks it against the period and says what is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .remediation import INSPECTION_TITLE_MAX
from .services.evidence import ALLOWED_FILE_TYPES

DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): a list, possibly empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(sorted(ALLOWED_FILE_TYPES))})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class UnitLabelMixin:
    @staticmethod
    def unit_label(unit) -> str:
        return f"{unit.name} ({unit.code})"


class InspectionForm(UnitLabelMixin, forms.Form):
    title = forms.CharField(
        label=_("Title of the inspection"),
        max_length=INSPECTION_TITLE_MAX,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. Kiểm tra công tác CCHC năm 2026 tại các sở")}
        ),
    )
    visited_on = forms.DateField(
        label=_("Date of the visit"),
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy.")},
    )
    team = forms.CharField(
        label=_("Inspection team (one member per line)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units visited"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one unit visited."),
            "invalid_choice": _("A unit chosen is not one of this period's units."),
            "invalid_pk_value": _("A unit chosen is not one of this period's units."),
        },
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    files = MultipleFileField(
        label=_("Documents (minutes, report; PDF, Word, Excel, images)"), required=False
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["units"].label_from_instance = self.unit_label


class FindingForm(UnitLabelMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the units this inspection visited.")},
    )
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 4}))
    remedy = forms.CharField(
        label=_("What must be remedied"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    item_codes = forms.CharField(
        label=_("Index items concerned (codes, separated by commas)"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "1.1.2, 2.1.1", "autocomplete": "off"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = self.unit_label


class FindingTaskForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Draft plan"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the draft plans listed.")},
    )
    title = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    measurable_target = forms.CharField(
        label=_("Measurable target"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. every procedure published on the portal")}
        ),
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy.")},
    )
    owner_person = forms.CharField(label=_("Person in charge"), max_length=200, required=False)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda plan: plan.title
