"""Home Affairs' unit pages: who may open them, the confirm-first changes, the sheet of changes
with its preview, the ranking groups of a period, and the predecessors' work on a successor."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parindex.tabular import read_table
from parindex.text import has_control_character
from scoring.models import Assessment, AuditAction, AuditEntry, Score
from scoring.services.unit_changes import SHEET_COLUMNS
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    RankingGroupFactory,
    small_tree,
)
from tests.helpers import assert_control_refused, confirm_import_job, csv_text, job_page_after, xlsx
from units.models import ImportJob, ImportJobStatus, Unit, UnitChange

S = AssessmentStatus
PEOPLE = ("anonymous", "staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin")


@pytest.fixture
def year(personas):
    group = RankingGroupFactory(organiser=personas["organiser"], code="so", name="Sở, ngành")
    for key in ("unit_a", "unit_b"):
        personas[key].ranking_group = group
        personas[key].save()
    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
    )
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    b = AssessmentFactory(period=period, unit=personas["unit_b"], index_set=index_set)
    return {"period": period, "group": group, "a": a, "b": b, "index_set": index_set}


def _client(client, personas, who):
    if who != "anonymous":
        client.force_login(personas[who])
    return client


ORGANISER_LEVEL = {
    "anonymous": 302,
    "staff_a": 403,
    "staff_b": 403,
    "appraiser": 403,
    "chair": 403,
    "home_affairs": 200,
    "admin": 403,  # the system admin reads; Home Affairs sets up (units.roles)
}
UNIT_LEVEL = {
    "anonymous": 302,
    "staff_a": 403,
    "staff_b": 404,
    "appraiser": 403,
    "chair": 403,
    "home_affairs": 200,
    "admin": 403,  # the system admin reads; Home Affairs sets up (units.roles)
}
PERIOD_LEVEL = {
    "anonymous": 302,
    "staff_a": 404,
    "staff_b": 404,
    "appraiser": 404,
    "chair": 403,
    "home_affairs": 200,
    "admin": 403,  # the system admin reads; Home Affairs sets up (units.roles)
}
GET_ONLY_POST = {"anonymous": 302, **{who: 405 for who in PEOPLE if who != "anonymous"}}


def _views(personas, year):
    a, period = personas["unit_a"].pk, year["period"].pk
    return [
        ("setup_units", [], ORGANISER_LEVEL, GET_ONLY_POST),
        ("setup_unit_add", [], ORGANISER_LEVEL, ORGANISER_LEVEL),
        ("setup_unit_merge", [], ORGANISER_LEVEL, ORGANISER_LEVEL),
        ("setup_units_sheet", [], ORGANISER_LEVEL, ORGANISER_LEVEL),
        ("setup_units_sheet_template", [], ORGANISER_LEVEL, GET_ONLY_POST),
        ("setup_unit_rename", [a], UNIT_LEVEL, UNIT_LEVEL),
        ("setup_unit_split", [a], UNIT_LEVEL, UNIT_LEVEL),
        ("setup_unit_dissolve", [a], UNIT_LEVEL, UNIT_LEVEL),
        (
            "setup_period_groups",
            [period],
            PERIOD_LEVEL,
            {**PERIOD_LEVEL, "home_affairs": 302},
        ),
    ]


@pytest.mark.parametrize("who", PEOPLE)
def test_permission_matrix(client, personas, year, who):
    client = _client(client, personas, who)
    for name, args, on_get, on_post in _views(personas, year):
        url = reverse(f"scoring:{name}", args=args)
        assert client.get(url).status_code == on_get[who], (name, "GET", who)
        assert client.post(url, {}).status_code == on_post[who], (name, "POST", who)
    # Whatever was posted, nothing was reorganised.
    assert not UnitChange.objects.exists()


def test_missing_unit_or_period_is_404(client, personas):
    client.force_login(personas["home_affairs"])
    assert client.get(reverse("scoring:setup_unit_rename", args=[99999])).status_code == 404
    assert client.get(reverse("scoring:setup_period_groups", args=[99999])).status_code == 404


def test_set_up_home_links_to_the_units(client, personas):
    client.force_login(personas["home_affairs"])
    page = client.get(reverse("scoring:setup_home")).content.decode()
    assert "data-setup-units" in page and reverse("scoring:setup_units") in page


def test_merge_asks_first_then_withdraws(client, personas, year):
    client.force_login(personas["home_affairs"])
    url = reverse("scoring:setup_unit_merge")
    form = {
        "sources": "A, B",
        "new_code": "AB",
        "new_name": "Sở Tư pháp và Y tế",
        "year": "2026",
        "decision_number": "12/QĐ-UBND",
        "decision_date": "01/07/2026",
    }
    page = client.post(url, form).content.decode()
    assert "data-unit-confirm" in page and page.count("data-withdrawn") == 1
    assert "Sở Tư pháp, Sở Y tế" in page and "data-joined" in page
    assert not Unit.objects.filter(code="AB").exists()
    assert Assessment.objects.get(pk=year["a"].pk).status == S.DRAFT
    response = client.post(url, {**form, "confirmed": "1"})
    assert response.status_code == 302 and response.url == reverse("scoring:setup_units")
    assert set(
        Assessment.objects.filter(status=S.WITHDRAWN).values_list("unit__code", flat=True)
    ) == {"A", "B"}
    merged = Assessment.objects.get(unit__code="AB")
    assert merged.ranking_group == year["group"]
    assert UnitChange.objects.get().decision_date.isoformat() == "2026-07-01"
    listing = client.get(reverse("scoring:setup_units")).content.decode()
    assert "Sở Tư pháp và Y tế (AB)" in listing  # successor shown on the old units' rows
    assert "2026–" in listing and "…–2025" in listing


@pytest.mark.parametrize(
    "form, field",
    [
        ({"sources": "A, ZZZ", "into_code": "B", "year": "2026"}, "sources"),
        ({"sources": "A", "into_code": "A", "year": "2026"}, None),
        ({"sources": "A, B", "new_code": "X\x00", "new_name": "X", "year": "2026"}, "new_code"),
        ({"sources": "A, B", "new_code": "AB", "new_name": "AB", "year": "99999"}, "year"),
        ({"sources": "A, B", "year": "2026"}, None),
        ({"sources": "A, B", "new_code": "=1+1", "new_name": "X", "year": "2026"}, None),
    ],
)
def test_bad_merge_input_is_refused_and_kept(client, personas, year, form, field):
    client.force_login(personas["home_affairs"])
    response = client.post(reverse("scoring:setup_unit_merge"), {**form, "confirmed": "1"})
    if any(has_control_character(value) for value in form.values()):
        assert_control_refused(response)  # refused before the form, by parindex.middleware
    else:
        assert response.status_code == 200
        page = response.content.decode()
        assert "field__error" in page or "alert--error" in page
        assert "data-unit-confirm" not in page
        if field:
            assert response.context["form"].errors.get(field)
    assert not UnitChange.objects.exists()
    assert not Assessment.objects.filter(status=S.WITHDRAWN).exists()


def test_rename_split_dissolve_pages(client, personas, year):
    client.force_login(personas["home_affairs"])
    a, b = personas["unit_a"], personas["unit_b"]
    rename = reverse("scoring:setup_unit_rename", args=[a.pk])
    assert (
        client.post(
            rename, {"name": "Sở Tư pháp mới", "year": "2026", "confirmed": "1"}
        ).status_code
        == 302
    )
    a.refresh_from_db()
    assert a.name == "Sở Tư pháp mới"
    split = reverse("scoring:setup_unit_split", args=[b.pk])
    page = client.post(split, {"parts": "B1; Sở B1\nB2; Sở B2", "year": "2026"}).content.decode()
    assert page.count("data-joined") == 2
    assert (
        client.post(
            split, {"parts": "B1; Sở B1\nB2; Sở B2", "year": "2026", "confirmed": "1"}
        ).status_code
        == 302
    )
    assert set(Unit.objects.get(code="B1").predecessors.values_list("code", flat=True)) == {"B"}
    dissolve = reverse("scoring:setup_unit_dissolve", args=[a.pk])
    assert client.post(dissolve, {"year": "2026", "confirmed": "1"}).status_code == 302
    assert Assessment.objects.get(pk=year["a"].pk).status == S.WITHDRAWN
    assert AuditEntry.objects.filter(action=AuditAction.UNIT_CHANGE).count() == 3


def test_split_with_a_bad_line_says_which(client, personas, year):
    client.force_login(personas["home_affairs"])
    split = reverse("scoring:setup_unit_split", args=[personas["unit_b"].pk])
    response = client.post(split, {"parts": "B1; Sở B1\nB2 without name", "year": "2026"})
    assert response.context["form"].errors["parts"]
    assert "B2 without name" in response.content.decode()  # the input is kept


def test_add_page_creates_a_unit_that_joins_the_open_period(client, personas, year):
    client.force_login(personas["home_affairs"])
    response = client.post(
        reverse("scoring:setup_unit_add"),
        {
            "organiser": personas["organiser"].pk,
            "code": "C",
            "name": "Sở Mới",
            "kind": personas["kind"].pk,
            "ranking_group": year["group"].pk,
            "year": "2026",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get(unit__code="C").ranking_group == year["group"]


SHEET_HEADER = SHEET_COLUMNS


def _upload_sheet(client, callbacks, organiser, data, name="doi.xlsx"):
    """The upload, and when it became an import job, the job's page once a worker (eager
    here) read it."""
    with callbacks(execute=True):
        response = client.post(
            reverse("scoring:setup_units_sheet"),
            {"organiser": organiser.pk, "file": SimpleUploadedFile(name, data)},
        )
    return job_page_after(client, response)


_confirm = confirm_import_job


def _unit_audit():
    return AuditEntry.objects.filter(action=AuditAction.UNIT_CHANGE)


def test_sheet_with_bad_rows_shows_errors_by_row_and_changes_nothing(
    client, personas, year, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    data = xlsx(
        {
            "Thay đổi": [
                SHEET_HEADER,
                ["merge", "A, B", "AB", "Sở AB", "", "", 2026],
                ["explode", "A", "", "", "", "", 2026],
                ["dissolve", "NOPE", "", "", "", "", 2026],
            ]
        }
    )
    response = _upload_sheet(
        client, django_capture_on_commit_callbacks, personas["organiser"], data
    )
    job = response.context["job"]
    assert job.status == ImportJobStatus.FAILED
    assert [problem.split(":")[0] for problem in job.problems] == ["Dòng 3", "Dòng 4"]
    page = response.content.decode()
    assert "explode" in page and "NOPE" in page and 'value="confirm"' not in page
    assert not UnitChange.objects.exists() and not Unit.objects.filter(code="AB").exists()
    assert Assessment.objects.get(pk=year["a"].pk).status == S.DRAFT
    assert Unit.objects.get(pk=personas["unit_a"].pk).name == personas["unit_a"].name
    assert not _unit_audit().exists()


def test_sheet_preview_then_confirm_applies_once(
    client, personas, year, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    data = csv_text(
        [
            SHEET_HEADER,
            ["sáp nhập", "A, B", "AB", "Sở AB", "", "", "2026", "1656/NQ", "16/06/2026", ""],
        ]
    )
    response = _upload_sheet(
        client, django_capture_on_commit_callbacks, personas["organiser"], data, name="doi.csv"
    )
    job = response.context["job"]
    assert job.status == ImportJobStatus.READY, job.problems
    page = response.content.decode()
    assert (
        "Sở AB" in page
        and "sẽ được rút khỏi kỳ: Sở Tư pháp, Sở Y tế" in page
        and 'value="confirm"' in page
    )
    assert not UnitChange.objects.exists() and not _unit_audit().exists()  # rolled back
    assert Assessment.objects.get(pk=year["b"].pk).status == S.DRAFT
    assert _confirm(client, django_capture_on_commit_callbacks, job).status_code == 302
    assert job.status == ImportJobStatus.DONE
    assert UnitChange.objects.get().decision_number == "1656/NQ"
    assert Assessment.objects.get(pk=year["b"].pk).status == S.WITHDRAWN
    assert _unit_audit().filter(actor=personas["home_affairs"]).exists()
    back = client.get(reverse("scoring:import_job", args=[job.pk])).context["done_url"]
    assert back == reverse("scoring:setup_units_sheet")
    written = _unit_audit().count()
    assert _confirm(client, django_capture_on_commit_callbacks, job).status_code == 302
    assert UnitChange.objects.count() == 1 and _unit_audit().count() == written


def test_a_sheet_whose_units_changed_since_the_preview_is_refused(
    client, personas, year, django_capture_on_commit_callbacks
):
    """Confirming applies what the preview showed or nothing: a unit renamed meanwhile makes
    the merge say something else, so the job fails and asks for a new upload."""
    client.force_login(personas["home_affairs"])
    data = csv_text([SHEET_HEADER, ["sáp nhập", "A, B", "AB", "Sở AB", "", "", "2026"]])
    response = _upload_sheet(
        client, django_capture_on_commit_callbacks, personas["organiser"], data, name="doi.csv"
    )
    job = response.context["job"]
    assert job.status == ImportJobStatus.READY, job.problems
    Unit.objects.filter(pk=personas["unit_b"].pk).update(name="Sở Y tế tỉnh Hòa An")
    assert _confirm(client, django_capture_on_commit_callbacks, job).status_code == 302
    assert job.status == ImportJobStatus.FAILED
    assert any(
        "Dữ liệu đã thay đổi kể từ lúc xem trước" in problem
        or "changed since the preview" in problem
        for problem in job.problems
    )
    assert not UnitChange.objects.exists() and not Unit.objects.filter(code="AB").exists()
    assert Assessment.objects.get(pk=year["b"].pk).status == S.DRAFT
    assert not _unit_audit().exists()


def test_sheet_job_is_refused_to_an_officer_who_no_longer_sets_up(
    client, personas, year, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    data = csv_text([SHEET_HEADER, ["rename", "A", "", "Sở Mới", "", "", "2026", "", "", ""]])
    response = _upload_sheet(
        client, django_capture_on_commit_callbacks, personas["organiser"], data, name="doi.csv"
    )
    job = response.context["job"]
    assert job.status == ImportJobStatus.READY, job.problems
    assert "Sở Tư pháp — " in job.preview[0] and "Sở Mới" in job.preview[0]  # old → new name
    for someone in ("staff_a", "admin"):
        client.force_login(personas[someone])
        assert _confirm(client, django_capture_on_commit_callbacks, job).status_code == 404
    assert job.status == ImportJobStatus.READY
    personas["home_affairs"].role_grants.all().delete()
    client.force_login(personas["home_affairs"])
    _confirm(client, django_capture_on_commit_callbacks, job)
    assert job.status == ImportJobStatus.FAILED and job.problems
    assert not UnitChange.objects.exists()
    assert Unit.objects.get(pk=personas["unit_a"].pk).name != "Sở Mới"


@pytest.mark.parametrize(
    "name, data",
    [
        ("doi.xlsx", b"not a workbook"),
        ("doi.csv", b"\xff\xfe\x00garbage"),
        ("doi.csv", b"units,year\nA,2026\n"),
        ("doi.csv", b"\x00\x00\x00"),
        (  # a formula whose result was never saved: Vietnamese message, nothing read
            "doi.xlsx",
            xlsx(
                {"Thay đổi": [SHEET_HEADER, ["rename", "A", "", '=HYPERLINK("x")', "", "", 2026]]}
            ),
        ),
    ],
)
def test_bad_sheet_files_get_a_message_and_change_nothing(
    client, personas, year, name, data, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    response = _upload_sheet(
        client, django_capture_on_commit_callbacks, personas["organiser"], data, name=name
    )
    assert response.status_code == 200
    job = response.context["job"]
    assert job.status == ImportJobStatus.FAILED and job.problems
    assert "alert--error" in response.content.decode()
    assert not UnitChange.objects.exists() and not _unit_audit().exists()


def test_a_file_that_is_not_a_sheet_is_refused_before_any_job(
    client, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["home_affairs"])
    response = _upload_sheet(
        client, django_capture_on_commit_callbacks, personas["organiser"], b"a,b", name="doi.txt"
    )
    assert response.status_code == 200 and "field__error" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_sheet_over_the_row_bound_is_refused(
    client, personas, year, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("scoring.services.unit_changes.SHEET_MAX_ROWS", 2)
    client.force_login(personas["home_affairs"])
    rename = ["rename", "A", "", "Sở Mới", "", "", "2026", "", "", ""]
    data = csv_text([SHEET_HEADER, rename, rename, rename])
    response = _upload_sheet(
        client, django_capture_on_commit_callbacks, personas["organiser"], data, name="doi.csv"
    )
    assert response.context["job"].status == ImportJobStatus.FAILED
    assert response.context["job"].problems == ["Tệp có hơn 2 dòng: hãy chia thành nhiều tệp."]
    assert not UnitChange.objects.exists()


def test_sheet_template_reads_back(client, personas):
    client.force_login(personas["home_affairs"])
    response = client.get(reverse("scoring:setup_units_sheet_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    table = read_table(response.content, "template.xlsx")
    assert table.headers == SHEET_HEADER and len(table) == 0


def test_period_groups_page_changes_one_year_only(client, personas, year):
    client.force_login(personas["home_affairs"])
    other = RankingGroupFactory(organiser=personas["organiser"], code="khac", name="Nhóm khác")
    url = reverse("scoring:setup_period_groups", args=[year["period"].pk])
    page = client.get(url).content.decode()
    assert 'data-assessment="A"' in page and "Nhóm khác" in page
    response = client.post(url, {"assessment": year["a"].pk, "group": other.pk})
    assert response.status_code == 302
    year["a"].refresh_from_db()
    personas["unit_a"].refresh_from_db()
    assert year["a"].ranking_group == other
    assert personas["unit_a"].ranking_group == year["group"]  # the unit itself is unchanged
    assert AuditEntry.objects.filter(action=AuditAction.GROUP_CHANGE).count() == 1


def test_period_groups_of_a_published_year_are_final(client, personas, year):
    client.force_login(personas["home_affairs"])
    year["period"].status = PeriodStatus.PUBLISHED
    year["period"].save()
    url = reverse("scoring:setup_period_groups", args=[year["period"].pk])
    assert '<select name="group"' not in client.get(url).content.decode()
    client.post(url, {"assessment": year["a"].pk, "group": ""})
    year["a"].refresh_from_db()
    assert year["a"].ranking_group == year["group"]
    assert not AuditEntry.objects.filter(action=AuditAction.GROUP_CHANGE).exists()


def test_successor_sees_the_predecessors_work_read_only(client, personas, year):
    item = small_tree(year["index_set"])["1.1.1"]
    Score.objects.create(
        assessment=year["a"], item=item, self_points=Decimal("1.5"), self_note="Đã ban hành"
    )
    client.force_login(personas["home_affairs"])
    client.post(
        reverse("scoring:setup_unit_merge"),
        {"sources": "A", "into_code": "B", "year": "2026", "confirmed": "1"},
    )
    client.force_login(personas["staff_b"])
    page = client.get(reverse("scoring:self_assessment", args=[year["b"].pk])).content.decode()
    assert "data-predecessors-work" in page
    assert item.name in page and "Đã ban hành" in page and "Sở Tư pháp" in page
    # The withdrawn unit's own data is untouched.
    assert Score.objects.get(assessment=year["a"]).self_points == Decimal("1.5")


def test_the_confirmation_page_carries_the_form_through(client, personas, year):
    """What the officer typed reaches the change from the confirmation page's own fields."""
    import re
    from html import unescape

    client.force_login(personas["home_affairs"])
    url = reverse("scoring:setup_unit_merge")
    page = client.post(
        url,
        {
            "sources": "A, B",
            "new_code": "AB",
            "new_name": "Sở “Mới”",
            "year": "2026",
            "kind": personas["kind"].pk,
            "ranking_group": year["group"].pk,
            "decision_date": "01/07/2026",
            "note": "Theo Nghị quyết",
        },
    ).content.decode()
    form = page[page.index("data-unit-confirm") :]
    fields = {
        name: unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
    }
    assert fields["new_name"] == "Sở “Mới”" and fields["decision_date"] == "01/07/2026"
    assert client.post(url, {**fields, "confirmed": "1"}).status_code == 302
    change = UnitChange.objects.get()
    assert change.note == "Theo Nghị quyết" and change.decision_date.isoformat() == "2026-07-01"
    assert Unit.objects.get(code="AB").name == "Sở “Mới”"
