"""The progress report form (status, what was done, files) and the dashboard's filters. The
service checks everything again (scoring.services.remediation_progress); the form words the
refusals beside their fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.parsing import parse_id

from .models import TaskStatus
from .remediation import PROGRESS_NOTE_MAX
from .selectors.remediation_progress import OVERDUE
from .services.evidence import ALLOWED_FILE_TYPES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe): a list, possibly empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(ALLOWED_FILE_TYPES)})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        return [
            super(MultipleFileField, self).clean(upload, initial) for upload in uploads if upload
        ]


class TaskProgressForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=TaskStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the task's status."),
            "invalid_choice": _("Choose the task's status."),
        },
    )
    note = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=PROGRESS_NOTE_MAX,
        error_messages={
            "required": _("Say what was done."),
            "max_length": _("What was done is at most %(limit_value)s characters long."),
            "null_characters_not_allowed": _(
                "What was done cannot contain control characters (such as NUL)."
            ),
        },
    )
    files = MultipleFileField(
        label=_("Files (optional)"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument or images; several at once."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that a report, once sent, is kept as it is and cannot be edited."),
        error_messages={"required": _("Tick the box to send the report.")},
    )


class DashboardFilterForm(forms.Form):
    """Status (or overdue), unit and plan; anything unreadable is ignored, never an error."""

    def __init__(self, data, *, units, plans):
        super().__init__(data)
        self.fields["status"] = forms.ChoiceField(
            label=_("Status"),
            required=False,
            choices=[("", _("All")), (OVERDUE, _("Overdue")), *TaskStatus.choices],
        )
        self.fields["unit"] = forms.ChoiceField(
            label=_("Unit"),
            required=False,
            choices=[("", _("All"))] + [(str(u.pk), f"{u.code} — {u.name}") for u in units],
        )
        self.fields["plan"] = forms.ChoiceField(
            label=_("Plan"),
            required=False,
            choices=[("", _("All"))] + [(str(p.pk), f"{p.period.year} — {p.title}") for p in plans],
        )

    def value(self, name: str):
        """The chosen value; empty (or None for an id) when nothing valid was chosen."""
        self.is_valid()  # a field with an unknown value drops out of cleaned_data
        raw = self.cleaned_data.get(name, "")
        return raw if name == "status" else parse_id(raw)
