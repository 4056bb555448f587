from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from .models import Report, ReportStatus


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "kind",
        "period",
        "status",
        "progress",
        "requested_by",
        "created_at",
        "download",
    )
    list_filter = ("kind", "status")
    exclude = ("file",)
    readonly_fields = (
        "kind",
        "period",
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
