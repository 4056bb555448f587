"""The council member form: an account (existing, or a new one), the role, and for an appraiser
the areas and units. Rules beyond the shape of the input live in scoring.services.council."""

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.selectors.council import CouncilArea, council_account
from scoring.services.council import new_account_errors
from units.models import RoleGrant, Unit
from units.roles import Role

ALL, SOME = "all", "some"
SURVEY_ONLY = _("survey results only, entered by Home Affairs")


class CouncilMemberForm(forms.Form):
    account = forms.CharField(
        label=_("Existing account"),
        help_text=_("The person's username or e-mail address in the portal."),
        max_length=254,
        required=False,
    )
    new_full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    new_email = forms.CharField(label=_("E-mail address"), max_length=254, required=False)
    new_username = forms.CharField(
        label=_("Username"),
        max_length=150,
        required=False,
        help_text=_("Letters without diacritics, digits and . @ + - _ only, e.g. “thamdinh.stp”."),
    )
    role = forms.ChoiceField(
        label=_("Role in the council"),
        choices=[
            (Role.APPRAISER.value, Role.APPRAISER.label),
            (Role.COUNCIL_CHAIR.value, Role.COUNCIL_CHAIR.label),
        ],
        initial=Role.APPRAISER.value,
        widget=forms.RadioSelect,
    )
    area_scope = forms.ChoiceField(
        label=_("Areas"),
        choices=[(SOME, _("Only the areas ticked")), (ALL, _("Every area"))],
        initial=SOME,
        widget=forms.RadioSelect,
    )
    area_codes = forms.MultipleChoiceField(
        label=_("Areas appraised"), required=False, widget=forms.CheckboxSelectMultiple
    )
    unit_scope = forms.ChoiceField(
        label=_("Units"),
        choices=[(ALL, _("Every unit of the organiser")), (SOME, _("Only the units ticked"))],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    units = forms.TypedMultipleChoiceField(
        label=_("Units appraised"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    NEW_ACCOUNT_FIELDS = ("new_full_name", "new_email", "new_username")

    def __init__(
        self,
        *args,
        areas: list[CouncilArea],
        units: list[Unit],
        editing: RoleGrant | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.units_by_pk = {unit.pk: unit for unit in units}
        self.fields["area_codes"].choices = [
            (area.code, area.label if area.appraised else f"{area.label} ({SURVEY_ONLY})")
            for area in areas
        ]
        self.fields["units"].choices = [(unit.pk, unit.name) for unit in units]
        if editing is not None:
            for name in ("account", *self.NEW_ACCOUNT_FIELDS):
                del self.fields[name]
            self.initial.update(
                role=editing.role,
                area_scope=SOME if editing.area_codes else ALL,
                area_codes=editing.area_code_list,
                unit_scope=SOME if editing.scoped_units.all() else ALL,
                units=[unit.pk for unit in editing.scoped_units.all()],
            )
        if not areas:  # no index set yet: an appraiser can only be given every area
            self.initial["area_scope"] = ALL

    @property
    def selected_unit_ids(self) -> set[int]:
        """Units to show ticked: what was posted, or the membership being edited."""
        values = self["units"].value() or []
        ids = set()
        for value in values:
            try:
                ids.add(int(value))
            except (TypeError, ValueError):
                continue
        return ids

    def clean(self):
        data = super().clean()
        if self.editing is None:
            self._clean_account(data)
        if data.get("role") != Role.APPRAISER:
            # The chair appraises every area of every unit: ticks left from "appraiser" go.
            data["area_codes"], data["units"] = [], []
            return data
        if data.get("area_scope") == ALL:
            data["area_codes"] = []
        elif not data.get("area_codes") and "area_codes" not in self.errors:
            self.add_error(
                "area_codes",
                _("Tick at least one area, or choose “every area”.")
                if self.fields["area_codes"].choices
                else _("This period has no index set yet: choose “every area”."),
            )
        if data.get("unit_scope") == ALL:
            data["units"] = []
        elif not data.get("units") and "units" not in self.errors:
            self.add_error("units", _("Tick at least one unit, or choose “every unit”."))
        data["units"] = [self.units_by_pk[pk] for pk in data.get("units") or []]
        return data

    def _clean_account(self, data) -> None:
        account = data.get("account", "").strip()
        new = any(data.get(name, "").strip() for name in self.NEW_ACCOUNT_FIELDS)
        data["user"] = None
        if account and new:
            self.add_error(
                None,
                _("Either choose an existing account or create a new one, not both."),
            )
        elif account:
            data["user"] = council_account(account)
            if data["user"] is None:
                self.add_error(
                    "account",
                    _(
                        "No single account has this username or e-mail address. Check it, "
                        "write the username, or create a new account below."
                    ),
                )
        elif new:
            # Said now, with any other problem of the form, rather than after they are fixed.
            problems = new_account_errors(
                full_name=data.get("new_full_name", ""),
                email=data.get("new_email", ""),
                username=data.get("new_username", ""),
            )
            for name, message in problems.items():
                self.add_error(name, message)
        else:
            self.add_error(
                "account", _("Choose an existing account, or fill in a new account below.")
            )
