"""A worker killed in the middle of a report: the report never stays 'being built'. With a real
worker on Redis (integration): the build is handed to the next worker and finishes, or the
sweep fails it with a retry that works. Without one: the sweep and the retry know a build
whose worker process is gone from one whose worker still runs."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Report, ReportKind, ReportStatus
from reports.services import (
    period_report_request,
    report_build,
    report_retry,
    reports_fail_stale,
    this_worker,
    worker_lost_error,
)
from tests.reports.test_report_pages import _two_unit_period

LOST = "Dịch vụ tạo báo cáo bị dừng khi đang tạo. Vui lòng thử lại."


def dead_pid() -> int:
    """The id of a process of this machine that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def period(personas):
    return _two_unit_period(personas)


def running_report(period, personas, *, worker: str, started_ago=timedelta(minutes=1)) -> Report:
    report = Report.objects.create(
        kind=ReportKind.RANKING_PDF,
        period=period,
        requested_by=personas["home_affairs"],
        status=ReportStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker=worker,
        attempts=1,
    )
    return report


def wait_until_finished(report: Report, seconds: float, *, sweep=False) -> Report:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if sweep:
            reports_fail_stale()  # as beat would, every minute
        report.refresh_from_db()
        if report.is_finished:
            return report
        time.sleep(0.5)
    return report


# ---------------------------------------------------------------- without a worker


@pytest.mark.django_db
def test_the_sweep_fails_a_build_whose_worker_is_gone_with_a_retry(
    client, personas, period, django_capture_on_commit_callbacks
):
    report = running_report(period, personas, worker=f"celery@{os.uname().nodename} {dead_pid()}")
    alive = running_report(period, personas, worker=this_worker("celery@" + os.uname().nodename))
    assert reports_fail_stale() == 1
    report.refresh_from_db()
    alive.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.error == LOST
    assert alive.status == ReportStatus.RUNNING  # its worker (this process) is alive

    client.force_login(personas["home_affairs"])
    page = client.get(reverse("reports:period", args=[report.period_id]))
    assert LOST in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:retry", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE  # built again (eagerly here)
    assert report.attempts == 0


@pytest.mark.django_db
def test_home_affairs_may_retry_a_lost_build_before_the_sweep(
    personas, period, django_capture_on_commit_callbacks
):
    report = running_report(period, personas, worker=f"celery@{os.uname().nodename} {dead_pid()}")
    with django_capture_on_commit_callbacks(execute=True):
        report_retry(report=report, by=personas["home_affairs"])
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE


@pytest.mark.django_db
def test_a_build_a_live_worker_runs_is_neither_retried_nor_taken_over(client, personas, period):
    worker = this_worker("celery@" + os.uname().nodename)
    report = running_report(period, personas, worker=worker)
    client.force_login(personas["home_affairs"])
    response = client.post(reverse("reports:retry", args=[report.pk]), follow=True)
    assert "Chỉ tạo lại được báo cáo bị lỗi." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING
    # A redelivered task in another worker leaves it to the live one.
    assert report_build(report_id=report.pk, worker="celery@elsewhere 1").status == "running"
    report.refresh_from_db()
    assert report.worker == worker


@pytest.mark.django_db
def test_a_redelivered_task_takes_over_a_build_whose_worker_is_gone(personas, period):
    report = running_report(period, personas, worker=f"celery@{os.uname().nodename} {dead_pid()}")
    built = report_build(report_id=report.pk, worker=this_worker("celery@here"))
    assert built.status == ReportStatus.DONE and built.file.name


@pytest.mark.django_db
def test_a_report_that_kills_every_worker_fails_instead_of_looping(personas, period):
    report = running_report(period, personas, worker=f"celery@{os.uname().nodename} {dead_pid()}")
    Report.objects.filter(pk=report.pk).update(attempts=services.MAX_BUILD_ATTEMPTS)
    built = report_build(report_id=report.pk, worker=this_worker("celery@here"))
    assert built.status == ReportStatus.FAILED and built.error == worker_lost_error()


# ---------------------------------------------------------------- a real worker, killed


def kill_worker(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()  # reaped: its pid is gone, as a dead worker's is


def started(report: Report, seconds=60) -> Report:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status == ReportStatus.RUNNING and report.worker:
            return report
        time.sleep(0.2)
    raise AssertionError(f"the report never started: {report.status}")


@pytest.mark.integration
def test_a_killed_worker_hands_the_build_to_the_next_one(celery_workers, personas):
    first = celery_workers(REPORTS_BUILD_DELAY=30)
    period = _two_unit_period(personas)
    report = period_report_request(
        period=period, kind=ReportKind.RANKING_PDF, by=personas["home_affairs"]
    )
    started(report)
    kill_worker(first)
    # The next worker takes back what the killed one had not acknowledged (after the Redis
    # visibility timeout, short here) and builds it.
    celery_workers(CELERY_VISIBILITY_TIMEOUT=2, REPORTS_BUILD_DELAY=0)
    report = wait_until_finished(report, 90)
    assert report.status == ReportStatus.DONE, (report.status, report.error)
    assert report.worker and not report.worker.endswith(f" {first.pid}")  # the second built it
    assert report.file.read().startswith(b"%PDF")


@pytest.mark.integration
def test_a_killed_worker_leaves_a_failed_report_with_a_retry_that_works(
    celery_workers, personas, monkeypatch
):
    monkeypatch.setattr(services, "WORKER_GRACE", timedelta(seconds=1))
    first = celery_workers(REPORTS_BUILD_DELAY=30)
    period = _two_unit_period(personas)
    report = period_report_request(
        period=period, kind=ReportKind.RANKING_PDF, by=personas["home_affairs"]
    )
    started(report)
    kill_worker(first)
    time.sleep(1.5)
    report = wait_until_finished(report, 20, sweep=True)
    assert report.status == ReportStatus.FAILED and report.error == LOST
    # A new worker (redelivery after the default visibility timeout, not within this test).
    celery_workers()
    report_retry(report=report, by=personas["home_affairs"])
    report = wait_until_finished(report, 90)
    assert report.status == ReportStatus.DONE, (report.status, report.error)


@pytest.mark.django_db
def test_the_sweep_command_says_what_it_did(personas, period):
    running_report(period, personas, worker=f"celery@{os.uname().nodename} {dead_pid()}")
    out = StringIO()
    call_command("sweep_reports", stdout=out)
    assert out.getvalue().splitlines() == [
        "Đã đánh dấu lỗi 1 báo cáo bị mất.",
        "Đã xếp hàng lại 0 báo cáo.",
    ]
