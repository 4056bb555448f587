"""The set-up pages for index sets: who may open them, uploading as an import job (a worker,
eager here, reads the file into the job page's preview) then confirming there, bad files
answered in Vietnamese with nothing changed, a draft of the set in use,
and the replacement page from comparison to apply."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from scoring.models import IndexItem, IndexSet, Notification, Score, ScoreRedo
from scoring.services.index_set_import import index_set_preview
from scoring.services.index_set_replace import index_set_draft_start
from scoring.workflow import PeriodStatus
from tests.factories import AssessmentFactory, IndexSetFactory, PeriodFactory, small_tree
from tests.helpers import csv_text, xlsx
from units.models import ImportJob, ImportJobStatus

D = Decimal
HEADER = ["code", "name", "max_points", "method", "rule", "evidence_required", "survey"]
ROWS = [
    ["1", "Công tác chỉ đạo, điều hành", "3", "", "", "", ""],
    ["1.1", "Kế hoạch CCHC", "3", "", "", "", ""],
    ["1.1.1", "Ban hành kế hoạch", "1", "yes_no", "Có: 1; không: 0", "1", "0"],
    ["1.1.2", "Xử lý vấn đề phát hiện", "2", "manual", "", "1", "0"],
]


@pytest.fixture
def period(personas):
    return PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
    )


@pytest.fixture
def in_use(personas, period):
    """The period's set for the personas' kind, already scored by unit A."""
    current = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(current)
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=current)
    Score.objects.create(assessment=a, item=tree["1.1.2"], self_points=D("1.5"))
    return {"current": current, "tree": tree, "a": a}


_callbacks = None


@pytest.fixture(autouse=True)
def _worker(django_capture_on_commit_callbacks):
    """The import job's tasks run (eagerly) when the request that queues them commits."""
    global _callbacks
    _callbacks = django_capture_on_commit_callbacks
    yield
    _callbacks = None


def _upload(client, period, kind, data, name="bo-chi-so.csv", **extra):
    """The upload, and when it became an import job, the job's page once a worker read it."""
    with _callbacks(execute=True):
        response = client.post(
            reverse("scoring:index_set_upload", args=[period.pk]),
            {
                "unit_kind": kind.pk,
                "file": SimpleUploadedFile(name, data),
                "decision_number": "1234/QĐ-UBND",
                "decision_date": "19/12/2025",
                "decision_issuer": "UBND tỉnh Hòa An",
                **extra,
            },
        )
    if response.status_code == 302 and response["Location"].startswith("/imports/"):
        return client.get(response["Location"])
    return response


def _ready(response) -> ImportJob:
    assert response.status_code == 200
    job = response.context["job"]
    assert job.status == ImportJobStatus.READY, job.problems
    return job


def _confirm(client, job):
    with _callbacks(execute=True):
        response = client.post(reverse("scoring:import_job", args=[job.pk]), {"action": "confirm"})
    job.refresh_from_db()
    return response


def _done_link(client, job) -> str:
    """The page the job's page sends the officer to once imported."""
    return client.get(reverse("scoring:import_job", args=[job.pk])).context["done_url"]


# ---------------------------------------------------------------- the permission matrix

EXPECTED = {
    "anonymous": 302,
    "staff_a": 404,
    "staff_b": 404,
    "appraiser": 404,
    "chair": 403,
    "home_affairs": 200,
    "admin": 403,  # the system admin reads; Home Affairs sets up (units.roles)
}
# An index set is shown to those who work with it (scoring.access.get_index_set_for_user): its
# units' staff and the council are refused (403) rather than told it does not exist.
EXPECTED_FOR_SET = {**EXPECTED, "staff_a": 403, "staff_b": 403, "appraiser": 403}


def _urls(personas, period, in_use):
    draft = index_set_draft_start(index_set=in_use["current"], by=personas["home_affairs"])
    return {
        "upload": reverse("scoring:index_set_upload", args=[period.pk]),
        "draft_start": reverse("scoring:index_set_draft_start", args=[in_use["current"].pk]),
        "replace": reverse("scoring:index_set_replace", args=[draft.pk]),
    }


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("view", ["upload", "draft_start", "replace"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_permission_matrix(client, personas, period, in_use, who, view, method):
    url = _urls(personas, period, in_use)[view]
    if who != "anonymous":
        client.force_login(personas[who])
    response = getattr(client, method)(url, {})
    expected = EXPECTED if view == "upload" else EXPECTED_FOR_SET
    assert response.status_code == expected[who]
    if who == "anonymous":
        assert reverse("login") in response["Location"]
    # Nobody changed anything by knocking: the draft is still the only extra version.
    assert IndexSet.objects.filter(period=period).count() == 2


def test_unknown_ids_are_404(client, personas, period):
    client.force_login(personas["home_affairs"])
    for name in ("index_set_upload", "index_set_draft_start", "index_set_replace"):
        assert client.get(reverse(f"scoring:{name}", args=[9999])).status_code == 404


def test_the_replace_page_of_a_current_set_is_404(client, personas, period, in_use):
    client.force_login(personas["home_affairs"])
    url = reverse("scoring:index_set_replace", args=[in_use["current"].pk])
    assert client.get(url).status_code == 404


def test_other_organisers_sets_are_404(client, personas):
    other = PeriodFactory(year=2026)
    index_set = IndexSetFactory(period=other)
    client.force_login(personas["home_affairs"])
    assert client.get(reverse("scoring:index_set_upload", args=[other.pk])).status_code == 404
    url = reverse("scoring:index_set_draft_start", args=[index_set.pk])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- upload, preview, confirm


def test_upload_previews_then_confirm_imports_the_current_set(client, personas, period):
    client.force_login(personas["home_affairs"])
    response = _upload(client, period, personas["kind"], csv_text([HEADER, *ROWS]))
    job = _ready(response)
    assert not IndexSet.objects.exists()  # a dry run
    page = response.content.decode()
    assert "1 lĩnh vực, 1 tiêu chí, 2 tiêu chí thành phần" in page
    assert "Ban hành kế hoạch" in page
    assert job.params["decision_number"] == "1234/QĐ-UBND"
    _confirm(client, job)
    assert job.status == ImportJobStatus.DONE, job.problems
    assert _done_link(client, job) == reverse("scoring:setup_home")
    index_set = IndexSet.objects.get()
    assert index_set.is_current and not index_set.is_draft
    assert index_set.decision_number == "1234/QĐ-UBND"
    assert index_set.decision_date == date(2025, 12, 19)
    assert index_set.decision_issuer == "UBND tỉnh Hòa An"
    assert index_set.items.count() == 4
    # Confirming twice does not import twice.
    _confirm(client, job)
    assert IndexSet.objects.count() == 1


def test_an_excel_workbook_with_bands_is_previewed_and_imported(client, personas, period):
    data = xlsx(
        {"criteria": [HEADER, *ROWS], "bands": [["label", "min_percent"], ["Tốt", 80], ["Khá", 0]]}
    )
    client.force_login(personas["home_affairs"])
    response = _upload(client, period, personas["kind"], data, name="bo-chi-so.xlsx")
    assert "2 mức xếp loại" in response.content.decode()
    _confirm(client, _ready(response))
    assert sorted(IndexSet.objects.get().bands.values_list("label", flat=True)) == ["Khá", "Tốt"]


def test_the_page_shows_the_same_preview_as_the_command(client, personas, period, tmp_path):
    data = csv_text([HEADER, *ROWS])
    path = tmp_path / "bo-chi-so.csv"
    path.write_bytes(data)
    out = StringIO()
    call_command(
        "import_index_set",
        str(path),
        "--year",
        "2026",
        "--kind",
        personas["kind"].code,
        "--organiser",
        personas["organiser"].code,
        "--dry-run",
        stdout=out,
    )
    assert not IndexSet.objects.exists()
    client.force_login(personas["home_affairs"])
    response = _upload(client, period, personas["kind"], data)
    _ready(response)
    lines = index_set_preview(
        period=period, unit_kind=personas["kind"], data=data, filename="bo-chi-so.csv"
    ).lines
    printed = out.getvalue()
    for line in lines:
        assert line in printed
        assert line in response.content.decode()


def test_a_set_in_use_becomes_a_draft_and_opens_the_replacement(client, personas, period, in_use):
    client.force_login(personas["home_affairs"])
    rows = [*ROWS[:3], ["1.1.2", "Xử lý vấn đề phát hiện", "2", "manual", "", "1", "0"]]
    response = _upload(client, period, personas["kind"], csv_text([HEADER, *rows]))
    assert "bản dự thảo" in response.content.decode()
    job = _ready(response)
    _confirm(client, job)
    draft = IndexSet.objects.get(is_draft=True)
    assert _done_link(client, job) == reverse("scoring:index_set_replace", args=[draft.pk])
    assert not draft.is_current
    in_use["current"].refresh_from_db()
    assert in_use["current"].is_current
    in_use["a"].refresh_from_db()
    assert in_use["a"].index_set == in_use["current"]


def test_a_second_draft_and_a_published_period_are_refused_at_the_preview(
    client, personas, period, in_use
):
    client.force_login(personas["home_affairs"])
    data = csv_text([HEADER, *ROWS])
    _confirm(client, _ready(_upload(client, period, personas["kind"], data)))
    assert IndexSet.objects.filter(is_draft=True).count() == 1
    again = _upload(client, period, personas["kind"], data)
    assert "đang được chuẩn bị" in again.content.decode()
    assert again.context["job"].status == ImportJobStatus.FAILED
    assert IndexSet.objects.filter(is_draft=True).count() == 1
    period.status = PeriodStatus.PUBLISHED
    period.save()
    IndexSet.objects.filter(is_draft=True).delete()
    published = _upload(client, period, personas["kind"], data)
    assert "đã được công bố" in published.content.decode()
    assert not IndexSet.objects.filter(is_draft=True).exists()


def test_the_command_still_refuses_a_set_in_use(personas, period, in_use, tmp_path):
    path = tmp_path / "bo-chi-so.csv"
    path.write_bytes(csv_text([HEADER, *ROWS]))
    with pytest.raises(CommandError, match="không thể thay thế"):
        call_command(
            "import_index_set",
            str(path),
            "--year",
            "2026",
            "--kind",
            personas["kind"].code,
            "--organiser",
            personas["organiser"].code,
            "--dry-run",
        )


BAD_FILES = {
    "malformed": ("bo-chi-so.xlsx", b"PK\x03\x04 not really a workbook", "Không mở được"),
    "formula": (
        "bo-chi-so.csv",
        csv_text([HEADER, *ROWS[:2], ["1.1.1", "Ban hành", "=SUM(1;2)", "manual", "", "1", "0"]]),
        "Dòng 4",
    ),
    "nul bytes": ("bo-chi-so.csv", csv_text([HEADER, *ROWS]).replace(b"CCHC", b"CC\x00HC"), "NUL"),
    "above the field": (
        "bo-chi-so.csv",
        csv_text([HEADER, *ROWS[:2], ["1.1.1", "Ban hành", "123456789", "manual", "", "1", "0"]]),
        "Dòng 4",
    ),
    "wrong type": ("bo-chi-so.pdf", b"%PDF-1.4", ".xlsx"),
    "no columns": ("bo-chi-so.csv", csv_text([["a", "b"], ["1", "2"]]), "code"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_answered_in_vietnamese_and_change_nothing(client, personas, period, case):
    name, data, expected = BAD_FILES[case]
    client.force_login(personas["home_affairs"])
    response = _upload(client, period, personas["kind"], data, name=name)
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page
    job = response.context.get("job")
    if job is None:  # refused by the form at once; the officer's other input is kept
        assert not ImportJob.objects.exists()
        assert 'value="1234/QĐ-UBND"' in page
    else:
        assert job.status == ImportJobStatus.FAILED
        assert 'value="confirm"' not in page
    assert not IndexSet.objects.exists() and not IndexItem.objects.exists()


def test_a_huge_file_is_refused_before_reading(client, personas, period, settings):
    settings.PARINDEX_IMPORT_MAX_MB = 0
    client.force_login(personas["home_affairs"])
    response = _upload(client, period, personas["kind"], csv_text([HEADER, *ROWS]))
    assert "vượt quá 0 MB" in response.content.decode()
    assert not IndexSet.objects.exists()


def test_a_posted_token_imports_nothing(client, personas, period):
    """The old confirmation (a token posted back to the upload page) is only a form without a
    file now."""
    client.force_login(personas["home_affairs"])
    _ready(_upload(client, period, personas["kind"], csv_text([HEADER, *ROWS])))
    url = reverse("scoring:index_set_upload", args=[period.pk])
    response = client.post(url, {"token": "../../etc/passwd", "confirm": "on"})
    assert response.status_code == 200 and "form" in response.context
    assert not IndexSet.objects.exists()


def test_another_officer_cannot_confirm_the_upload(client, personas, period):
    client.force_login(personas["home_affairs"])
    job = _ready(_upload(client, period, personas["kind"], csv_text([HEADER, *ROWS])))
    client.force_login(personas["admin"])
    assert _confirm(client, job).status_code == 404
    assert job.status == ImportJobStatus.READY
    assert not IndexSet.objects.exists()


# ---------------------------------------------------------------- draft and replacement


def test_draft_start_asks_for_confirmation(client, personas, period, in_use):
    client.force_login(personas["home_affairs"])
    url = reverse("scoring:index_set_draft_start", args=[in_use["current"].pk])
    assert "Chuẩn bị bản dự thảo" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 200
    assert not IndexSet.objects.filter(is_draft=True).exists()
    response = client.post(url, {"confirm": "on"})
    draft = IndexSet.objects.get(is_draft=True)
    assert response["Location"] == reverse("scoring:index_set_replace", args=[draft.pk])
    again = client.post(url, {"confirm": "on"})
    assert again.status_code == 200 and "đang được chuẩn bị" in again.content.decode()


def test_replace_page_compares_maps_and_applies(client, personas, period, in_use):
    draft = index_set_draft_start(index_set=in_use["current"], by=personas["home_affairs"])
    items = {item.code: item for item in draft.items.all()}
    items["1.1.2"].code = "1.1.3"
    items["1.1.2"].name = "Khắc phục hạn chế"
    items["1.1.2"].save()
    client.force_login(personas["home_affairs"])
    url = reverse("scoring:index_set_replace", args=[draft.pk])
    page = client.get(url)
    text = page.content.decode()
    assert 'data-changes="removed"' in text and 'data-changes="added"' in text
    assert f'name="map-{in_use["tree"]["1.1.2"].pk}"' in text
    old_pk = in_use["tree"]["1.1.2"].pk
    # Applying with the new mapping before looking at its consequences is refused.
    stale = client.post(
        url,
        {
            f"map-{old_pk}": items["1.1.2"].pk,
            "confirm": "on",
            "apply": "1",
            "fingerprint": page.context["fingerprint"],
        },
    )
    assert stale.status_code == 200 and "Xem lại" in stale.content.decode()
    assert IndexSet.objects.get(pk=draft.pk).is_draft
    shown = client.post(url, {f"map-{old_pk}": items["1.1.2"].pk, "preview": "1"})
    assert "Mọi điểm đã nhập đều phù hợp" in shown.content.decode()
    done = client.post(
        url,
        {
            f"map-{old_pk}": items["1.1.2"].pk,
            "confirm": "on",
            "apply": "1",
            "fingerprint": shown.context["fingerprint"],
        },
    )
    assert done.status_code == 302
    score = Score.objects.get(assessment=in_use["a"])
    assert score.item == items["1.1.2"] and score.self_points == D("1.5")
    assert Notification.objects.filter(recipient=personas["staff_a"]).exists()
    assert not ScoreRedo.objects.exists()


def test_replace_page_without_confirmation_or_mapping_changes_nothing(
    client, personas, period, in_use
):
    draft = index_set_draft_start(index_set=in_use["current"], by=personas["home_affairs"])
    item = draft.items.get(code="1.1.2")
    item.code = "1.1.3"
    item.save()
    client.force_login(personas["home_affairs"])
    url = reverse("scoring:index_set_replace", args=[draft.pk])
    fingerprint = client.get(url).context["fingerprint"]
    unconfirmed = client.post(url, {"apply": "1", "fingerprint": fingerprint})
    assert "Đánh dấu vào ô để xác nhận." in unconfirmed.content.decode()
    unmapped = client.post(url, {"apply": "1", "confirm": "on", "fingerprint": fingerprint})
    assert "1.1.2" in unmapped.content.decode() and unmapped.status_code == 200
    assert IndexSet.objects.get(pk=draft.pk).is_draft


def test_setup_home_links_uploads_and_waiting_drafts(client, personas, period, in_use):
    draft = index_set_draft_start(index_set=in_use["current"], by=personas["home_affairs"])
    client.force_login(personas["home_affairs"])
    page = client.get(reverse("scoring:setup_home")).content.decode()
    assert reverse("scoring:index_set_upload", args=[period.pk]) in page
    assert reverse("scoring:index_set_replace", args=[draft.pk]) in page


def test_a_set_scored_between_preview_and_confirm_imports_nothing(client, personas, period):
    """The preview said the file replaces the current set; units started scoring it before the
    confirmation: the job fails and asks for the file again, which is then a draft."""
    current = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(current)
    client.force_login(personas["home_affairs"])
    job = _ready(_upload(client, period, personas["kind"], csv_text([HEADER, *ROWS])))
    assert job.params["becomes_draft"] is False
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=current)
    Score.objects.create(assessment=a, item=tree["1.1.1"], self_points=D("1"))
    _confirm(client, job)
    assert job.status == ImportJobStatus.FAILED
    page = client.get(reverse("scoring:import_job", args=[job.pk])).content.decode()
    assert "thay đổi kể từ khi xem trước" in page
    assert IndexSet.objects.count() == 1
    again = _ready(_upload(client, period, personas["kind"], csv_text([HEADER, *ROWS])))
    _confirm(client, again)
    assert IndexSet.objects.filter(is_draft=True).count() == 1
    current.refresh_from_db()
    assert current.is_current
