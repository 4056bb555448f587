"""Forms of the period set-up pages: a new year from last year's, and the deadlines."""

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.models import AssessmentPeriod
from scoring.workflow import PeriodStatus

from .forms import LocalDateTimeField

DATETIME_TYPED = "%d/%m/%Y %H:%M"


class PeriodLabelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} — {obj.organiser.name} ({obj.get_status_display()})"


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
                # Typed as dd/mm/yyyy hh:mm whatever the browser's language.
                widget=forms.DateTimeInput(
                    format=DATETIME_TYPED,
                    attrs={"placeholder": _("dd/mm/yyyy hh:mm"), "inputmode": "numeric"},
                ),
            )
            for name in AssessmentPeriod.DEADLINE_FIELDS
        }
        self.fields = {**deadlines, **self.fields}
        if not self.opened:
            del self.fields["reason"]

    @property
    def deadlines(self) -> dict:
        """The typed deadlines; one shown to the minute and sent back as it was keeps its
        stored value (23:59:59 is shown 23:59 and must not count as a change)."""
        typed = {}
        for name in AssessmentPeriod.DEADLINE_FIELDS:
            value, stored = self.cleaned_data.get(name), getattr(self.period, name)
            same = (
                value is not None
                and stored is not None
                and value.replace(second=0, microsecond=0)
                == stored.replace(second=0, microsecond=0)
            )
            typed[name] = stored if same else value
        return typed

    def clean_reason(self):
        return " ".join(self.cleaned_data.get("reason", "").split())
