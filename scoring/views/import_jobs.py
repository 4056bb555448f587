"""The page of one background import: its progress while a worker reads the file, then its
preview (what will change, or every problem) for the uploader to confirm or cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from units.import_jobs import (
    get_import_job_for_user,
    import_job_cancel,
    import_job_confirm,
    import_job_done_url,
)
from units.models import ImportJobStatus

# Seconds between reloads while the worker reads or applies the file.
REFRESH_SECONDS = 2


@login_required
@require_http_methods(["GET", "POST"])
def import_job_view(request, pk: int):
    job = get_import_job_for_user(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                import_job_confirm(job=job, by=request.user)
            elif action == "cancel":
                import_job_cancel(job=job, by=request.user)
        except (PermissionDenied, ValidationError) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
        return redirect("scoring:import_job", pk=job.pk)
    job.refresh_from_db()
    return render(
        request,
        "scoring/import_job.html",
        {
            "job": job,
            "statuses": ImportJobStatus,
            "refresh": REFRESH_SECONDS if job.working else None,
            "is_owner": job.owner_id == request.user.pk,
            "done_url": import_job_done_url(job),
            "preview_total": job.params.get("preview_total", len(job.preview or [])),
            "nothing_changes": bool(job.params.get("nothing_changes")),
        },
    )
