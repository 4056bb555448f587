"""A report is a row: what was asked, by whom, how far the worker got, the file or the error."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scoring.models import AssessmentPeriod, Publication, RemediationPlan


class ReportKind(models.TextChoices):
    """One kind per renderer in reports.renderers."""

    INDEX_SET_WORKBOOK = "index_set_workbook", _("Index set (Excel)")
    RANKING_PDF = "ranking", _("Ranking report (PDF)")
    BREAKDOWN_PDF = "breakdown", _("Area breakdown (PDF appendix)")
    SCORECARD_PDF = "scorecard", _("Unit scorecard (PDF)")
    RESULTS_WORKBOOK = "workbook", _("Results workbook (Excel)")
    PLAN_PDF = "plan_pdf", _("Plan document (PDF)")
    PLAN_DOCX = "plan_docx", _("Plan document (Word)")


# The reports of a period's results, in the order the page offers them.
PERIOD_REPORT_KINDS = (
    ReportKind.RANKING_PDF,
    ReportKind.BREAKDOWN_PDF,
    ReportKind.SCORECARD_PDF,
    ReportKind.RESULTS_WORKBOOK,
)

# The official document of an issued remediation plan, in both formats: the PDF to print and
# sign, the Word copy to edit.
PLAN_DOCUMENT_KINDS = (ReportKind.PLAN_PDF, ReportKind.PLAN_DOCX)


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def report_upload_to(instance, filename):
    plan = instance.plan
    if plan is not None:
        period = plan.period
        return f"plans/{period.year}/{period.pk}/{plan.pk}/{filename}"
    publication = instance.publication
    if publication is not None:
        # Kept with the version, under a name a person can read: no id in front.
        period = publication.period
        return f"publications/{period.year}/{period.pk}/v{publication.version}/{filename}"
    return f"reports/{instance.created_at:%Y/%m}/{instance.pk}-{filename}"


class DocumentKept(PermissionError):
    """A ready official document — of a publication, or of an issued plan — is kept as it was
    issued: never rebuilt, replaced or deleted."""


# An official document, not a report asked for: kept with a publication or an issued plan.
IS_DOCUMENT = models.Q(publication__isnull=False) | models.Q(plan__isnull=False)


class ReportQuerySet(models.QuerySet):
    def kept(self):
        """The ready official documents: immutable."""
        return self.filter(IS_DOCUMENT, status=ReportStatus.DONE)

    def update(self, **kwargs):
        if self.kept().exists():
            raise DocumentKept("A ready official document cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.kept().exists():
            raise DocumentKept("A ready official document cannot be deleted.")
        return super().delete()


class Report(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=ReportKind.choices)
    period = models.ForeignKey(
        AssessmentPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("assessment period"),
    )
    # A document of a publication: rendered once when the version is published, kept with it
    # and served to the public; never rebuilt once ready (a republication renders its own).
    publication = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("publication"),
    )
    # The official document of an issued remediation plan (PLAN_DOCUMENT_KINDS): rendered once
    # when the plan is issued and kept with it, like a publication's.
    plan = models.ForeignKey(
        RemediationPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("remediation plan"),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True, max_length=300)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Who builds it: the Celery worker's node name and process id ("celery@host 1234"), so that
    # a build whose worker was killed is known for lost before the time limit ends.
    worker = models.CharField(_("built by"), max_length=200, blank=True)
    # Builds started since it was requested (or retried): a report that kills its worker each
    # time fails instead of being handed back to the queue for ever.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the broker refused its build (Redis down): it waits, queued, for the sweep to queue
    # it again (reports_fail_stale, every minute).
    unqueued_at = models.DateTimeField(_("not handed over at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(publication__isnull=True) | models.Q(plan__isnull=True),
                name="report_document_of_one",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        if self.is_kept:
            raise DocumentKept("A ready official document cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_kept:
            raise DocumentKept("A ready official document cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def is_document(self) -> bool:
        """An official document (of a publication or a plan), built once and kept."""
        return self.publication_id is not None or self.plan_id is not None

    @property
    def is_kept(self) -> bool:
        """A ready document of a publication, as stored, whatever this copy says (see
        DocumentKept)."""
        return self.pk is not None and type(self).objects.filter(pk=self.pk).kept().exists()

    @property
    def file_name(self) -> str:
        """The name to download the file as: "bao-cao-xep-hang-2025-v1.pdf"."""
        name = self.file.name.rsplit("/", 1)[-1] if self.file else ""
        if not self.is_document:
            name = name.split("-", 1)[-1]  # on-demand reports: "<id>-" in front
        return name
