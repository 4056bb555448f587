from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.admin import IndexSetAdmin
from scoring.models import IndexSet

from .models import IS_DOCUMENT, Report, ReportKind, ReportStatus
from .services import report_request

# The index-set admin belongs to scoring, which must not depend on reports: reports extends it
# with the export, as Django's own pattern for adding to another app's admin.
admin.site.unregister(IndexSet)


@admin.register(IndexSet)
class IndexSetWithExportAdmin(IndexSetAdmin):
    actions = ["export_workbook", *IndexSetAdmin.actions]

    @admin.action(description=gettext_lazy("Export the selected index sets to Excel"))
    def export_workbook(self, request, queryset):
        for index_set in queryset:
            report_request(
                kind=ReportKind.INDEX_SET_WORKBOOK,
                requested_by=request.user,
                period=index_set.period,
                params={"index_set_id": index_set.pk},
            )
        self.message_user(
            request,
            _("The workbooks are being built; download them from Reports when they are ready."),
            messages.SUCCESS,
        )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "kind",
        "period",
        "publication",
        "status",
        "progress",
        "requested_by",
        "created_at",
        "download",
    )
    list_filter = ("kind", "status", ("publication", admin.EmptyFieldListFilter))
    exclude = ("file",)
    readonly_fields = (
        "kind",
        "period",
        "publication",
        "plan",
        "params",
        "status",
        "progress",
        "error",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "download",
    )

    @admin.display(description=gettext_lazy("file"))
    def download(self, report):
        if report.status != ReportStatus.DONE:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("reports:download", args=[report.pk]),
            gettext_lazy("Download"),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # An official document is kept (reports.models.DocumentKept).
        if obj is not None and obj.is_document:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        kept = queryset.filter(IS_DOCUMENT)
        if kept.exists():
            self.message_user(
                request,
                _("Official documents (of a publication or a plan) are kept and were not deleted."),
                messages.WARNING,
            )
        queryset.exclude(IS_DOCUMENT).delete()
