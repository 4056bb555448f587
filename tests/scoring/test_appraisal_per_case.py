"""The council appraises a per-case line as the unit entered it: by counting the cases."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import IndexItem, ItemLevel, Score
from scoring.rules import parse_rule

D = Decimal
JSON = {"HTTP_ACCEPT": "application/json"}
RULE = "Mỗi mô hình, sáng kiến được công nhận: 0.5; tổng điểm thưởng tối đa: 1.5"


@pytest.fixture
def s(appraisal_setup):
    """Unit A claimed two initiatives on the per-case line T2 (stored as the form stores it)."""
    s = appraisal_setup
    parsed = parse_rule(RULE, D("1.5"))
    line = IndexItem.objects.create(
        index_set=s["index_set"],
        level=ItemLevel.BONUS,
        code="T2",
        name="Mô hình, sáng kiến được công nhận",
        max_points=D("1.5"),
        method=parsed.method,
        method_params=parsed.params,
        rule=RULE,
        position=200,
        evidence_required=False,
    )
    Score.objects.create(assessment=s["assessment_a"], item=line, self_ratio=D("2"), version=1)
    s["items"]["T2"] = line
    return s


def review_url(s):
    return reverse("scoring:appraisal_review", args=[s["assessment_a"].pk])


def save(client, s, **data):
    score = Score.objects.get(assessment=s["assessment_a"], item=s["items"]["T2"])
    return client.post(
        reverse("scoring:appraisal_item_save", args=[s["assessment_a"].pk, s["items"]["T2"].pk]),
        {"version": score.version, "action": "save", "area": "extra", **data},
        **JSON,
    )


def line_html(client, s) -> str:
    html = client.get(review_url(s), {"area": "extra"}).content.decode()
    match = re.search(rf'<article[^>]*id="item-{s["items"]["T2"].pk}".*?</article>', html, re.S)
    assert match
    return match.group(0)


def test_the_council_sees_the_count_the_points_it_gives_and_a_count_input(client, s):
    client.force_login(s["chair"])
    html = line_html(client, s)
    assert "<strong>2 trường hợp</strong> → <strong data-self-points>1</strong>" in html
    assert "Số trường hợp" in html and 'name="ratio" value="2"' in html
    assert "0,5 điểm mỗi trường hợp, tối đa 1,5 điểm" in html
    assert "tỷ lệ" not in html.lower().split("ap-appraisal")[1]


def test_the_council_counts_one_case_fewer_and_the_line_gives_half_a_point(client, s):
    client.force_login(s["chair"])
    response = save(client, s, ratio="1", reason="Một sáng kiến chưa được công nhận")
    assert response.status_code == 200
    score = Score.objects.get(item=s["items"]["T2"])
    assert (score.appraisal_ratio, score.appraisal_points) == (D("1"), None)
    assert "(1 trường hợp)" in line_html(client, s)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"ratio": "1,5"}, "ratio", "Số trường hợp phải là số nguyên."),
        ({"points": "1"}, "points", "Nhập số trường hợp"),
    ],
)
def test_the_council_is_held_to_whole_cases_like_the_unit(client, s, data, field, message):
    client.force_login(s["chair"])
    response = save(client, s, reason="Điều chỉnh", **data)
    assert response.status_code == 400
    assert message in response.json()["errors"][field]
    score = Score.objects.get(item=s["items"]["T2"])
    assert score.appraised_at is None and score.appraisal_ratio is None
