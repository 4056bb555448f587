"""An assessment's history of changes: the rows people read (time, who, action, item, field,
old → new, reason), what each reader may see before publication, the item filter, pages,
the Excel and CSV exports — and that nobody can change the trail, not even in the admin."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from openpyxl import load_workbook

from parindex.dates import datetime_text
from scoring.models import AuditAction, AuditEntry, Score
from scoring.selectors.audit import history_entries
from scoring.services import audit
from scoring.services.appraisal import explanation_save, explanation_send
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.scoring.test_explanation_views import (  # noqa: F401 (fixtures)
    QUESTION_1,
    QUESTION_5,
    QUESTION_B,
    SECRET_REASON,
    ask_questions,
    explanation_setup,
    pdf_upload,
)

ROUND_1_REASON = "Ban hành chậm so với quy định"


@pytest.fixture
def s(explanation_setup):  # noqa: F811
    """Unit A answered both questions and sent its explanation."""
    s = explanation_setup
    for code, text in (("1.1.1", "Do chờ ý kiến của Bộ."), ("1.1.5", "Đã bổ sung báo cáo.")):
        score = Score.objects.get(assessment=s["assessment_a"], item=s["items"][code])
        explanation_save(
            assessment=s["assessment_a"],
            item=s["items"][code],
            text=text,
            expected_version=score.version,
            by=s["staff_a"],
        )
    explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    s["assessment_a"].refresh_from_db()
    return s


def history_url(s, key="assessment_a", **query):
    url = reverse("scoring:assessment_history", args=[s[key].pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def export_url(s, fmt, key="assessment_a"):
    return reverse("scoring:assessment_history_export", args=[s[key].pk, fmt])


def rows_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["rows"], response.content.decode()


def label(model, name):
    return str(capfirst(model._meta.get_field(name).verbose_name))


# ---------------------------------------------------------------- what the rows say


def test_the_council_sees_the_whole_trail_in_time_order(client, s):
    client.force_login(s["chair"])
    rows, html = rows_of(client, history_url(s))
    entries = [row.entry for row in rows]
    assert entries == sorted(entries, key=lambda e: (e.created_at, e.pk))
    own = [e for e in entries if e.assessment_id is not None]
    assert all(e.assessment_id == s["assessment_a"].pk for e in own)
    # The period's rounds and deadlines are in every unit's trail too.
    period = [e for e in entries if e.assessment_id is None]
    assert period and all(e.object_id == str(s["period"].pk) for e in period)
    assert {"status", "explanation_deadline"} <= {e.field for e in period}
    fields = {row.entry.field for row in rows}
    assert {"self_points", "appraisal_points", "appraisal_reason", "review_question"} <= fields
    assert {"explanation_text", "status"} <= fields
    assert SECRET_REASON in html and ROUND_1_REASON in html and QUESTION_1 in html
    assert QUESTION_B not in html  # unit B's trail is another page


def test_a_row_reads_time_person_action_item_field_and_values(client, s):
    client.force_login(s["chair"])
    rows, html = rows_of(client, history_url(s))
    row = next(r for r in rows if r.entry.field == "appraisal_points" and r.items == "1.1.1")
    assert row.who == s["appraiser_1"].get_full_name()
    assert row.field == label(Score, "appraisal_points")
    assert (row.old, row.new) == ("", "0,25")
    assert row.reason == ROUND_1_REASON
    # Local time, worded as everywhere in the portal: "17:00 15/12/2026".
    assert datetime_text(row.entry.created_at) in html
    status = next(r for r in rows if r.entry.field == "status" and r.entry.new_value == "explained")
    assert status.new == str(AssessmentStatus.EXPLAINED.label)
    assert status.old == str(AssessmentStatus.EXPLANATION_REQUESTED.label)
    assert status.who == s["staff_a"].get_full_name()
    request = next(r for r in rows if r.entry.field == "review_request" and r.items == "1.1.5")
    assert request.new == str(Score._meta.get_field("review_request").flatchoices[2][1])


def test_the_unit_sees_its_trail_without_the_councils_values(client, s):
    client.force_login(s["staff_a"])
    rows, html = rows_of(client, history_url(s))
    fields = {row.entry.field for row in rows}
    assert {"self_points", "explanation_text", "status"} <= fields
    assert not fields & {
        "appraisal_points",
        "appraisal_ratio",
        "appraisal_reason",
        "final_points",
        "return_note",
    }
    assert SECRET_REASON not in html and ROUND_1_REASON not in html
    # The questions sent to the unit are its own; the council's N/A choices are not shown.
    questions = [r for r in rows if r.entry.field == "review_question"]
    assert sorted(r.items for r in questions) == ["1.1.1", "1.1.5"]
    assert all(r.reason == "" for r in questions)
    assert not [
        r
        for r in rows
        if r.entry.action == "appraisal"
        and r.entry.field not in ("review_request", "review_question")
    ]
    assert QUESTION_1 in html and QUESTION_5 in html


def test_before_the_questions_are_sent_the_unit_sees_none(client, appraisal_setup):
    s = appraisal_setup
    ask_questions(s)
    client.force_login(s["staff_a"])
    rows, html = rows_of(client, history_url(s))
    assert not [r for r in rows if r.entry.field in ("review_request", "review_question")]
    assert QUESTION_1 not in html
    client.force_login(s["appraiser_1"])
    _rows, html = rows_of(client, history_url(s))
    assert QUESTION_1 in html


def test_after_publication_the_unit_sees_everything(client, s):
    s["period"].status = PeriodStatus.PUBLISHED
    s["period"].save()
    client.force_login(s["staff_a"])
    rows, html = rows_of(client, history_url(s))
    assert "appraisal_points" in {row.entry.field for row in rows}
    assert SECRET_REASON in html


def test_the_item_filter_keeps_that_items_rows(client, s):
    client.force_login(s["chair"])
    item = s["items"]["1.1.1"]
    rows, html = rows_of(client, history_url(s, item=item.pk))
    assert rows and all(row.items == "1.1.1" for row in rows)
    assert f'<option value="{item.pk}" selected>' in html
    assert {"self_points", "appraisal_points", "explanation_text"} <= {r.entry.field for r in rows}
    # Unknown or foreign ids show the whole trail rather than fail.
    assert client.get(history_url(s, item="abc")).status_code == 200


def test_evidence_rows_name_their_items(client, s):
    # The round is over for unit A; unit B answers with a file.
    client.force_login(s["staff_b"])
    client.post(
        reverse("scoring:explanation_evidence_add", args=[s["assessment_b"].pk]),
        {"items": s["items"]["1.1.2"].pk, "file": pdf_upload()},
    )
    rows, _html = rows_of(client, history_url(s, "assessment_b"))
    added = [r for r in rows if r.entry.action == "evidence_add"]
    attached = [r for r in rows if r.entry.action == "evidence_attach"]
    assert added and added[0].items == "1.1.2" and added[0].new == "bao-cao-quy-iv.pdf"
    assert attached and attached[0].items == "1.1.2"
    rows, _html = rows_of(client, history_url(s, "assessment_b", item=s["items"]["1.1.2"].pk))
    assert {r.entry.action for r in rows} >= {"evidence_add", "evidence_attach"}


def test_the_trail_is_paginated_by_50(client, s):
    score = Score.objects.get(assessment=s["assessment_a"], item=s["items"]["1.1.2"])
    for n in range(60):
        note_written(s, score, str(n))
    client.force_login(s["chair"])
    response = client.get(history_url(s))
    page = response.context["page"]
    assert len(response.context["rows"]) == 50 and page.has_next()
    total = history_entries(s["assessment_a"], whole=True).count()
    second = client.get(history_url(s, page=2)).context["rows"]
    assert len(second) == total - 50
    assert 'href="?page=2"' in response.content.decode()


# ---------------------------------------------------------------- exports


DANGEROUS = '=HYPERLINK("http://evil.example","bấm vào")'


def _with_dangerous_note(s):
    score = Score.objects.get(assessment=s["assessment_a"], item=s["items"]["1.1.2"])
    note_written(s, score, DANGEROUS)


def note_written(s, score, note):
    audit.record(
        audit.field_changes(
            action=AuditAction.SELF_SCORE,
            actor=s["staff_a"],
            obj=score,
            before={"self_note": ""},
            after={"self_note": note},
        )
    )


def headers():
    return [
        gettext(text)
        for text in ("Time", "By", "Action", "Item", "Field", "Old value", "New value", "Reason")
    ]


def test_the_excel_export_has_the_same_rows_safely(client, s):
    _with_dangerous_note(s)
    client.force_login(s["staff_a"])
    response = client.get(export_url(s, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == headers()
    on_page = client.get(history_url(s)).context["page"].paginator.count
    assert len(values) - 1 == on_page
    texts = " ".join(str(v) for row in values for v in row if v is not None)
    assert SECRET_REASON not in texts and ROUND_1_REASON not in texts  # same visibility
    cell = next(c for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.value.startswith("'=")
    assert sheet.cell(row=2, column=1).is_date


def test_the_csv_export_has_the_same_rows_safely(client, s):
    _with_dangerous_note(s)
    client.force_login(s["chair"])
    response = client.get(export_url(s, "csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == headers()
    assert len(rows) - 1 == history_entries(s["assessment_a"], whole=True).count()
    # Times read as everywhere else in the portal (parindex.dates): "17:00 15/12/2026".
    assert re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", rows[1][0])
    assert any(cell == "'" + DANGEROUS for row in rows for cell in row)
    assert SECRET_REASON in text


def test_the_export_follows_the_item_filter(client, s):
    client.force_login(s["chair"])
    item = s["items"]["1.1.5"]
    response = client.get(export_url(s, "csv") + f"?item={item.pk}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert len(rows) > 1 and all(row[3] == "1.1.5" for row in rows[1:])
    assert "1.1.5" in response["Content-Disposition"]


def test_other_export_formats_are_not_found(client, s):
    client.force_login(s["chair"])
    assert client.get(export_url(s, "pdf")).status_code == 404
    assert client.get(export_url(s, "XLSX")).status_code == 404


# ---------------------------------------------------------------- nobody edits the trail


def test_the_admin_cannot_change_or_delete_an_entry(client, s):
    entry = AuditEntry.objects.filter(assessment=s["assessment_a"]).first()
    before = (entry.field, entry.old_value, entry.new_value, entry.reason)
    count = AuditEntry.objects.count()
    client.force_login(s["admin"])
    change = reverse("admin:scoring_auditentry_change", args=[entry.pk])
    delete = reverse("admin:scoring_auditentry_delete", args=[entry.pk])
    assert client.get(change).status_code == 200  # readable
    posted = client.post(change, {"field": "x", "old_value": "x", "new_value": "x", "reason": "x"})
    assert posted.status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:scoring_auditentry_changelist")
    bulk = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302, 403)
    entry.refresh_from_db()
    assert (entry.field, entry.old_value, entry.new_value, entry.reason) == before
    assert AuditEntry.objects.count() == count


def test_the_trail_refuses_updates_and_deletes_in_code(s):
    entries = AuditEntry.objects.filter(assessment=s["assessment_a"])
    with pytest.raises(PermissionError):
        entries.update(reason="changed")
    with pytest.raises(PermissionError):
        entries.delete()
    entry = entries.first()
    entry.reason = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert not AuditEntry.objects.filter(reason="changed").exists()


def test_the_history_pages_only_read(client, s):
    client.force_login(s["chair"])
    assert client.post(history_url(s)).status_code == 405
    assert client.post(export_url(s, "csv")).status_code == 405


# ---------------------------------------------------------------- permission matrix

ROLES = ("staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin", "anonymous")
READ = (200, 404, 200, 200, 200, 200, 302)


@pytest.mark.parametrize("view", ["history", "xlsx", "csv"])
@pytest.mark.parametrize(("role", "status"), list(zip(ROLES, READ, strict=True)))
def test_permission_matrix(client, s, view, role, status):
    path = history_url(s) if view == "history" else export_url(s, view)
    if role != "anonymous":
        client.force_login(s[role])
    response = client.get(path)
    assert response.status_code == status
    if role == "anonymous":
        assert reverse("login") in response["Location"]
