"""Forms of the remediation plans: the target rank asked for, a draft's heading and document
elements, a task, and the issuing confirmation. The services check again and word the
refusals; the forms only parse what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.remediation import (
    CONCLUSION_MAX,
    MEASURABLE_TARGET_MAX,
    OWNER_PERSON_MAX,
    PLAN_TITLE_MAX,
    TASK_TITLE_MAX,
)
from scoring.services.publication import DOCUMENT_NUMBER_DIGITS, RECIPIENTS_MAX
from scoring.services.remediation_plans import PlanHeader, TaskInput

NUL_MESSAGE = _("This field cannot contain a NUL character.")
TOO_LONG = _("At most %(limit_value)s characters.")


def _text_field(label, limit, *, required=False, textarea_rows=None, **kwargs):
    widget = forms.Textarea(attrs={"rows": textarea_rows}) if textarea_rows else None
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        strip=False,  # the service trims and normalises
        widget=widget,
        error_messages={
            "max_length": TOO_LONG,
            "null_characters_not_allowed": NUL_MESSAGE,
        },
        **kwargs,
    )


class TargetForm(forms.Form):
    """The rank a unit aims at, from the target page's GET form."""

    rank = forms.IntegerField(
        label=_("Target rank"),
        min_value=1,
        error_messages={
            "invalid": _("The target rank is a whole number, e.g. 2."),
            "min_value": _("The target rank is at least 1."),
        },
    )


class DocumentFieldsMixin(forms.Form):
    """The official document's elements (Nghị định 30/2020) of a plan: "Số: 12/KH-SNV", the
    signer, "Nơi nhận". Checked by the publication's own rules (plan_document_check)."""

    document_number = forms.CharField(
        label=_("Document number"),
        max_length=DOCUMENT_NUMBER_DIGITS,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "placeholder": "12"}),
        error_messages={
            "max_length": _("The document number has at most %(limit_value)s digits."),
            "null_characters_not_allowed": NUL_MESSAGE,
        },
    )
    signer_title = _text_field(
        _("Signer's title (one line each, e.g. KT. GIÁM ĐỐC, then PHÓ GIÁM ĐỐC)"),
        200,
        textarea_rows=2,
    )
    signer_name = _text_field(_("Signer's name"), 100)
    recipients = _text_field(
        _("“Nơi nhận” (one recipient per line)"), RECIPIENTS_MAX, textarea_rows=5
    )


class PlanHeaderForm(DocumentFieldsMixin):
    title = _text_field(_("Title"), PLAN_TITLE_MAX, required=True)
    conclusion = _text_field(
        _("Conclusions: weak areas, causes, what must change"), CONCLUSION_MAX, textarea_rows=8
    )
    target_rank = forms.IntegerField(
        label=_("Target rank in the group (optional)"),
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("The target rank is a whole number, e.g. 2."),
            "min_value": _("The target rank is at least 1."),
        },
    )
    field_order = [
        "title",
        "target_rank",
        "conclusion",
        "document_number",
        "signer_title",
        "signer_name",
        "recipients",
    ]

    def __init__(self, *args, plan, **kwargs):
        initial = {
            name: getattr(plan, name)
            for name in (
                "title",
                "conclusion",
                "target_rank",
                "document_number",
                "signer_title",
                "signer_name",
                "recipients",
            )
        }
        super().__init__(*args, initial=initial, **kwargs)
        if plan.unit_id is None:
            del self.fields["target_rank"]

    def header(self) -> PlanHeader:
        return PlanHeader(
            title=self.cleaned_data["title"],
            conclusion=self.cleaned_data.get("conclusion", ""),
            target_rank=self.cleaned_data.get("target_rank"),
            document_number=self.cleaned_data.get("document_number", ""),
            signer_title=self.cleaned_data.get("signer_title", ""),
            signer_name=self.cleaned_data.get("signer_name", ""),
            recipients=self.cleaned_data.get("recipients", ""),
        )


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code}. {obj.name}"


class TaskForm(forms.Form):
    title = _text_field(_("Task"), TASK_TITLE_MAX, required=True, textarea_rows=3)
    owner_unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=None,
        error_messages={
            "required": _("Choose the responsible unit."),
            "invalid_choice": _("The responsible unit must be one of this organiser's units."),
        },
    )
    owner_person = _text_field(_("Person in charge (optional)"), OWNER_PERSON_MAX)
    deadline = forms.DateField(
        label=_("Deadline (dd/mm/yyyy)"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "required": _("Give the deadline (dd/mm/yyyy)."),
            "invalid": _("Write the date as dd/mm/yyyy, e.g. 30/11/2026."),
        },
    )
    measurable_target = _text_field(
        _("Measurable target (e.g. full points on sub-criterion 1.1.2)"),
        MEASURABLE_TARGET_MAX,
        required=True,
    )
    items = ItemChoiceField(
        label=_("Sub-criteria addressed"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={
            "invalid_choice": _("Choose sub-criteria of the published index set."),
            "invalid_pk_value": _("Choose sub-criteria of the published index set."),
        },
    )

    def __init__(self, *args, owners, items, task=None, **kwargs):
        if task is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "title": task.title,
                "owner_unit": task.owner_unit_id,
                "owner_person": task.owner_person,
                "deadline": task.deadline,
                "measurable_target": task.measurable_target,
                "items": [item.pk for item in task.items.all()],
            }
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = owners
        # Every sub-criterion of the publication's sets parses; the service refuses one that
        # is not of the owner's own set, with its code.
        self.fields["items"].queryset = items

    def task_input(self) -> TaskInput:
        data = self.cleaned_data
        return TaskInput(
            title=data["title"],
            owner_unit=data["owner_unit"],
            owner_person=data.get("owner_person", ""),
            deadline=data["deadline"],
            measurable_target=data["measurable_target"],
            items=tuple(data.get("items") or ()),
        )


class PlanIssueForm(DocumentFieldsMixin):
    confirm = forms.BooleanField(
        label=_(
            "I confirm: the plan is issued as it stands, every responsible unit is told of its "
            "tasks, and the plan can no longer be changed."
        ),
        error_messages={"required": _("Tick the box to confirm issuing the plan.")},
    )

    def __init__(self, *args, plan, **kwargs):
        initial = {
            name: getattr(plan, name)
            for name in ("document_number", "signer_title", "signer_name", "recipients")
        }
        super().__init__(*args, initial=initial, **kwargs)

    def header(self) -> PlanHeader:
        return PlanHeader(
            title="",
            document_number=self.cleaned_data.get("document_number", ""),
            signer_title=self.cleaned_data.get("signer_title", ""),
            signer_name=self.cleaned_data.get("signer_name", ""),
            recipients=self.cleaned_data.get("recipients", ""),
        )
