"""The appraisal council's screens over HTTP: the work queue, the side-by-side review with its
saves, accepts, refusals and conflicts, the chair's progress, differences, returns,
finalisation and reopening, Home Affairs' round controls — and the permission matrix of every
view (role × view)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from scoring.models import Evidence, IndexItem, ItemLevel, ReviewRequest, Score, ScoringMethod
from scoring.services.appraisal import (
    appraisal_accept,
    appraisal_accept_rest,
    explanation_save,
    explanation_send,
)
from scoring.workflow import AssessmentStatus, PeriodStatus

D = Decimal
JSON = {"HTTP_ACCEPT": "application/json"}
S = AssessmentStatus


@pytest.fixture
def s(appraisal_setup):
    return appraisal_setup


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


def version_of(assessment, item) -> int:
    score = Score.objects.filter(assessment=assessment, item=item).first()
    return score.version if score else 0


def save(client, s, code, *, unit="a", version=None, json=True, **data):
    assessment, item = s[f"assessment_{unit}"], s["items"][code]
    if version is None:
        version = version_of(assessment, item)
    return client.post(
        url("appraisal_item_save", assessment.pk, item.pk),
        {"version": version, "action": "save", **data},
        **(JSON if json else {}),
    )


def score(s, code, unit="a") -> Score:
    return Score.objects.get(assessment=s[f"assessment_{unit}"], item=s["items"][code])


def accept_all(s, by, unit="a"):
    """Every item the user appraises accepted as self-scored (service, not under test)."""
    assessment = s[f"assessment_{unit}"]
    items = [s["items"][code] for code in ("1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "T1")]
    appraisal_accept_rest(assessment=assessment, by=by, items=items)


# ---------------------------------------------------------------- the work queue


def _queue(client, user, **params):
    client.force_login(user)
    response = client.get(url("appraisal_queue"), params)
    assert response.status_code == 200
    return {row.assessment.pk: row for row in response.context["rows"]}


def test_the_queue_counts_each_area_of_each_unit(client, s):
    rows = _queue(client, s["appraiser_1"])
    assert set(rows) == {s["assessment_a"].pk, s["assessment_b"].pk}
    area = rows[s["assessment_a"].pk].areas[0]
    assert (area.code, area.total, area.to_review, area.requests, area.answered) == (
        "1",
        5,
        5,
        0,
        0,
    )

    client.force_login(s["appraiser_1"])
    assert save(client, s, "1.1.1", action="accept").status_code == 200
    response = save(
        client,
        s,
        "1.1.5",
        points="2,5",
        request=ReviewRequest.EXPLANATION,
        question="Báo cáo quý IV ở đâu?",
    )
    assert response.status_code == 200, response.json()
    rows = _queue(client, s["appraiser_1"])
    area = rows[s["assessment_a"].pk].areas[0]
    assert (area.to_review, area.requests, area.answered) == (3, 1, 0)
    assert rows[s["assessment_b"].pk].areas[0].to_review == 5
    html = client.get(url("appraisal_queue")).content.decode()
    assert f'href="{url("appraisal_review", s["assessment_a"].pk)}?area=1"' in html


def test_the_queue_shows_only_the_users_units_and_areas(client, s):
    assert set(_queue(client, s["appraiser_1_b"])) == {s["assessment_b"].pk}
    # The chair covers every area, and the bonus line that belongs to none.
    chair_row = _queue(client, s["chair"])[s["assessment_a"].pk]
    assert [(a.code, a.total) for a in chair_row.areas] == [("1", 5), ("extra", 1)]
    # Area 2 holds only the survey: its appraiser has nothing to do there.
    assert all(not row.areas for row in _queue(client, s["appraiser"]).values())


def test_the_queue_filters_and_leaves_out_units_still_drafting(client, s):
    s["assessment_b"].status = S.DRAFT
    s["assessment_b"].save()
    assert set(_queue(client, s["appraiser_1"])) == {s["assessment_a"].pk}
    assert set(_queue(client, s["appraiser_1"], q="Tư pháp")) == {s["assessment_a"].pk}
    assert _queue(client, s["appraiser_1"], status=S.APPRAISED) == {}


# ---------------------------------------------------------------- the review page


def test_the_review_page_shows_the_rule_the_self_score_the_note_and_the_evidence(client, s):
    Evidence.objects.create(
        assessment=s["assessment_a"],
        file="evidence/2026/A/ke-hoach.pdf",
        original_name="ke-hoach.pdf",
        uploaded_by=s["staff_a"],
    ).items.add(s["items"]["1.1.5"])
    client.force_login(s["appraiser_1"])
    response = client.get(url("appraisal_review", s["assessment_a"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ban hành kịp thời: 0,5; ban hành chậm: 0,25; không ban hành: 0" in html  # rule
    assert "Theo báo cáo quý IV" in html  # the unit's note
    assert "12/KH-UBND" in html  # a cited document
    evidence = Evidence.objects.get(original_name="ke-hoach.pdf")
    assert f'href="{url("evidence_file", evidence.pk)}"' in html
    assert "<strong>100%</strong>" in html  # the reported ratio of 1.1.3 …
    assert html.count("data-ap-form") == 5  # area 1's five items; not the bonus line
    assert 'name="request"' in html
    rows = {row.item.code: row for row in response.context["review"].rows}
    assert rows["1.1.3"].self_points == D("2")  # … and the points its rule gives
    assert rows["1.1.4"].self_points == D("0.75")


def test_the_chair_sees_every_area_and_filters_to_the_bonus_lines(client, s):
    client.force_login(s["chair"])
    html = client.get(url("appraisal_review", s["assessment_a"].pk)).content.decode()
    assert html.count("data-ap-form") == 6
    response = client.get(url("appraisal_review", s["assessment_a"].pk), {"area": "extra"})
    assert [row.item.code for row in response.context["review"].rows] == ["T1"]


def test_the_review_page_runs_a_bounded_number_of_queries(client, s, django_assert_max_num_queries):
    criterion = s["items"]["1.1"]
    for n in range(40):
        item = IndexItem.objects.create(
            index_set=s["index_set"],
            level=ItemLevel.SUB_CRITERION,
            code=f"1.1.{n + 10}",
            name=f"Thêm {n}",
            parent=criterion,
            max_points=D("1"),
            method=ScoringMethod.MANUAL,
            position=100 + n,
        )
        Score.objects.create(assessment=s["assessment_a"], item=item, self_points=D("1"))
        Evidence.objects.create(
            assessment=s["assessment_a"], document_number=f"{n}/QĐ", uploaded_by=s["staff_a"]
        ).items.add(item)
    accept_all(s, s["chair"])
    client.force_login(s["chair"])
    with django_assert_max_num_queries(15):
        response = client.get(url("appraisal_review", s["assessment_a"].pk))
    assert response.status_code == 200
    assert len(response.context["review"].rows) == 46


# ---------------------------------------------------------------- saving an item


def test_an_adjusted_value_is_saved_with_its_reason(client, s):
    client.force_login(s["appraiser_1"])
    response = save(client, s, "1.1.5", points="1,5", reason="Thiếu báo cáo quý IV")
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] and data["to_review"] == 4 and 'id="item-' in data["html"]
    stored = score(s, "1.1.5")
    assert stored.appraisal_points == D("1.5") and stored.self_points == D("2.5")
    assert stored.appraisal_reason == "Thiếu báo cáo quý IV"
    assert stored.appraised_by == s["appraiser_1"]
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == S.IN_APPRAISAL


def test_a_different_value_without_a_reason_is_refused_and_nothing_is_stored(client, s):
    client.force_login(s["appraiser_1"])
    before = score(s, "1.1.5").version
    response = save(client, s, "1.1.5", points="1,5")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    stored = score(s, "1.1.5")
    assert stored.appraised_at is None and stored.appraisal_points is None
    assert stored.version == before


def test_without_javascript_a_refused_save_keeps_the_input_and_shows_the_error(client, s):
    client.force_login(s["appraiser_1"])
    response = save(client, s, "1.1.5", json=False, points="1,5", question="Vì sao?")
    assert response.status_code == 400
    row = response.context["review"].row_for(s["items"]["1.1.5"].pk)
    assert row.input["points"] == "1,5" and row.input["question"] == "Vì sao?"
    assert "reason" in row.errors
    html = response.content.decode()
    assert 'value="1,5"' in html and 'data-error="reason"' in html
    assert score(s, "1.1.5").appraised_at is None


def test_without_javascript_a_save_redirects_back_to_the_item(client, s):
    client.force_login(s["appraiser_1"])
    response = save(client, s, "1.1.2", json=False, points="1", reason="Có kế hoạch", area="1")
    item = s["items"]["1.1.2"]
    assert response.status_code == 302
    assert response["Location"].endswith(f"?area=1#item-{item.pk}")
    assert score(s, "1.1.2").appraisal_points == D("1")


def test_one_click_accepts_the_self_score_without_a_reason(client, s):
    client.force_login(s["appraiser_1"])
    response = save(client, s, "1.1.4", action="accept")
    assert response.status_code == 200
    stored = score(s, "1.1.4")
    assert stored.appraisal_ratio == D("50") and stored.appraised_at is not None
    assert stored.appraisal_reason == ""


def test_a_request_needs_its_question(client, s):
    client.force_login(s["appraiser_1"])
    response = save(client, s, "1.1.5", points="2,5", request=ReviewRequest.SUPPLEMENT)
    assert response.status_code == 400 and "question" in response.json()["errors"]
    assert score(s, "1.1.5").review_request == ""


def test_accept_rest_accepts_only_the_users_unreviewed_items(client, s):
    client.force_login(s["appraiser_1"])
    save(client, s, "1.1.5", points="1", reason="Thiếu hồ sơ")
    response = client.post(url("appraisal_accept_rest", s["assessment_a"].pk), {"area": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith("?area=1")
    assert score(s, "1.1.5").appraisal_points == D("1")  # the adjusted one stays
    assert score(s, "1.1.3").appraisal_ratio == D("100")
    assert all(
        sc.appraised_at for sc in Score.objects.filter(assessment=s["assessment_a"])
    )  # T1 has no row: the appraiser of area 1 does not cover bonus lines
    assert not Score.objects.filter(item=s["items"]["T1"]).exists()
    assert not Score.objects.filter(
        assessment=s["assessment_b"], appraised_at__isnull=False
    ).exists()
    client.force_login(s["chair"])
    client.post(url("appraisal_accept_rest", s["assessment_a"].pk))
    assert score(s, "T1").appraised_by == s["chair"]


# ---------------------------------------------------------------- no lost updates


def test_a_stale_save_is_refused_with_the_current_value_and_who_stored_it(client, s):
    loaded = version_of(s["assessment_a"], s["items"]["1.1.5"])
    client.force_login(s["chair"])
    assert (
        save(client, s, "1.1.5", version=loaded, points="3", reason="Chủ tịch").status_code == 200
    )
    client.force_login(s["appraiser_1"])
    response = save(client, s, "1.1.5", version=loaded, points="2", reason="Thẩm định viên")
    assert response.status_code == 409
    data = response.json()
    assert data["conflict"] and "3" in data["current"]["round_1"]
    assert data["current"]["by"] == s["chair"].get_full_name()
    assert 'value="2"' in data["html"] and "data-conflict" in data["html"]  # input kept
    assert score(s, "1.1.5").appraisal_points == D("3")
    # Having seen it, the appraiser may replace it on purpose.
    again = save(client, s, "1.1.5", version=data["current"]["version"], points="2", reason="x")
    assert again.status_code == 200
    assert score(s, "1.1.5").appraisal_points == D("2")


def test_without_javascript_a_conflict_shows_the_stored_value_and_keeps_the_input(client, s):
    loaded = version_of(s["assessment_b"], s["items"]["1.1.1"])
    client.force_login(s["appraiser_1_b"])
    save(client, s, "1.1.1", unit="b", version=loaded, points="0.25", reason="Ban hành chậm")
    client.force_login(s["appraiser_1"])
    response = save(
        client, s, "1.1.1", unit="b", version=loaded, json=False, points="0", reason="Không có"
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert s["appraiser_1_b"].get_full_name() in html and "0,25" in html
    row = response.context["review"].row_for(s["items"]["1.1.1"].pk)
    assert row.input["points"] == "0" and row.input["reason"] == "Không có"
    assert row.conflict and row.version == score(s, "1.1.1", "b").version
    assert 'value="0" checked' in html
    assert score(s, "1.1.1", "b").appraisal_points == D("0.25")


# ---------------------------------------------------------------- never outside one's scope


def test_an_appraiser_never_writes_outside_their_areas_or_units(client, s):
    client.force_login(s["appraiser"])  # area 2
    assert save(client, s, "1.1.1", action="accept").status_code == 403
    client.force_login(s["appraiser_1"])  # area 1: not the bonus line
    assert save(client, s, "T1", points="1", reason="x").status_code == 403
    client.force_login(s["appraiser_1_b"])  # area 1 of unit B only
    assert save(client, s, "1.1.1", action="accept").status_code == 404
    assert client.get(url("appraisal_review", s["assessment_a"].pk)).status_code == 404
    assert not Score.objects.filter(appraised_at__isnull=False).exists()
    assert not Score.objects.filter(item=s["items"]["T1"]).exists()


def test_an_item_of_another_index_set_is_not_found(client, s, personas):
    from tests.factories import IndexItemFactory

    other = IndexItemFactory()
    client.force_login(s["chair"])
    response = client.post(
        url("appraisal_item_save", s["assessment_a"].pk, other.pk), {"version": 0}, **JSON
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- the chair


def test_return_finalise_and_reopen_through_the_views(client, s):
    accept_all(s, s["chair"])
    a = s["assessment_a"]
    client.force_login(s["chair"])
    page = client.get(url("appraisal_finalise", a.pk))
    assert page.status_code == 200 and page.context["problems"] == []

    item = s["items"]["1.1.5"]
    refused = client.post(
        url("appraisal_return", a.pk, item.pk), {"note": "", "version": score(s, "1.1.5").version}
    )
    assert refused.status_code == 400 and score(s, "1.1.5").return_note == ""
    stale = client.post(url("appraisal_return", a.pk, item.pk), {"note": "Xem lại", "version": 0})
    assert stale.status_code == 409
    assert "Xem lại" in stale.content.decode()  # the note is kept
    response = client.post(
        url("appraisal_return", a.pk, item.pk),
        {"note": "Kiểm tra lại báo cáo quý IV", "version": score(s, "1.1.5").version},
    )
    assert response.status_code == 302
    assert score(s, "1.1.5").return_note == "Kiểm tra lại báo cáo quý IV"

    blocked = client.post(url("appraisal_finalise", a.pk))
    assert blocked.status_code == 400 and blocked.context["problems"]
    a.refresh_from_db()
    assert a.status == S.IN_APPRAISAL

    client.force_login(s["appraiser_1"])
    review = client.get(url("appraisal_review", a.pk))
    assert "Kiểm tra lại báo cáo quý IV" in review.content.decode()
    assert review.context["review"].returned == 1
    assert _queue(client, s["appraiser_1"])[a.pk].areas[0].returned == 1
    assert save(client, s, "1.1.5", points="2", reason="Đã kiểm tra").status_code == 200
    assert score(s, "1.1.5").return_note == ""

    client.force_login(s["chair"])
    response = client.post(url("appraisal_finalise", a.pk), {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == url("council_progress", s["period"].pk)
    a.refresh_from_db()
    assert a.status == S.APPRAISED
    # Read-only now: the appraiser's page has no form, a save is refused.
    client.force_login(s["appraiser_1"])
    assert "data-ap-form" not in client.get(url("appraisal_review", a.pk)).content.decode()
    assert save(client, s, "1.1.5", points="1", reason="x").status_code == 409

    client.force_login(s["chair"])
    assert client.get(url("appraisal_reopen", a.pk)).status_code == 200
    assert client.post(url("appraisal_reopen", a.pk), {"reason": ""}).status_code == 400
    a.refresh_from_db()
    assert a.status == S.APPRAISED
    response = client.post(url("appraisal_reopen", a.pk), {"reason": "Sai sót điểm 1.1.5"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == S.IN_APPRAISAL


def test_the_differences_are_listed_by_area_and_largest_first(client, s):
    client.force_login(s["appraiser_1"])
    save(client, s, "1.1.1", points="0.25", reason="Ban hành chậm")
    save(client, s, "1.1.5", points="1", reason="Thiếu hồ sơ")
    client.force_login(s["chair"])
    response = client.get(url("appraisal_finalise", s["assessment_a"].pk))
    differences = response.context["differences"]
    assert [(d.item.code, d.difference) for d in differences.items[:3]] == [
        ("1.1.5", D("-1.5")),
        ("1.1.1", D("-0.25")),
        ("1.1.2", D("0")),
    ]
    area = differences.areas[0]
    assert (area.code, area.self_points, area.final_points) == ("1", D("5.75"), D("4.00"))
    html = response.content.decode()
    assert 'data-difference="-1.5' in html and "Thiếu hồ sơ" in html


def test_council_progress_counts_every_unit(client, s):
    client.force_login(s["appraiser_1"])
    save(client, s, "1.1.1", action="accept")
    save(client, s, "1.1.5", points="2,5", request=ReviewRequest.EXPLANATION, question="Vì sao?")
    client.force_login(s["home_affairs"])
    response = client.get(url("council_progress", s["period"].pk))
    assert response.status_code == 200
    rows = {row.assessment.pk: row for row in response.context["progress"].rows}
    a = rows[s["assessment_a"].pk]
    assert (a.total, a.reviewed, a.requests, a.answered, a.returned) == (6, 2, 1, 0, 0)
    assert response.context["progress"].totals["total"] == 12
    assert "Sở Y tế" in response.content.decode()


# ---------------------------------------------------------------- the rounds, round 2


def test_home_affairs_moves_the_period_and_round_2_is_appraised(client, s):
    a = s["assessment_a"]
    client.force_login(s["appraiser_1"])
    save(client, s, "1.1.5", points="2,5", request=ReviewRequest.EXPLANATION, question="Vì sao?")
    client.post(url("appraisal_accept_rest", a.pk))
    accept_all(s, s["chair"], "b")
    accept_all(s, s["chair"])

    client.force_login(s["home_affairs"])
    dashboard = client.get(url("period_dashboard", s["period"].pk)).content.decode()
    assert 'data-round="explanation"' in dashboard and 'data-round="finalising"' in dashboard
    assert 'data-round="second_appraisal"' not in dashboard
    assert url("council_members", s["period"].pk) in dashboard

    advance = url("period_advance", s["period"].pk)
    response = client.post(advance, {"target": "explanation", "confirm": "1"})  # no deadline
    assert response.status_code == 302 and response["Location"].endswith("#rounds")
    s["period"].refresh_from_db()
    assert s["period"].status == PeriodStatus.APPRAISAL
    client.post(advance, {"target": "finalising"})  # not confirmed
    s["period"].refresh_from_db()
    assert s["period"].status == PeriodStatus.APPRAISAL
    client.post(advance, {"target": "second_appraisal", "confirm": "1"})  # not from here
    s["period"].refresh_from_db()
    assert s["period"].status == PeriodStatus.APPRAISAL
    deadline = timezone.localtime() + timedelta(days=3)
    response = client.post(
        advance,
        {"target": "explanation", "deadline": deadline.strftime("%Y-%m-%dT%H:%M"), "confirm": "1"},
    )
    s["period"].refresh_from_db()
    a.refresh_from_db()
    assert s["period"].status == PeriodStatus.EXPLANATION
    assert a.status == S.EXPLANATION_REQUESTED

    explanation_save(
        assessment=a,
        item=s["items"]["1.1.5"],
        text="Báo cáo quý IV gửi ngày 20/12",
        expected_version=score(s, "1.1.5").version,
        by=s["staff_a"],
    )
    explanation_send(assessment=a, by=s["staff_a"])
    client.post(advance, {"target": "second_appraisal", "confirm": "1"})
    s["period"].refresh_from_db()
    assert s["period"].status == PeriodStatus.SECOND_APPRAISAL

    client.force_login(s["appraiser_1"])
    area = _queue(client, s["appraiser_1"])[a.pk].areas[0]
    assert (area.to_review, area.requests, area.answered) == (1, 1, 1)
    review = client.get(url("appraisal_review", a.pk))
    html = review.content.decode()
    assert "Báo cáo quý IV gửi ngày 20/12" in html and "Vì sao?" in html
    assert html.count("data-ap-form") == 1  # only the item asked about is open
    assert save(client, s, "1.1.5", points="2", reason="Giải trình chưa đủ").status_code == 200
    stored = score(s, "1.1.5")
    assert stored.final_points == D("2") and stored.final_by == s["appraiser_1"]
    assert stored.appraisal_points == D("2.5")  # round 1 stays as it was

    client.force_login(s["chair"])
    refused = client.post(advance, {"target": "finalising", "confirm": "1"})
    assert refused.status_code == 403
    assert client.post(url("appraisal_finalise", a.pk), {"confirm": "1"}).status_code == 302
    a.refresh_from_db()
    assert a.status == S.APPRAISED


# ---------------------------------------------------------------- permission matrix

PERSONAS = (
    "staff_a",
    "staff_b",
    "appraiser",
    "appraiser_1",
    "chair",
    "home_affairs",
    "admin",
    "anonymous",
)
# Expected status per view, in the order of PERSONAS. Unit staff never see the council's
# pages (403 on their own unit, 404 on another's); anonymous users are sent to log in.
MATRIX = {
    "queue": (403, 403, 200, 200, 200, 403, 403, 302),
    "review": (403, 404, 200, 200, 200, 403, 403, 302),
    "item_save": (403, 404, 403, 200, 200, 403, 403, 302),
    "accept_rest": (403, 404, 302, 302, 302, 403, 403, 302),
    "return": (403, 404, 403, 403, 302, 403, 403, 302),
    "finalise_get": (403, 404, 403, 403, 200, 200, 200, 302),
    "finalise_post": (403, 404, 403, 403, 400, 403, 403, 302),
    "reopen": (403, 404, 403, 403, 200, 403, 403, 302),
    "council": (404, 404, 404, 404, 200, 200, 200, 302),
    "advance": (404, 404, 404, 404, 403, 302, 403, 302),
}


def _request(client, s, view):
    a, item = s["assessment_a"], s["items"]["1.1.1"]
    version = version_of(a, item)
    if view == "queue":
        return client.get(url("appraisal_queue"))
    if view == "review":
        return client.get(url("appraisal_review", a.pk))
    if view == "item_save":
        return client.post(
            url("appraisal_item_save", a.pk, item.pk),
            {"version": version, "action": "accept"},
            **JSON,
        )
    if view == "accept_rest":
        return client.post(url("appraisal_accept_rest", a.pk))
    if view == "return":
        return client.post(
            url("appraisal_return", a.pk, item.pk), {"note": "Xem lại", "version": version}
        )
    if view == "finalise_get":
        return client.get(url("appraisal_finalise", a.pk))
    if view == "finalise_post":
        return client.post(url("appraisal_finalise", a.pk), {"confirm": "1"})
    if view == "reopen":
        return client.get(url("appraisal_reopen", a.pk))
    if view == "council":
        return client.get(url("council_progress", s["period"].pk))
    if view == "advance":
        return client.post(
            url("period_advance", s["period"].pk), {"target": "finalising", "confirm": "1"}
        )
    raise AssertionError(view)


@pytest.mark.parametrize("view", list(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, s, view, persona):
    # 1.1.1 of unit A is appraised, so the chair has something to return.
    appraisal_accept(
        assessment=s["assessment_a"],
        item=s["items"]["1.1.1"],
        expected_version=version_of(s["assessment_a"], s["items"]["1.1.1"]),
        by=s["appraiser_1"],
    )
    if persona != "anonymous":
        client.force_login(s[persona])
    response = _request(client, s, view)
    expected = MATRIX[view][PERSONAS.index(persona)]
    assert response.status_code == expected, (view, persona, response.status_code)
    if persona == "anonymous":
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_unit_staff_appraised_values_stay_untouched_by_refused_requests(client, s):
    for persona in ("staff_a", "staff_b", "home_affairs", "admin"):
        client.force_login(s[persona])
        save(client, s, "1.1.5", points="0", reason="x")
        client.post(url("appraisal_accept_rest", s["assessment_a"].pk))
    assert not Score.objects.filter(appraised_at__isnull=False).exists()


# ---------------------------------------------------------------- details that matter


def test_an_item_the_appraiser_marks_not_applicable_keeps_the_units_claim_beside_it(client, s):
    client.force_login(s["appraiser_1"])
    response = save(client, s, "1.1.5", not_applicable="1", reason="Không có đơn vị trực thuộc")
    assert response.status_code == 200
    assert score(s, "1.1.5").appraisal_not_applicable
    assert not score(s, "1.1.5").not_applicable  # the unit's claim is kept apart
    review = client.get(url("appraisal_review", s["assessment_a"].pk)).context["review"]
    row = review.row_for(s["items"]["1.1.5"].pk)
    assert not row.self_entry.not_applicable and row.self_points == D("2.5")
    client.force_login(s["chair"])
    differences = client.get(url("appraisal_finalise", s["assessment_a"].pk)).context["differences"]
    line = differences.items[0]
    assert line.item.code == "1.1.5"
    assert (line.self_not_applicable, line.final_not_applicable) == (False, True)
    assert (line.self_points, line.final_points) == (D("2.5"), D("0"))
    area = differences.areas[0]
    assert (area.self_points, area.final_points) == (D("5.75"), D("3.25"))
    assert (area.max_points, differences.final_result.max_points) == (D("10"), D("5"))


def _more_units(s, n):
    from tests.factories import AssessmentFactory, UnitFactory

    for i in range(n):
        unit = UnitFactory(kind=s["kind"], organiser=s["organiser"], name=f"Xã {i}")
        assessment = AssessmentFactory(
            period=s["period"], unit=unit, index_set=s["index_set"], status=S.IN_APPRAISAL
        )
        for code in ("1.1.1", "1.1.5"):
            Score.objects.create(
                assessment=assessment,
                item=s["items"][code],
                self_points=D("0.5"),
                review_request=ReviewRequest.EXPLANATION,
                review_question="?",
                appraised_at=timezone.now(),
            )


def test_the_queue_and_the_council_pages_run_a_bounded_number_of_queries(
    client, s, django_assert_max_num_queries
):
    _more_units(s, 30)
    client.force_login(s["appraiser_1"])
    with django_assert_max_num_queries(15):
        response = client.get(url("appraisal_queue"))
    assert len(response.context["rows"]) == 32
    client.force_login(s["chair"])
    with django_assert_max_num_queries(15):
        response = client.get(url("council_progress", s["period"].pk))
    assert response.context["progress"].totals["requests"] == 60


def test_long_lists_are_paginated(client, s):
    _more_units(s, 55)
    client.force_login(s["appraiser_1"])
    first = client.get(url("appraisal_queue"))
    assert len(first.context["rows"]) == 50 and first.context["page"].has_next()
    second = client.get(url("appraisal_queue"), {"page": 2})
    assert len(second.context["rows"]) == 7
    client.force_login(s["chair"])
    council = client.get(url("council_progress", s["period"].pk))
    assert len(council.context["page"]) == 50
    assert len(council.context["progress"].rows) == 57


def test_survey_and_structure_items_have_no_appraisal_form(client, s):
    client.force_login(s["chair"])
    for code in ("2.1.1", "1", "1.1"):
        assert save(client, s, code, points="1", reason="x").status_code == 404


@pytest.mark.parametrize("odd", ["²", "9" * 40, "-1", "1e3"])
def test_odd_ids_in_forms_and_links_are_answered_not_crashed(client, s, odd):
    client.force_login(s["chair"])
    assert client.get(url("appraisal_queue"), {"period": odd}).status_code == 200
    assert (
        client.get(url("assessment_history", s["assessment_a"].pk), {"item": odd}).status_code
        == 200
    )
    assert client.get(url("inbox"), {"open": odd}).status_code == 200
    assert client.post(url("inbox_read"), {"ids": [odd]}).status_code == 302
