"""The survey and data upload pages: only Home Affairs of the period's organiser uploads and
confirms (role × view × method), upload → preview → confirm with a tick, the file kept
server-side between the two, bad files answered in Vietnamese with nothing changed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring.models import AuditEntry, DataFigure, DataSet, SurveyResult
from scoring.workflow import PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    data_item,
    small_tree,
    survey_branch,
)
from tests.helpers import csv_text

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
    assert response.status_code == expected
    if who == "anonymous":
        assert reverse("login") in response["Location"]
    if expected == 200 and view.endswith("template"):
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _nothing_changed()  # a preview at most: nobody changed anything by knocking


def test_a_confirmation_by_someone_else_changes_nothing(client, personas, period):
    client.force_login(personas["home_affairs"])
    token = _survey_post(client, period).context["token"]
    for who in ("chair", "admin", "staff_a"):
        client.force_login(personas[who])
        response = client.post(
            reverse("scoring:survey_upload", args=[period.pk]), {"token": token, "confirm": "on"}
        )
        assert response.status_code in (403, 404)
    # Another Home Affairs session does not hold the token either.
    client.logout()
    client.force_login(personas["home_affairs"])
    response = client.post(
        reverse("scoring:survey_upload", args=[period.pk]), {"token": token, "confirm": "on"}
    )
    assert response.status_code == 302 and "survey" in response["Location"]
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


def test_survey_upload_preview_then_confirm(client, personas, period):
    client.force_login(personas["home_affairs"])
    response = _survey_post(client, period)
    assert response.status_code == 200
    page = response.content.decode()
    assert "câu trả lời A 6, B 3, C 1" in page and "3,20" in page and "2,00" in page
    assert _nothing_changed()
    token = response.context["token"]
    url = reverse("scoring:survey_upload", args=[period.pk])

    # Without the tick: the preview again, with the reason; nothing written.
    response = client.post(url, {"token": token})
    assert response.status_code == 400 and "Đánh dấu vào ô để xác nhận" in response.content.decode()
    assert _nothing_changed()

    response = client.post(url, {"token": token, "confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("scoring:period_dashboard", args=[period.pk])
    assert "2 mới, 0 thay thế, 0 không đổi" in response.content.decode()
    assert dict(SurveyResult.objects.values_list("assessment__unit__code", "points")) == {
        "A": None,
        "B": D("2"),
    }
    assert AuditEntry.objects.filter(action="import", actor=personas["home_affairs"]).exists()
    # The token is spent: confirming twice does nothing more.
    response = client.post(url, {"token": token, "confirm": "on"})
    assert response.status_code == 302
    assert SurveyResult.objects.count() == 2


def test_the_same_file_again_shows_no_change(client, personas, period):
    client.force_login(personas["home_affairs"])
    token = _survey_post(client, period).context["token"]
    client.post(
        reverse("scoring:survey_upload", args=[period.pk]), {"token": token, "confirm": "on"}
    )
    page = _survey_post(client, period).content.decode()
    assert "không đổi" in page and "0 mới, 0 thay thế, 2 không đổi" in page


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
    client, personas, period, data, name, fragment
):
    client.force_login(personas["home_affairs"])
    response = _survey_post(client, period, data, name)
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert "token" not in response.context or not response.context.get("token")
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
    assert _nothing_changed()


# ---------------------------------------------------------------- data


def test_data_upload_preview_then_confirm(client, personas, period):
    client.force_login(personas["home_affairs"])
    response = _data_post(client, period)
    assert response.status_code == 200, response.context.get("problems")
    page = response.content.decode()
    assert "87,5" in page and "1,75" in page and "30/11/2026" in page
    assert _nothing_changed()
    url = reverse("scoring:data_upload", args=[period.pk])
    response = client.post(url, {"token": response.context["token"], "confirm": "on"})
    assert response.status_code == 302
    data_set = DataSet.objects.get()
    assert (data_set.source, f"{data_set.as_of:%d/%m/%Y}", data_set.uploaded_by) == (
        "Cổng Dịch vụ công quốc gia",
        "30/11/2026",
        personas["home_affairs"],
    )
    assert DataFigure.objects.filter(data_set=data_set).count() == 2


def test_data_upload_checks_the_source_the_date_and_the_file(client, personas, period):
    client.force_login(personas["home_affairs"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    response = _data_post(client, period, as_of=tomorrow)
    assert response.status_code == 400 and "chưa tới" in response.content.decode()
    response = _data_post(client, period, as_of="31/02/2026")
    assert response.status_code == 400 and "dd/mm/yyyy" in response.content.decode()
    response = _data_post(client, period, csv_text([["unit", "figure"], ["A", "-5"]]))
    assert response.status_code == 400 and "không được âm" in response.content.decode()
    assert _nothing_changed()


def test_a_provinces_preview_lists_the_first_rows_and_counts_the_rest(client, personas, period):
    """A province's file has some 20 000 rows: the page shows the first 500 of those that change
    and says how many there are, and confirming enters every one."""
    from scoring.views.survey_data import ROWS_SHOWN
    from tests.factories import AssessmentFactory, UnitFactory

    index_set = period.assessments.first().index_set
    for number in range(ROWS_SHOWN + 5):
        unit = UnitFactory(
            code=f"X{number:03}", kind=personas["kind"], organiser=personas["organiser"]
        )
        AssessmentFactory(period=period, unit=unit, index_set=index_set)
    rows = [[f"X{n:03}", "2.1.1", "", "", "", "", "1"] for n in range(ROWS_SHOWN + 5)]
    data = csv_text([["unit", "item", "A", "B", "C", "D", "points"], *rows])
    client.force_login(personas["home_affairs"])
    page = _survey_post(client, period, data=data).content.decode()
    assert f"({ROWS_SHOWN + 5})" in page
    assert f"Hiển thị {ROWS_SHOWN} dòng đầu trong số {ROWS_SHOWN + 5} dòng" in page
    assert page.count("<tr") < ROWS_SHOWN + 20
