"""Bonus and penalty lines on the unit's form: a per-case line takes a number of cases, any
line can be emptied again ("Không có"), with or without JavaScript — and the review page's
evidence figure and heading agree."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import IndexItem, ItemLevel, Score
from scoring.rules import parse_rule

D = Decimal
JSON = {"HTTP_ACCEPT": "application/json"}
PER_CASE_RULE = "Mỗi mô hình, sáng kiến được công nhận: 0.5; tổng điểm thưởng tối đa: 1.5"
LEVELS_RULE = (
    "Chậm trên 5 ngày làm việc: 1; chậm từ 1 đến 5 ngày làm việc: 0.5; tổng điểm trừ tối đa: 1"
)


def add_line(s, code, level, max_points, rule):
    parsed = parse_rule(rule, D(max_points))
    item = IndexItem.objects.create(
        index_set=s["index_set"],
        level=level,
        code=code,
        name=f"Dòng {code}",
        max_points=D(max_points),
        method=parsed.method,
        method_params=parsed.params,
        rule=rule,
        position=100 + len(s["items"]),
    )
    s["items"][code] = item
    return item


@pytest.fixture
def s(self_assessment_setup):
    s = self_assessment_setup
    add_line(s, "T2", ItemLevel.BONUS, "1.5", PER_CASE_RULE)
    add_line(s, "D1", ItemLevel.PENALTY, "1", LEVELS_RULE)
    return s


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


def post_item(client, s, code, *, json=True, **data):
    score = Score.objects.filter(assessment=s["assessment_a"], item=s["items"][code]).first()
    version = score.version if score else 0
    return client.post(
        url("self_score_save", s["assessment_a"].pk, s["items"][code].pk),
        {"version": version, **data},
        **(JSON if json else {}),
    )


def article(html: str, s, code: str) -> str:
    match = re.search(
        rf'<article[^>]*id="item-{s["items"][code].pk}".*?</article>', html, flags=re.S
    )
    assert match, code
    return match.group(0)


def form_html(client, s) -> str:
    return client.get(url("self_assessment", s["assessment_a"].pk)).content.decode()


def total(response) -> str:
    return response.json()["summary"]["total"]["points"]


# ---------------------------------------------------------------- per case


def test_the_form_asks_a_per_case_line_for_its_number_of_cases_and_shows_the_rule(client, s):
    client.force_login(s["staff_a"])
    line = article(form_html(client, s), s, "T2")
    assert "Số trường hợp" in line and 'name="ratio"' in line and 'inputmode="numeric"' in line
    assert "0,5 điểm mỗi trường hợp, tối đa 1,5 điểm" in line
    assert 'name="points"' not in line  # no levels "0,5 or 1,5" to pick from any more
    assert 'data-method="per_case"' in line and "&quot;rate&quot;" in line  # the live preview


def test_two_initiatives_earn_one_point_and_part_of_one_is_refused(client, s):
    client.force_login(s["staff_a"])
    response = post_item(client, s, "T2", ratio="2")
    assert response.status_code == 200
    assert response.json()["item"]["points"] == "1"
    assert total(response) == "1,00"
    refused = post_item(client, s, "T2", ratio="1,5")
    assert refused.status_code == 400
    assert refused.json()["errors"]["ratio"] == "Số trường hợp phải là số nguyên."
    assert Score.objects.get(item=s["items"]["T2"]).self_ratio == D("2")
    line = article(form_html(client, s), s, "T2")
    assert 'value="2"' in line and "<strong data-computed>1</strong>" in line


# ---------------------------------------------------------------- clearing a line


def test_one_initiative_set_then_cleared_and_the_total_is_back(client, s):
    client.force_login(s["staff_a"])
    assert total(post_item(client, s, "T2", ratio="1")) == "0,50"
    cleared = post_item(client, s, "T2", ratio="1", clear="1")
    assert cleared.status_code == 200
    assert total(cleared) == "0,00" and cleared.json()["item"]["points"] == ""
    score = Score.objects.get(item=s["items"]["T2"])
    assert (score.self_ratio, score.self_points, score.version) == (None, None, 2)
    assert cleared.json()["item"]["problems"] == []  # an empty line is complete


def test_without_javascript_the_none_button_clears_the_line(client, s):
    client.force_login(s["staff_a"])
    post_item(client, s, "T1", points="1")
    assert 'name="clear" value="1"' in article(form_html(client, s), s, "T1")
    response = post_item(client, s, "T1", json=False, points="1", clear="1")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{s['items']['T1'].pk}")
    assert Score.objects.get(item=s["items"]["T1"]).self_points is None
    assert "Đã xóa giá trị của mục T1." in client.get(response["Location"]).content.decode()


def test_a_levels_penalty_offers_none_and_choosing_it_empties_the_line(client, s):
    client.force_login(s["staff_a"])
    post_item(client, s, "T2", ratio="3")  # 1,5 bonus
    line = article(form_html(client, s), s, "D1")
    assert re.search(r'value="" checked data-none> <span>Không có</span>', line)
    choices = re.search(r'<div class="sa-choices">.*?</div>', line, flags=re.S).group(0)
    assert choices.count('type="radio"') == 3 and "tối đa" not in choices  # 1, 0,5, none
    assert total(post_item(client, s, "D1", points="0.5")) == "1,00"
    assert not re.search(r'value="" checked', article(form_html(client, s), s, "D1"))
    assert total(post_item(client, s, "D1", points="")) == "1,50"
    assert Score.objects.get(item=s["items"]["D1"]).self_points is None
    assert re.search(r'value="" checked data-none', article(form_html(client, s), s, "D1"))


def test_sub_criteria_have_no_none_choice(client, s):
    client.force_login(s["staff_a"])
    html = form_html(client, s)
    for code in ("1.1.1", "1.1.2", "1.1.3", "1.1.5"):
        assert "data-none" not in article(html, s, code)
        assert "data-clear" not in article(html, s, code)


ROLES = ("staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin", "anonymous")
CLEAR = (200, 404, 403, 403, 403, 403, 302)


@pytest.mark.parametrize(("role", "status"), list(zip(ROLES, CLEAR, strict=True)), ids=ROLES)
def test_only_the_units_staff_may_clear_its_line(client, s, role, status):
    client.force_login(s["staff_a"])
    post_item(client, s, "T2", ratio="2")
    client.logout()
    if role != "anonymous":
        client.force_login(s[role])
    response = post_item(client, s, "T2", clear="1")
    assert response.status_code == status
    if status != 200:
        assert Score.objects.get(item=s["items"]["T2"]).self_ratio == D("2")


# ---------------------------------------------------------------- the review page


def fill_everything(client, s, **item_1_1_2):
    for code, data in (
        ("1.1.1", {"points": "0"}),
        ("1.1.2", item_1_1_2 or {"points": "0"}),
        ("1.1.3", {"ratio": "80"}),
        ("1.1.4", {"ratio": "0"}),
        ("1.1.5", {"not_applicable": "1", "reason": "Không có đơn vị trực thuộc"}),
    ):
        assert post_item(client, s, code, **data).status_code == 200


def review(client, s) -> str:
    return client.get(url("self_assessment_submit", s["assessment_a"].pk)).content.decode()


def missing_evidence_figure(html: str) -> str:
    match = re.search(
        r"Thiếu tài liệu kiểm chứng</span>\s*<span class=\"figure__value\">(\d+)</span>", html
    )
    assert match
    return match.group(1)


def test_review_says_the_evidence_rules_are_met_only_when_nothing_lacks_evidence(client, s):
    client.force_login(s["staff_a"])
    fill_everything(client, s)
    html = review(client, s)
    assert missing_evidence_figure(html) == "0"
    assert "đáp ứng yêu cầu về tài liệu kiểm chứng" in html


def test_review_beside_a_missing_evidence_count_says_what_explains_it(client, s):
    client.force_login(s["staff_a"])
    fill_everything(client, s, points="1", note="Văn bản đang chờ số hóa")
    html = review(client, s)
    assert missing_evidence_figure(html) == "1"
    assert "đáp ứng yêu cầu về tài liệu kiểm chứng" not in html
    assert "1 mục có điểm nhưng chưa có tài liệu kiểm chứng" in html
    assert "Nộp kết quả tự đánh giá</button>" in html and " disabled>" not in html
