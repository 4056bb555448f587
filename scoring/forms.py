from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parindex.admin_imports import ImportFileForm
from parindex.text import normalize_text
from scoring.services.publication import (
    DECISION_NUMBER_MAX,
    DOCUMENT_NUMBER_DIGITS,
    EXCEPTION_REASON_MAX,
    RECIPIENTS_MAX,
    SIGNER_NAME_MAX,
    SIGNER_TITLE_MAX,
    DocumentElements,
    InputException,
    document_elements_check,
)

DOCUMENT_FIELDS = (
    "document_number",
    "decision_number",
    "decision_date",
    "signer_title",
    "signer_name",
    "recipients",
)


class PublishForm(forms.Form):
    """The confirmation, the reason of a new version, and one tick and one reason per unit
    whose survey or data items are missing (`missing`: scoring.selectors.publication's
    UnitMissing). One reason per unit, not per item: an officer's reason is the unit's
    ("xã mới thành lập, chưa khảo sát") and holds for all of its items; it is stored with each
    item. The publication service checks again that every missing input is named."""

    confirm = forms.BooleanField(
        label=_("I have checked the results and understand that they will become public."),
        error_messages={"required": _("Tick the box to confirm the publication.")},
    )
    reason = forms.CharField(
        label=_("Why the results are published again"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    # The official document's elements (Nghị định 30/2020), printed on every published PDF;
    # the organiser's signer and recipients are the defaults. The service checks them
    # (document_elements_check): its messages are shown beside the fields.
    document_number = forms.CharField(
        label=_("Number of the ranking report"),
        max_length=DOCUMENT_NUMBER_DIGITS,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "placeholder": "12"}),
        error_messages={
            "max_length": _("The document number has at most %(limit_value)s digits."),
        },
    )
    decision_number = forms.CharField(
        label=_("Number of the publishing decision"),
        max_length=DECISION_NUMBER_MAX,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "1520/QĐ-UBND"}),
        error_messages={
            "max_length": _("The decision number is at most %(limit_value)s characters long."),
        },
    )
    decision_date = forms.DateField(
        label=_("Date of the publishing decision (dd/mm/yyyy)"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Write the date as dd/mm/yyyy, e.g. 30/11/2026.")},
    )
    signer_title = forms.CharField(
        label=_("Signer's title (one line each, e.g. KT. GIÁM ĐỐC, then PHÓ GIÁM ĐỐC)"),
        max_length=SIGNER_TITLE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _("The signer's title is at most %(limit_value)s characters long."),
        },
    )
    signer_name = forms.CharField(
        label=_("Signer's name"),
        max_length=SIGNER_NAME_MAX,
        required=False,
        error_messages={
            "max_length": _("The signer's name is at most %(limit_value)s characters long."),
        },
    )
    recipients = forms.CharField(
        label=_("“Nơi nhận” (one recipient per line; “Lưu: VT” is added when missing)"),
        max_length=RECIPIENTS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={
            "max_length": _("“Nơi nhận” is at most %(limit_value)s characters long."),
        },
    )

    def __init__(self, *args, republishing: bool = False, missing=(), organiser=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.republishing = republishing
        self.missing = list(missing)
        self.organiser = organiser
        if organiser is not None:
            for name in ("signer_title", "signer_name", "recipients"):
                self.fields[name].initial = getattr(organiser, name)
        for name in DOCUMENT_FIELDS:
            # Django's own message for a NUL is English; the service's words instead.
            self.fields[name].error_messages["null_characters_not_allowed"] = _(
                "This field cannot contain a NUL character."
            )
        if not republishing:
            del self.fields["reason"]
        for unit in self.missing:
            pk = unit.assessment.pk
            self.fields[f"except_{pk}"] = forms.BooleanField(
                label=_("Publish without these inputs"), required=False
            )
            self.fields[f"except_reason_{pk}"] = forms.CharField(
                label=_("Reason (shown in the published report's notes)"),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=EXCEPTION_REASON_MAX,
                required=False,
                # The service's own words (Django's are English here).
                error_messages={
                    "null_characters_not_allowed": _("A reason cannot contain a NUL character."),
                    "max_length": _("A reason is at most %(limit_value)s characters long."),
                },
            )

    def clean_reason(self):
        reason = self.cleaned_data.get("reason", "").strip()
        if self.republishing and not reason:
            raise forms.ValidationError(_("Say which correction makes a new publication needed."))
        return reason

    def clean(self):
        cleaned = super().clean()
        for unit in self.missing:
            pk = unit.assessment.pk
            ticked, reason_field = f"except_{pk}", f"except_reason_{pk}"
            if reason_field in self.errors:
                continue
            if not cleaned.get(ticked):
                self.add_error(
                    ticked,
                    _("Tick the box to publish without these inputs, or enter them first."),
                )
            elif not normalize_text(cleaned.get(reason_field)):
                self.add_error(reason_field, _("Say why the unit is published without them."))
        if self.organiser is not None and not any(name in self.errors for name in DOCUMENT_FIELDS):
            try:
                document_elements_check(self.document(), self.organiser)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    self.add_error(name if name in self.fields else None, messages)
        return cleaned

    def document_fields(self):
        """The document's fields after its number, which the page lays out on its own."""
        return [self[name] for name in DOCUMENT_FIELDS[1:]]

    def document(self) -> DocumentElements:
        """The document's elements as typed (a field left empty prints empty: the officer saw
        the organiser's values and removed them)."""
        return DocumentElements(**{name: self.cleaned_data.get(name) for name in DOCUMENT_FIELDS})

    def exception_units(self):
        """(unit's missing inputs, its tick, its reason) for the page."""
        return [
            (
                unit,
                self[f"except_{unit.assessment.pk}"],
                self[f"except_reason_{unit.assessment.pk}"],
            )
            for unit in self.missing
        ]

    def exceptions(self) -> list[InputException]:
        """Every missing input of the units ticked, with the unit's reason."""
        return [
            InputException(gap.key, self.cleaned_data[f"except_reason_{unit.assessment.pk}"])
            for unit in self.missing
            if self.cleaned_data.get(f"except_{unit.assessment.pk}")
            for gap in unit.inputs
        ]


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
