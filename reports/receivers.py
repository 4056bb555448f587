"""What reports does when scoring says something happened (scoring never imports reports)."""

from django.conf import settings
from django.dispatch import receiver

from scoring.signals import plan_issued, results_published

from .services import plan_documents_request, publication_documents_request


@receiver(results_published, dispatch_uid="reports.publication_documents")
def render_publication_documents(sender, *, publication, **kwargs) -> None:
    """A version was published: record its official documents, kept with it, and queue their
    builds (unless REPORTS_RENDER_PUBLISHED_DOCUMENTS is off)."""
    publication_documents_request(
        publication=publication, build=settings.REPORTS_RENDER_PUBLISHED_DOCUMENTS
    )


@receiver(plan_issued, dispatch_uid="reports.plan_documents")
def render_plan_documents(sender, *, plan, **kwargs) -> None:
    """A remediation plan was issued: record its official document (PDF and Word), kept with
    it, and queue their builds for once the issue commits."""
    plan_documents_request(plan=plan)
