"""A period's reports as Home Affairs asks for them: the page, building in the background (eager
here, a real worker on Redis in CI), following progress, retrying a failure, the permission
matrix, and the `build_report` command."""

import io
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.models import Report, ReportKind, ReportStatus
from reports.services import period_report_request
from scoring.models import AssessmentPeriod
from tests.reports.pdfs import pdf_pages

pytestmark = pytest.mark.django_db


def url(period):
    return reverse("reports:period", args=[period.pk])


@pytest.fixture
def period(period_with_scores):
    return period_with_scores


def test_home_affairs_asks_for_a_report_and_gets_the_file(
    client, personas, period, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    page = client.get(url(period))
    assert page.status_code == 200
    assert _("Ranking report (PDF)") in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued after commit
        response = client.post(url(period), {"kind": ReportKind.RANKING_PDF})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.kind, report.period, report.requested_by) == (
        ReportKind.RANKING_PDF,
        period,
        personas["home_affairs"],
    )
    assert report.status == ReportStatus.DONE, report.error  # eager: built at once
    status = client.get(reverse("reports:status", args=[report.pk])).json()
    assert status["progress"] == 100 and status["download_url"]
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_scorecard_needs_one_of_the_periods_units(client, personas, period):
    client.force_login(personas["home_affairs"])
    client.post(url(period), {"kind": ReportKind.SCORECARD_PDF})
    assert not Report.objects.exists()
    client.post(url(period), {"kind": ReportKind.SCORECARD_PDF, "unit": personas["unit_a"].pk})
    report = Report.objects.get()
    assert report.params["unit_id"] == personas["unit_a"].pk


def test_an_unknown_kind_changes_nothing(client, personas, period):
    client.force_login(personas["home_affairs"])
    response = client.post(url(period), {"kind": "index_set_workbook"})
    assert response.status_code == 200 and not Report.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("staff_a", 404),
        ("staff_b", 404),
        ("appraiser", 404),
        ("chair", 403),
        ("home_affairs", 200),
        ("admin", 200),
    ],
)
def test_permission_matrix(client, personas, period, persona, status):
    client.force_login(personas[persona])
    assert client.get(url(period)).status_code == status
    posted = client.post(url(period), {"kind": ReportKind.RANKING_PDF})
    assert posted.status_code == (302 if status == 200 else status)
    assert Report.objects.exists() == (status == 200)


def test_anonymous_visitors_are_sent_to_log_in(client, period):
    assert client.get(url(period)).status_code == 302


def test_a_failed_report_is_built_again_as_the_same_row(
    client, personas, period, django_capture_on_commit_callbacks
):
    report = Report.objects.create(
        kind=ReportKind.RANKING_PDF,
        period=period,
        status=ReportStatus.FAILED,
        error="Lỗi hệ thống",
        requested_by=personas["home_affairs"],
    )
    client.force_login(personas["home_affairs"])
    page = client.get(url(period)).content.decode()
    assert reverse("reports:retry", args=[report.pk]) in page and "Lỗi hệ thống" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("reports:retry", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.error == ""
    assert Report.objects.count() == 1
    client.post(reverse("reports:retry", args=[report.pk]))  # done: nothing to retry
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    client.force_login(personas["staff_a"])
    assert client.post(reverse("reports:retry", args=[report.pk])).status_code == 404


@pytest.mark.integration
def test_the_ranking_is_built_by_a_real_celery_worker_on_redis(celery_worker_process, personas):
    period = _two_unit_period(personas)
    report = period_report_request(
        period=period, kind=ReportKind.RANKING_PDF, by=personas["home_affairs"]
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            break
        time.sleep(0.3)
    assert report.status == ReportStatus.DONE, report.error
    assert report.file.read().startswith(b"%PDF")


def _two_unit_period(personas) -> AssessmentPeriod:
    from decimal import Decimal

    from scoring.models import Score
    from scoring.workflow import AssessmentStatus
    from tests.factories import AssessmentFactory, IndexSetFactory, PeriodFactory, small_tree

    period = PeriodFactory(organiser=personas["organiser"], year=2025)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    for key, points in (("unit_a", "1"), ("unit_b", "0.5")):
        assessment = AssessmentFactory(
            period=period,
            unit=personas[key],
            index_set=index_set,
            status=AssessmentStatus.APPRAISED,
        )
        Score.objects.create(
            assessment=assessment, item=tree["1.1.1"], final_points=Decimal(points)
        )
    return period


# ---------------------------------------------------------------- the command


def test_build_report_writes_each_kind_of_the_demo_year(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    stored = Report.objects.count()  # the demo's publications keep their documents
    for kind in ("ranking", "breakdown", "workbook"):
        out = io.StringIO()
        call_command(
            "build_report", "--year", "2025", "--kind", kind, "--out", str(tmp_path), stdout=out
        )
    files = sorted(path.suffix for path in tmp_path.iterdir())
    assert files == [".pdf", ".pdf", ".xlsx"]
    scorecard = tmp_path / "phieu.pdf"
    call_command(
        "build_report", "--year", "2025", "--kind", "scorecard", "--unit", "STP",
        "--out", str(scorecard), stdout=io.StringIO(),
    )  # fmt: skip
    assert "Sở Tư pháp" in pdf_pages(scorecard.read_bytes())[0]
    assert Report.objects.count() == stored  # the command stores nothing


def test_build_report_says_what_is_wrong(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command(
            "build_report", "--year", "2025", "--kind", "scorecard", "--out", str(tmp_path)
        )
    with pytest.raises(CommandError):
        call_command("build_report", "--year", "1999", "--kind", "ranking", "--out", str(tmp_path))


def test_a_results_report_is_read_only_by_who_builds_reports_now(client, personas, period):
    """Whoever asked for it once, as Home Affairs, loses it with the role: it holds every unit."""
    from units.roles import Role

    report = period_report_request(
        period=period, kind=ReportKind.RANKING_PDF, by=personas["home_affairs"]
    )
    officer = personas["home_affairs"]
    client.force_login(officer)
    assert client.get(reverse("reports:status", args=[report.pk])).status_code == 200
    officer.role_grants.update(role=Role.UNIT_STAFF, unit=personas["unit_b"], organiser=None)
    client.force_login(type(officer).objects.get(pk=officer.pk))
    for name in ("reports:status", "reports:download"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
    assert client.post(reverse("reports:retry", args=[report.pk])).status_code == 404


def test_a_report_that_cannot_be_queued_waits_and_the_sweep_queues_it_again(
    client, personas, period, django_capture_on_commit_callbacks, monkeypatch
):
    from reports.services import build_report, reports_queue_again

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(build_report, "apply_async", broker_down)
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(period), {"kind": ReportKind.RANKING_PDF})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == ReportStatus.QUEUED and report.unqueued_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert reports_queue_again() == 1  # still down: marked again, still waiting
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED and report.unqueued_at is not None
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        reports_queue_again()  # the broker is back: handed over (built here, eagerly)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.unqueued_at is None


def test_a_report_queued_long_ago_and_never_started_is_failed_by_the_periodic_task(period):
    from datetime import timedelta

    from django.utils import timezone

    from reports.tasks import fail_stale_reports

    lost = Report.objects.create(kind=ReportKind.RANKING_PDF, period=period)
    Report.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = Report.objects.create(kind=ReportKind.RANKING_PDF, period=period)
    assert fail_stale_reports.delay().get() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == (ReportStatus.FAILED, ReportStatus.QUEUED)
