"""The self-assessment screens over HTTP: autosave answers and conflicts, evidence uploads and
their private serving, review and submit, reopen and extend — and the permission matrix of
every view of the issue (role × view)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import AuditEntry, Evidence, Score
from scoring.workflow import AssessmentStatus
from tests.helpers import pdf_bytes

D = Decimal
JSON = {"HTTP_ACCEPT": "application/json"}
PDF = pdf_bytes()


@pytest.fixture
def s(self_assessment_setup):
    return self_assessment_setup


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


def save_url(s, code):
    return url("self_score_save", s["assessment_a"].pk, s["items"][code].pk)


def post_item(client, s, code, version=0, **data):
    return client.post(save_url(s, code), {"version": version, **data}, **JSON)


def pdf_upload(name="ke-hoach.pdf", content=PDF):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


# ---------------------------------------------------------------- autosave


def test_autosave_answers_with_the_new_version_points_and_totals(client, s):
    client.force_login(s["staff_a"])
    response = post_item(client, s, "1.1.3", ratio="95,5")
    assert response.status_code == 200
    data = response.json()
    assert data["item"]["version"] == 1
    assert data["item"]["points"] == "1"
    assert data["summary"]["total"] == {"points": "1,00", "max": "10,00", "index": "10,00%"}
    assert data["summary"]["progress"]["scored"] == 1
    area = data["summary"]["areas"][str(s["items"]["1"].pk)]
    assert (area["points"], area["scored"], area["required"]) == ("1,00", 1, 5)


def test_a_refused_value_says_why_and_stores_nothing(client, s):
    client.force_login(s["staff_a"])
    response = post_item(client, s, "1.1.5", points="7")
    assert response.status_code == 400
    assert "7" in response.json()["errors"]["points"] and "5" in response.json()["message"]
    assert not Score.objects.exists()


def test_a_second_tab_is_told_of_the_conflict_and_shown_the_stored_value(client, s):
    client.force_login(s["staff_a"])
    assert post_item(client, s, "1.1.5", version=0, points="3").status_code == 200
    stale = post_item(client, s, "1.1.5", version=0, points="4")  # the other tab
    assert stale.status_code == 409
    data = stale.json()
    assert data["conflict"] and data["current"]["points"] == "3"
    assert data["current"]["version"] == 1 and data["current"]["updated_by"]
    assert Score.objects.get().self_points == D("3")
    assert post_item(client, s, "1.1.5", version=1, points="4").status_code == 200


def test_after_the_deadline_autosave_is_closed(client, s):
    s["period"].self_assessment_deadline = timezone.now() - timedelta(seconds=1)
    s["period"].save()
    client.force_login(s["staff_a"])
    response = post_item(client, s, "1.1.2", points="1")
    assert response.status_code == 409
    assert response.json()["closed"] and "Hạn tự đánh giá" in response.json()["message"]
    assert not Score.objects.exists()


def test_without_javascript_an_item_form_still_saves(client, s):
    client.force_login(s["staff_a"])
    response = client.post(save_url(s, "1.1.2"), {"version": 0, "points": "1"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#item-{s['items']['1.1.2'].pk}")
    assert Score.objects.get().self_points == D("1")
    assert "1.1.2" in response.content.decode()


def test_the_form_shows_each_method_and_the_survey_as_read_only(client, s):
    client.force_login(s["staff_a"])
    html = client.get(url("self_assessment", s["assessment_a"].pk)).content.decode()
    assert html.count('type="radio" name="points"') == 3 + 2 + 1  # levels, yes/no, other case
    assert html.count('name="ratio"') == 2
    assert html.count('name="not_applicable"') == 1
    assert "Do Sở Nội vụ nhập" in html
    assert html.count('class="sa-item__form"') == 6  # 5 sub-criteria + the bonus line


def test_appraisers_see_the_form_read_only(client, s):
    post_item_as = s["staff_a"]
    client.force_login(post_item_as)
    post_item(client, s, "1.1.2", points="1")
    client.force_login(s["appraiser"])
    html = client.get(url("self_assessment", s["assessment_a"].pk)).content.decode()
    assert "disabled" in html and 'value="1" checked' in html
    assert "evidence-dialog" not in html


# ---------------------------------------------------------------- evidence


def test_a_file_uploaded_for_an_item_is_served_only_through_the_permission_check(client, s):
    client.force_login(s["staff_a"])
    item = s["items"]["1.1.1"]
    response = client.post(
        url("evidence_add", s["assessment_a"].pk),
        {"items": [item.pk], "file": pdf_upload(), "description": "Kế hoạch CCHC"},
        **JSON,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert "ke-hoach.pdf" in data["items"][str(item.pk)]["html"]
    evidence = Evidence.objects.get()
    assert list(evidence.items.all()) == [item]
    assert evidence.sha256 and evidence.size == len(PDF)

    file_url = url("evidence_file", evidence.pk)
    served = client.get(file_url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    assert served["Content-Type"] == "application/pdf"
    client.force_login(s["staff_b"])
    assert client.get(file_url).status_code == 404
    client.logout()
    assert client.get(file_url).status_code == 302
    # No public route to the stored file.
    assert client.get(f"/private-media/{evidence.file.name}").status_code == 404


def test_uploading_the_same_file_again_reuses_it(client, s):
    client.force_login(s["staff_a"])
    for code in ("1.1.1", "1.1.2"):
        client.post(
            url("evidence_add", s["assessment_a"].pk),
            {"items": [s["items"][code].pk], "file": pdf_upload()},
            **JSON,
        )
    evidence = Evidence.objects.get()
    assert evidence.items.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "word"),
    [
        ("virus.exe", b"MZ\x90\x00", "virus.exe"),
        ("fake.pdf", b"<html><script>", "fake.pdf"),
        ("empty.pdf", b"", "empty.pdf"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_is_stored(client, s, name, content, word):
    client.force_login(s["staff_a"])
    response = client.post(
        url("evidence_add", s["assessment_a"].pk),
        {"items": [s["items"]["1.1.1"].pk], "file": pdf_upload(name, content)},
        **JSON,
    )
    assert response.status_code == 400
    assert word in response.json()["message"]
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_refused(client, s, settings):
    settings.PARINDEX_EVIDENCE_MAX_MB = 1
    client.force_login(s["staff_a"])
    big = PDF + b"0" * (1024 * 1024)
    response = client.post(
        url("evidence_add", s["assessment_a"].pk),
        {"items": [s["items"]["1.1.1"].pk], "file": pdf_upload("scan.pdf", big)},
        **JSON,
    )
    assert response.status_code == 400
    assert "1 MB" in response.json()["message"]
    assert not Evidence.objects.exists()


def test_a_cited_document_attaches_to_more_items_without_uploading_again(client, s):
    client.force_login(s["staff_a"])
    first, second = s["items"]["1.1.1"], s["items"]["1.1.3"]
    response = client.post(
        url("evidence_add", s["assessment_a"].pk),
        {
            "items": [first.pk],
            "document_number": "45/KH-UBND",
            "document_date": "2026-02-05",
            "issuer": "UBND xã Tân Hòa",
        },
        **JSON,
    )
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert "45/KH-UBND" in response.json()["library_html"]
    response = client.post(
        url("evidence_add", s["assessment_a"].pk),
        {"items": [second.pk], "evidence": evidence.pk},
        **JSON,
    )
    assert response.status_code == 200
    assert set(evidence.items.all()) == {first, second}
    response = client.post(
        url("evidence_link", s["assessment_a"].pk, evidence.pk),
        {"items": [first.pk], "action": "detach"},
        **JSON,
    )
    assert list(evidence.items.all()) == [second]
    assert AuditEntry.objects.filter(action="evidence_detach").exists()


def test_a_citation_needs_a_number_or_a_link(client, s):
    client.force_login(s["staff_a"])
    response = client.post(
        url("evidence_add", s["assessment_a"].pk),
        {"items": [s["items"]["1.1.1"].pk], "issuer": "UBND xã", "url": "javascript:alert(1)"},
        **JSON,
    )
    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_another_units_evidence_cannot_be_attached(client, s):
    other = Evidence.objects.create(
        assessment=s["assessment_b"], document_number="9/BC", uploaded_by=s["staff_b"]
    )
    client.force_login(s["staff_a"])
    response = client.post(
        url("evidence_add", s["assessment_a"].pk),
        {"items": [s["items"]["1.1.1"].pk], "evidence": other.pk},
        **JSON,
    )
    # A JSON answer the form's script can show, and the same one as for an id that does not
    # exist: nothing is told about the other unit.
    assert response.status_code == 400
    assert "không có trong kho tài liệu" in response.json()["message"]
    assert other.items.count() == 0
    for pk in (other.pk + 1000, "abc"):
        missing = client.post(
            url("evidence_add", s["assessment_a"].pk),
            {"items": [s["items"]["1.1.1"].pk], "evidence": pk},
            **JSON,
        )
        assert missing.status_code == 400
        assert missing.json()["message"] == response.json()["message"]
    unlink = client.post(
        reverse("scoring:evidence_link", args=[s["assessment_a"].pk, other.pk]),
        {"items": [s["items"]["1.1.1"].pk]},
        **JSON,
    )
    assert unlink.status_code == 400 and unlink.json()["ok"] is False


# ---------------------------------------------------------------- submit, reopen, extend


def fill_everything(client, s):
    for code, data in (
        ("1.1.1", {"points": "0"}),
        ("1.1.2", {"points": "0"}),
        ("1.1.3", {"ratio": "80"}),
        ("1.1.4", {"ratio": "0"}),
        ("1.1.5", {"not_applicable": "1", "reason": "Không có đơn vị trực thuộc"}),
    ):
        assert post_item(client, s, code, **data).status_code == 200


def test_review_lists_what_is_missing_and_refuses_to_submit(client, s):
    client.force_login(s["staff_a"])
    post_item(client, s, "1.1.5", points="3")
    review = client.get(url("self_assessment_submit", s["assessment_a"].pk)).content.decode()
    for code in ("1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5"):
        assert f"<strong>{code}</strong>" in review
    response = client.post(
        url("self_assessment_submit", s["assessment_a"].pk), {"confirm": "1"}, follow=True
    )
    assert "5" in response.content.decode()
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == AssessmentStatus.DRAFT


def test_submitting_makes_the_form_read_only(client, s):
    client.force_login(s["staff_a"])
    fill_everything(client, s)
    response = client.post(
        url("self_assessment_submit", s["assessment_a"].pk), {"confirm": "1"}, follow=True
    )
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == AssessmentStatus.SUBMITTED
    html = response.content.decode()
    assert 'data-editable="0"' in html and '<fieldset class="sa-item__entry" disabled>' in html
    assert post_item(client, s, "1.1.2", version=1, points="1").status_code == 409


def test_home_affairs_reopens_a_unit_and_extends_the_deadline(client, s):
    s["period"].self_assessment_deadline = timezone.now() - timedelta(hours=1)
    s["period"].save()
    client.force_login(s["home_affairs"])
    until = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url("assessment_reopen", s["assessment_a"].pk), {"until": until})
    assert refused.status_code == 200 and 'class="field__error"' in refused.content.decode()
    assert not AuditEntry.objects.filter(field="unit_deadline").exists()
    response = client.post(
        url("assessment_reopen", s["assessment_a"].pk),
        {"reason": "Đơn vị bị sự cố mạng", "until": until},
    )
    assert response.status_code == 302
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].unit_deadline > timezone.now()

    new = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url("period_deadline", s["period"].pk), {"deadline": new, "reason": "Theo chỉ đạo"}
    )
    assert response.status_code == 302
    s["period"].refresh_from_db()
    assert s["period"].self_assessment_deadline > timezone.now()


def test_a_reopened_unit_sees_its_own_deadline_to_the_end_of_the_day_typed(client, s):
    """Typed without a time, “until 20/12” means until the end of that day; the unit's home
    page then shows its own deadline, not the period's passed one."""
    s["period"].self_assessment_deadline = timezone.now() - timedelta(hours=1)
    s["period"].save()
    day = timezone.localdate() + timedelta(days=5)
    client.force_login(s["home_affairs"])
    response = client.post(
        url("assessment_reopen", s["assessment_a"].pk),
        {"reason": "Đơn vị bị sự cố mạng", "until": day.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    s["assessment_a"].refresh_from_db()
    local = timezone.localtime(s["assessment_a"].unit_deadline)
    assert (local.date(), local.hour, local.minute) == (day, 23, 59)

    client.force_login(s["staff_a"])
    home = client.get("/").content.decode()
    assert f"23:59 {day.strftime('%d/%m/%Y')}" in home


# ---------------------------------------------------------------- permission matrix

ROLES = ("staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin", "anonymous")
READ = (200, 404, 200, 200, 200, 200, 302)  # every unit of their scope, read-only
WRITE = (200, 404, 403, 403, 403, 403, 302)  # the unit's own staff only

MATRIX = {
    # name: (method, expected per role)
    "form": ("get", READ),
    "review": ("get", READ),
    "workbook": ("get", READ),
    "evidence_file": ("get", READ),
    "save": ("post", WRITE),
    "evidence_add": ("post", (400, 404, 403, 403, 403, 403, 302)),
    "evidence_link": ("post", WRITE),
    "evidence_delete": ("post", WRITE),
    "submit": ("post", (200, 404, 403, 403, 403, 403, 302)),
    "import": ("get", WRITE),
    "reopen": ("get", (403, 404, 403, 403, 200, 403, 302)),
    "deadline": ("get", (404, 404, 404, 403, 200, 403, 302)),  # the admin reads, sets none
}


def matrix_cases():
    for view, (method, expected) in MATRIX.items():
        for role, status in zip(ROLES, expected, strict=True):
            yield pytest.param(view, method, role, status, id=f"{view}-{role}")


@pytest.mark.parametrize(("view", "method", "role", "status"), list(matrix_cases()))
def test_permission_matrix(client, s, view, method, role, status):
    assessment = s["assessment_a"]
    item = s["items"]["1.1.2"]
    evidence = Evidence.objects.create(
        assessment=assessment, document_number="1/KH", uploaded_by=s["staff_a"]
    )
    evidence.file.save("kh.pdf", io.BytesIO(PDF))
    evidence.items.add(item)
    paths = {
        "form": url("self_assessment", assessment.pk),
        "review": url("self_assessment_submit", assessment.pk),
        "workbook": url("self_assessment_workbook", assessment.pk),
        "evidence_file": url("evidence_file", evidence.pk),
        "save": url("self_score_save", assessment.pk, item.pk),
        "evidence_add": url("evidence_add", assessment.pk),
        "evidence_link": url("evidence_link", assessment.pk, evidence.pk),
        "evidence_delete": url("evidence_delete", assessment.pk, evidence.pk),
        "submit": url("self_assessment_submit", assessment.pk),
        "import": url("self_assessment_import", assessment.pk),
        "reopen": url("assessment_reopen", assessment.pk),
        "deadline": url("period_deadline", s["period"].pk),
    }
    data = {
        "save": {"version": 0, "points": "1"},
        "evidence_add": {"items": [item.pk]},  # nothing to attach: refused as bad input
        "evidence_link": {"items": [item.pk], "action": "detach"},
        "submit": {"confirm": "1"},
    }.get(view, {})
    if role != "anonymous":
        client.force_login(s[role])
    response = getattr(client, method)(paths[view], data, **JSON)
    assert response.status_code == status
    if method == "post" and status != 200:
        # Nothing was written by anyone refused.
        assert not Score.objects.exists()
        assert evidence.items.count() == 1 and Evidence.objects.filter(pk=evidence.pk).exists()
