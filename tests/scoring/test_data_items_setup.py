"""Marking an index-set item as fed from data (issue 13): in the editor (service and page), in
the file import and export, and carried by the copy and the replacement's comparison."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parindex.tabular import ImportFailed
from reports.renderers.index_set_workbook import index_set_file
from scoring.models import AuditAction, AuditEntry, IndexItem, IndexSet, ScoringMethod
from scoring.selectors.index_set_diff import ChangeKind, fitting_item, index_set_diff
from scoring.selectors.index_set_editor import rule_preview
from scoring.services.index_set_edit import index_item_add, index_item_edit
from scoring.services.index_set_import import index_set_import
from scoring.services.index_sets import index_set_copy, index_set_item_problems
from tests.factories import IndexSetFactory, PeriodFactory, small_tree
from tests.helpers import csv_text

D = Decimal
SOURCE = "Cổng Dịch vụ công quốc gia — Bộ chỉ số 766"
PROPORTIONAL_RULE = "Tỷ lệ thuận: điểm tối đa × (điểm 766 / 100)"


@pytest.fixture
def setup(personas):
    period = PeriodFactory(organiser=personas["organiser"], year=2026)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    return {**personas, **small_tree(index_set), "set": index_set}


def values(item, **changes):
    fields = {
        "code": item.code,
        "name": item.name,
        "guidance": item.guidance,
        "max_points": item.max_points,
        "method": item.method,
        "rule": item.rule,
        "evidence_required": item.evidence_required,
        "not_applicable_allowed": item.not_applicable_allowed,
        "data_source": item.data_source,
    }
    return {**fields, **changes}


def data_source_edits():
    return AuditEntry.objects.filter(action=AuditAction.EDIT_INDEX_SET, field="data_source")


# ---------------------------------------------------------------- the editor's service


def test_a_figure_item_is_marked_as_fed_from_data_and_the_change_is_audited(setup):
    item = setup["1.1.2"]
    index_item_edit(
        item=item,
        by=setup["home_affairs"],
        **values(item, method=None, rule=PROPORTIONAL_RULE, data_source=f"  {SOURCE} "),
    )
    item.refresh_from_db()
    assert item.method == ScoringMethod.PROPORTIONAL
    assert item.data_source == SOURCE and item.is_data_fed
    entry = data_source_edits().get()
    assert (entry.old_value, entry.new_value, entry.actor) == ("", SOURCE, setup["home_affairs"])

    # Emptied again: the unit scores it.
    index_item_edit(item=item, by=setup["home_affairs"], **values(item, data_source=""))
    item.refresh_from_db()
    assert not item.is_data_fed
    assert data_source_edits().count() == 2


def test_a_levels_item_cannot_be_fed_from_data_and_nothing_changes(setup):
    item = setup["1.1.1"]  # yes/no: it scores an answer, not a figure
    with pytest.raises(ValidationError) as exc:
        index_item_edit(item=item, by=setup["home_affairs"], **values(item, data_source=SOURCE))
    assert "data_source" in exc.value.message_dict
    item.refresh_from_db()
    assert item.data_source == ""
    assert not AuditEntry.objects.filter(action=AuditAction.EDIT_INDEX_SET).exists()


def test_a_new_sub_criterion_can_be_added_as_fed_from_data(setup):
    item = index_item_add(
        index_set=setup["set"],
        parent=setup["criterion"],
        code="1.1.3",
        name="Bộ chỉ số 766",
        max_points=D("2"),
        rule=PROPORTIONAL_RULE,
        data_source=SOURCE,
        by=setup["home_affairs"],
    )
    assert IndexItem.objects.get(pk=item.pk).data_source == SOURCE


def test_the_rule_preview_says_whether_the_rule_scores_a_figure():
    assert rule_preview(rule=PROPORTIONAL_RULE, max_points="2", method="")["scores_figure"]
    assert not rule_preview(rule="Có: 1; không: 0", max_points="1", method="")["scores_figure"]


# ---------------------------------------------------------------- the editor's pages


def test_the_item_form_marks_a_figure_item_and_the_tree_shows_its_source(client, setup):
    client.force_login(setup["home_affairs"])
    s, item = setup["set"].pk, setup["1.1.2"]
    url = reverse("scoring:index_item_edit", args=[s, item.pk])
    html = client.get(url).content.decode()
    assert "Nguồn dữ liệu" in html and 'name="data_source"' in html
    response = client.post(
        url,
        {
            "code": item.code,
            "name": item.name,
            "max_points": "2",
            "method": "",
            "rule": PROPORTIONAL_RULE,
            "evidence_required": "on",
            "data_source": SOURCE,
        },
    )
    assert response.status_code == 302
    assert IndexItem.objects.get(pk=item.pk).data_source == SOURCE
    tree = client.get(reverse("scoring:index_set_editor", args=[s])).content.decode()
    row = tree.split(f'id="item-{item.pk}"')[1].split("</tr>")[0]
    assert "data-data-source" in row and SOURCE in row


def test_the_item_form_refuses_a_source_on_a_levels_item_in_vietnamese(client, setup):
    client.force_login(setup["home_affairs"])
    item = setup["1.1.1"]
    url = reverse("scoring:index_item_edit", args=[setup["set"].pk, item.pk])
    response = client.post(
        url,
        {
            "code": item.code,
            "name": item.name,
            "max_points": "1",
            "rule": item.rule,
            "evidence_required": "on",
            "data_source": SOURCE,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    field = html.split('data-field="data_source"')[1].split("</div>")[0]
    assert "chấm theo một con số" in field and "Có / không" in field
    assert IndexItem.objects.get(pk=item.pk).data_source == ""
    assert not AuditEntry.objects.filter(action=AuditAction.EDIT_INDEX_SET).exists()


def test_areas_and_criteria_have_no_data_source_field(client, setup):
    client.force_login(setup["home_affairs"])
    url = reverse("scoring:index_item_edit", args=[setup["set"].pk, setup["criterion"].pk])
    assert 'name="data_source"' not in client.get(url).content.decode()


def test_the_form_carries_the_figure_warning_for_the_script(client, setup):
    client.force_login(setup["home_affairs"])
    url = reverse("scoring:index_item_edit", args=[setup["set"].pk, setup["1.1.2"].pk])
    html = client.get(url).content.decode()
    assert "data-figure-only=" in html and "index_set_editor.js" in html


# ---------------------------------------------------------------- import and export

HEADER = ["code", "name", "max_points", "method", "rule", "evidence_required", "survey"]


def rows(data_source_766="Cổng DVC quốc gia", data_source_levels=""):
    return [
        [*HEADER, "data_source"],
        ["1", "Chỉ đạo, điều hành", "3", "", "", "", "", ""],
        ["1.1", "Kế hoạch", "3", "", "", "", "", ""],
        [
            "1.1.1",
            "Ban hành kế hoạch",
            "1",
            "yes_no",
            "Có: 1; không: 0",
            "1",
            "0",
            data_source_levels,
        ],
        ["1.1.2", "Bộ chỉ số 766", "2", "", PROPORTIONAL_RULE, "0", "0", data_source_766],
    ]


def test_the_import_reads_the_optional_data_source_column(setup):
    index_set = index_set_import(
        period=setup["set"].period,
        unit_kind=setup["kind"],
        data=csv_text(rows()),
        filename="bo-chi-so.csv",
    )
    items = {item.code: item for item in index_set.items.all()}
    assert items["1.1.2"].data_source == "Cổng DVC quốc gia"
    assert items["1.1.2"].method == ScoringMethod.PROPORTIONAL
    assert items["1.1.1"].data_source == ""


def test_a_file_without_the_column_imports_as_before(setup):
    plain = [row[:-1] for row in rows()]
    index_set = index_set_import(
        period=setup["set"].period,
        unit_kind=setup["kind"],
        data=csv_text(plain),
        filename="bo-chi-so.csv",
    )
    assert not index_set.items.exclude(data_source="").exists()


def test_the_import_refuses_a_data_source_on_a_levels_row_by_row_and_imports_nothing(setup):
    before = IndexSet.objects.count()
    with pytest.raises(ImportFailed) as exc:
        index_set_import(
            period=setup["set"].period,
            unit_kind=setup["kind"],
            data=csv_text(rows(data_source_levels="Hệ thống khác")),
            filename="bo-chi-so.csv",
        )
    [(row, message)] = [(p.row, p.message) for p in exc.value.problems]
    assert row == 4 and "1.1.1" in message and "chấm theo một con số" in message
    assert IndexSet.objects.count() == before


def test_the_export_writes_the_column_so_the_file_reads_back(setup):
    item = setup["1.1.2"]
    index_item_edit(
        item=item,
        by=setup["home_affairs"],
        **values(item, method=None, rule=PROPORTIONAL_RULE, data_source=SOURCE),
    )
    _name, content = index_set_file(setup["set"], ".csv")
    text = content.decode("utf-8-sig")
    assert "data_source" in text.splitlines()[0] and SOURCE in text
    again = index_set_import(
        period=setup["set"].period, unit_kind=setup["kind"], data=content, filename="lai.csv"
    )
    assert again.items.get(code="1.1.2").data_source == SOURCE


# ---------------------------------------------------------------- copy and replacement


def test_a_copy_carries_the_data_source_and_the_comparison_shows_its_change(setup):
    item = setup["1.1.2"]
    index_item_edit(
        item=item,
        by=setup["home_affairs"],
        **values(item, method=None, rule=PROPORTIONAL_RULE, data_source=SOURCE),
    )
    draft = IndexSetFactory(
        period=setup["set"].period,
        unit_kind=setup["kind"],
        version=2,
        is_current=False,
        is_draft=True,
    )
    index_set_copy(source=setup["set"], into=draft)
    copied = draft.items.get(code="1.1.2")
    assert copied.data_source == SOURCE
    assert index_set_diff(old=setup["set"], new=draft).is_empty

    IndexItem.objects.filter(pk=copied.pk).update(data_source="")
    diff = index_set_diff(old=setup["set"], new=draft)
    [change] = diff.of_kind(ChangeKind.DATA_SOURCE_CHANGED)
    assert change.code == "1.1.2"
    # A figure never moves to an item the unit scores, nor a unit's score to a data item.
    copied.refresh_from_db()
    assert fitting_item(IndexItem.objects.get(pk=item.pk), copied) is None


def test_the_tree_check_reports_a_data_source_on_a_levels_item_beside_it(setup):
    item = setup["1.1.1"]
    IndexItem.objects.filter(pk=item.pk).update(data_source=SOURCE)  # as an old admin edit left it
    problems = index_set_item_problems(list(setup["set"].items.all()))
    assert any("chấm theo một con số" in message for message in problems[item.pk])
