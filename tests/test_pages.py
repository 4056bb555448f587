"""What a person sees: the Vietnamese login page, the home page, and an admin where a system
admin can browse every model — and where imports and edits keep the rules."""

import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

from scoring.models import AssessmentPeriod, AuditEntry, IndexItem, IndexSet
from tests.factories import PeriodFactory, UnitKindFactory, UserFactory
from tests.helpers import csv_text


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def demo_admin(demo, client):
    """The demo's system admin, logged in."""
    client.login(request=HttpRequest(), username="admin", password="parindex-demo")
    return client


def test_login_page_is_vietnamese(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    for text in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu"):
        assert text in html


def test_wrong_password_is_explained_in_vietnamese(client, db):
    UserFactory(username="noivu")
    response = client.post(reverse("login"), {"username": "noivu", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


def test_home_sends_a_visitor_to_the_public_results_then_shows_roles_and_periods(client, demo):
    response = client.get(reverse("home"))
    assert (response.status_code, response["Location"]) == (302, reverse("public:landing"))
    client.login(request=HttpRequest(), username="thamdinh.tuphap", password="parindex-demo")
    html = client.get(reverse("home")).content.decode()
    assert "Thành viên Hội đồng thẩm định" in html
    assert "lĩnh vực 2" in html
    assert "Sở Nội vụ tỉnh Hòa An" in html
    assert "15/12/2026" in html  # the deadline, written dd/mm/yyyy


def test_unit_staff_see_their_own_assessment_only(client, demo):
    client.login(request=HttpRequest(), username="sotuphap", password="parindex-demo")
    html = client.get(reverse("home")).content.decode()
    assert "Sở Tư pháp" in html
    assert "Sở Y tế" not in html


def test_healthz(client, db):
    assert client.get("/healthz").content == b"ok"


def test_unit_staff_cannot_open_the_admin(client, demo):
    client.login(request=HttpRequest(), username="sotuphap", password="parindex-demo")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_system_admin_can_browse_every_model(demo_admin):
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        changelist = demo_admin.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, model
        obj = model_admin.get_queryset(changelist.wsgi_request).first()
        if obj is None:
            continue
        page = demo_admin.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        assert page.status_code == 200, model


def test_admin_is_vietnamese(demo_admin):
    html = demo_admin.get(reverse("admin:index")).content.decode()
    assert "Quản trị" in html
    assert "Bộ chỉ số" in html or "bộ chỉ số" in html


def test_audit_log_cannot_be_edited_or_deleted_in_the_admin(demo_admin):
    entry = AuditEntry.objects.first()
    change_url = reverse("admin:scoring_auditentry_change", args=[entry.pk])
    delete_url = reverse("admin:scoring_auditentry_delete", args=[entry.pk])
    demo_admin.post(change_url, {"reason": "sửa"})
    assert demo_admin.post(delete_url, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.reason != "sửa"


def test_admin_index_set_import_shows_every_problem_and_imports_nothing(admin_client, db):
    period, kind = PeriodFactory(), UnitKindFactory()
    bad = csv_text(
        [
            ["code", "name", "max_points", "method", "rule", "evidence_required", "survey"],
            ["1", "Lĩnh vực", "5", "", "", "", ""],
            ["1.1", "Tiêu chí", "5", "", "", "", ""],
            ["1.1.1", "Tiêu chí thành phần", "bốn", "", "", "1", "0"],
        ]
    )
    url = reverse("admin:scoring_indexset_import_file")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        url, {"period": period.pk, "unit_kind": kind.pk, "file": SimpleUploadedFile("set.csv", bad)}
    )
    html = response.content.decode()
    assert "Dòng 4" in html and "bốn" in html
    assert "Dữ liệu chưa bị thay đổi" in html
    assert not IndexSet.objects.exists()
    with open("scoring/demo_data/index-set-department.csv", "rb") as handle:
        good = handle.read()
    response = admin_client.post(
        url,
        {"period": period.pk, "unit_kind": kind.pk, "file": SimpleUploadedFile("sample.csv", good)},
    )
    assert response.status_code == 302
    assert IndexSet.objects.get().items.filter(level="sub_criterion").count() == 49


def test_admin_refuses_an_oversized_import(admin_client, db, settings):
    settings.PARINDEX_IMPORT_MAX_MB = 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.csv", b"code,name\n" + b"x" * (1024 * 1024 + 10))
    response = admin_client.post(reverse("admin:units_unit_import_file"), {"file": big})
    assert "1 MB" in response.content.decode()


def change_form_data(client, index_set):
    """Everything the index-set change page would post back unchanged, and the items' prefix."""
    url = reverse("admin:scoring_indexset_change", args=[index_set.pk])
    page = client.get(url)
    form, inline = page.context["adminform"].form, page.context["inline_admin_formsets"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"name": index_set.name, "bonus_cap": "", "penalty_cap": ""})
    for formset in inline:
        for field in formset.formset.management_form:
            data[f"{formset.formset.prefix}-{field.name}"] = field.value()
        for index, inline_form in enumerate(formset.formset.forms):
            prefix = f"{formset.formset.prefix}-{index}"
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if isinstance(value, bool):
                    if value:
                        data[f"{prefix}-{name}"] = "on"
                    continue
                data[f"{prefix}-{name}"] = "" if value is None else value
    items_prefix = next(f.formset.prefix for f in inline if f.formset.model is IndexItem)
    return url, data, items_prefix


def item_field(index_set, prefix, code, field):
    position = list(index_set.items.order_by("position")).index(index_set.items.get(code=code))
    return f"{prefix}-{position}-{field}"


@pytest.fixture
def unused_set(demo):
    """A department set nobody has scored yet."""
    from scoring.services.index_set_import import index_set_import
    from scoring.services.periods import period_for_year
    from units.models import Organiser, UnitKind

    period = period_for_year(organiser=Organiser.objects.get(), year=2030)
    with open("scoring/demo_data/index-set-department.csv", "rb") as handle:
        return index_set_import(
            period=period,
            unit_kind=UnitKind.objects.get(code="department"),
            data=handle.read(),
            filename="sample.csv",
        )


def test_admin_edit_of_an_index_set_keeps_the_sums_and_is_audited(demo_admin, unused_set):
    url, data, prefix = change_form_data(demo_admin, unused_set)
    target = unused_set.items.get(code="1.1.1")

    data[item_field(unused_set, prefix, "1.1.1", "max_points")] = "0.75"  # breaks 1.1 and 1
    response = demo_admin.post(url, data)
    assert response.status_code == 200
    assert "“1.1”" in response.content.decode()
    target.refresh_from_db()
    assert target.max_points == Decimal("0.5")

    data[item_field(unused_set, prefix, "1.1.1", "max_points")] = "0.5"
    data[item_field(unused_set, prefix, "1.1.1", "name")] = "Ban hành kế hoạch CCHC năm đúng hạn"
    data[item_field(unused_set, prefix, "1.1.1", "rule")] = "Kịp thời: 0,5; chậm: 0,25; không: 0"
    response = demo_admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.name == "Ban hành kế hoạch CCHC năm đúng hạn"
    assert [level["label"] for level in target.method_params["levels"]] == [
        "Kịp thời",
        "chậm",
        "không",
    ]  # the parameters follow the edited rule
    entry = AuditEntry.objects.get(field="name", object_id=str(target.pk))
    assert entry.new_value == target.name and entry.actor.is_superuser
    assert entry.period == unused_set.period
    assert AuditEntry.objects.filter(field="method_params", object_id=str(target.pk)).exists()


def test_admin_keeps_how_a_set_in_use_scores(demo_admin):
    index_set = IndexSet.objects.filter(period__year=2026, unit_kind__code="department").get()
    url, data, prefix = change_form_data(demo_admin, index_set)
    data[item_field(index_set, prefix, "1.1.1", "rule")] = "Kịp thời: 0,5; không: 0"
    response = demo_admin.post(url, data)
    assert response.status_code == 200
    assert "1.1.1" in response.content.decode()
    assert (
        "không thể thay đổi" in response.content.decode()
        or "không còn" in response.content.decode()
    )
    assert index_set.items.get(code="1.1.1").rule.startswith("Ban hành kịp thời")
    data[item_field(index_set, prefix, "1.1.1", "rule")] = index_set.items.get(code="1.1.1").rule
    data[item_field(index_set, prefix, "1.1.1", "name")] = "Tên đã sửa chính tả"
    assert demo_admin.post(url, data).status_code == 302
    assert index_set.items.get(code="1.1.1").name == "Tên đã sửa chính tả"


def test_admin_cannot_move_a_set_to_another_period(demo_admin, unused_set):
    url, data, _prefix = change_form_data(demo_admin, unused_set)
    other = IndexSet.objects.filter(period__year=2026).first().period
    data["period"] = other.pk
    demo_admin.post(url, data)
    unused_set.refresh_from_db()
    assert unused_set.period.year == 2030


def test_admin_band_deletion_is_audited(demo_admin, unused_set):
    from scoring.models import Band

    band = Band.objects.create(index_set=unused_set, label="Tốt", min_percent=80)
    url, data, _prefix = change_form_data(demo_admin, unused_set)
    data["bands-0-DELETE"] = "on"
    assert demo_admin.post(url, data).status_code == 302
    assert not Band.objects.filter(pk=band.pk).exists()
    entry = AuditEntry.objects.get(action="delete", object_id=str(band.pk))
    assert entry.old_value.startswith("Tốt") and entry.period == unused_set.period


def test_admin_exports_an_index_set_as_a_background_report(
    demo_admin, django_capture_on_commit_callbacks
):
    from reports.models import Report, ReportStatus

    index_set = IndexSet.objects.filter(period__year=2026, unit_kind__code="commune").get()
    with django_capture_on_commit_callbacks(execute=True):
        response = demo_admin.post(
            reverse("admin:scoring_indexset_changelist"),
            {"action": "export_workbook", "_selected_action": [index_set.pk]},
        )
    assert response.status_code == 302
    # the demo's publications and its issued plan keep theirs
    report = Report.objects.get(publication=None, plan=None)
    assert report.status == ReportStatus.DONE and report.requested_by.username == "admin"
    download = demo_admin.get(reverse("reports:download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('bo-chi-so-commune-2026-v1.xlsx"')


def test_admin_copies_an_index_set_to_the_next_year(demo_admin):
    # The demo has no districts after 2024: the commune set is the one with wards in it.
    index_set = IndexSet.objects.filter(period__year=2026, unit_kind__code="commune").get()
    demo_admin.post(
        reverse("admin:scoring_indexset_changelist"),
        {"action": "clone_to_next_year", "_selected_action": [index_set.pk]},
    )
    clone = IndexSet.objects.get(period__year=2027, unit_kind__code="commune")
    assert clone.cloned_from == index_set
    assert clone.items.count() == index_set.items.count()
    assert list(clone.bands.values_list("label", flat=True)) == list(
        index_set.bands.values_list("label", flat=True)
    )


def test_admin_creates_no_assessment_in_a_period_being_set_up(demo_admin):
    index_set = IndexSet.objects.filter(period__year=2026, unit_kind__code="commune").get()
    demo_admin.post(
        reverse("admin:scoring_indexset_changelist"),
        {"action": "clone_to_next_year", "_selected_action": [index_set.pk]},
    )
    period = AssessmentPeriod.objects.get(year=2027)
    response = demo_admin.post(
        reverse("admin:scoring_assessmentperiod_changelist"),
        {"action": "open_assessments", "_selected_action": [period.pk]},
        follow=True,
    )
    assert "khi kỳ được mở" in response.content.decode()
    assert not period.assessments.exists()


@pytest.mark.parametrize(("format_index", "suffix"), [(0, "xlsx"), (1, "csv")])
def test_admin_exports_index_items_as_xlsx_or_bom_csv(demo_admin, format_index, suffix):
    from scoring.resources import IndexItemResource

    index_set = IndexSet.objects.filter(period__year=2026, unit_kind__code="department").get()
    items = list(index_set.items.order_by("position").values_list("pk", flat=True))
    fields = {f"indexitemresource_{name}": "on" for name in IndexItemResource().get_export_order()}
    response = demo_admin.post(
        reverse("admin:scoring_indexitem_export"),
        {"format": str(format_index), "resource": "0", "export_items": items, **fields},
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if suffix == "csv":
        text = content.decode("utf-8")
        assert text.startswith("\ufeffcode,name,max_points,method,rule")
        assert "Công tác chỉ đạo, điều hành CCHC" in text
    else:
        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        assert rows[0][:3] == ("code", "name", "max_points")
        assert len(rows) == len(items) + 1
        assert isinstance(rows[1][2], (int, float))
