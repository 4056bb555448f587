"""A control character in what is posted — a form field, a multipart upload's fields or file
name, a JSON body — is refused with one Vietnamese 400 before any view runs, and nothing is
stored (issue 16: a NUL gave a 500 on six write endpoints, PostgreSQL refusing NUL in text).

The rule is parindex.text.has_control_character (NUL, the other C0 characters and C1; tab,
line feed and carriage return are text); the door is parindex.middleware."""

import io
import json

import pytest
from django.urls import reverse

from parindex.text import has_control_character
from scoring.models import AuditEntry, Evidence, Score
from tests.helpers import CONTROL_REFUSED, assert_control_refused
from units.models import Unit

JSON = {"HTTP_ACCEPT": "application/json"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BAD = ["ghi\x00chú", "\x00", "a\x1bb", "a\x7fb", "a\x9bb"]  # NUL, ESC, DEL, C1 CSI


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


def pdf(name="ke-hoach.pdf"):
    upload = io.BytesIO(PDF)
    upload.name = name
    return upload


@pytest.fixture
def s(self_assessment_setup):
    return self_assessment_setup


def _stored(s):
    return (
        Score.objects.filter(assessment=s["assessment_a"]).count(),
        Evidence.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_rule_keeps_tab_and_line_breaks_as_text():
    assert not has_control_character("a\tb\nc\r\nd")
    assert all(has_control_character(text) for text in BAD)


@pytest.mark.parametrize("text", BAD)
def test_a_form_post_is_refused_with_a_page(client, s, text):
    client.force_login(s["staff_a"])
    before = _stored(s)
    response = client.post(
        url("self_score_save", s["assessment_a"].pk, s["items"]["1.1.5"].pk),
        {"version": 0, "points": "1", "note": text},
    )
    assert_control_refused(response)
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    assert _stored(s) == before


@pytest.mark.parametrize("text", BAD)
def test_a_script_gets_json_with_the_message(client, s, text):
    client.force_login(s["staff_a"])
    before = _stored(s)
    response = client.post(
        url("self_score_save", s["assessment_a"].pk, s["items"]["1.1.5"].pk),
        {"version": 0, "points": "1", "note": text},
        **JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and CONTROL_REFUSED in body["error"] == body["message"]
    assert _stored(s) == before


def test_a_json_body_is_looked_at_too(client, s):
    client.force_login(s["staff_a"])
    before = _stored(s)
    response = client.post(
        url("self_score_save", s["assessment_a"].pk, s["items"]["1.1.5"].pk),
        json.dumps({"version": 0, "points": "1", "note": {"nested": ["ok", "x\u0000y"]}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert CONTROL_REFUSED in response.json()["error"]
    assert _stored(s) == before


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"description": "Kế hoạch\x00"}, "ke-hoach.pdf"),
        ({"document_number": "12\x00/KH"}, "ke-hoach.pdf"),
    ],
)
def test_a_multipart_upload_is_refused_by_its_fields_and_file_name(client, s, fields, name):
    client.force_login(s["staff_a"])
    before = _stored(s)
    item = s["items"]["1.1.1"]
    response = client.post(
        url("evidence_add", s["assessment_a"].pk),
        {"items": [item.pk], "file": pdf(name), **fields},
        **JSON,
    )
    assert response.status_code == 400
    assert CONTROL_REFUSED in response.json()["message"]
    assert _stored(s) == before


def test_a_file_name_with_nul_never_reaches_the_database(client, s):
    """Django's multipart parser already cuts a file name at a NUL: stored clean, not a 500."""
    client.force_login(s["staff_a"])
    item = s["items"]["1.1.1"]
    response = client.post(
        url("evidence_add", s["assessment_a"].pk),
        {"items": [item.pk], "file": pdf("ke\x00hoach.pdf")},
        **JSON,
    )
    assert response.status_code in (200, 400)
    assert not any("\x00" in e.original_name for e in Evidence.objects.all())


def test_tab_and_line_breaks_are_saved(client, s):
    client.force_login(s["staff_a"])
    response = client.post(
        url("self_score_save", s["assessment_a"].pk, s["items"]["1.1.5"].pk),
        {"version": 0, "points": "1", "note": "Dòng 1\r\nDòng\t2"},
        **JSON,
    )
    assert response.status_code == 200, response.content
    assert "Dòng\t2" in Score.objects.get(item=s["items"]["1.1.5"]).self_note


def test_an_admin_form_is_refused_and_the_row_unchanged(client, personas):
    client.force_login(personas["admin"])
    unit = personas["unit_a"]
    response = client.post(
        reverse("admin:units_unit_change", args=[unit.pk]), {"name": "Sở\x00Tư pháp"}
    )
    assert_control_refused(response)
    assert Unit.objects.get(pk=unit.pk).name == "Sở Tư pháp"


def test_a_query_under_the_api_keeps_its_json_shape(client, db):
    response = client.get("/api/v1/periods", {"q": "\x00"})
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
