"""Who may read a report: whoever asked for it, and whoever builds reports for its organiser."""

from django.http import Http404

from units.access import organisers_for
from units.roles import Permission

from .models import Report


def get_report_for_user(user, pk: int) -> Report:
    report = Report.objects.select_related("period").filter(pk=pk).first()
    if report is None or not user.is_authenticated:
        raise Http404
    if report.requested_by_id == user.pk:
        return report
    organisers = organisers_for(user, Permission.BUILD_REPORTS)
    if report.period_id and organisers.filter(pk=report.period.organiser_id).exists():
        return report
    raise Http404  # no hint that a report someone else asked for exists
