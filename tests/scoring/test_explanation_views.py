"""The unit's explanation screen over HTTP: exactly the items asked about, answers under the
optimistic lock (JSON and plain forms), files of the explanation round, sending, the closed
states — and the permission matrix of the explanation views (role × view)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from scoring.models import Evidence, EvidenceStage, Score
from scoring.services.appraisal import (
    appraisal_accept_rest,
    appraisal_entry_clean,
    appraisal_save,
    period_advance,
)
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.helpers import pdf_bytes

D = Decimal
JSON = {"HTTP_ACCEPT": "application/json"}
PDF = pdf_bytes()
QUESTION_1 = "Vì sao kế hoạch ban hành chậm?"
QUESTION_5 = "Bổ sung báo cáo quý IV có chữ ký."
SECRET_REASON = "Tỷ lệ đúng hạn thực tế 95%"
QUESTION_B = "Câu hỏi riêng cho Sở Y tế"


def appraise(
    s, key, code, *, by, points=None, ratio=None, na=False, reason="", request="", question=""
):
    assessment, item = s[key], s["items"][code]
    score = Score.objects.filter(assessment=assessment, item=item).first()
    entry = appraisal_entry_clean(
        item,
        score,
        round=1,
        points=points,
        ratio=ratio,
        not_applicable=na,
        reason=reason,
        request=request,
        question=question,
    )
    return appraisal_save(
        assessment=assessment,
        item=item,
        entry=entry,
        expected_version=score.version if score else 0,
        by=by,
    )


def ask_questions(s) -> None:
    """Round 1 of units A and B with requests: A is asked about 1.1.1 (explain, adjusted) and
    1.1.5 (supplement); its 1.1.3 is adjusted without a question. B is asked about 1.1.2."""
    appraiser = s["appraiser_1"]
    appraise(
        s,
        "assessment_a",
        "1.1.1",
        by=appraiser,
        points="0.25",
        reason="Ban hành chậm so với quy định",
        request="explanation",
        question=QUESTION_1,
    )
    appraise(
        s,
        "assessment_a",
        "1.1.5",
        by=appraiser,
        points="2.5",
        request="supplement",
        question=QUESTION_5,
    )
    appraise(s, "assessment_a", "1.1.3", by=appraiser, ratio="95", reason=SECRET_REASON)
    appraise(
        s,
        "assessment_b",
        "1.1.2",
        by=appraiser,
        points="0",
        request="explanation",
        question=QUESTION_B,
    )
    for key in ("assessment_a", "assessment_b"):
        appraisal_accept_rest(assessment=s[key], by=s["chair"], items=list(s["items"].values()))


def open_round(s, *, days=5) -> None:
    period_advance(
        period=s["period"],
        target=PeriodStatus.EXPLANATION,
        by=s["home_affairs"],
        deadline=timezone.now() + timedelta(days=days),
    )
    for key in ("period", "assessment_a", "assessment_b"):
        s[key].refresh_from_db()


@pytest.fixture
def explanation_setup(appraisal_setup):
    """Units A and B asked to explain (see ask_questions); the round open for 5 days."""
    s = appraisal_setup
    ask_questions(s)
    open_round(s)
    return s


@pytest.fixture
def s(explanation_setup):
    return explanation_setup


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


def page_url(s, key="assessment_a"):
    return url("explanation", s[key].pk)


def save_url(s, code, key="assessment_a"):
    return url("explanation_item_save", s[key].pk, s["items"][code].pk)


def score(s, code, key="assessment_a") -> Score:
    return Score.objects.get(assessment=s[key], item=s["items"][code])


def answer(client, s, code, text, *, version=None, json=True):
    version = score(s, code).version if version is None else version
    return client.post(
        save_url(s, code), {"version": version, "text": text}, **(JSON if json else {})
    )


def pdf_upload(name="bao-cao-quy-iv.pdf", content=PDF):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


# ---------------------------------------------------------------- what the unit sees


def test_the_unit_sees_exactly_the_items_asked_about(client, s):
    client.force_login(s["staff_a"])
    response = client.get(page_url(s))
    assert response.status_code == 200
    html = response.content.decode()
    items = s["items"]
    assert f'id="item-{items["1.1.1"].pk}"' in html and f'id="item-{items["1.1.5"].pk}"' in html
    assert html.count('data-item="') == 2
    for code in ("1.1.2", "1.1.3", "1.1.4", "T1"):
        assert f'id="item-{items[code].pk}"' not in html
    assert QUESTION_1 in html and QUESTION_5 in html
    assert 'data-request="explanation"' in html and 'data-request="supplement"' in html
    # Round 1 of the items asked about: the value and the reason; of nothing else.
    assert "Ban hành chậm so với quy định" in html
    assert SECRET_REASON not in html and QUESTION_B not in html
    assert html.count('name="text"') == 2
    assert "data-send-form" in html


def test_the_self_score_and_round_1_value_are_shown_for_each_asked_item(client, s):
    client.force_login(s["staff_a"])
    response = client.get(page_url(s))
    rows = {row.item.code: row for row in response.context["view"].rows}
    assert rows["1.1.1"].self_value.points == D("0.5")
    assert rows["1.1.1"].round_1.points == D("0.25")
    assert rows["1.1.5"].self_value.points == rows["1.1.5"].round_1.points == D("2.5")
    html = response.content.decode()
    assert "0,50" in html and "0,25" in html


def test_the_units_own_claim_is_shown_when_the_appraiser_marked_it_not_applicable(
    client, appraisal_setup
):
    # Score.not_applicable holds the appraiser's value after round 1; the unit claimed 2,5.
    s = appraisal_setup
    appraise(
        s,
        "assessment_a",
        "1.1.5",
        by=s["appraiser_1"],
        na=True,
        reason="Đơn vị không có đơn vị trực thuộc",
        request="explanation",
        question="Đơn vị có đơn vị trực thuộc không?",
    )
    assert score(s, "1.1.5").appraisal_not_applicable
    open_round(s)
    client.force_login(s["staff_a"])
    row = client.get(page_url(s)).context["view"].rows[0]
    assert row.self_value.points == D("2.5") and not row.self_value.not_applicable
    assert row.round_1.not_applicable


def test_before_the_round_opens_the_unit_sees_no_question(client, appraisal_setup):
    s = appraisal_setup
    ask_questions(s)
    client.force_login(s["staff_a"])
    html = client.get(page_url(s)).content.decode()
    assert QUESTION_1 not in html and "data-item=" not in html
    # The council sees what it prepared.
    client.force_login(s["chair"])
    html = client.get(page_url(s)).content.decode()
    assert QUESTION_1 in html and 'name="text"' not in html


def test_the_council_and_home_affairs_read_without_forms(client, s):
    for role in ("chair", "home_affairs", "appraiser", "admin"):
        client.force_login(s[role])
        response = client.get(page_url(s))
        assert response.status_code == 200
        html = response.content.decode()
        assert QUESTION_1 in html
        assert 'name="text"' not in html and "data-send-form" not in html
        assert 'name="file"' not in html


def test_another_units_explanation_is_not_found(client, s):
    client.force_login(s["staff_b"])
    assert client.get(page_url(s)).status_code == 404
    assert answer(client, s, "1.1.1", "x").status_code == 404
    client.force_login(s["staff_a"])
    assert client.get(page_url(s, "assessment_b")).status_code == 404


# ---------------------------------------------------------------- answering


def test_an_answer_saves_with_the_new_version(client, s):
    client.force_login(s["staff_a"])
    before = score(s, "1.1.1")
    response = answer(client, s, "1.1.1", "  Do chờ ý kiến của Bộ.  ")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["ok"] and data["version"] == before.version + 1
    after = score(s, "1.1.1")
    assert after.explanation_text == "Do chờ ý kiến của Bộ." and after.explained_at
    # Nothing else of the entry changed.
    assert (after.self_points, after.appraisal_points) == (
        before.self_points,
        before.appraisal_points,
    )
    assert data["problems"] == [gettext("No answer yet for: %(codes)s") % {"codes": "1.1.5"}]


def test_a_stale_version_is_refused_with_the_stored_text(client, s):
    client.force_login(s["staff_a"])
    version = score(s, "1.1.1").version
    assert answer(client, s, "1.1.1", "Bản của tab thứ nhất", version=version).status_code == 200
    stale = answer(client, s, "1.1.1", "Bản của tab thứ hai", version=version)
    assert stale.status_code == 409
    data = stale.json()
    assert data["conflict"] and data["current"]["text"] == "Bản của tab thứ nhất"
    assert data["current"]["version"] == version + 1 and data["current"]["updated_by"]
    assert score(s, "1.1.1").explanation_text == "Bản của tab thứ nhất"


def test_without_javascript_a_conflict_keeps_the_users_text_on_the_page(client, s):
    client.force_login(s["staff_a"])
    version = score(s, "1.1.1").version
    answer(client, s, "1.1.1", "Bản đã lưu", version=version)
    response = answer(client, s, "1.1.1", "Bản đang gõ", version=version, json=False)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Bản đang gõ" in html and "Bản đã lưu" in html
    # The form now carries the stored version: saving again keeps the user's text.
    assert f'name="version" value="{version + 1}"' in html
    assert answer(client, s, "1.1.1", "Bản đang gõ", version=version + 1).status_code == 200


def test_without_javascript_an_answer_saves_and_returns_to_the_item(client, s):
    client.force_login(s["staff_a"])
    response = answer(client, s, "1.1.5", "Đã bổ sung.", json=False)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{s['items']['1.1.5'].pk}")
    assert score(s, "1.1.5").explanation_text == "Đã bổ sung."


def test_an_item_not_asked_about_cannot_be_answered(client, s):
    client.force_login(s["staff_a"])
    for version in (score(s, "1.1.3").version, 999):  # right or wrong, the same answer
        response = answer(client, s, "1.1.3", "Tự ý giải trình", version=version)
        assert response.status_code == 400
        assert response.json()["message"] == gettext("The council did not ask about this item.")
        assert "current" not in response.json()
    assert score(s, "1.1.3").explanation_text == ""


def test_a_too_long_answer_is_refused_and_kept_on_the_page(client, s):
    client.force_login(s["staff_a"])
    text = "x" * 5001
    response = answer(client, s, "1.1.1", text, json=False)
    assert response.status_code == 400
    assert text in response.content.decode()
    assert score(s, "1.1.1").explanation_text == ""


def test_a_bad_version_is_refused(client, s):
    client.force_login(s["staff_a"])
    response = client.post(save_url(s, "1.1.1"), {"version": "abc", "text": "x"}, **JSON)
    assert response.status_code == 400


# ---------------------------------------------------------------- files


def test_a_file_answers_a_supplement_request(client, s):
    client.force_login(s["staff_a"])
    item = s["items"]["1.1.5"]
    response = client.post(
        url("explanation_evidence_add", s["assessment_a"].pk),
        {"items": item.pk, "file": pdf_upload(), "description": "Báo cáo quý IV"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(stage=EvidenceStage.EXPLANATION)
    assert list(evidence.items.all()) == [item] and evidence.assessment == s["assessment_a"]
    html = client.get(page_url(s)).content.decode()
    assert url("evidence_file", evidence.pk) in html and "bao-cao-quy-iv.pdf" in html
    served = client.get(url("evidence_file", evidence.pk))
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    client.force_login(s["staff_b"])
    assert client.get(url("evidence_file", evidence.pk)).status_code == 404


def test_a_wrong_file_is_taken_back_by_its_unit_only(client, s):
    client.force_login(s["staff_a"])
    item = s["items"]["1.1.5"]
    client.post(
        url("explanation_evidence_add", s["assessment_a"].pk),
        {"items": item.pk, "file": pdf_upload("nham-tep.pdf")},
    )
    evidence = Evidence.objects.get(stage=EvidenceStage.EXPLANATION)
    remove = url("explanation_evidence_delete", s["assessment_a"].pk, evidence.pk)
    for who, status in (("staff_b", 404), ("appraiser_1", 403), ("home_affairs", 403)):
        client.force_login(s[who])
        assert client.post(remove).status_code == status
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    client.force_login(s["staff_a"])
    assert client.get(page_url(s)).content.decode().count(remove) == 1
    assert client.post(remove).status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert client.post(remove).status_code == 404


def test_a_cited_document_answers_too(client, s):
    client.force_login(s["staff_a"])
    item = s["items"]["1.1.5"]
    response = client.post(
        url("explanation_evidence_add", s["assessment_a"].pk),
        {"items": item.pk, "document_number": "45/BC-STP", "issuer": "Sở Tư pháp"},
        **JSON,
    )
    assert response.status_code == 200, response.content
    evidence = Evidence.objects.get(document_number="45/BC-STP")
    assert evidence.stage == EvidenceStage.EXPLANATION


def test_files_are_checked_as_in_the_self_assessment(client, s):
    client.force_login(s["staff_a"])
    item = s["items"]["1.1.5"]
    response = client.post(
        url("explanation_evidence_add", s["assessment_a"].pk),
        {"items": item.pk, "file": pdf_upload("virus.pdf", b"MZ\x90\x00 not a pdf")},
        **JSON,
    )
    assert response.status_code == 400 and "virus.pdf" in response.json()["message"]
    assert not Evidence.objects.filter(stage=EvidenceStage.EXPLANATION).exists()


def test_a_bad_citation_is_kept_on_the_page(client, s):
    client.force_login(s["staff_a"])
    item = s["items"]["1.1.5"]
    response = client.post(
        url("explanation_evidence_add", s["assessment_a"].pk),
        {"items": item.pk, "issuer": "Sở Tư pháp Hòa An", "url": "không phải địa chỉ"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sở Tư pháp Hòa An" in html and "không phải địa chỉ" in html


def test_files_go_only_to_items_asked_about(client, s):
    client.force_login(s["staff_a"])
    response = client.post(
        url("explanation_evidence_add", s["assessment_a"].pk),
        {"items": s["items"]["1.1.3"].pk, "file": pdf_upload()},
        **JSON,
    )
    assert response.status_code == 400
    assert response.json()["message"] == gettext("The council did not ask about this item.")
    assert not Evidence.objects.filter(stage=EvidenceStage.EXPLANATION).exists()


# ---------------------------------------------------------------- sending and closing


def test_sending_needs_every_question_answered(client, s):
    client.force_login(s["staff_a"])
    response = client.post(url("explanation_send", s["assessment_a"].pk), follow=True)
    assert gettext("No answer yet for: %(codes)s") % {"codes": "1.1.1, 1.1.5"} in (
        response.content.decode()
    )
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == AssessmentStatus.EXPLANATION_REQUESTED


def test_sent_answers_become_read_only(client, s):
    client.force_login(s["staff_a"])
    answer(client, s, "1.1.1", "Do chờ ý kiến của Bộ.")
    answer(client, s, "1.1.5", "Báo cáo đã gửi kèm.")
    response = client.post(url("explanation_send", s["assessment_a"].pk))
    assert response.status_code == 302
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == AssessmentStatus.EXPLAINED
    html = client.get(page_url(s)).content.decode()
    assert gettext("Your answers were sent: they are read-only.") in html
    assert 'name="text"' not in html and "Do chờ ý kiến của Bộ." in html
    late = answer(client, s, "1.1.1", "Sửa sau khi gửi")
    assert late.status_code == 409 and late.json()["closed"]
    assert score(s, "1.1.1").explanation_text == "Do chờ ý kiến của Bộ."


def test_after_the_deadline_the_page_is_read_only(client, s):
    s["period"].explanation_deadline = timezone.now() - timedelta(minutes=1)
    s["period"].save()
    client.force_login(s["staff_a"])
    html = client.get(page_url(s)).content.decode()
    assert gettext("The explanation deadline has passed.") in html
    assert 'name="text"' not in html and "data-send-form" not in html
    assert answer(client, s, "1.1.1", "Muộn").status_code == 409
    late = answer(client, s, "1.1.1", "Gửi muộn mà không có JavaScript", json=False)
    assert late.status_code == 409
    assert "Gửi muộn mà không có JavaScript" in late.content.decode()  # kept to copy
    assert score(s, "1.1.1").explanation_text == ""
    response = client.post(
        url("explanation_evidence_add", s["assessment_a"].pk),
        {"items": s["items"]["1.1.5"].pk, "file": pdf_upload()},
        **JSON,
    )
    assert response.status_code == 400
    assert not Evidence.objects.filter(stage=EvidenceStage.EXPLANATION).exists()


def test_home_links_the_unit_to_its_explanation(client, s):
    client.force_login(s["staff_a"])
    html = client.get(reverse("home")).content.decode()
    assert page_url(s) in html and "data-explanation-link" in html


# ---------------------------------------------------------------- permission matrix

ROLES = ("staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin", "anonymous")
MATRIX = {
    # name: (method, expected per role)
    "page": ("get", (200, 404, 200, 200, 200, 200, 302)),
    "save": ("post", (302, 404, 403, 403, 403, 403, 302)),  # a plain form: back to the item
    "evidence_add": ("post", (302, 404, 403, 403, 403, 403, 302)),
    "send": ("post", (302, 404, 403, 403, 403, 403, 302)),
    "page_get_only": ("post", (405, 405, 405, 405, 405, 405, 302)),
    "save_post_only": ("get", (405, 405, 405, 405, 405, 405, 302)),
}


def matrix_cases():
    for view, (method, expected) in MATRIX.items():
        for role, status in zip(ROLES, expected, strict=True):
            yield pytest.param(view, method, role, status, id=f"{view}-{role}")


@pytest.mark.parametrize(("view", "method", "role", "status"), list(matrix_cases()))
def test_permission_matrix(client, s, view, method, role, status):
    assessment, item = s["assessment_a"], s["items"]["1.1.1"]
    paths = {
        "page": url("explanation", assessment.pk),
        "page_get_only": url("explanation", assessment.pk),
        "save": url("explanation_item_save", assessment.pk, item.pk),
        "save_post_only": url("explanation_item_save", assessment.pk, item.pk),
        "evidence_add": url("explanation_evidence_add", assessment.pk),
        "send": url("explanation_send", assessment.pk),
    }
    data = {
        "save": {"version": score(s, "1.1.1").version, "text": "Trả lời"},
        "evidence_add": {"items": item.pk, "document_number": "1/BC"},
    }.get(view, {})
    if role != "anonymous":
        client.force_login(s[role])
    response = getattr(client, method)(paths[view], data)
    assert response.status_code == status
    if status == 302 and role == "anonymous":
        assert reverse("login") in response["Location"]
    if view == "save":
        assert score(s, "1.1.1").explanation_text == ("Trả lời" if role == "staff_a" else "")
