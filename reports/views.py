from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.urls import reverse

from .access import get_report_for_user
from .models import ReportStatus


@login_required
def report_status(request, pk: int):
    report = get_report_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": report.status,
            "status_label": report.get_status_display(),
            "progress": report.progress,
            "error": report.error,
            "download_url": reverse("reports:download", args=[report.pk])
            if report.status == ReportStatus.DONE
            else None,
        }
    )


@login_required
def report_download(request, pk: int):
    report = get_report_for_user(request.user, pk)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404
    name = report.file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=name)
