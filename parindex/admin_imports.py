"""An admin page for importing a file through one of our import services, so that the admin and
the management commands report the same Vietnamese, row-numbered problems and import all or
nothing."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportActionMixin

from .tabular import CSVWithBOM, ImportFailed, SafeXLSX

ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".csv")


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit_mb = settings.PARINDEX_IMPORT_MAX_MB
        if upload.size > limit_mb * 1024 * 1024:
            raise ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit_mb})
        if not upload.name.lower().endswith(ACCEPTED_SUFFIXES):
            raise ValidationError(_("Use an Excel workbook (.xlsx) or a CSV file (.csv)."))
        return upload


class FileImportAdminMixin:
    """Adds `<changelist>/import-file/`. Subclasses set `import_form_class` and implement
    `run_import(request, form, data, filename) -> success message`, or, for files too large
    to read in a web process, `start_import_job(...) -> the URL of the job's page`."""

    import_form_class = ImportFileForm
    import_help = ""
    change_list_template = "admin/parindex/change_list_with_import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import-file/",
                self.admin_site.admin_view(self.import_file_view),
                name="{}_{}_import_file".format(*info),
            ),
            *super().get_urls(),
        ]

    def run_import(self, request, form, data: bytes, filename: str) -> str:
        raise NotImplementedError

    def start_import_job(self, request, form, data: bytes, filename: str) -> str | None:
        """Hand the file to a background job and return its page; None: imported here."""
        return None

    def import_file_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        problems = []
        form = self.import_form_class(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            job_url = self.start_import_job(request, form, data, upload.name)
            if job_url:
                return redirect(job_url)
            try:
                message = self.run_import(request, form, data, upload.name)
            except ImportFailed as failure:
                problems = failure.problems
            except ValidationError as exc:
                problems = exc.messages
            else:
                self.message_user(request, message, messages.SUCCESS)
                info = self.opts.app_label, self.opts.model_name
                return redirect(reverse("admin:{}_{}_changelist".format(*info)))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(name)s from a file") % {"name": self.opts.verbose_name_plural},
            "form": form,
            "problems": problems,
            "import_help": self.import_help,
        }
        return TemplateResponse(request, "admin/parindex/import_file.html", context)


class SpreadsheetExportMixin(ExportActionMixin):
    """import-export's export action, offering only what officials open: XLSX and CSV with BOM,
    each cell through the shared formula guard whatever the model's resource (the audit log has
    none of its own, and a note "=HYPERLINK(…)" became a formula cell)."""

    formats = [SafeXLSX, CSVWithBOM]
