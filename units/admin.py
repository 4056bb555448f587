from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from parindex.admin_imports import FileImportAdminMixin, ImportFileForm, SpreadsheetExportMixin

from .duties import holding_conflict
from .import_jobs import import_job_create
from .imports import RANKING_GROUPS_IMPORT, UNITS_IMPORT
from .models import Organiser, RankingGroup, RoleGrant, Unit, UnitKind, User
from .resources import RankingGroupResource, UnitKindResource, UnitResource
from .second_factor import confirmed_device

admin.site.site_header = gettext_lazy("PAR Index portal — administration")
admin.site.site_title = gettext_lazy("PAR Index administration")
admin.site.index_title = gettext_lazy("System administration")


@admin.register(UnitKind)
class UnitKindAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    resource_classes = [UnitKindResource]
    list_display = ("code", "name", "short_name", "aliases", "position")
    list_editable = ("position",)
    search_fields = ("code", "name", "aliases")


@admin.register(Organiser)
class OrganiserAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "issuing_body", "place_name", "document_code", "signer_name")
    search_fields = ("code", "name")
    fieldsets = (
        (None, {"fields": ("code", "name", "issuing_body", "place_name")}),
        (
            gettext_lazy("Published documents (Nghị định 30/2020)"),
            {
                "fields": ("document_code", "signer_title", "signer_name", "recipients"),
                "description": gettext_lazy(
                    "The defaults of the publish page: printed on the ranking report, its "
                    "appendix and the scorecards of every publication."
                ),
            },
        ),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "signer_title":  # one line per printed line
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(RankingGroup)
class RankingGroupAdmin(FileImportAdminMixin, SpreadsheetExportMixin, admin.ModelAdmin):
    resource_classes = [RankingGroupResource]
    import_help = gettext_lazy(
        "Columns: code, name; optional: organiser (code), kind (unit kind code), position. "
        "Existing codes are updated."
    )
    list_display = ("code", "name", "organiser", "kind", "unit_count", "position")
    list_filter = ("organiser", "kind")
    search_fields = ("code", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(unit_total=Count("units"))

    @admin.display(description=gettext_lazy("units"), ordering="unit_total")
    def unit_count(self, group):
        return group.unit_total

    def start_import_job(self, request, form, data, filename):
        job = import_job_create(
            kind=RANKING_GROUPS_IMPORT, owner=request.user, data=data, filename=filename, params={}
        )
        return reverse("scoring:import_job", args=[job.pk])


class UnitImportForm(ImportFileForm):
    organiser = forms.ModelChoiceField(
        Organiser.objects.all(),
        required=False,
        label=gettext_lazy("Organiser"),
        help_text=gettext_lazy("For rows without an “organiser” column value."),
    )


@admin.register(Unit)
class UnitAdmin(FileImportAdminMixin, SpreadsheetExportMixin, admin.ModelAdmin):
    resource_classes = [UnitResource]
    import_form_class = UnitImportForm
    import_help = gettext_lazy(
        "Columns: code, name, kind, parent, group (ranking-group code, empty = not ranked); "
        "optional: organiser, active, valid_from_year, valid_to_year. Existing codes are "
        "updated. Rows are numbered as in Excel (the header is row 1)."
    )
    list_display = (
        "code",
        "name",
        "kind",
        "parent",
        "ranking_group",
        "active",
        "valid_from_year",
        "valid_to_year",
    )
    list_filter = ("kind", "organiser", "ranking_group", "active")
    search_fields = ("code", "name")
    list_select_related = ("kind", "parent", "ranking_group")
    autocomplete_fields = ("parent", "predecessors")
    list_per_page = 50

    def start_import_job(self, request, form, data, filename):
        """Read by a worker: a file of thousands of units held a web worker past its timeout."""
        organiser = form.cleaned_data.get("organiser")
        job = import_job_create(
            kind=UNITS_IMPORT,
            owner=request.user,
            data=data,
            filename=filename,
            params={"organiser_code": organiser.code if organiser else None},
            organiser=organiser,
        )
        return reverse("scoring:import_job", args=[job.pk])


class RoleGrantFormSet(forms.BaseInlineFormSet):
    """The grants the account would hold once saved, checked together by separation of duties
    (units.duties): the admin is a door that grants roles like the council and accounts pages."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        grants = [
            RoleGrant(
                user=self.instance,
                role=form.cleaned_data["role"],
                unit=form.cleaned_data.get("unit"),
                organiser=form.cleaned_data.get("organiser"),
            )
            for form in self.forms
            if form.cleaned_data.get("role") and not self._should_delete_form(form)
        ]
        # The database holds one grant per role and scope; the formset lists them all, so a
        # second line of the same one is refused here rather than by the database (a 500).
        seen = set()
        for grant in grants:
            key = (grant.role, grant.unit_id, grant.organiser_id)
            if key in seen:
                raise forms.ValidationError(
                    _("The account already holds %(role)s for %(scope)s: keep one line of it.")
                    % {"role": grant.get_role_display(), "scope": grant.unit or grant.organiser}
                )
            seen.add(key)
        self._refuse_taking_a_held_scope()
        conflict = holding_conflict(user=self.instance, grants=grants)
        if conflict:
            raise forms.ValidationError(conflict)

    def _refuse_taking_a_held_scope(self):
        """Lines are saved one by one: an existing line changed to the role and scope another
        line holds now (two lines swapping their units) would hit the database's one grant per
        role and scope before that other line moves away — a 500. Refused here instead."""
        if self.instance.pk is None:
            return
        held = {
            (role, unit_id, organiser_id): pk
            for pk, role, unit_id, organiser_id in RoleGrant.objects.filter(
                user=self.instance
            ).values_list("pk", "role", "unit_id", "organiser_id")
        }
        for form in self.forms:
            pk = form.instance.pk
            if not pk or self._should_delete_form(form) or not form.has_changed():
                continue
            data = form.cleaned_data
            unit, organiser = data.get("unit"), data.get("organiser")
            key = (data.get("role"), unit.pk if unit else None, organiser.pk if organiser else None)
            if held.get(key, pk) != pk:
                raise forms.ValidationError(
                    _(
                        "Change one line at a time: another line of this account holds "
                        "%(role)s for %(scope)s now. Save that line's change first."
                    )
                    % {"role": form.instance.get_role_display(), "scope": unit or organiser}
                )


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    formset = RoleGrantFormSet
    extra = 0
    autocomplete_fields = ("unit", "scoped_units")
    fields = ("role", "unit", "organiser", "area_codes", "scoped_units")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleGrantInline]
    list_display = ("username", "full_name", "email", "job_title", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (gettext_lazy("Personal info"), {"fields": ("full_name", "job_title", "email", "phone")}),
        (gettext_lazy("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (gettext_lazy("Important dates"), {"fields": ("last_login", "date_joined")}),
        (gettext_lazy("Second factor"), {"fields": ("second_factor",)}),
    )
    readonly_fields = ("second_factor",)
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=gettext_lazy("Authenticator app"))
    def second_factor(self, user):
        """A lost phone is reset on the portal's own page, which asks for a reason and audits."""
        if user.pk is None or confirmed_device(user) is None:
            return _("not set up")
        url = reverse("scoring:second_factor_reset", args=[user.pk])
        return format_html('{} — <a href="{}">{}</a>', _("set up"), url, _("Remove"))


# Devices are removed only through the audited reset page (scoring.views.second_factor).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
