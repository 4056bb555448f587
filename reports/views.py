"""Following a report being built, downloading it, and a period's page of reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.parsing import parse_id
from scoring.access import get_period_for_user, get_plan_for_user
from scoring.models import Assessment
from scoring.selectors.results import latest_publication
from units.models import Unit
from units.roles import Permission

from .access import get_report_for_user, plan_documents_retryable_by
from .models import PERIOD_REPORT_KINDS, Report, ReportKind, ReportStatus
from .selectors import period_published_documents
from .services import period_report_request, plan_documents_retry, report_retry


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
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file_name)


# ---------------------------------------------------------------- a period's reports

PER_PAGE = 20


@login_required
@require_http_methods(["GET", "POST"])
def period_reports(request, pk: int):
    """Home Affairs asks for the period's reports and follows them being built, and follows
    the official documents of each published version."""
    period = get_period_for_user(request.user, pk, Permission.BUILD_REPORTS)
    if request.method == "POST":
        unit = None
        if parse_id(request.POST.get("unit")):
            unit = Unit.objects.filter(
                pk=parse_id(request.POST["unit"]), organiser_id=period.organiser_id
            ).first()
        try:
            report = period_report_request(
                period=period, kind=request.POST.get("kind", ""), by=request.user, unit=unit
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("“%(report)s” is being built; the link appears here when it is ready.")
                % {"report": report.get_kind_display()},
            )
            return redirect(f"{reverse('reports:period', args=[period.pk])}#report-{report.pk}")
    reports = (
        Report.objects.filter(period=period, kind__in=PERIOD_REPORT_KINDS, publication__isnull=True)
        .select_related("requested_by")
        .order_by("-created_at")
    )
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    units = (
        Unit.objects.filter(assessments__in=Assessment.objects.taking_part().filter(period=period))
        .order_by("kind__position", "name")
        .distinct()
    )
    return render(
        request,
        "reports/period_reports.html",
        {
            "period": period,
            "page": page,
            "units": units,
            "kinds": [(kind.value, kind.label) for kind in PERIOD_REPORT_KINDS],
            "scorecard": ReportKind.SCORECARD_PDF.value,
            "published": latest_publication(period) is not None,
            "versions": period_published_documents(period),
        },
    )


@login_required
@require_POST
def report_retry_view(request, pk: int):
    report = get_report_for_user(request.user, pk)
    try:
        report_retry(report=report, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The report is being built again."))
    if report.plan_id:
        return redirect(
            f"{reverse('reports:plan_documents', args=[report.plan_id])}#plan-documents"
        )
    if report.period_id:
        return redirect(f"{reverse('reports:period', args=[report.period_id])}#report-{report.pk}")
    return redirect("home")


# ---------------------------------------------------------------- a plan's official document

PLAN_FORMATS = {
    "pdf": (ReportKind.PLAN_PDF, "application/pdf", False),  # opened in the browser, to read
    "docx": (
        ReportKind.PLAN_DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        True,  # saved, to edit
    ),
}


@login_required
@require_GET
def plan_document_download(request, pk: int, fmt: str):
    """An issued plan's document, for whoever may read the plan (scoring.access)."""
    plan = get_plan_for_user(request.user, pk)
    if fmt not in PLAN_FORMATS:
        raise Http404
    kind, content_type, attachment = PLAN_FORMATS[fmt]
    report = plan.documents.filter(kind=kind, status=ReportStatus.DONE).exclude(file="").first()
    if report is None:
        raise Http404
    return FileResponse(
        report.file.open("rb"),
        as_attachment=attachment,
        filename=report.file_name,
        content_type=content_type,
    )


@login_required
@require_GET
def plan_documents_page(request, pk: int):
    """The plan's official document, its state and downloads (the plan's own page includes the
    same block, templates/scoring/remediation/_plan_documents.html)."""
    plan = get_plan_for_user(request.user, pk)
    return render(request, "reports/plan_documents.html", {"plan": plan})


@login_required
@require_POST
def plan_documents_retry_view(request, pk: int):
    """Home Affairs builds a plan's failed documents again."""
    plan = get_plan_for_user(request.user, pk)
    if not plan_documents_retryable_by(request.user, plan):
        raise PermissionDenied
    try:
        plan_documents_retry(plan=plan, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan's documents are being built again."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("reports:plan_documents", args=[plan.pk])
    return redirect(f"{target}#plan-documents")
