"""A report is a row: what was asked, by whom, how far the worker got, the file or the error."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scoring.models import AssessmentPeriod, Publication


class ReportKind(models.TextChoices):
    """One kind per renderer in reports.renderers."""

    INDEX_SET_WORKBOOK = "index_set_workbook", _("Index set (Excel)")
    RANKING_PDF = "ranking", _("Ranking report (PDF)")
    BREAKDOWN_PDF = "breakdown", _("Area breakdown (PDF appendix)")
    SCORECARD_PDF = "scorecard", _("Unit scorecard (PDF)")
    RESULTS_WORKBOOK = "workbook", _("Results workbook (Excel)")


# The reports of a period's results, in the order the page offers them.
PERIOD_REPORT_KINDS = (
    ReportKind.RANKING_PDF,
    ReportKind.BREAKDOWN_PDF,
    ReportKind.SCORECARD_PDF,
    ReportKind.RESULTS_WORKBOOK,
)


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def report_upload_to(instance, filename):
    return f"reports/{instance.created_at:%Y/%m}/{instance.pk}-{filename}"


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

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)
