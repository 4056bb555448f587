"""Irreversible actions ask first and say what follows: submitting a self-assessment and
finalising an appraisal need their tick; posted without it, nothing changes (publishing's own
tick is tested in test_period_pages and test_publish_view)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.entries import SelfEntry
from scoring.models import AuditEntry, Evidence
from scoring.services.appraisal import appraisal_accept_rest
from scoring.services.self_assessment import self_score_save
from scoring.workflow import AssessmentStatus

D = Decimal
S = AssessmentStatus
VALUES = {
    "1.1.1": SelfEntry(points=D("0.5")),
    "1.1.2": SelfEntry(points=D("0")),
    "1.1.3": SelfEntry(ratio=D("100")),
    "1.1.4": SelfEntry(ratio=D("50")),
    "1.1.5": SelfEntry(points=D("2.5"), note="Theo báo cáo quý IV"),
}


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


@pytest.fixture
def ready(self_assessment_setup):
    """Unit A's entry complete, with evidence: ready to submit."""
    s = self_assessment_setup
    assessment = s["assessment_a"]
    for code, entry in VALUES.items():
        self_score_save(
            assessment=assessment,
            item=s["items"][code],
            entry=entry,
            expected_version=0,
            by=s["staff_a"],
        )
    evidence = Evidence.objects.create(
        assessment=assessment, document_number="12/KH-UBND", uploaded_by=s["staff_a"]
    )
    evidence.items.add(s["items"]["1.1.1"], s["items"]["1.1.3"], s["items"]["1.1.4"])
    return s


def status_moves(assessment):
    return AuditEntry.objects.filter(assessment=assessment, field="status").count()


def test_the_review_page_says_what_submitting_does_and_asks_for_a_tick(client, ready):
    client.force_login(ready["staff_a"])
    html = client.get(url("self_assessment_submit", ready["assessment_a"].pk)).content.decode()
    assert 'name="confirm"' in html and "required" in html
    assert "sau khi nộp, đơn vị không sửa được điểm" in html


def test_submitting_without_the_tick_changes_nothing(client, ready):
    assessment = ready["assessment_a"]
    client.force_login(ready["staff_a"])
    response = client.post(url("self_assessment_submit", assessment.pk), {})
    assert response.status_code == 200
    assert "Hãy đánh dấu ô xác nhận để nộp kết quả tự đánh giá." in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.status, assessment.submitted_at) == (S.DRAFT, None)
    assert status_moves(assessment) == 0
    response = client.post(url("self_assessment_submit", assessment.pk), {"confirm": "1"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == S.SUBMITTED and assessment.submitted_at is not None


@pytest.fixture
def appraised(appraisal_setup):
    """Every item of unit A accepted by the chair: ready to finalise."""
    s = appraisal_setup
    items = [s["items"][code] for code in ("1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "T1")]
    appraisal_accept_rest(assessment=s["assessment_a"], by=s["chair"], items=items)
    return s


def test_finalising_without_the_tick_changes_nothing(client, appraised):
    assessment = appraised["assessment_a"]
    client.force_login(appraised["chair"])
    page = client.get(url("appraisal_finalise", assessment.pk)).content.decode()
    assert 'id="finalise-confirm"' in page and "không sửa được nữa" in page
    before = status_moves(assessment)
    response = client.post(url("appraisal_finalise", assessment.pk), {})
    assert response.status_code == 400
    assert "Hãy đánh dấu ô xác nhận để chốt kết quả thẩm định." in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.status, assessment.finalised_at) == (S.IN_APPRAISAL, None)
    assert status_moves(assessment) == before
    response = client.post(url("appraisal_finalise", assessment.pk), {"confirm": "1"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == S.APPRAISED


def test_only_the_chair_may_finalise_even_with_the_tick(client, appraised):
    assessment = appraised["assessment_a"]
    for persona in ("staff_a", "appraiser_1", "home_affairs", "admin"):
        client.force_login(appraised[persona])
        response = client.post(url("appraisal_finalise", assessment.pk), {"confirm": "1"})
        assert response.status_code in (403, 404)
    assessment.refresh_from_db()
    assert assessment.status == S.IN_APPRAISAL
