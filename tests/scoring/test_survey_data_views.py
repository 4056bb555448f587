"""The survey and data upload pages: only Home Affairs of the period's organiser uploads and
confirms (role × view × method), upload → an import job read by a worker (eager here) → its
page's preview → confirm there, bad files answered in Vietnamese with nothing changed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring.models import AuditEntry, DataFigure, DataSet, SurveyResult
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    OrganiserFactory,
    PeriodFactory,
    RoleGrantFactory,
    UnitFactory,
    data_item,
    small_tree,
    survey_branch,
)
from tests.helpers import csv_text
from units.import_jobs import MAX_PREVIEW_LINES
from units.models import ImportJob, ImportJobStatus
from units.roles import Role

D = Decimal
SURVEY_CSV = csv_text(
    [
        ["unit", "item", "A", "B", "C", "D", "points"],
        ["A", "2.1.1", "6", "3", "1", "0", ""],
        ["B", "2.1.1", "", "", "", "", "2"],
    ]
)
DATA_CSV = csv_text([["unit", "figure"], ["A", "87,5"], ["B", "95"]])


@pytest.fixture
def period(personas):
    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
    )
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    survey_branch(index_set, max_points=D("4"))
    data_item(index_set, tree["criterion"])
    AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    AssessmentFactory(period=period, unit=personas["unit_b"], index_set=index_set)
    return period


def _survey_post(client, period, data=SURVEY_CSV, name="ks.csv"):
    return client.post(
        reverse("scoring:survey_upload", args=[period.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def _data_post(client, period, data=DATA_CSV, name="766.csv", **extra):
    return client.post(
        reverse("scoring:data_upload", args=[period.pk]),
        {
            "file": SimpleUploadedFile(name, data),
            "items": ["1.1.3"],
            "source": "Cổng Dịch vụ công quốc gia",
            "as_of": "30/11/2026",
            **extra,
        },
    )


def _job_page(client, response):
    """The upload's job page, once the worker (eager) has read the file."""
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == reverse("scoring:import_job", args=[job.pk])
    return job, client.get(response["Location"])


def _confirm(client, job, callbacks):
    with callbacks(execute=True):
        return client.post(reverse("scoring:import_job", args=[job.pk]), {"action": "confirm"})


def _nothing_changed():
    return (
        not SurveyResult.objects.exists()
        and not DataFigure.objects.exists()
        and not DataSet.objects.exists()
    )


# ---------------------------------------------------------------- the permission matrix

EXPECTED = {
    "anonymous": 302,
    "staff_a": 404,
    "staff_b": 404,
    "appraiser": 404,
    "chair": 403,
    "home_affairs": 200,
    # The system admin runs the system; survey results and data are scores, entered by the
    # accountable Home Affairs officer (units.roles: ENTER_SURVEY).
    "admin": 403,
}
VIEWS = ["survey_upload", "survey_template", "data_upload", "data_template"]


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_permission_matrix(client, personas, period, who, view, method):
    url = reverse(f"scoring:{view}", args=[period.pk])
    if who != "anonymous":
        client.force_login(personas[who])
    if method == "get":
        response = client.get(url)
        expected = EXPECTED[who]
    else:
        payload = {"file": SimpleUploadedFile("f.csv", DATA_CSV if "data" in view else SURVEY_CSV)}
        payload.update({"items": ["1.1.3"], "source": "766", "as_of": "30/11/2026"})
        response = client.post(url, payload)
        expected = EXPECTED[who]
        if view.endswith("template") and who != "anonymous":
            expected = 405  # a download only
        elif expected == 200:
            expected = 302  # to the import job's page
    assert response.status_code == expected
    if who == "anonymous":
        assert reverse("login") in response["Location"]
    if expected == 200 and view.endswith("template"):
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    if expected == 302 and who != "anonymous":
        assert response["Location"] == reverse(
            "scoring:import_job", args=[ImportJob.objects.get().pk]
        )
    assert _nothing_changed()  # a job at most: nobody changed anything by knocking


def test_a_confirmation_by_someone_else_changes_nothing(
    client, personas, period, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        posted = _survey_post(client, period)
    job, _page = _job_page(client, posted)
    for who in ("chair", "admin", "staff_a"):
        client.force_login(personas[who])
        response = _confirm(client, job, django_capture_on_commit_callbacks)
        assert response.status_code == 404
    # Another Home Affairs officer of the organiser sees the job, may not confirm it.
    colleague = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=personas["organiser"]).user
    client.force_login(colleague)
    assert client.get(reverse("scoring:import_job", args=[job.pk])).status_code == 200
    response = _confirm(client, job, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJobStatus.READY
    # Home Affairs of another organiser: no such job.
    other = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=OrganiserFactory()).user
    client.force_login(other)
    assert client.get(reverse("scoring:import_job", args=[job.pk])).status_code == 404
    assert _confirm(client, job, django_capture_on_commit_callbacks).status_code == 404
    assert _nothing_changed()


def test_the_dashboard_links_the_uploads_for_home_affairs_only(client, personas, period):
    url = reverse("scoring:period_dashboard", args=[period.pk])
    client.force_login(personas["home_affairs"])
    page = client.get(url).content.decode()
    assert reverse("scoring:survey_upload", args=[period.pk]) in page
    assert reverse("scoring:data_upload", args=[period.pk]) in page
    for who in ("chair", "admin"):
        client.force_login(personas[who])
        assert (
            reverse("scoring:survey_upload", args=[period.pk])
            not in client.get(url).content.decode()
        )


# ---------------------------------------------------------------- survey


def test_an_officer_who_lost_the_role_before_confirming_imports_nothing(
    client, personas, period, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        posted = _survey_post(client, period)
    job, _page = _job_page(client, posted)
    personas["home_affairs"].role_grants.all().delete()
    _confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert job.problems == ["Bạn không còn được nhập kết quả điều tra và số liệu của kỳ này."]
    assert _nothing_changed()


def test_survey_upload_preview_then_confirm(
    client, personas, period, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        posted = _survey_post(client, period)
    job, response = _job_page(client, posted)
    assert response.status_code == 200
    assert job.status == ImportJobStatus.READY and job.organiser == personas["organiser"]
    page = response.content.decode()
    assert "câu trả lời A 6, B 3, C 1" in page and "3,20" in page and "2,00" in page
    assert "2 mới, 0 thay thế, 0 không đổi" in page
    assert 'value="confirm"' in page
    assert _nothing_changed()

    response = _confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    page = client.get(response["Location"]).content.decode()
    assert reverse("scoring:period_dashboard", args=[period.pk]) in page
    assert dict(SurveyResult.objects.values_list("assessment__unit__code", "points")) == {
        "A": None,
        "B": D("2"),
    }
    audit = AuditEntry.objects.filter(action="import", actor=personas["home_affairs"]).count()
    assert audit
    # Confirming twice does nothing more.
    _confirm(client, job, django_capture_on_commit_callbacks)
    assert SurveyResult.objects.count() == 2
    assert AuditEntry.objects.filter(action="import").count() == audit


def test_the_same_file_again_shows_no_change(
    client, personas, period, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        posted = _survey_post(client, period)
    job, _page = _job_page(client, posted)
    _confirm(client, job, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        posted = _survey_post(client, period)
    _job, page = _job_page(client, posted)
    assert "0 mới, 0 thay thế, 2 không đổi" in page.content.decode()


def test_published_results_after_the_preview_are_refused_when_applied(
    client, personas, period, django_capture_on_commit_callbacks
):
    """The preview said nothing goes back to “appraised”; published meanwhile, the apply
    refuses the file instead of reopening what the officer did not see."""
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        posted = _survey_post(client, period)
    job, _page = _job_page(client, posted)
    assert job.params["reopened"] == 0
    period.assessments.update(status=AssessmentStatus.PUBLISHED)
    _confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert "công bố sau lúc xem trước" in " ".join(job.problems)
    assert _nothing_changed()


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (
            csv_text([["unit", "item", "points"], ["A", "2.1.1", "5"]]),
            "ks.csv",
            "5 điểm vượt tối đa 4 điểm",
        ),
        (b"unit,item,points\nA,2.1.1,1\x00\n", "ks.csv", "ký tự NUL"),
        (b"PK\x03\x04 not a workbook", "ks.xlsx", "Excel"),
        (b"\xff\xfe\x00garbage", "ks.csv", "NUL"),
        (csv_text([["unit", "item", "points"], ["A", "2.1.1", "=1+1"]]), "ks.csv", "công thức"),
        (b"", "ks.csv", "trống"),
    ],
    ids=["above-max", "nul", "bad-xlsx", "binary", "formula", "empty"],
)
def test_bad_survey_files_get_vietnamese_messages_and_change_nothing(
    client, personas, period, data, name, fragment, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        posted = _survey_post(client, period, data, name)
    if not data:  # the form refuses an empty file at once: no job
        assert posted.status_code == 400 and fragment in posted.content.decode()
        assert not ImportJob.objects.exists()
        return
    job, response = _job_page(client, posted)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    page = response.content.decode()
    assert fragment in page
    assert 'value="confirm"' not in page
    assert _nothing_changed()


def test_a_period_being_set_up_takes_no_upload(client, personas, period):
    period.status = PeriodStatus.SETUP
    period.save()
    client.force_login(personas["home_affairs"])
    for view in ("survey_upload", "data_upload"):
        response = client.get(reverse(f"scoring:{view}", args=[period.pk]))
        assert "đang được thiết lập" in response.content.decode()
    assert _survey_post(client, period).status_code == 200
    assert _data_post(client, period).status_code == 200
    assert not ImportJob.objects.exists()
    assert _nothing_changed()


# ---------------------------------------------------------------- data


def test_data_upload_preview_then_confirm(
    client, personas, period, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        posted = _data_post(client, period)
    job, response = _job_page(client, posted)
    assert job.status == ImportJobStatus.READY, job.problems
    page = response.content.decode()
    assert "87,5" in page and "1,75" in page and "30/11/2026" in page
    assert _nothing_changed()
    _confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE, job.problems
    data_set = DataSet.objects.get()
    assert (data_set.source, f"{data_set.as_of:%d/%m/%Y}", data_set.uploaded_by) == (
        "Cổng Dịch vụ công quốc gia",
        "30/11/2026",
        personas["home_affairs"],
    )
    assert DataFigure.objects.filter(data_set=data_set).count() == 2
    _confirm(client, job, django_capture_on_commit_callbacks)
    assert DataSet.objects.count() == 1


def test_data_upload_checks_the_source_the_date_and_the_file(
    client, personas, period, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    response = _data_post(client, period, as_of=tomorrow)
    assert response.status_code == 400 and "chưa tới" in response.content.decode()
    response = _data_post(client, period, as_of="31/02/2026")
    assert response.status_code == 400 and "dd/mm/yyyy" in response.content.decode()
    assert not ImportJob.objects.exists()  # refused at once, no job
    with django_capture_on_commit_callbacks(execute=True):
        response = _data_post(client, period, csv_text([["unit", "figure"], ["A", "-5"]]))
    job, page = _job_page(client, response)
    assert job.status == ImportJobStatus.FAILED or "không được âm" in page.content.decode()
    assert "không được âm" in page.content.decode()
    assert _nothing_changed()


def test_a_provinces_preview_lists_the_first_rows_and_counts_the_rest(
    client, personas, period, django_capture_on_commit_callbacks
):
    """A province's file has some 20 000 rows: the job page shows the first 500 of those that
    change and counts them all, and confirming enters every one."""
    index_set = period.assessments.first().index_set
    count = MAX_PREVIEW_LINES + 5
    for number in range(count):
        unit = UnitFactory(
            code=f"X{number:03}", kind=personas["kind"], organiser=personas["organiser"]
        )
        AssessmentFactory(period=period, unit=unit, index_set=index_set)
    rows = [[f"X{n:03}", "2.1.1", "", "", "", "", "1"] for n in range(count)]
    data = csv_text([["unit", "item", "A", "B", "C", "D", "points"], *rows])
    client.force_login(personas["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        posted = _survey_post(client, period, data=data)
    job, response = _job_page(client, posted)
    page = response.content.decode()
    assert f"{count} mới" in page
    assert page.count("<li>") < MAX_PREVIEW_LINES + 20
    _confirm(client, job, django_capture_on_commit_callbacks)
    assert SurveyResult.objects.count() == count
