"""The index-set editor's pages: the permission matrix of every view and method, what the
officer sees (problems at the parent, the rule's reading), and bad input answered in
Vietnamese with nothing changed."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import AuditAction, AuditEntry, Band, IndexItem
from tests.factories import (
    BandFactory,
    IndexSetFactory,
    OrganiserFactory,
    PeriodFactory,
    RoleGrantFactory,
    small_tree,
)
from tests.helpers import CONTROL_REFUSED
from units.roles import Role

D = Decimal
PERSONAS = [
    "staff_a",
    "staff_b",
    "appraiser",
    "chair",
    "home_affairs",
    "other_officer",
    "admin",
    "anonymous",
]
# Who may open the editor: Home Affairs of the set's organiser. The chair and the system admin
# (who read every result) get 403; another organiser's officer does not learn it exists, nor
# do the units and their appraisers while the period is being set up (it opens to them later).
ALLOWED = {
    "staff_a": 404,
    "staff_b": 404,
    "appraiser": 404,
    "chair": 403,
    "admin": 403,
    "other_officer": 404,
    "anonymous": 302,
}


@pytest.fixture
def editor_setup(personas):
    period = PeriodFactory(organiser=personas["organiser"], year=2026)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"], name="Bộ chỉ số sở")
    tree = small_tree(index_set)
    band = BandFactory(index_set=index_set, label="Tốt", min_percent=D("80"))
    other = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=OrganiserFactory(code="org-2")).user
    return {**personas, **tree, "set": index_set, "band": band, "other_officer": other}


def item_post(item, **changes):
    data = {
        "code": item.code,
        "name": item.name,
        "guidance": item.guidance,
        "max_points": str(item.max_points).replace(".", ","),
        "method": item.method,
        "rule": item.rule,
        "evidence_required": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def requests_for(setup):
    """(name, method, url, data) for every view and method it answers."""
    s = setup["set"].pk
    sub, crit, band = setup["1.1.2"], setup["criterion"], setup["band"]
    return [
        ("editor", "get", reverse("scoring:index_set_editor", args=[s]), None),
        (
            "preview",
            "get",
            reverse("scoring:index_set_rule_preview", args=[s]) + "?rule=C%C3%B3:1;Kh%C3%B4ng:0"
            "&max_points=1",
            None,
        ),
        ("header", "get", reverse("scoring:index_set_header", args=[s]), None),
        (
            "header",
            "post",
            reverse("scoring:index_set_header", args=[s]),
            {"name": "Bộ mới", "decision_number": "12/QĐ-UBND", "decision_date": "15/01/2026"},
        ),
        ("add", "get", reverse("scoring:index_item_add", args=[s]) + f"?parent={crit.pk}", None),
        (
            "add",
            "post",
            reverse("scoring:index_item_add", args=[s]) + f"?parent={crit.pk}",
            {"code": "1.1.3", "name": "Mới", "max_points": "1", "rule": "", "method": ""},
        ),
        ("edit", "get", reverse("scoring:index_item_edit", args=[s, sub.pk]), None),
        (
            "edit",
            "post",
            reverse("scoring:index_item_edit", args=[s, sub.pk]),
            item_post(sub, name="Tên mới"),
        ),
        ("move", "post", reverse("scoring:index_item_move", args=[s, sub.pk]), {"direction": "up"}),
        ("remove", "get", reverse("scoring:index_item_remove", args=[s, sub.pk]), None),
        (
            "remove",
            "post",
            reverse("scoring:index_item_remove", args=[s, sub.pk]),
            {"confirm": "on"},
        ),
        ("bands", "get", reverse("scoring:index_set_bands", args=[s]), None),
        (
            "bands",
            "post",
            reverse("scoring:index_set_bands", args=[s]),
            {"new-label": "Khá", "new-min_percent": "65"},
        ),
        (
            "band_edit",
            "post",
            reverse("scoring:index_set_band_edit", args=[s, band.pk]),
            {f"band-{band.pk}-label": "Tốt", f"band-{band.pk}-min_percent": "81"},
        ),
        ("band_remove", "get", reverse("scoring:index_set_band_remove", args=[s, band.pk]), None),
        (
            "band_remove",
            "post",
            reverse("scoring:index_set_band_remove", args=[s, band.pk]),
            {"confirm": "on"},
        ),
    ]


CASES = [
    (name, method)
    for name, method in [
        ("editor", "get"),
        ("preview", "get"),
        ("header", "get"),
        ("header", "post"),
        ("add", "get"),
        ("add", "post"),
        ("edit", "get"),
        ("edit", "post"),
        ("move", "post"),
        ("remove", "get"),
        ("remove", "post"),
        ("bands", "get"),
        ("bands", "post"),
        ("band_edit", "post"),
        ("band_remove", "get"),
        ("band_remove", "post"),
    ]
]


@pytest.mark.parametrize(("view", "method"), CASES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, editor_setup, view, method, persona):
    _name, _method, url, data = next(
        r for r in requests_for(editor_setup) if r[0] == view and r[1] == method
    )
    if persona != "anonymous":
        client.force_login(editor_setup[persona])
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    allowed = persona == "home_affairs"
    expected = (302 if method == "post" else 200) if allowed else ALLOWED[persona]
    assert response.status_code == expected, response.content[:500]
    edited = AuditEntry.objects.filter(action=AuditAction.EDIT_INDEX_SET).exists()
    assert edited == (allowed and method == "post")


@pytest.mark.parametrize(
    ("view", "method"), [("editor", "post"), ("move", "get"), ("band_edit", "get")]
)
def test_wrong_methods_are_refused(client, editor_setup, view, method):
    client.force_login(editor_setup["home_affairs"])
    url = next(r[2] for r in requests_for(editor_setup) if r[0] == view)
    response = getattr(client, method)(url)
    assert response.status_code == 405


def test_items_of_another_set_and_silly_ids_are_not_found(client, editor_setup):
    client.force_login(editor_setup["home_affairs"])
    elsewhere = IndexSetFactory(period=editor_setup["set"].period, is_current=False, version=2)
    stranger = IndexItem.objects.create(
        index_set=elsewhere, level="area", code="9", name="x", max_points=1
    )
    s = editor_setup["set"].pk
    assert client.get(reverse("scoring:index_item_edit", args=[s, stranger.pk])).status_code == 404
    assert client.get(f"/setup/index-sets/{s}/items/{10**30}/").status_code == 404
    assert client.get(f"/setup/index-sets/{10**30}/").status_code == 404
    add = reverse("scoring:index_item_add", args=[s])
    assert client.get(add + "?parent=abc").status_code == 404
    sub = editor_setup["1.1.1"].pk
    assert client.get(add + f"?parent={sub}").status_code == 404  # nothing goes under it


def test_the_setup_home_lists_the_sets_linking_to_the_editor(client, editor_setup):
    client.force_login(editor_setup["home_affairs"])
    html = client.get(reverse("scoring:setup_home")).content.decode()
    assert reverse("scoring:index_set_editor", args=[editor_setup["set"].pk]) in html
    assert "Bộ chỉ số sở" in html


def test_the_editor_leads_back_to_its_period(client, editor_setup):
    """Done with the tree, the officer goes back to the period's review to open it."""
    client.force_login(editor_setup["home_affairs"])
    s = editor_setup["set"]
    html = client.get(reverse("scoring:index_set_editor", args=[s.pk])).content.decode()
    assert reverse("scoring:setup_period", args=[s.period_id]) in html


# ---------------------------------------------------------------- balancing


def test_two_edits_that_keep_the_parent_balanced_show_no_problem(client, editor_setup):
    client.force_login(editor_setup["home_affairs"])
    s = editor_setup["set"].pk
    first, second = editor_setup["1.1.1"], editor_setup["1.1.2"]
    # 1.1.1 goes from 1 to 1,5 (its yes/no rule follows), 1.1.2 from 2 to 1,5: still 3.
    client.post(
        reverse("scoring:index_item_edit", args=[s, first.pk]),
        item_post(first, max_points="1,5", rule="Có: 1,5; không: 0"),
    )
    client.post(
        reverse("scoring:index_item_edit", args=[s, second.pk]),
        item_post(second, max_points="1,5"),
    )
    assert IndexItem.objects.get(pk=first.pk).max_points == D("1.5")
    assert IndexItem.objects.get(pk=second.pk).max_points == D("1.5")
    html = client.get(reverse("scoring:index_set_editor", args=[s])).content.decode()
    assert "data-no-problems" in html
    assert "data-item-problems" not in html


def test_one_edit_that_unbalances_shows_the_problem_at_the_parent(client, editor_setup):
    client.force_login(editor_setup["home_affairs"])
    s = editor_setup["set"].pk
    second = editor_setup["1.1.2"]
    response = client.post(
        reverse("scoring:index_item_edit", args=[s, second.pk]), item_post(second, max_points="3")
    )
    assert response.status_code == 302
    html = client.get(reverse("scoring:index_set_editor", args=[s])).content.decode()
    criterion_row = html.split(f'id="item-{editor_setup["criterion"].pk}"')[1].split("</tr>")[0]
    assert "data-item-problems" in criterion_row
    assert "1.1" in criterion_row and "4" in criterion_row  # sub-items add up to 4
    second_row = html.split(f'id="item-{second.pk}"')[1].split("</tr>")[0]
    assert "data-item-problems" not in second_row


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"max_points": "abc"}, "max_points", "không phải là số"),
        ({"max_points": "-1"}, "max_points", "từ 0 đến"),
        ({"max_points": "1,555"}, "max_points", "chữ số thập phân"),
        ({"max_points": "1e5"}, "max_points", "không phải là số"),
        ({"name": "Tên\x00độc"}, "name", CONTROL_REFUSED),
        ({"name": "x" * 600}, "name", "tối đa 500"),
        ({"rule": "r" * 3000}, "rule", "tối đa 2000"),
        ({"code": ""}, "code", "bắt buộc"),
        ({"rule": "Có: 5; không: 0"}, "rule", "Không đọc được quy tắc"),
    ],
)
def test_bad_input_is_answered_in_vietnamese_and_nothing_changes(
    client, editor_setup, changes, field, words
):
    client.force_login(editor_setup["home_affairs"])
    item = editor_setup["1.1.1"]
    url = reverse("scoring:index_item_edit", args=[editor_setup["set"].pk, item.pk])
    response = client.post(url, item_post(item, **changes))
    assert response.status_code == (400 if words == CONTROL_REFUSED else 200)
    html = response.content.decode()
    assert words in html, html[html.find("field__error") - 300 : html.find("field__error") + 300]
    stored = IndexItem.objects.get(pk=item.pk)
    assert (stored.name, stored.max_points, stored.rule) == (item.name, item.max_points, item.rule)
    assert not AuditEntry.objects.filter(action=AuditAction.EDIT_INDEX_SET).exists()
    # The officer's input is kept.
    if field == "max_points":
        assert f'value="{changes["max_points"]}"' in html


def test_a_failed_save_shows_the_rule_preview_of_what_was_typed(client, editor_setup):
    client.force_login(editor_setup["home_affairs"])
    item = editor_setup["1.1.1"]
    url = reverse("scoring:index_item_edit", args=[editor_setup["set"].pk, item.pk])
    response = client.post(url, item_post(item, rule="Có: 5; không: 0", name="x" * 600))
    html = response.content.decode()
    preview = html.split("data-rule-preview")[1]
    assert "Có: 5" not in html.split("data-preview-levels")[1].split("</table>")[0]
    assert "5" in preview.split("data-preview-errors")[1].split("</ul>")[0]


def test_the_edit_page_shows_the_rule_preview_on_load(client, editor_setup):
    client.force_login(editor_setup["home_affairs"])
    item = editor_setup["1.1.1"]
    html = client.get(
        reverse("scoring:index_item_edit", args=[editor_setup["set"].pk, item.pk])
    ).content.decode()
    levels = html.split("data-preview-levels")[1].split("</table>")[0]
    assert "<td>Có</td><td>1</td>" in levels and "<td>không</td><td>0</td>" in levels
    assert "index_set_editor.js" in html


def test_rule_preview_json(client, editor_setup):
    client.force_login(editor_setup["home_affairs"])
    url = reverse("scoring:index_set_rule_preview", args=[editor_setup["set"].pk])
    answer = client.get(
        url, {"rule": "100%: 2; 90% - <100%: 1; <90%: 0", "max_points": "2", "method": ""}
    ).json()
    assert answer["method"] == "ratio_bands" and answer["errors"] == []
    assert [level["points"] for level in answer["levels"]] == ["2", "1", "0"]
    assert set(answer) == {
        "method",
        "method_label",
        "levels",
        "errors",
        "not_applicable_condition",
        "scores_figure",
    }
    assert answer["scores_figure"] is True  # a ratio rule: the item may be fed from data
    broken = client.get(url, {"rule": "Có: 1\x00", "max_points": "x", "method": ""}).json()
    assert broken["errors"] and broken["levels"] == []


def test_header_date_is_read_as_dd_mm_yyyy_and_bad_dates_refused(client, editor_setup):
    client.force_login(editor_setup["home_affairs"])
    url = reverse("scoring:index_set_header", args=[editor_setup["set"].pk])
    response = client.post(url, {"decision_date": "2026-31-31", "decision_number": "1/QĐ"})
    assert response.status_code == 200
    assert "dd/mm/yyyy" in response.content.decode()
    client.post(url, {"decision_date": "15/01/2026", "decision_number": "1234/QĐ-UBND"})
    index_set = editor_setup["set"]
    index_set.refresh_from_db()
    assert index_set.decision_number == "1234/QĐ-UBND"
    html = client.get(reverse("scoring:index_set_editor", args=[index_set.pk])).content.decode()
    assert "1234/QĐ-UBND, 15/01/2026" in html


def test_removal_needs_the_confirmation(client, editor_setup):
    client.force_login(editor_setup["home_affairs"])
    criterion = editor_setup["criterion"]
    url = reverse("scoring:index_item_remove", args=[editor_setup["set"].pk, criterion.pk])
    page = client.get(url).content.decode()
    assert "1.1.1" in page and "1.1.2" in page  # what goes with it
    response = client.post(url, {})
    assert response.status_code == 200 and IndexItem.objects.filter(pk=criterion.pk).exists()
    client.post(url, {"confirm": "on"})
    assert not IndexItem.objects.filter(pk=criterion.pk).exists()


def test_a_set_in_use_is_shown_read_only_and_posts_are_refused(client, editor_setup):
    from scoring.models import Score
    from tests.factories import AssessmentFactory

    assessment = AssessmentFactory(
        period=editor_setup["set"].period,
        unit=editor_setup["unit_a"],
        index_set=editor_setup["set"],
    )
    Score.objects.create(assessment=assessment, item=editor_setup["1.1.1"], self_points=D("1"))
    client.force_login(editor_setup["home_affairs"])
    s = editor_setup["set"].pk
    html = client.get(reverse("scoring:index_set_editor", args=[s])).content.decode()
    assert "data-locked" in html and "phiên bản mới" in html
    assert reverse("scoring:index_item_add", args=[s]) not in html
    response = client.post(
        reverse("scoring:index_set_bands", args=[s]),
        {"new-label": "Khá", "new-min_percent": "65"},
    )
    assert response.status_code == 200
    assert not Band.objects.filter(label="Khá").exists()
    item = editor_setup["1.1.2"]
    client.post(reverse("scoring:index_item_move", args=[s, item.pk]), {"direction": "up"})
    assert IndexItem.objects.get(pk=item.pk).position == item.position
