"""A report is a row built by a Celery task: eagerly in `make test`, by a real worker on Redis
in CI (integration). The file is served only to whoever may read it."""

import io
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import Report, ReportKind, ReportStatus
from reports.services import report_build, report_request
from scoring.services.index_set_import import index_set_import
from tests.factories import BandFactory, PeriodFactory, UnitKindFactory, UserFactory

SAMPLE = "scoring/demo_data/index-set-department.csv"


@pytest.fixture
def index_set(db):
    period, kind = PeriodFactory(year=2026), UnitKindFactory()
    with open(SAMPLE, "rb") as handle:
        index_set = index_set_import(
            period=period, unit_kind=kind, data=handle.read(), filename="sample.csv"
        )
    BandFactory(index_set=index_set, label="Tốt", min_percent=80)
    return index_set


def check_workbook(content: bytes, index_set):
    workbook = load_workbook(io.BytesIO(content))
    criteria = list(workbook["criteria"].iter_rows(values_only=True))
    assert criteria[0][:3] == ("code", "name", "max_points")
    assert len(criteria) - 1 == index_set.items.count()
    area = next(row for row in criteria if row[0] == "1")
    assert area[1] == "Công tác chỉ đạo, điều hành CCHC"
    assert area[2] == 10  # a number, not the text "10,00"
    assert workbook["criteria"].freeze_panes == "A2"
    assert list(workbook["bands"].iter_rows(values_only=True))[1] == ("Tốt", 80)


def test_report_is_built_eagerly_after_commit(index_set, django_capture_on_commit_callbacks):
    user = UserFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            kind=ReportKind.INDEX_SET_WORKBOOK,
            requested_by=user,
            period=index_set.period,
            params={"index_set_id": index_set.pk},
        )
    report.refresh_from_db()
    assert (report.status, report.progress) == (ReportStatus.DONE, 100)
    check_workbook(report.file.read(), index_set)


def test_building_twice_changes_nothing(index_set):
    report = Report.objects.create(
        kind=ReportKind.INDEX_SET_WORKBOOK,
        period=index_set.period,
        params={"index_set_id": index_set.pk},
    )
    first = report_build(report_id=report.pk)
    second = report_build(report_id=report.pk)
    assert first.file.name == second.file.name
    assert Report.objects.get().status == ReportStatus.DONE


def test_a_failure_is_recorded_with_a_message(db):
    report = Report.objects.create(kind=ReportKind.INDEX_SET_WORKBOOK, params={"index_set_id": 0})
    report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == "Bộ chỉ số của báo cáo này không còn tồn tại."


@pytest.fixture
def organiser_set(personas):
    """An index set of the personas' own organiser."""
    period = PeriodFactory(organiser=personas["organiser"], year=2026)
    with open(SAMPLE, "rb") as handle:
        return index_set_import(
            period=period, unit_kind=personas["kind"], data=handle.read(), filename="sample.csv"
        )


def test_report_readers_are_builders_and_the_requester(organiser_set, client, personas):
    report = Report.objects.create(
        kind=ReportKind.INDEX_SET_WORKBOOK,
        period=organiser_set.period,
        params={"index_set_id": organiser_set.pk},
        requested_by=personas["staff_a"],
    )
    report_build(report_id=report.pk)
    url = reverse("reports:download", args=[report.pk])
    expected = {
        "staff_a": 200,
        "staff_b": 404,
        "appraiser": 404,
        "chair": 404,
        "home_affairs": 200,
        "admin": 200,
    }
    for persona, status in expected.items():
        client.force_login(personas[persona])
        assert client.get(url).status_code == status, persona
    client.logout()
    assert client.get(url).status_code == 302
    # The requester who has left the unit loses the report with it.
    personas["staff_a"].role_grants.all().delete()
    client.force_login(personas["staff_a"])
    assert client.get(url).status_code == 404


def test_reports_of_another_organiser_stay_hidden(index_set, client, personas):
    report = Report.objects.create(
        kind=ReportKind.INDEX_SET_WORKBOOK,
        period=index_set.period,
        params={"index_set_id": index_set.pk},
    )
    report_build(report_id=report.pk)
    client.force_login(personas["home_affairs"])
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_status_endpoint_reports_progress(organiser_set, client, personas):
    report = Report.objects.create(
        kind=ReportKind.INDEX_SET_WORKBOOK,
        period=organiser_set.period,
        params={"index_set_id": organiser_set.pk},
        requested_by=personas["staff_a"],
    )
    client.force_login(personas["staff_a"])
    assert client.get(reverse("reports:status", args=[report.pk])).json()["status"] == "queued"
    report_build(report_id=report.pk)
    data = client.get(reverse("reports:status", args=[report.pk])).json()
    assert data["status"] == "done" and data["download_url"].endswith("/download/")
    assert data["status_label"] == "Đã xong"


@pytest.mark.integration
def test_report_is_built_by_a_real_celery_worker_on_redis(celery_worker_process, index_set):
    user = UserFactory()
    report = report_request(
        kind=ReportKind.INDEX_SET_WORKBOOK,
        requested_by=user,
        period=index_set.period,
        params={"index_set_id": index_set.pk},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            break
        time.sleep(0.3)
    assert report.status == ReportStatus.DONE, report.error
    check_workbook(report.file.read(), index_set)


def test_reports_stuck_after_the_time_limit_are_failed_by_the_periodic_task(db):
    from datetime import timedelta

    from django.utils import timezone

    from reports.tasks import fail_stale_reports

    stuck = Report.objects.create(
        kind=ReportKind.INDEX_SET_WORKBOOK,
        status=ReportStatus.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
    )
    busy = Report.objects.create(
        kind=ReportKind.INDEX_SET_WORKBOOK,
        status=ReportStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=30),
    )
    assert fail_stale_reports.delay().get() == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == ReportStatus.FAILED and "quá lâu" in stuck.error
    assert busy.status == ReportStatus.RUNNING
