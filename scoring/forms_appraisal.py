"""Forms of the council's and Home Affairs' appraisal pages. The item input is read by the view
itself (like the self-assessment autosave): its rules live in scoring.services.appraisal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import LocalDateTimeField
from .workflow import PeriodStatus

ADVANCE_TARGETS = (
    PeriodStatus.APPRAISAL,
    PeriodStatus.EXPLANATION,
    PeriodStatus.SECOND_APPRAISAL,
    PeriodStatus.FINALISING,
)


class PeriodAdvanceForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Move the period to"),
        choices=[(status.value, status.label) for status in ADVANCE_TARGETS],
        error_messages={"invalid_choice": _("Choose one of the rounds offered.")},
    )
    deadline = LocalDateTimeField(label=_("Units may answer until"), required=False)
    # The rounds only move forward: a slip of the mouse must not move a whole province.
    confirm = forms.BooleanField(
        label=_("I confirm: every unit moves with the period, and it cannot go back."),
        error_messages={"required": _("Tick the box to confirm the move.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target") == PeriodStatus.EXPLANATION and not cleaned.get("deadline"):
            self.add_error("deadline", _("Give the deadline for the units' answers."))
        return cleaned


class AppraisalReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the appraisal is reopened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Please give a reason for reopening.")},
    )


class ItemReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What the appraiser should look at again"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": _("Tell the appraiser what to look at again.")},
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
