"""Forms of Home Affairs' unit pages: each reorganisation with its year and legal basis, the
sheet of changes, and a unit's ranking group in one period."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parindex.admin_imports import ImportFileForm
from scoring.selectors.units_setup import units_by_codes
from units.models import Organiser, RankingGroup, UnitKind
from units.reorganisation import Decision, NewUnit

CODES = re.compile(r"[,;\s]+")


def _codes(text: str) -> list[str]:
    return [code for code in CODES.split(text or "") if code]


def _common(values):
    values = set(values)
    return values.pop() if len(values) == 1 else None


class OrganiserChoiceMixin:
    """The organiser a new unit or a sheet belongs to: asked only of those who act for several."""

    def setup_organiser(self, organisers):
        self.organisers = list(organisers)
        field = self.fields["organiser"]
        field.queryset = Organiser.objects.filter(pk__in=[o.pk for o in self.organisers])
        if len(self.organisers) == 1:
            field.initial = self.organisers[0].pk
            field.widget = forms.HiddenInput()


class ChangeBasisForm(forms.Form):
    """The year a change takes effect and the decision it rests on."""

    year = forms.IntegerField(
        label=_("Takes effect in (year)"),
        min_value=2000,
        max_value=2100,
        error_messages={"required": _("Give the year from which the change applies.")},
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_date = forms.DateField(
        label=_("Decision date (dd/mm/yyyy)"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(
            number=data.get("decision_number", ""),
            day=data.get("decision_date"),
            note=data.get("note", ""),
        )


def _group_field():
    return forms.ModelChoiceField(
        label=_("Ranking group"),
        queryset=RankingGroup.objects.none(),
        required=False,
        empty_label=_("— not ranked —"),
    )


def _kind_field(required: bool):
    return forms.ModelChoiceField(
        label=_("Unit kind"), queryset=UnitKind.objects.all(), required=required
    )


class UnitAddForm(OrganiserChoiceMixin, ChangeBasisForm):
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=Organiser.objects.none())
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = _kind_field(True)
    ranking_group = _group_field()
    field_order = ["organiser", "code", "name", "kind", "ranking_group", "year"]

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_organiser(organisers)
        self.fields["ranking_group"].queryset = RankingGroup.objects.filter(
            organiser__in=self.organisers
        )

    def new_unit(self) -> NewUnit:
        data = self.cleaned_data
        return NewUnit(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            ranking_group=data.get("ranking_group"),
        )


class UnitRenameForm(ChangeBasisForm):
    name = forms.CharField(label=_("New name"), max_length=255)
    field_order = ["name", "year"]


class UnitDissolveForm(ChangeBasisForm):
    pass


class UnitMergeForm(OrganiserChoiceMixin, ChangeBasisForm):
    # Only needed when the codes are used by several of the organisers one acts for.
    organiser = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organiser.objects.none(), required=False
    )
    sources = forms.CharField(
        label=_("Codes of the units merged, separated by commas"),
        max_length=2000,
        error_messages={"required": _("Give the codes of the units merged.")},
    )
    into_code = forms.CharField(
        label=_("Code of the existing unit they join (leave empty to create a new unit)"),
        max_length=32,
        required=False,
    )
    new_code = forms.CharField(label=_("Code of the new unit"), max_length=32, required=False)
    new_name = forms.CharField(label=_("Name of the new unit"), max_length=255, required=False)
    kind = _kind_field(False)
    ranking_group = _group_field()
    field_order = [
        "organiser",
        "sources",
        "into_code",
        "new_code",
        "new_name",
        "kind",
        "ranking_group",
        "year",
    ]

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_organiser(organisers)
        self.fields["ranking_group"].queryset = RankingGroup.objects.filter(
            organiser__in=self.organisers
        )
        self.fields["kind"].help_text = _("Empty: the kind of the merged units.")
        self.fields["ranking_group"].help_text = _("Empty: the group of the merged units.")

    def clean(self):
        data = super().clean()
        chosen = data.get("organiser")
        organisers = [chosen] if chosen else self.organisers
        sources, unknown, ambiguous = units_by_codes(organisers, _codes(data.get("sources", "")))
        if unknown:
            self.add_error(
                "sources", _("Unknown unit code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        if ambiguous:
            self.add_error(
                "organiser",
                _("Several organisers have units coded %(codes)s: choose the organiser.")
                % {"codes": ", ".join(ambiguous)},
            )
        data["source_units"] = sources
        data["into_unit"], data["new_unit"] = None, None
        into_code = (data.get("into_code") or "").strip()
        if into_code:
            # The unit they join is the merged units' organiser's.
            own = {unit.organiser for unit in sources} or set(organisers)
            into, missing, unclear = units_by_codes(list(own), [into_code])
            if missing or unclear:
                self.add_error(
                    "into_code", _("No unit has the code “%(code)s”.") % {"code": into_code}
                )
            else:
                data["into_unit"] = into[0]
            return data
        if not data.get("new_code") or not data.get("new_name"):
            raise ValidationError(
                _(
                    "Give the code of the existing unit they join, or the code and name of a "
                    "new unit."
                )
            )
        kind = data.get("kind") or _common(unit.kind for unit in sources)
        if kind is None and sources:
            self.add_error("kind", _("The merged units are of different kinds: choose one."))
        group = data.get("ranking_group") or _common(unit.ranking_group for unit in sources)
        data["new_unit"] = NewUnit(
            code=data["new_code"], name=data["new_name"], kind=kind, ranking_group=group
        )
        return data


class UnitSplitForm(ChangeBasisForm):
    parts = forms.CharField(
        label=_("The new units, one per line: code; name"),
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "XA01A; Xã Hòa An\nXA01B; Xã Hòa Bình"}
        ),
        error_messages={"required": _("List the new units.")},
    )
    kind = _kind_field(False)
    ranking_group = _group_field()
    field_order = ["parts", "kind", "ranking_group", "year"]

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["ranking_group"].queryset = RankingGroup.objects.filter(
            organiser=source.organiser_id
        )
        self.fields["kind"].help_text = _("Empty: the kind of the unit split.")
        self.fields["ranking_group"].help_text = _("Empty: the group of the unit split.")

    def clean_parts(self):
        parts = []
        for number, line in enumerate(self.cleaned_data["parts"].splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, name = line.partition(";")
            if not sep or not code.strip() or not name.strip():
                raise ValidationError(_("Line %(n)s: write “code; name”.") % {"n": number})
            parts.append((code.strip(), name.strip()))
        return parts

    def new_units(self) -> list[NewUnit]:
        data = self.cleaned_data
        kind = data.get("kind") or self.source.kind
        group = data.get("ranking_group") or self.source.ranking_group
        return [
            NewUnit(code=code, name=name, kind=kind, ranking_group=group)
            for code, name in data["parts"]
        ]


class UnitSheetForm(OrganiserChoiceMixin, ImportFileForm):
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=Organiser.objects.none())

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_organiser(organisers)


class UnitFilterForm(forms.Form):
    kind = forms.ModelChoiceField(
        label=_("Unit kind"),
        queryset=UnitKind.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    year = forms.IntegerField(
        label=_("Existing in (year)"), min_value=2000, max_value=2100, required=False
    )
    q = forms.CharField(label=_("Name or code"), max_length=100, required=False)


class GroupChangeForm(forms.Form):
    group = _group_field()

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = RankingGroup.objects.filter(organiser=period.organiser_id)
