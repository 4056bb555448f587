"""The system admin's view of the cycle. Periods and index sets are edited here (audited);
assessments, scores, evidence and survey results belong to the officials who enter them and are
read-only; the audit log can be read and exported, never changed."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q, Sum
from django.forms.models import BaseInlineFormSet
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters

import units.admin  # noqa: F401  (registered first, replaced below by audited subclasses)
from parindex.admin_imports import FileImportAdminMixin, ImportFileForm, SpreadsheetExportMixin
from units.models import Organiser, RankingGroup, RoleGrant, Unit, UnitKind, User

from .exceptions import Refused
from .models import (
    Assessment,
    AssessmentPeriod,
    AuditAction,
    AuditEntry,
    Band,
    Evidence,
    ImprovementFile,
    IndexItem,
    IndexSet,
    Inspection,
    InspectionFinding,
    ItemLevel,
    Notification,
    RemediationPlan,
    RemediationTask,
    Score,
    SurveyResult,
    TaskProgress,
)
from .resources import IndexItemResource
from .services import audit
from .services.index_set_import import index_set_import
from .services.index_sets import (
    index_items_refresh_rules,
    index_set_clone,
    index_set_in_use,
    index_set_problems,
)
from .services.periods import period_for_year, period_open, period_open_assessments
from .workflow import PeriodStatus


class AuditedAdminMixin:
    """Every change saved through the admin — of the object and of its inlines — goes to the
    audit log, field by field. The database still holds the old values when save_* runs."""

    audit_reason = gettext_lazy("Changed in the administration")

    def save_model(self, request, obj, form, change):
        before = _snapshot_from_db(obj, form.changed_data) if change else {}
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(audit.created(actor=request.user, obj=obj, reason=str(self.audit_reason)))
        else:
            form.audit_before = before  # recorded in save_related, once many-to-many is saved

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(form, "audit_before", None)
        if change and before is not None:
            audit.record(
                audit.field_changes(
                    action=AuditAction.UPDATE,
                    actor=request.user,
                    obj=form.instance,
                    before=before,
                    after=_snapshot(form.instance, list(before)),
                    reason=str(self.audit_reason),
                )
            )

    def save_formset(self, request, form, formset, change):
        # Deletions are recorded first: a deleted object no longer has its primary key.
        for inline in formset.deleted_forms:
            if inline.instance.pk:
                audit.record(
                    audit.deleted(
                        actor=request.user, obj=inline.instance, reason=str(self.audit_reason)
                    )
                )
        befores = {
            inline.instance.pk: _snapshot_from_db(inline.instance, inline.changed_data)
            for inline in formset.forms
            if inline.instance.pk and inline.has_changed()
        }
        super().save_formset(request, form, formset, change)
        reason = str(self.audit_reason)
        audit.record(
            *(
                audit.field_changes(
                    action=AuditAction.UPDATE,
                    actor=request.user,
                    obj=instance,
                    before=befores.get(instance.pk, {}),
                    after=_snapshot(instance, list(befores.get(instance.pk, {}))),
                    reason=reason,
                )
                for instance, _fields in formset.changed_objects
            ),
            [
                audit.created(actor=request.user, obj=instance, reason=reason)
                for instance in formset.new_objects
            ],
        )

    def delete_model(self, request, obj):
        audit.record(audit.deleted(actor=request.user, obj=obj, reason=str(self.audit_reason)))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


# Never on the trail, whatever form carries them.
UNAUDITED_FIELDS = frozenset({"password"})


def _snapshot_from_db(obj, changed: list[str]) -> dict[str, str]:
    return _snapshot(type(obj).objects.get(pk=obj.pk), changed)


def _snapshot(obj, changed: list[str]) -> dict[str, str]:
    """Concrete fields by their audited value; many-to-many ones (an appraiser's units) as the
    sorted names they hold."""
    concrete = {field.name for field in obj._meta.concrete_fields} - UNAUDITED_FIELDS
    many = {field.name for field in obj._meta.many_to_many}
    snapshot = audit.audit_snapshot(obj, [name for name in changed if name in concrete])
    for name in changed:
        if name in many:
            snapshot[name] = "; ".join(sorted(str(related) for related in getattr(obj, name).all()))
    return snapshot


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentPeriod)
class AssessmentPeriodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "year",
        "name",
        "organiser",
        "status",
        "self_assessment_deadline",
        "assessment_count",
    )
    list_filter = ("organiser", "status")
    # A status moves only through the workflow's services (the actions below, the dashboard),
    # never by editing the field: each move is checked and audited there. Deadlines are Home
    # Affairs' (set-up and the dashboard's *gia hạn*), not the system admin's (units.roles).
    readonly_fields = (
        "status",
        "published_at",
        "self_assessment_deadline",
        "appraisal_deadline",
        "explanation_deadline",
        "second_appraisal_deadline",
        "publication_deadline",
    )
    actions = ["open_period", "open_assessments"]

    @admin.display(description=gettext_lazy("assessments"))
    def assessment_count(self, period):
        return period.assessments.count()

    @admin.action(
        description=gettext_lazy("Create the missing assessments of the selected periods")
    )
    def open_assessments(self, request, queryset):
        # A period being set up gets its assessments when it opens (period_open), with the
        # units and groups of that moment; creating them earlier would keep units that a
        # reorganisation ends before the opening.
        setting_up = [period for period in queryset if period.status == PeriodStatus.SETUP]
        if setting_up:
            self.message_user(
                request,
                _("%(periods)s: still being set up; the assessments are created when it opens.")
                % {"periods": ", ".join(str(period) for period in setting_up)},
                messages.WARNING,
            )
        created = sum(
            period_open_assessments(period=period, by=request.user)
            for period in queryset
            if period.status != PeriodStatus.SETUP
        )
        self.message_user(
            request,
            ngettext("%(count)s assessment created.", "%(count)s assessments created.", created)
            % {"count": created},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Open the selected periods for self-assessment"))
    def open_period(self, request, queryset):
        for period in queryset:
            try:
                period_open(period=period, by=request.user)
            except (Refused, PermissionDenied) as exc:
                self.message_user(request, f"{period}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(period)s is open for self-assessment.") % {"period": period},
                    messages.SUCCESS,
                )

    def has_delete_permission(self, request, obj=None):
        return False  # a period's history is kept; nothing is deleted


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


class IndexItemFormSet(BaseInlineFormSet):
    """Edits are checked as a whole by the index-set service: each parent's maximum must still
    equal its children's sum, every rule must still read as its method, and a set units already
    work with keeps how it scores."""

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return  # a set being added has no tree to check yet (sets come from the import)
        overrides = {
            form.instance.pk: {
                name: form.cleaned_data[name]
                for name in (
                    "max_points",
                    "rule",
                    "method",
                    "not_applicable_allowed",
                    "data_source",
                )
                if name in form.cleaned_data
            }
            for form in self.forms
            if form.instance.pk and form.has_changed()
        }
        problems = index_set_problems(
            list(self.instance.items.all()), overrides, in_use=index_set_in_use(self.instance)
        )
        if problems:
            raise ValidationError(problems)


class IndexItemInline(admin.TabularInline):
    """Text, points and rules can be corrected here; adding or removing items means importing a
    new version, so the tree's structure is never half-edited."""

    model = IndexItem
    formset = IndexItemFormSet
    extra = 0
    can_delete = False
    fields = (
        "code",
        "level",
        "name",
        "max_points",
        "method",
        "rule",
        "evidence_required",
        "not_applicable_allowed",
        "data_source",
    )
    readonly_fields = ("code", "level")
    ordering = ("position",)
    formfield_overrides = {}

    def has_add_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {
            "name": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "rule": forms.Textarea(attrs={"rows": 2, "cols": 40}),
        }
        return super().get_formset(request, obj, **kwargs)


class IndexSetImportForm(ImportFileForm):
    period = forms.ModelChoiceField(
        AssessmentPeriod.objects.all(), label=gettext_lazy("Assessment period")
    )
    unit_kind = forms.ModelChoiceField(UnitKind.objects.all(), label=gettext_lazy("Unit kind"))


@admin.register(IndexSet)
class IndexSetAdmin(FileImportAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    import_form_class = IndexSetImportForm
    import_help = gettext_lazy(
        "A workbook with a “criteria” sheet (code, name, max_points, method, rule, "
        "evidence_required, survey) and an optional “bands” sheet (label, min_percent), or the "
        "same columns as CSV. The sample layout with area/criterion/sub-criterion columns is "
        "also accepted. The file becomes the new current version for the period and unit kind."
    )
    list_display = (
        "__str__",
        "period",
        "unit_kind",
        "version",
        "is_current",
        "item_count",
        "total_max",
    )
    list_filter = ("period__year", "unit_kind", "is_current")
    readonly_fields = ("version", "is_current", "cloned_from", "created_at", "source")
    inlines = [BandInline, IndexItemInline]
    actions = ["clone_to_next_year"]  # reports.admin adds the export to Excel

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("period", "unit_kind")
            .annotate(
                sub_criteria=Count("items", filter=Q(items__level=ItemLevel.SUB_CRITERION)),
                max_total=Sum("items__max_points", filter=Q(items__level=ItemLevel.AREA)),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # A set stays in its period and unit kind: moving it would detach its assessments.
        extra = ("period", "unit_kind") if obj is not None else ()
        return (*self.readonly_fields, *extra)

    @admin.display(description=gettext_lazy("sub-criteria"), ordering="sub_criteria")
    def item_count(self, index_set):
        return index_set.sub_criteria

    @admin.display(description=gettext_lazy("total max points"), ordering="max_total")
    def total_max(self, index_set):
        return index_set.max_total

    def run_import(self, request, form, data, filename):
        index_set = index_set_import(
            period=form.cleaned_data["period"],
            unit_kind=form.cleaned_data["unit_kind"],
            data=data,
            filename=filename,
            by=request.user,
        )
        return _("Imported “%(set)s”: %(count)s sub-criteria.") % {
            "set": index_set,
            "count": index_set.items.filter(level="sub_criterion").count(),
        }

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is IndexItem:
            edited = [
                item
                for item, fields in formset.changed_objects
                if "rule" in fields or "max_points" in fields or "method" in fields
            ]
            index_items_refresh_rules(items=edited, by=request.user)

    @admin.action(description=gettext_lazy("Copy the selected index sets to the next year"))
    def clone_to_next_year(self, request, queryset):
        for index_set in queryset.select_related("period"):
            target = period_for_year(
                organiser=index_set.period.organiser,
                year=index_set.period.year + 1,
                by=request.user,
            )
            try:
                clone = index_set_clone(source=index_set, period=target, by=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                continue
            self.message_user(request, _("Copied to “%(set)s”.") % {"set": clone}, messages.SUCCESS)


@admin.register(IndexItem)
class IndexItemAdmin(ReadOnlyAdminMixin, SpreadsheetExportMixin, admin.ModelAdmin):
    """Browse and export items (filter by index set first: the export keeps the import layout)."""

    resource_classes = [IndexItemResource]
    list_display = (
        "code",
        "name",
        "level",
        "max_points",
        "method",
        "data_source",
        "evidence_required",
        "index_set",
    )
    list_filter = ("index_set__period__year", "index_set__unit_kind", "level", "method")
    search_fields = ("code", "name")
    list_select_related = ("index_set__period", "index_set__unit_kind")


class ScoreInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Score
    fields = (
        "item",
        "self_points",
        "self_ratio",
        "not_applicable",
        "appraisal_points",
        "final_points",
    )
    readonly_fields = fields


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "period", "status", "submitted_at", "finalised_at")
    list_filter = ("period__year", "status", "unit__kind")
    search_fields = ("unit__code", "unit__name")
    list_select_related = ("unit", "period")
    inlines = [ScoreInline]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "assessment",
        "item",
        "self_points",
        "appraisal_points",
        "final_points",
        "not_applicable",
    )
    list_filter = ("assessment__period__year",)
    search_fields = ("assessment__unit__code", "item__code")
    list_select_related = ("assessment__unit", "assessment__period", "item")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "assessment",
        "stage",
        "document_number",
        "document_date",
        "uploaded_by",
        "uploaded_at",
    )
    list_filter = ("stage", "assessment__period__year")
    search_fields = ("document_number", "original_name", "assessment__unit__name")
    exclude = ("file",)  # files are opened through the portal's permission-checked views
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """To answer "did they get told?": who, what, when read and when e-mailed."""

    list_display = ("created_at", "recipient", "kind", "subject", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "subject")
    list_select_related = ("recipient",)


@admin.register(SurveyResult)
class SurveyResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("assessment", "item", "ratio", "points")
    list_filter = ("assessment__period__year",)
    list_select_related = ("assessment__unit", "assessment__period", "item")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor",
        "object_repr",
        "action",
        "field",
        "old_value",
        "new_value",
        "reason",
    )
    list_filter = ("action", "period")
    search_fields = ("object_repr", "field", "reason", "actor__username")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)


# Improvement after publication: plans, tasks, progress and inspections are the officials' own
# work, changed only through the portal's pages (each change audited); the admin reads them.


@admin.register(RemediationPlan)
class RemediationPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "period", "unit", "kind", "status", "issued_at")
    list_filter = ("status", "kind", "period__year")
    search_fields = ("title", "unit__name", "document_number")
    list_select_related = ("period", "unit")


@admin.register(RemediationTask)
class RemediationTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "plan", "owner_unit", "deadline", "status")
    list_filter = ("status", "plan__period__year")
    search_fields = ("title", "owner_unit__name", "owner_person")
    list_select_related = ("plan", "owner_unit")


@admin.register(TaskProgress)
class TaskProgressAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("reported_at", "task", "status", "reported_by")
    list_filter = ("status",)
    list_select_related = ("task", "reported_by")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "period", "visited_on", "created_by")
    list_filter = ("period__year",)
    search_fields = ("title", "team")
    list_select_related = ("period", "created_by")


@admin.register(InspectionFinding)
class InspectionFindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "inspection", "unit")
    search_fields = ("text", "unit__name")
    list_select_related = ("inspection", "unit")


@admin.register(ImprovementFile)
class ImprovementFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("original_name", "progress", "inspection", "size", "uploaded_by", "uploaded_at")
    search_fields = ("original_name", "sha256")
    exclude = ("file",)  # opened through the portal's permission-checked views
    list_select_related = ("progress", "inspection", "uploaded_by")


# The accounts and units admin lives in units, below scoring; the audit trail is scoring's. So
# audited subclasses take their places here: a role granted or withdrawn, an account switched
# off or made system admin, a unit renamed in the admin is on the trail like the same change
# made on the council, accounts and set-up pages.
class AuditedUserAdminMixin:
    """What the accounts admin changes besides the form's fields: a password set (never the
    password itself), and the role grants a deleted account loses by cascade."""

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        before = User.objects.filter(pk=unquote(id)).values_list("password", flat=True).first()
        response = super().user_change_password(request, id, form_url)
        user = User.objects.filter(pk=unquote(id)).first()
        if request.method == "POST" and user is not None and user.password != before:
            audit.record(
                audit.account_changed(
                    actor=request.user,
                    user=user,
                    field="password_set",
                    new="1" if user.has_usable_password() else "0",
                    reason=str(self.audit_reason),
                )
            )
        return response

    def delete_model(self, request, obj):
        # The grants go with the account (on_delete CASCADE): each on the trail first, while
        # they still have their primary keys. delete_queryset deletes through this one.
        reason = str(self.audit_reason)
        audit.record(
            [
                audit.deleted(actor=request.user, obj=grant, reason=reason)
                for grant in obj.role_grants.select_related("unit", "organiser")
            ]
        )
        super().delete_model(request, obj)


_AUDITED_EXTRA = {User: (AuditedUserAdminMixin,)}

for _model in (User, RoleGrant, Unit, Organiser, RankingGroup, UnitKind):
    if admin.site.is_registered(_model):
        _admin_class = type(admin.site.get_model_admin(_model))
        admin.site.unregister(_model)
        admin.site.register(
            _model,
            type(
                f"Audited{_admin_class.__name__}",
                (*_AUDITED_EXTRA.get(_model, ()), AuditedAdminMixin, _admin_class),
                {},
            ),
        )
