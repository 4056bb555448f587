"""The staff accounts pages over HTTP: every view × method × role, the e-mailed link followed
to set a password and log in, the bulk file's dry run (errors by row, nothing created) and its
confirmation, bad input (formula text, NUL bytes) answered without a 500."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from scoring.models import AuditAction, AuditEntry
from scoring.selectors.accounts import LinkState, link_states
from scoring.services.accounts import send_password_link
from tests.factories import OrganiserFactory, RoleGrantFactory, UnitFactory
from tests.helpers import assert_control_refused, confirm_import_job, csv_text, job_page_after
from units.models import ImportJob, ImportJobStatus, RoleGrant, User
from units.roles import Role

HEADER = ["Mã đơn vị", "Họ và tên", "Thư điện tử", "Tên đăng nhập", "Chức vụ", "Điện thoại"]


@pytest.fixture
def p(personas):
    organiser = OrganiserFactory(code="org-other", name="Sở Nội vụ tỉnh Bên Cạnh")
    UnitFactory(code="X1", name="Sở Tài chính Bên Cạnh", organiser=organiser)
    other = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=organiser).user
    personas["staff_a"].email = "staff.a@x.vn"
    personas["staff_a"].save()
    return {**personas, "other_officer": other, "anonymous": None}


def login(client, p, persona):
    if p[persona] is not None:
        client.force_login(p[persona])


def upload(rows, name="tk.csv"):
    return SimpleUploadedFile(name, csv_text(rows), content_type="text/csv")


# ---------------------------------------------------------------- permission matrix

LIST = {
    "staff_a": 403,
    "staff_b": 403,
    "appraiser": 403,
    "chair": 403,
    "home_affairs": 200,
    "admin": 200,
    "other_officer": 200,
    "anonymous": 302,
}
ONE = {**LIST, "other_officer": 404}  # an account of another organiser's units


def urls(p):
    pk = p["staff_a"].pk
    return {
        "list": reverse("scoring:setup_accounts"),
        "create": reverse("scoring:setup_account_create"),
        "import": reverse("scoring:setup_accounts_import"),
        "template": reverse("scoring:setup_accounts_template"),
        "deactivate": reverse("scoring:setup_account_deactivate", args=[pk]),
        "reactivate": reverse("scoring:setup_account_reactivate", args=[pk]),
        "send_link": reverse("scoring:setup_account_send_link", args=[pk]),
    }


GET_MATRIX = [
    ("list", LIST),
    ("create", LIST),
    ("import", LIST),
    ("template", LIST),
    ("deactivate", ONE),
    ("reactivate", ONE),
]


@pytest.mark.parametrize("view,matrix", GET_MATRIX)
@pytest.mark.parametrize("persona", list(LIST))
def test_get_by_role(client, p, view, matrix, persona):
    login(client, p, persona)
    response = client.get(urls(p)[view])
    assert response.status_code == matrix[persona]
    if response.status_code == 302:
        assert reverse("login") in response["Location"]


@pytest.mark.parametrize("view", ["send_link"])
@pytest.mark.parametrize("persona", ["home_affairs", "admin", "staff_a", "anonymous"])
def test_post_only_views_refuse_get(client, p, view, persona):
    login(client, p, persona)
    status = client.get(urls(p)[view]).status_code
    assert status == {"home_affairs": 405, "admin": 405, "staff_a": 405, "anonymous": 302}[persona]


def post_data(p, view):
    return {
        "list": {},
        "create": {
            "unit": p["unit_a"].pk,
            "full_name": "Hồ Văn Mới",
            "email": "moi@x.vn",
        },
        "import": {"file": upload([HEADER, ["A", "Lò Văn Tệp", "tep@x.vn", "", "", ""]])},
        "template": {},
        "deactivate": {"reason": "Chuyển công tác", "confirm": "on"},
        "reactivate": {"reason": "Quay lại", "confirm": "on"},
        "send_link": {},
    }[view]


POST_MATRIX = {
    # GET-only pages: the method is refused before the role is looked at.
    "list": {**{persona: 405 for persona in LIST}, "anonymous": 302},
    "template": {**{persona: 405 for persona in LIST}, "anonymous": 302},
    "create": {**LIST, "home_affairs": 302, "admin": 302, "other_officer": 200},
    # Any manager of accounts may upload: the file goes to an import job (its page follows).
    "import": {**LIST, "home_affairs": 302, "admin": 302, "other_officer": 302},
    "deactivate": {**ONE, "home_affairs": 302, "admin": 302},
    "reactivate": {**ONE, "home_affairs": 302, "admin": 302},
    "send_link": {**ONE, "home_affairs": 302, "admin": 302},
}


@pytest.mark.parametrize("view", list(POST_MATRIX))
@pytest.mark.parametrize("persona", list(LIST))
def test_post_by_role(client, p, view, persona, django_capture_on_commit_callbacks):
    login(client, p, persona)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls(p)[view], post_data(p, view))
    assert response.status_code == POST_MATRIX[view][persona]
    staff = User.objects.get(pk=p["staff_a"].pk)
    allowed = persona in ("home_affairs", "admin")
    if view == "deactivate":
        assert staff.is_active != allowed
    if view == "create":
        assert User.objects.filter(email="moi@x.vn").exists() == allowed
    if view == "import":
        assert not User.objects.filter(email="tep@x.vn").exists()  # not before the confirmation
        assert ImportJob.objects.exists() == (persona in ("home_affairs", "admin", "other_officer"))
        if persona == "other_officer":  # unit A is not among its units: the worker says so
            assert ImportJob.objects.get().status == ImportJobStatus.FAILED


def test_another_organisers_officer_sees_none_of_these_units(client, p):
    client.force_login(p["other_officer"])
    page = client.get(urls(p)["list"]).content.decode()
    assert p["staff_a"].username not in page and "Sở Tư pháp" not in page
    response = client.post(
        urls(p)["create"], {"unit": p["unit_a"].pk, "full_name": "X", "email": "x@x.vn"}
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors


# ---------------------------------------------------------------- the list


def test_the_list_filters_and_shows_logins_and_links(
    client, p, monkeypatch, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=p["staff_b"].pk).update(last_login=timezone.now())
    client.force_login(p["home_affairs"])
    page = client.get(urls(p)["list"]).content.decode()
    assert p["staff_a"].username in page and p["staff_b"].username in page
    assert p["home_affairs"].username not in page  # organiser roles are not listed
    never = client.get(urls(p)["list"], {"never": "on"}).content.decode()
    assert p["staff_a"].username in never and p["staff_b"].username not in never
    by_unit = client.get(urls(p)["list"], {"unit": p["unit_b"].pk}).content.decode()
    assert p["staff_a"].username not in by_unit and p["staff_b"].username in by_unit

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(send_password_link, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls(p)["send_link"])
    assert response.status_code == 302
    page = client.get(urls(p)["list"]).content.decode()
    assert link_states([p["staff_a"].pk])[p["staff_a"].pk].state == LinkState.FAILED
    assert 'data-link="failed"' in page


def test_the_list_paginates(client, p):
    for _ in range(30):
        RoleGrantFactory(role=Role.UNIT_STAFF, unit=p["unit_a"])
    client.force_login(p["home_affairs"])
    response = client.get(urls(p)["list"])
    assert len(response.context["rows"]) == 25
    assert len(client.get(urls(p)["list"], {"page": 2}).context["rows"]) == 7


def test_the_setup_home_counts_accounts(client, p):
    client.force_login(p["home_affairs"])
    response = client.get(reverse("scoring:setup_home"))
    assert response.context["account_counts"] == {
        "active": 2,
        "never_logged_in": 2,
        "inactive": 0,
    }
    assert "data-setup-accounts" in response.content.decode()


# ---------------------------------------------------------------- the link, followed


def test_the_emailed_link_sets_a_password_and_the_person_logs_in(
    client, p, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(p["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            urls(p)["create"],
            {
                "unit": p["unit_a"].pk,
                "full_name": "Đặng Thu Hà",
                "email": "ha.dt@stp.vn",
                "job_title": "Chuyên viên",
            },
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "ha.dt" in body and "Sở Tư pháp" in body
    link = re.search(r"https?://\S+/accounts/password/set/\S+/", body).group(0)
    path = "/" + link.split("/", 3)[3]
    person = Client()
    step = person.get(path)
    assert step.status_code == 302  # Django hides the token behind a session redirect
    form = person.get(step["Location"])
    assert form.status_code == 200 and form.context["validlink"]
    done = person.post(
        step["Location"],
        {"new_password1": "Cchc-2026-an-toan", "new_password2": "Cchc-2026-an-toan"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert person.login(request=HttpRequest(), username="ha.dt", password="Cchc-2026-an-toan")
    again = Client().get(path, follow=True)
    assert not again.context["validlink"]  # used once


def test_a_deactivated_account_cannot_log_in(client, p):
    staff = p["staff_a"]
    staff.set_password("mat-khau-cu-123")
    staff.save()
    client.force_login(p["home_affairs"])
    client.post(urls(p)["deactivate"], {"reason": "Nghỉ việc", "confirm": "on"})
    assert not Client().login(
        request=HttpRequest(), username=staff.username, password="mat-khau-cu-123"
    )


def test_deactivating_needs_the_confirmation_and_a_reason(client, p):
    client.force_login(p["home_affairs"])
    response = client.post(urls(p)["deactivate"], {"reason": "Nghỉ việc"})
    assert response.status_code == 200 and "confirm" in response.context["form"].errors
    response = client.post(urls(p)["deactivate"], {"confirm": "on"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert User.objects.get(pk=p["staff_a"].pk).is_active


def test_forgot_password_pages_answer(client, p, mailoutbox):
    assert client.get(reverse("password_reset")).status_code == 200
    staff = p["staff_a"]
    staff.set_password("mat-khau-cu-123")
    staff.save()
    response = client.post(reverse("password_reset"), {"email": "staff.a@x.vn"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "/accounts/password/set/" in mailoutbox[0].body
    assert client.get(reverse("password_reset_done")).status_code == 200
    assert client.get(reverse("password_reset_complete")).status_code == 200


def test_forgot_password_reaches_an_account_whose_first_link_expired(client, p, mailoutbox):
    """Made without a password, the person asks again from the log-in page."""
    staff = p["staff_b"]
    staff.email = "staff.b@x.vn"
    staff.set_unusable_password()
    staff.save()
    client.post(reverse("password_reset"), {"email": "STAFF.B@x.vn"})
    assert [m.to for m in mailoutbox] == [["staff.b@x.vn"]]
    User.objects.filter(pk=staff.pk).update(is_active=False)
    client.post(reverse("password_reset"), {"email": "staff.b@x.vn"})
    assert len(mailoutbox) == 1  # a deactivated account gets nothing


# ---------------------------------------------------------------- one account, bad input


def test_the_form_keeps_input_on_error_and_refuses_nul_bytes(client, p):
    client.force_login(p["home_affairs"])
    response = client.post(
        urls(p)["create"],
        {"unit": p["unit_a"].pk, "full_name": "Tên\x00Lạ", "email": "nul@x.vn"},
    )
    assert_control_refused(response)  # before the form, by parindex.middleware
    response = client.post(
        urls(p)["create"],
        {"unit": p["unit_a"].pk, "full_name": '=HYPERLINK("http://x")', "email": "f@x.vn"},
    )
    assert response.status_code == 200 and "full_name" in response.context["form"].errors
    assert not User.objects.filter(email__in=["nul@x.vn", "f@x.vn"]).exists()


# ---------------------------------------------------------------- many from a file


def _upload(client, callbacks, data, name="tk.csv"):
    """The upload, and when it became an import job, the job's page once a worker (eager
    here) read it."""
    with callbacks(execute=True):
        response = client.post(
            reverse("scoring:setup_accounts_import"),
            {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
        )
    return job_page_after(client, response)


_confirm = confirm_import_job


def _accounts_audit():
    return AuditEntry.objects.filter(action=AuditAction.ACCOUNT)


def test_bulk_preview_lists_errors_by_row_and_creates_nothing(
    client, p, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(p["home_affairs"])
    rows = [
        HEADER,
        ["A", "Người Đúng", "dung@x.vn", "", "", ""],
        ["ZZ", "Không Đơn Vị", "zz@x.vn", "", "", ""],
        ["A", '=HYPERLINK("http://evil","bấm")', "evil@x.vn", "", "", ""],
        ["B", "Có\x00Nul", "nul@x.vn", "", "", ""],
        ["X1", "Tỉnh Khác", "khac@x.vn", "", "", ""],
    ]
    response = _upload(client, django_capture_on_commit_callbacks, csv_text(rows))
    assert response.status_code == 200
    job = response.context["job"]
    assert job.status == ImportJobStatus.FAILED
    page = response.content.decode()
    assert "Dòng 3:" in page and "ZZ" in page and "Dòng 4:" in page and "Dòng 6:" in page
    assert "Dòng 5:" in page  # the NUL byte
    assert "Dòng 2:" not in page  # the good row has no problem
    assert 'value="confirm"' not in page
    assert not User.objects.filter(email__endswith="@x.vn").exclude(pk=p["staff_a"].pk).exists()
    assert not _accounts_audit().exists() and mailoutbox == []
    refused = _confirm(client, django_capture_on_commit_callbacks, job)
    assert refused.status_code == 302 and job.status == ImportJobStatus.FAILED
    assert not User.objects.filter(email="dung@x.vn").exists()


def test_bulk_preview_then_confirm_creates_and_sends(
    client, p, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(p["home_affairs"])
    rows = [
        HEADER,
        ["A", "Vũ Minh Tâm", "tam@x.vn", "", "Phó Chánh Văn phòng", "0912 345 678"],
        ["B", "Sở Y tế cũ", "staff.a@x.vn", "", "", ""],
    ]
    response = _upload(client, django_capture_on_commit_callbacks, csv_text(rows))
    job = response.context["job"]
    assert job.status == ImportJobStatus.READY, job.problems
    page = response.content.decode()
    assert "Tài khoản mới: 1; thêm đơn vị cho tài khoản có sẵn: 1" in page
    assert "Sở Tư pháp — Vũ Minh Tâm, tam@x.vn" in page and 'value="confirm"' in page
    assert "Sở Y tế — Sở Y tế cũ, staff.a@x.vn" in page
    assert "/accounts/password/set/" not in page  # the preview holds no link
    assert not User.objects.filter(email="tam@x.vn").exists()
    assert not _accounts_audit().exists() and mailoutbox == []  # the preview was rolled back
    done = _confirm(client, django_capture_on_commit_callbacks, job)
    assert done.status_code == 302 and job.status == ImportJobStatus.DONE
    tam = User.objects.get(email="tam@x.vn")
    assert tam.username == "tam" and not tam.has_usable_password()
    assert RoleGrant.objects.filter(user=p["staff_a"], unit=p["unit_b"]).exists()
    assert [m.to for m in mailoutbox] == [["tam@x.vn"]]
    audit = _accounts_audit()
    assert audit.filter(object_id=str(tam.pk), field="email", new_value="tam@x.vn").exists()
    assert audit.filter(object_id=str(p["staff_a"].pk), field="unit_staff", new_value="B").exists()
    token = mailoutbox[0].body.split("/accounts/password/set/")[1].split("/")[1]
    job.refresh_from_db()
    stored = job.summary + " ".join(job.preview) + str(job.params)
    assert token not in stored and "/accounts/password/set/" not in stored
    assert client.get(reverse("scoring:import_job", args=[job.pk])).context["done_url"] == reverse(
        "scoring:setup_accounts"
    )
    # A second confirmation does nothing twice.
    written = audit.count()
    again = _confirm(client, django_capture_on_commit_callbacks, job)
    assert again.status_code == 302 and job.status == ImportJobStatus.DONE
    assert User.objects.filter(email="tam@x.vn").count() == 1 and audit.count() == written
    assert len(mailoutbox) == 1


def test_another_officer_cannot_see_or_confirm_the_import(
    client, p, django_capture_on_commit_callbacks
):
    client.force_login(p["home_affairs"])
    rows = [HEADER, ["A", "Vũ Minh Tâm", "tam@x.vn", "", "", ""]]
    job = _upload(client, django_capture_on_commit_callbacks, csv_text(rows)).context["job"]
    for someone in ("other_officer", "admin"):
        client.force_login(p[someone])
        assert client.get(reverse("scoring:import_job", args=[job.pk])).status_code == 404
        assert _confirm(client, django_capture_on_commit_callbacks, job).status_code == 404
    assert job.status == ImportJobStatus.READY and not User.objects.filter(email="tam@x.vn")
    # The uploader no longer manages these accounts: the worker refuses, nothing is created.
    p["home_affairs"].role_grants.all().delete()
    client.force_login(p["home_affairs"])
    _confirm(client, django_capture_on_commit_callbacks, job)
    assert job.status == ImportJobStatus.FAILED and job.problems
    assert not User.objects.filter(email="tam@x.vn").exists() and not _accounts_audit().exists()


@pytest.mark.parametrize(
    "name,content",
    [
        ("tk.xlsx", b"not a zip"),
        ("tk.csv", "Mã đơn vị;Họ và tên\n".encode("cp1258", errors="replace")),
        ("tk.csv", b"\x00\x00\x00"),
        ("tk.csv", b"Ma don vi,Ho ten\nA,B\n"),
    ],
)
def test_bad_files_get_a_message_and_change_nothing(
    client, p, name, content, django_capture_on_commit_callbacks
):
    client.force_login(p["home_affairs"])
    response = _upload(client, django_capture_on_commit_callbacks, content, name=name)
    assert response.status_code == 200
    job = response.context["job"]
    assert job.status == ImportJobStatus.FAILED and job.problems
    assert "alert--error" in response.content.decode()
    assert not _accounts_audit().exists()


def test_a_file_that_is_not_a_sheet_is_refused_before_any_job(
    client, p, django_capture_on_commit_callbacks
):
    client.force_login(p["home_affairs"])
    response = _upload(client, django_capture_on_commit_callbacks, b"a,b", name="tk.txt")
    assert response.status_code == 200 and response.context["form"].errors
    assert not ImportJob.objects.exists()


def test_too_many_rows_are_refused(client, p, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("scoring.services.accounts.MAX_ROWS", 3)
    client.force_login(p["home_affairs"])
    rows = [HEADER] + [["A", f"Người {i}", f"n{i}@x.vn", "", "", ""] for i in range(4)]
    response = _upload(client, django_capture_on_commit_callbacks, csv_text(rows))
    assert response.context["job"].status == ImportJobStatus.FAILED
    assert "Mỗi tệp tối đa 3 dòng." in response.content.decode()
    assert not User.objects.filter(email="n0@x.vn").exists()


def test_the_template_workbook_has_the_columns_and_text_codes(client, p):
    client.force_login(p["home_affairs"])
    response = client.get(urls(p)["template"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    first = workbook.worksheets[0]
    # The organiser's code: needed only where two of one's organisers share a unit code.
    assert [c.value for c in first[1]] == [*HEADER, "Mã cơ quan tổ chức đánh giá"]
    assert first["A2"].number_format == "@" and first["G2"].number_format == "@"
    units = workbook.worksheets[1]
    assert [row[0].value for row in units.iter_rows(min_row=2)] == ["A", "B"]
    organiser = p["organiser"].code
    assert [row[2].value for row in units.iter_rows(min_row=2)] == [organiser, organiser]


def test_an_account_made_meanwhile_with_a_previewed_new_e_mail_refuses_the_import(
    client, p, mailoutbox, django_capture_on_commit_callbacks
):
    """The preview said "new account"; someone else then made an account with that e-mail.
    Confirming would grant the unit to that other account: refused, nothing changes."""
    client.force_login(p["home_affairs"])
    rows = [HEADER, ["A", "Người Mới Ba", "newperson3@x.vn", "", "", ""]]
    job = _upload(client, django_capture_on_commit_callbacks, csv_text(rows)).context["job"]
    assert job.status == ImportJobStatus.READY, job.problems
    squatter = User.objects.create(username="ke.chiem.cho", email="newperson3@x.vn")
    response = _confirm(client, django_capture_on_commit_callbacks, job)
    assert response.status_code == 302 and job.status == ImportJobStatus.FAILED
    page = client.get(reverse("scoring:import_job", args=[job.pk])).content.decode()
    assert "Dữ liệu đã thay đổi kể từ lúc xem trước" in page or "changed since the preview" in page
    assert not RoleGrant.objects.filter(user=squatter).exists()
    assert User.objects.filter(email="newperson3@x.vn").count() == 1
    assert not _accounts_audit().exists() and mailoutbox == []


def test_a_file_of_accounts_already_there_offers_nothing_to_confirm(
    client, p, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(p["home_affairs"])
    rows = [HEADER, ["A", "Nhân viên A", "staff.a@x.vn", "", "", ""]]
    response = _upload(client, django_capture_on_commit_callbacks, csv_text(rows))
    job = response.context["job"]
    assert job.status == ImportJobStatus.READY, job.problems
    page = response.content.decode()
    assert "data-nothing-changes" in page and 'value="confirm"' not in page
    refused = _confirm(client, django_capture_on_commit_callbacks, job)
    assert refused.status_code == 302 and job.status == ImportJobStatus.READY
    assert not _accounts_audit().exists() and mailoutbox == []
