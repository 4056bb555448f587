"""The index-set editor's services: each operation, its audit rows, the refusals for a set in
use or a published period, the tree problems by item, and how a rule preview reads."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from scoring.exceptions import Refused
from scoring.models import AuditAction, AuditEntry, Band, IndexItem, ItemLevel, Score
from scoring.selectors.index_set_editor import index_set_editor, rule_preview
from scoring.services.index_set_edit import (
    band_add,
    band_edit,
    band_remove,
    index_item_add,
    index_item_edit,
    index_item_move,
    index_item_remove,
    index_item_reparent,
    index_set_header_edit,
)
from scoring.services.index_sets import index_set_item_problems
from scoring.workflow import PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    OrganiserFactory,
    PeriodFactory,
    RoleGrantFactory,
    UserFactory,
    small_tree,
)
from units.roles import Role

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    """Home Affairs of the organiser whose set is edited."""
    organiser = tree["set"].period.organiser
    return RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=organiser).user


@pytest.fixture
def tree():
    """small_tree: area 1 (3) → 1.1 (3) → 1.1.1 yes/no 1, 1.1.2 manual 2."""
    index_set = IndexSetFactory(period=PeriodFactory(year=2026))
    return {"set": index_set, **small_tree(index_set)}


def edits():
    return AuditEntry.objects.filter(action=AuditAction.EDIT_INDEX_SET)


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
    }
    return {**fields, **changes}


def problems_of(index_set):
    editor = index_set_editor(
        index_set=index_set, problems=index_set_item_problems(list(index_set.items.all()))
    )
    return {node.item.code: node.problems for node in editor.nodes}, editor


# ---------------------------------------------------------------- items


def test_adding_under_a_criterion_makes_a_sub_criterion_read_from_its_rule(tree, officer):
    item = index_item_add(
        index_set=tree["set"],
        parent=tree["criterion"],
        code="1.1.3",
        name="Tỷ lệ hồ sơ đúng hạn",
        max_points=D("2"),
        rule="100%: 2; 90% - <100%: 1; <90%: 0",
        by=officer,
    )
    item.refresh_from_db()
    assert item.level == ItemLevel.SUB_CRITERION
    assert item.method == "ratio_bands"
    assert [band["points"] for band in item.method_params["bands"]] == ["2", "1", "0"]
    # Last among its siblings, and positions still follow the tree.
    codes = list(tree["set"].items.order_by("position").values_list("code", flat=True))
    assert codes == ["1", "1.1", "1.1.1", "1.1.2", "1.1.3"]
    entry = edits().get()
    assert entry.object_id == str(item.pk) and entry.new_value == str(item)
    assert entry.period_id == tree["set"].period_id


def test_adding_a_top_level_line_and_an_area(tree, officer):
    bonus = index_item_add(
        index_set=tree["set"],
        parent=None,
        level=ItemLevel.BONUS,
        code="T1",
        name="Sáng kiến",
        max_points=D("1"),
        by=officer,
    )
    area = index_item_add(
        index_set=tree["set"],
        parent=None,
        level=ItemLevel.AREA,
        code="2",
        name="Cải cách thể chế",
        max_points=D("5"),
        by=officer,
    )
    codes = list(tree["set"].items.order_by("position").values_list("code", flat=True))
    assert codes == ["1", "1.1", "1.1.1", "1.1.2", "2", "T1"]  # areas first, lines last
    assert bonus.level == ItemLevel.BONUS and area.level == ItemLevel.AREA
    problems, _editor = problems_of(tree["set"])
    assert any("no sub-items" in p or "không có" in p.lower() for p in problems["2"])


def test_a_sub_criterion_has_no_children_and_top_level_needs_a_kind(tree, officer):
    with pytest.raises(ValidationError) as exc:
        index_item_add(
            index_set=tree["set"],
            parent=tree["1.1.1"],
            code="1.1.1.1",
            name="x",
            max_points=D("1"),
            by=officer,
        )
    assert "parent" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        index_item_add(
            index_set=tree["set"],
            parent=None,
            level=ItemLevel.CRITERION,
            code="9",
            name="x",
            max_points=D("1"),
            by=officer,
        )
    assert "level" in exc.value.message_dict
    assert not edits().exists()


def test_a_duplicate_code_is_refused_on_the_code(tree, officer):
    with pytest.raises(ValidationError) as exc:
        index_item_add(
            index_set=tree["set"],
            parent=tree["criterion"],
            code="1.1.1",
            name="Trùng mã",
            max_points=D("1"),
            by=officer,
        )
    assert "code" in exc.value.message_dict
    assert tree["set"].items.count() == 4


def test_editing_an_item_reads_the_rule_again_and_audits_each_field(tree, officer):
    item = tree["1.1.2"]
    index_item_edit(
        item=item,
        by=officer,
        **values(
            item,
            name="Xử lý kịp thời",
            method=None,
            rule="Kịp thời: 2; chậm: 1; không xử lý: 0; không phát sinh: không áp dụng",
        ),
    )
    item.refresh_from_db()
    assert item.method == "levels"
    assert [level["points"] for level in item.method_params["levels"]] == ["2", "1", "0"]
    assert item.not_applicable_condition == "không phát sinh"
    fields = set(edits().values_list("field", flat=True))
    assert {"name", "method", "rule", "method_params", "not_applicable_condition"} <= fields
    name_entry = edits().get(field="name")
    assert name_entry.old_value == "Xử lý vấn đề phát hiện"
    assert name_entry.new_value == "Xử lý kịp thời"
    assert name_entry.actor == officer


def test_a_rule_that_cannot_be_read_is_refused_and_nothing_changes(tree, officer):
    item = tree["1.1.1"]
    with pytest.raises(ValidationError) as exc:
        index_item_edit(item=item, by=officer, **values(item, rule="Có: 5; không: 0"))
    assert "rule" in exc.value.message_dict
    item.refresh_from_db()
    assert item.rule == "Có: 1; không: 0"
    assert not edits().exists()


def test_an_unbalanced_edit_is_saved_and_the_problem_shows_at_the_parent(tree, officer):
    item = tree["1.1.2"]
    index_item_edit(item=item, by=officer, **values(item, max_points=D("3")))
    problems, editor = problems_of(tree["set"])
    assert problems["1.1"] and "1.1" in problems["1.1"][0]
    assert problems["1.1.2"] == [] and problems["1.1.1"] == []
    criterion = next(node for node in editor.nodes if node.item.code == "1.1")
    assert criterion.children_sum == D("4") and not criterion.balanced
    # Balancing the parents clears the problems.
    for key in ("criterion", "area"):
        parent = IndexItem.objects.get(pk=tree[key].pk)
        index_item_edit(item=parent, by=officer, **values(parent, max_points=D("4")))
    problems, editor = problems_of(tree["set"])
    assert not any(problems.values()) and editor.problem_count == 0
    assert editor.areas_total == D("4")


def test_moving_up_and_down_among_siblings(tree, officer):
    second = tree["1.1.2"]
    index_item_move(item=second, direction="up", by=officer)
    codes = list(tree["set"].items.order_by("position").values_list("code", flat=True))
    assert codes == ["1", "1.1", "1.1.2", "1.1.1"]
    assert edits().get().field == "position"
    index_item_move(item=second, direction="up", by=officer)  # already first: nothing
    index_item_move(item=second, direction="down", by=officer)
    codes = list(tree["set"].items.order_by("position").values_list("code", flat=True))
    assert codes == ["1", "1.1", "1.1.1", "1.1.2"]


def test_moving_under_another_parent_recodes_and_problems_follow(tree, officer):
    other = index_item_add(
        index_set=tree["set"],
        parent=tree["area"],
        code="1.2",
        name="Kiểm tra",
        max_points=D("0"),
        by=officer,
    )
    index_item_reparent(item=tree["1.1.2"], parent=other, by=officer)
    moved = IndexItem.objects.get(pk=tree["1.1.2"].pk)
    assert moved.parent_id == other.pk and moved.code == "1.2.1"
    codes = list(tree["set"].items.order_by("position").values_list("code", flat=True))
    assert codes == ["1", "1.1", "1.1.1", "1.2", "1.2.1"]
    assert edits().filter(object_id=str(moved.pk), field="code").get().old_value == "1.1.2"
    problems, _editor = problems_of(tree["set"])
    assert problems["1.1"] and problems["1.2"]  # 3 ≠ 1 and 0 ≠ 2
    with pytest.raises(ValidationError):
        index_item_reparent(item=moved, parent=tree["area"], by=officer)  # wrong level


def test_removing_an_item_removes_its_children_and_audits_each(tree, officer):
    index_item_remove(item=IndexItem.objects.get(pk=tree["criterion"].pk), by=officer)
    assert list(tree["set"].items.values_list("code", flat=True)) == ["1"]
    removed = set(edits().values_list("old_value", flat=True))
    assert removed == {str(tree["criterion"]), str(tree["1.1.1"]), str(tree["1.1.2"])}
    problems, _editor = problems_of(tree["set"])
    assert problems["1"]  # an area without criteria


# ---------------------------------------------------------------- bands and header


def test_bands_add_edit_remove(tree, officer):
    band = band_add(index_set=tree["set"], label="Tốt", min_percent=D("80"), by=officer)
    with pytest.raises(ValidationError) as exc:
        band_add(index_set=tree["set"], label="Tốt", min_percent=D("80"), by=officer)
    assert {"label", "min_percent"} <= set(exc.value.message_dict)
    band_edit(band=band, label="Xuất sắc", min_percent=D("90"), by=officer)
    band.refresh_from_db()
    assert (band.label, band.min_percent) == ("Xuất sắc", D("90"))
    assert set(edits().filter(object_id=str(band.pk)).values_list("field", flat=True)) >= {
        "label",
        "min_percent",
    }
    band_remove(band=band, by=officer)
    assert not Band.objects.exists()
    assert edits().filter(old_value__startswith="Xuất sắc").exists()


def test_header_edit_stores_the_decision(tree, officer):
    index_set_header_edit(
        index_set=tree["set"],
        name="Bộ chỉ số sở 2026",
        decision_number="1234/QĐ-UBND",
        decision_date=date(2026, 1, 15),
        decision_issuer="UBND tỉnh Hòa Bình",
        bonus_cap=D("2"),
        penalty_cap=None,
        points_step=D("0.5"),
        by=officer,
    )
    tree["set"].refresh_from_db()
    assert tree["set"].decision_number == "1234/QĐ-UBND"
    assert tree["set"].decision_date == date(2026, 1, 15)
    entry = edits().get(field="decision_date")
    assert entry.new_value == "2026-01-15"


# ---------------------------------------------------------------- refusals


def test_the_current_set_of_an_open_period_goes_through_a_draft(tree, officer):
    period = tree["set"].period
    period.status = PeriodStatus.SELF_ASSESSMENT
    period.save()
    item = tree["1.1.2"]
    with pytest.raises(Refused, match="phiên bản mới"):
        index_item_edit(item=item, by=officer, **values(item, max_points=D("1")))
    item.refresh_from_db()
    assert item.max_points == D("2") and not edits().exists()


def test_only_home_affairs_of_the_organiser_edits(tree):
    item = tree["1.1.2"]
    other = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=OrganiserFactory(code="khac")).user
    for by in (UserFactory(), other):
        with pytest.raises(PermissionDenied):
            index_item_edit(item=item, by=by, **values(item, name="Khác"))
    assert not edits().exists()


def test_a_set_in_use_is_refused_and_says_to_prepare_a_new_version(tree, officer):
    assessment = AssessmentFactory(period=tree["set"].period, index_set=tree["set"])
    Score.objects.create(assessment=assessment, item=tree["1.1.1"], self_points=D("1"))
    item = tree["1.1.2"]
    with pytest.raises(Refused) as exc:
        index_item_edit(item=item, by=officer, **values(item, name="Khác"))
    assert "new version" in exc.value.message or "phiên bản mới" in exc.value.message
    with pytest.raises(Refused):
        index_item_remove(item=item, by=officer)
    with pytest.raises(Refused):
        band_add(index_set=tree["set"], label="Tốt", min_percent=D("80"), by=officer)
    item.refresh_from_db()
    assert item.name == "Xử lý vấn đề phát hiện"
    assert not edits().exists()
    # A draft version of the same period may still be edited.
    draft = IndexSetFactory(
        period=tree["set"].period,
        unit_kind=tree["set"].unit_kind,
        version=2,
        is_current=False,
        is_draft=True,
    )
    band_add(index_set=draft, label="Tốt", min_percent=D("80"), by=officer)


def test_a_published_period_refuses_even_a_draft(tree, officer):
    period = tree["set"].period
    period.status = PeriodStatus.PUBLISHED
    period.save()
    tree["set"].is_draft = True
    tree["set"].save()
    with pytest.raises(Refused) as exc:
        band_add(index_set=tree["set"], label="Tốt", min_percent=D("80"), by=officer)
    assert "2026" in exc.value.message


# ---------------------------------------------------------------- the rule preview


def test_rule_preview_reads_levels_bands_and_errors():
    answer = rule_preview(rule="Kịp thời: 0,5; chậm: 0,25; không: 0", max_points="0,5", method="")
    assert answer["method"] == "levels" and answer["errors"] == []
    assert answer["levels"] == [
        {"label": "Kịp thời", "points": "0,5"},
        {"label": "chậm", "points": "0,25"},
        {"label": "không", "points": "0"},
    ]
    bands = rule_preview(
        rule="100%: 2; 90% - <100%: 1; <90%: 0; không có hồ sơ: điểm tối đa",
        max_points="2",
        method="ratio_bands",
    )
    assert [level["points"] for level in bands["levels"]] == ["2", "1", "0", "2"]
    na = rule_preview(rule="Có: 1; Không: 0; không phát sinh: N/A", max_points="1", method="")
    assert na["method"] == "yes_no" and na["not_applicable_condition"] == "không phát sinh"
    wrong = rule_preview(rule="Có: 3; Không: 0", max_points="1", method="")
    assert wrong["levels"] == [] and wrong["errors"]
    gap = rule_preview(rule="100%: 2; <80%: 0", max_points="2", method="")
    assert gap["errors"]
    bad = rule_preview(rule="Có: 1", max_points="abc", method="")
    assert bad["errors"]
    assert rule_preview(rule="", max_points="2", method="nonsense")["errors"]
    manual = rule_preview(rule="", max_points="5", method="")
    assert manual["method"] == "manual" and manual["levels"][0]["points"] == "5"


def test_editing_a_parent_changes_only_what_it_has(tree, officer):
    criterion = tree["criterion"]
    index_item_edit(
        item=criterion,
        by=officer,
        **values(criterion, max_points=D("4"), rule="", method=None, evidence_required=False),
    )
    assert list(edits().values_list("field", flat=True)) == ["max_points"]
