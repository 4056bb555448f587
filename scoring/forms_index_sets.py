"""Forms of the set-up index-set editor: an item, the header with its decision, a band, and
the confirmations. Numbers are read by parindex.parsing (a decimal comma or dot); the service
checks the tree and the rule."""

from decimal import Decimal

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from parindex.parsing import ParseError, parse_decimal

from .models import ItemLevel, ScoringMethod

NUL_MESSAGE = _(
    "The text contains an invisible NUL character; retype it or paste it as plain text."
)


class TextField(forms.CharField):
    """A text field whose refusal of NUL characters is worded in Vietnamese."""

    def __init__(self, *args, rows: int | None = None, **kwargs):
        if rows:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(*args, **kwargs)
        self.validators = [
            ProhibitNullCharactersValidator(message=NUL_MESSAGE)
            if isinstance(v, ProhibitNullCharactersValidator)
            else v
            for v in self.validators
        ]


class NumberField(TextField):
    """A number typed as "1,5" or "1.5" (parindex.parsing), within 0 and `maximum`, with at
    most `places` decimals."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "sa-input--short"})

    def __init__(self, *args, maximum: Decimal, places: int = 2, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.maximum, self.places = maximum, places

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f").replace(".", ",")
        return value

    def clean(self, value):
        text = super().clean(value)
        try:
            number = parse_decimal(text, label=str(self.label))
        except ParseError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if number is None:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        if number < 0 or number > self.maximum:
            raise forms.ValidationError(
                _("Give a number from 0 to %(max)s.")
                % {"max": format(self.maximum.normalize(), "f").replace(".", ",")}
            )
        if -number.as_tuple().exponent > self.places:
            raise forms.ValidationError(
                _("Use at most %(places)s decimals.") % {"places": self.places}
            )
        return number


MAX_POINTS = Decimal("99999.99")


class IndexItemForm(forms.Form):
    """An item's fields; areas and criteria have no method or rule (their children score)."""

    level = forms.ChoiceField(
        label=_("Kind of item"),
        choices=[
            (ItemLevel.AREA, ItemLevel.AREA.label),
            (ItemLevel.BONUS, ItemLevel.BONUS.label),
            (ItemLevel.PENALTY, ItemLevel.PENALTY.label),
        ],
    )
    code = TextField(label=_("Code"), max_length=20, help_text=_("e.g. 1.2.3 under 1.2"))
    name = TextField(label=_("Name"), max_length=500, rows=2)
    guidance = TextField(label=_("Guidance"), max_length=5000, required=False, rows=3)
    max_points = NumberField(label=_("Max points"), maximum=MAX_POINTS)
    method = forms.ChoiceField(
        label=_("Scoring method"),
        required=False,
        choices=[("", _("Read from the rule")), *ScoringMethod.choices],
    )
    rule = TextField(
        label=_("Scoring rule"),
        max_length=2000,
        required=False,
        rows=3,
        help_text=_("e.g. “100%: 2; 90% - <100%: 1,5; <90%: 0” or “Có: 1; Không: 0”"),
    )
    evidence_required = forms.BooleanField(label=_("Evidence required"), required=False)
    not_applicable_allowed = forms.BooleanField(label=_("May be not applicable"), required=False)
    data_source = TextField(
        label=_("Data source"),
        max_length=200,
        required=False,
        help_text=_(
            "Only for a rule that scores a figure (ratio bands, proportional, per case): the "
            "system whose figures Home Affairs uploads, e.g. “Cổng Dịch vụ công quốc gia”. "
            "Units then see the figure and do not score the item. Empty: the unit scores it."
        ),
    )

    def __init__(self, *args, level: str | None, **kwargs):
        """`level` None: a new top-level item whose kind the officer picks."""
        super().__init__(*args, **kwargs)
        if level is not None:
            del self.fields["level"]
        if level in (ItemLevel.AREA, ItemLevel.CRITERION):
            for name in (
                "method",
                "rule",
                "evidence_required",
                "not_applicable_allowed",
                "data_source",
            ):
                del self.fields[name]
            self.fields["max_points"].help_text = _("Must equal the sum of its sub-items.")

    def values(self) -> dict:
        """What the service takes (the absent fields of an area or criterion defaulted)."""
        data = self.cleaned_data
        return {
            "code": data["code"],
            "name": data["name"],
            "guidance": data.get("guidance", ""),
            "max_points": data["max_points"],
            "method": data.get("method") or None,
            "rule": data.get("rule", ""),
            "evidence_required": data.get("evidence_required", False),
            "not_applicable_allowed": data.get("not_applicable_allowed", False),
            "data_source": data.get("data_source", ""),
        }


class IndexSetHeaderForm(forms.Form):
    name = TextField(label=_("Name"), max_length=255, required=False)
    decision_number = TextField(
        label=_("Decision number"), max_length=100, required=False, help_text=_("e.g. 1234/QĐ-UBND")
    )
    decision_date = forms.DateField(
        label=_("Decision date"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Write the date as dd/mm/yyyy, e.g. 15/01/2026.")},
    )
    decision_issuer = TextField(
        label=_("Issued by"),
        max_length=255,
        required=False,
        help_text=_("e.g. UBND tỉnh Hòa Bình"),
    )
    bonus_cap = NumberField(
        label=_("Bonus cap"),
        maximum=MAX_POINTS,
        required=False,
        help_text=_("Most bonus points a unit can receive in the period; empty = sum of lines."),
    )
    penalty_cap = NumberField(
        label=_("Penalty cap"),
        maximum=MAX_POINTS,
        required=False,
        help_text=_("Most penalty points a unit can lose in the period; empty = sum of lines."),
    )
    points_step = NumberField(
        label=_("Points step"),
        maximum=Decimal("999.99"),
        required=False,
        help_text=_("Typed points must be a multiple of this (e.g. 0,25); empty = any value."),
    )


class BandForm(forms.Form):
    label = TextField(label=_("Label"), max_length=100)
    min_percent = NumberField(label=_("Minimum index (%)"), maximum=Decimal("100"))


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
