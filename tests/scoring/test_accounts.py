"""Staff accounts: the rules of units.accounts through the door scoring.services.accounts —
new accounts without a password, the unit added to an existing person, deactivation, the audit
rows (never a secret), the password link after the commit, a broker or mail server down, the
bulk file, and the council's new member getting the same link."""

import smtplib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parindex.tabular import ImportFailed
from scoring.models import AuditAction, AuditEntry
from scoring.selectors.accounts import LinkState, link_states
from scoring.services import accounts as service
from scoring.services import audit
from scoring.services.accounts import (
    AccountRow,
    account_link_resend,
    account_rows_read,
    send_password_link,
    staff_account_activate,
    staff_account_create,
    staff_accounts_import,
    staff_accounts_preview,
)
from scoring.services.council import NewAccount, council_member_add
from tests.factories import (
    OrganiserFactory,
    PeriodFactory,
    RoleGrantFactory,
    UnitFactory,
    UserFactory,
)
from tests.helpers import csv_text, xlsx
from units.accounts import ascii_name, username_suggest
from units.models import RoleGrant, User
from units.roles import Role


def audit_rows(user):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).order_by("id")


def create(personas, **overrides):
    data = {
        "unit": personas["unit_a"],
        "full_name": "Trần Thị Bích Ngọc",
        "email": "ngoc.tt@stp.hoaan.gov.vn",
        "job_title": "Chuyên viên",
        "phone": "+84 912 345 678",
        "by": personas["home_affairs"],
        **overrides,
    }
    return staff_account_create(**data)


@pytest.fixture
def other_organiser(db):
    organiser = OrganiserFactory(code="org-other", name="Sở Nội vụ tỉnh Bên Cạnh")
    unit = UnitFactory(code="X1", name="Sở Tài chính Bên Cạnh", organiser=organiser)
    officer = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=organiser).user
    return {"organiser": organiser, "unit": unit, "officer": officer}


# ---------------------------------------------------------------- usernames


def test_usernames_are_suggested_without_diacritics_and_unique(db):
    assert ascii_name("Nguyễn Văn Đức") == "Nguyen Van Duc"
    assert username_suggest(email="ngoc.tt@x.vn", full_name="") == "ngoc.tt"
    assert username_suggest(email="", full_name="Lê Thị Hồng Đào") == "le.thi.hong.dao"
    UserFactory(username="ngoc.tt")
    assert username_suggest(email="Ngoc.TT@x.vn", full_name="") == "ngoc.tt2"
    assert username_suggest(email="ngoc.tt@x.vn", full_name="", taken={"ngoc.tt2"}) == "ngoc.tt3"


# ---------------------------------------------------------------- one account


def test_a_new_account_has_no_password_a_unit_and_gets_the_link(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        saved = create(personas)
    user = saved.user
    assert saved.created and user.username == "ngoc.tt"
    assert not user.has_usable_password() and user.is_active
    assert RoleGrant.objects.filter(user=user, role=Role.UNIT_STAFF, unit=personas["unit_a"])
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ngoc.tt@stp.hoaan.gov.vn"]
    assert "ngoc.tt" in mail.body and "Sở Tư pháp" in mail.body
    assert "/accounts/password/set/" in mail.body
    assert link_states([user.pk])[user.pk].state == LinkState.SENT


def test_the_audit_says_who_what_and_never_a_password_or_token(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = create(personas).user
    rows = list(audit_rows(user))
    assert {row.action for row in rows} == {AuditAction.ACCOUNT}
    fields = {row.field: row.new_value for row in rows}
    assert fields["username"] == "ngoc.tt" and fields["unit_staff"] == "A"
    assert fields["email"] == "ngoc.tt@stp.hoaan.gov.vn"
    assert [r.new_value for r in rows if r.field == "password_link"] == ["queued", "sent"]
    assert all(r.actor == personas["home_affairs"] for r in rows if r.field != "password_link")
    token = mailoutbox[0].body.split("/accounts/password/set/")[1].split("/")[1]
    for row in rows:
        assert token not in row.new_value + row.old_value + row.reason
        assert row.field not in ("password", "token")
    with pytest.raises(ValueError):
        audit.account_changed(actor=None, user=user, field="password", new="x")


def test_the_same_person_gets_the_unit_not_a_second_account(personas, mailoutbox):
    existing = UserFactory(username="ngoc", email="NGOC.TT@stp.hoaan.gov.vn")
    saved = create(personas, unit=personas["unit_b"])
    assert not saved.created and saved.granted and saved.user == existing
    assert User.objects.filter(email__iexact="ngoc.tt@stp.hoaan.gov.vn").count() == 1
    assert RoleGrant.objects.filter(user=existing, unit=personas["unit_b"]).exists()
    assert mailoutbox == []  # an existing account keeps its password
    with pytest.raises(ValidationError) as error:
        create(personas, unit=personas["unit_b"])
    assert "đã là cán bộ của Sở Y tế" in error.value.message_dict["email"][0]


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": ""}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": '=HYPERLINK("http://evil","x")'}, "full_name"),
        ({"job_title": "@SUM(A1)"}, "job_title"),
        ({"full_name": "Nguyễn\x00Văn"}, "full_name"),
        ({"username": "có dấu"}, "username"),
        ({"phone": "gọi tôi"}, "phone"),
    ],
)
def test_bad_details_are_refused_by_field_and_nothing_is_saved(personas, overrides, field):
    before = User.objects.count()
    with pytest.raises(ValidationError) as error:
        create(personas, **overrides)
    assert field in error.value.message_dict
    assert User.objects.count() == before


def test_a_username_of_another_person_is_refused(personas):
    UserFactory(username="ngoc", email="someone.else@x.vn")
    with pytest.raises(ValidationError) as error:
        create(personas, username="ngoc")
    assert "username" in error.value.message_dict


def test_no_account_for_a_unit_that_ended_but_one_for_a_unit_starting_next_year(personas):
    this_year = timezone.localdate().year
    merged = personas["unit_a"]
    merged.valid_to_year = this_year - 1
    merged.save()
    with pytest.raises(ValidationError) as error:
        create(personas)
    assert "không còn" in error.value.message_dict["unit"][0]
    assert not User.objects.filter(email="ngoc.tt@stp.hoaan.gov.vn").exists()
    new_commune = UnitFactory(
        code="XA-MOI", organiser=personas["organiser"], valid_from_year=this_year + 1
    )
    user = create(personas, unit=new_commune).user
    assert RoleGrant.objects.filter(user=user, unit=new_commune, role=Role.UNIT_STAFF).exists()


def test_never_a_superuser_here(personas):
    personas["admin"].email = "root@x.vn"
    personas["admin"].save()
    with pytest.raises(ValidationError):
        create(personas, email="root@x.vn")
    assert not RoleGrant.objects.filter(user=personas["admin"]).exists()


def test_only_home_affairs_of_the_units_organiser(personas, other_organiser):
    for who in ("staff_a", "appraiser", "chair"):
        with pytest.raises(PermissionDenied):
            create(personas, by=personas[who])
    with pytest.raises(PermissionDenied):
        create(personas, by=other_organiser["officer"])
    assert not User.objects.filter(email="ngoc.tt@stp.hoaan.gov.vn").exists()


# ---------------------------------------------------------------- broker and mail down


def test_a_broker_that_is_down_keeps_the_account_and_flags_the_link(
    personas, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_password_link, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        user = create(personas).user
    assert User.objects.filter(pk=user.pk).exists() and mailoutbox == []
    assert link_states([user.pk])[user.pk].state == LinkState.FAILED
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        account_link_resend(user=user, by=personas["home_affairs"])
    assert len(mailoutbox) == 1
    assert link_states([user.pk])[user.pk].state == LinkState.SENT


def test_a_mail_server_that_refuses_is_recorded(
    personas, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(service.EmailMessage, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        user = create(personas).user
    assert User.objects.filter(pk=user.pk).exists()
    assert link_states([user.pk])[user.pk].state == LinkState.FAILED


def test_a_refused_account_queues_no_link(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        create(personas, email="bad")
    assert callbacks == []


# ---------------------------------------------------------------- deactivate


def test_deactivate_and_reactivate_need_a_reason_and_are_audited(personas):
    staff = personas["staff_a"]
    with pytest.raises(ValidationError):
        staff_account_activate(user=staff, active=False, reason=" ", by=personas["home_affairs"])
    assert staff_account_activate(
        user=staff, active=False, reason="Nghỉ hưu", by=personas["home_affairs"]
    )
    staff.refresh_from_db()
    assert not staff.is_active
    row = audit_rows(staff).get(field="is_active")
    assert (row.old_value, row.new_value, row.reason) == ("1", "0", "Nghỉ hưu")
    assert staff_account_activate(
        user=staff, active=True, reason="Quay lại", by=personas["home_affairs"]
    )
    staff.refresh_from_db()
    assert staff.is_active


@pytest.mark.parametrize("who", ["admin", "chair", "home_affairs", "appraiser"])
def test_organiser_roles_and_superusers_are_not_deactivated_here(personas, who):
    target = personas[who]
    RoleGrantFactory(user=target, role=Role.UNIT_STAFF, unit=personas["unit_a"])
    with pytest.raises(ValidationError):
        staff_account_activate(user=target, active=False, reason="thử", by=personas["home_affairs"])
    target.refresh_from_db()
    assert target.is_active


def test_another_organisers_officer_cannot_deactivate(personas, other_organiser):
    with pytest.raises(ValidationError):
        staff_account_activate(
            user=personas["staff_a"], active=False, reason="x", by=other_organiser["officer"]
        )
    with pytest.raises(PermissionDenied):
        account_link_resend(user=personas["staff_a"], by=other_organiser["officer"])


# ---------------------------------------------------------------- from a file


HEADER = ["Mã đơn vị", "Họ và tên", "Thư điện tử", "Tên đăng nhập", "Chức vụ", "Điện thoại"]


def test_a_file_is_previewed_row_by_row_then_imported_at_once(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    existing = UserFactory(username="cu", email="cu@x.vn")
    data = xlsx(
        {
            "Tài khoản": [
                HEADER,
                ["A", "Phạm Văn Hải", "hai@x.vn", "", "Chánh Văn phòng", "0236 3822 123"],
                ["B", "Phạm Văn Hải", "hai@x.vn", "", "", ""],
                ["B", "Người Cũ", "cu@x.vn", "", "", ""],
            ]
        }
    )
    rows = account_rows_read(data=data, filename="tk.xlsx")
    preview = staff_accounts_preview(rows=rows, by=personas["home_affairs"])
    assert [p.plan.action for p in preview] == ["new", "grant", "grant"]
    assert User.objects.filter(email="hai@x.vn").count() == 0  # a dry run
    with django_capture_on_commit_callbacks(execute=True):
        saved = staff_accounts_import(rows=rows, by=personas["home_affairs"], filename="tk.xlsx")
    hai = User.objects.get(email="hai@x.vn")
    assert hai.phone == "0236 3822 123" and hai.job_title == "Chánh Văn phòng"
    assert set(RoleGrant.objects.filter(user=hai).values_list("unit__code", flat=True)) == {
        "A",
        "B",
    }
    assert RoleGrant.objects.filter(user=existing, unit=personas["unit_b"]).exists()
    assert [s.created for s in saved] == [True, False, False]
    assert [m.to for m in mailoutbox] == [["hai@x.vn"]]


def test_one_bad_row_and_nothing_is_created(personas, other_organiser):
    data = csv_text(
        [
            HEADER,
            ["A", "Đúng Người", "dung@x.vn", "", "", ""],
            ["X1", "Khác Tỉnh", "khac@x.vn", "", "", ""],
            ["ZZZ", "Không Có", "khong@x.vn", "", "", ""],
            ["A", '=HYPERLINK("http://evil","bấm")', "evil@x.vn", "", "", ""],
            ["A", "Có\x00Nul", "nul@x.vn", "", "", ""],
            ["B", "Sai Thư", "not-an-email", "", "", ""],
        ]
    )
    rows = account_rows_read(data=data, filename="tk.csv")
    preview = staff_accounts_preview(rows=rows, by=personas["home_affairs"])
    assert [bool(p.problems) for p in preview] == [False, True, True, True, True, True]
    before = User.objects.count()
    with pytest.raises(ImportFailed) as error:
        staff_accounts_import(rows=rows, by=personas["home_affairs"])
    assert {p.row for p in error.value.problems} == {3, 4, 5, 6, 7}
    assert User.objects.count() == before


def test_a_file_without_the_columns_says_which(personas):
    with pytest.raises(ImportFailed) as error:
        account_rows_read(data=csv_text([["Tên", "Mail"], ["a", "b"]]), filename="x.csv")
    assert "Mã đơn vị" in str(error.value)
    with pytest.raises(ImportFailed):
        account_rows_read(data=b"\x00\x01garbage", filename="x.xlsx")


def test_rows_keep_only_plain_strings_for_the_session(personas):
    rows = account_rows_read(
        data=xlsx({"S": [HEADER, [1, "Số Mã", "so@x.vn", None, None, 912345678]]}),
        filename="t.xlsx",
    )
    assert rows[0] == AccountRow(
        row=2, unit_code="1", full_name="Số Mã", email="so@x.vn", phone="912345678"
    )


# ---------------------------------------------------------------- the council's new member


def test_a_new_council_member_is_sent_the_same_link(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    period = PeriodFactory(organiser=personas["organiser"])
    with django_capture_on_commit_callbacks(execute=True):
        grant, created = council_member_add(
            period=period,
            new_account=NewAccount(
                full_name="Lê Văn Khánh", email="khanh@hoaan.gov.vn", username="thamdinh.khanh"
            ),
            role=Role.APPRAISER,
            by=personas["home_affairs"],
        )
    assert created
    assert [m.to for m in mailoutbox] == [["khanh@hoaan.gov.vn"]]
    assert "thamdinh.khanh" in mailoutbox[0].body
    assert link_states([grant.user_id])[grant.user_id].state == LinkState.SENT
