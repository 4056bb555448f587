"""Forms of the period set-up pages: a new year from last year's, and the deadlines."""

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.models import AssessmentPeriod
from scoring.workflow import PeriodStatus

from .forms import LocalDateTimeField


class PeriodLabelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.year} — {obj} ({obj.organiser.name})"


class PeriodCreateForm(forms.Form):
    source = PeriodLabelChoiceField(
        label=_("Copy from the period"),
        queryset=AssessmentPeriod.objects.none(),
        empty_label=None,
        help_text=_(
            "Its current index sets (items, rules, bands, caps) and its tie-breaker are copied. "
            "Ranking groups and the council are the organiser's and stay as they are."
        ),
        error_messages={
            "required": _("Choose the period to copy from."),
            "invalid_choice": _("Choose one of the listed periods."),
        },
    )
    year = forms.IntegerField(
        label=_("Year of the new period"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Give the year of the new period."),
            "invalid": _("Give the year as a number, e.g. 2027."),
        },
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = periods


class DeadlinesForm(forms.Form):
    """The five deadlines of AssessmentPeriod.DEADLINE_FIELDS, dd/mm/yyyy hh:mm, and — once the
    period is open — the reason for changing them."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Units and council members concerned are told the new time and this reason."),
    )

    def __init__(self, *args, period: AssessmentPeriod, **kwargs):
        initial = {name: getattr(period, name) for name in AssessmentPeriod.DEADLINE_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        self.period = period
        self.opened = period.status != PeriodStatus.SETUP
        deadlines = {
            name: LocalDateTimeField(
                label=AssessmentPeriod._meta.get_field(name).verbose_name.capitalize(),
                required=False,
                help_text=_("dd/mm/yyyy hh:mm"),
            )
            for name in AssessmentPeriod.DEADLINE_FIELDS
        }
        self.fields = {**deadlines, **self.fields}
        if not self.opened:
            del self.fields["reason"]

    @property
    def deadlines(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in AssessmentPeriod.DEADLINE_FIELDS}

    def clean_reason(self):
        return " ".join(self.cleaned_data.get("reason", "").split())
