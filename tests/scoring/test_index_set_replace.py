"""A set replaced mid-period: the diff, scores carried by code or by the officer's mapping, what
no longer fits kept as ScoreRedo and listed to the unit, one audit entry, the units told, and
every refusal — applied all at once or not at all."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from scoring.engine.policy import StageValue
from scoring.entries import SelfEntry
from scoring.exceptions import Refused
from scoring.models import (
    Assessment,
    AuditAction,
    AuditEntry,
    Band,
    Evidence,
    IndexItem,
    IndexSet,
    ItemLevel,
    Notification,
    NotificationKind,
    RedoKind,
    RedoStage,
    Score,
    ScoreRedo,
    ScoringMethod,
    SurveyResult,
)
from scoring.selectors.index_set_diff import (
    ChangeKind,
    full_mapping,
    index_set_diff,
    index_set_fingerprint,
    replacement_consequences,
)
from scoring.services import index_set_replace as replace_module
from scoring.services.appraisal import AppraisalEntry, appraisal_save
from scoring.services.index_set_replace import index_set_draft_start, index_set_replace
from scoring.services.index_sets import index_set_clone
from scoring.services.self_assessment import self_score_save
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import AssessmentFactory, IndexSetFactory, PeriodFactory, small_tree

D = Decimal


def _item(
    index_set,
    code,
    name,
    max_points,
    *,
    level,
    parent=None,
    method=ScoringMethod.MANUAL,
    position=0,
    rule="",
):
    return IndexItem.objects.create(
        index_set=index_set,
        code=code,
        name=name,
        max_points=D(max_points),
        level=level,
        parent=parent,
        method=method,
        position=position,
        rule=rule,
    )


@pytest.fixture
def setup(personas):
    """Self-assessment open; the set: small_tree (1 → 1.1 → 1.1.1, 1.1.2), area 2 with 2.1.1 and
    2.1.2 (manual, 1 point each) and a survey area 3 → 3.1 → 3.1.1 (5 points). Unit A has
    scored; unit B has not."""
    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
    )
    current = IndexSetFactory(period=period, unit_kind=personas["kind"], decision_number="1/QĐ")
    tree = small_tree(current)
    area2 = _item(current, "2", "Cải cách thể chế", "2", level=ItemLevel.AREA, position=10)
    crit2 = _item(
        current, "2.1", "Văn bản", "2", level=ItemLevel.CRITERION, parent=area2, position=11
    )
    tree["2.1.1"] = _item(
        current, "2.1.1", "Rà soát", "1", level=ItemLevel.SUB_CRITERION, parent=crit2, position=12
    )
    tree["2.1.2"] = _item(
        current,
        "2.1.2",
        "Kiểm tra văn bản",
        "1",
        level=ItemLevel.SUB_CRITERION,
        parent=crit2,
        position=13,
    )
    area3 = _item(current, "3", "Điều tra", "5", level=ItemLevel.AREA, position=20)
    crit3 = _item(
        current, "3.1", "Hài lòng", "5", level=ItemLevel.CRITERION, parent=area3, position=21
    )
    tree["3.1.1"] = _item(
        current,
        "3.1.1",
        "Tỷ lệ hài lòng",
        "5",
        level=ItemLevel.SUB_CRITERION,
        parent=crit3,
        method=ScoringMethod.SURVEY,
        position=22,
    )
    Band.objects.create(index_set=current, label="Tốt", min_percent=D("80"))
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=current)
    b = AssessmentFactory(period=period, unit=personas["unit_b"], index_set=current)
    Score.objects.create(assessment=a, item=tree["1.1.1"], self_points=D("1"))
    Score.objects.create(
        assessment=a,
        item=tree["1.1.2"],
        self_points=D("1.5"),
        appraisal_points=D("2"),
        self_note="Đã xử lý 3/4 vấn đề",
    )
    Score.objects.create(
        assessment=a, item=tree["2.1.2"], self_points=D("1"), self_note="Có 12 văn bản"
    )
    evidence = Evidence.objects.create(
        assessment=a, document_number="15/KH-STP", uploaded_by=personas["staff_a"]
    )
    evidence.items.add(tree["2.1.2"], tree["1.1.1"])
    SurveyResult.objects.create(assessment=a, item=tree["3.1.1"], points=D("4"))
    return {
        **personas,
        "period": period,
        "current": current,
        "tree": tree,
        "a": a,
        "b": b,
        "evidence": evidence,
    }


def _edit_draft(draft):
    """What the new decision changes: 1.1.1 renamed with another rule, 1.1.2 worth 1 instead
    of 2, 2.1.1 becomes yes/no, 2.1.2 removed and 2.1.3 added, the survey worth 3, a new band."""
    items = {item.code: item for item in draft.items.all()}
    items["1.1.1"].name = "Ban hành kế hoạch CCHC đúng hạn"
    items["1.1.1"].rule = "Đúng hạn: 1; trễ hạn: 0"
    items["1.1.1"].save()
    for code in ("1", "1.1"):
        items[code].max_points = D("2")
        items[code].save()
    items["1.1.2"].max_points = D("1")
    items["1.1.2"].save()
    items["2.1.1"].method = ScoringMethod.YES_NO
    items["2.1.1"].rule = "Có: 1; không: 0"
    items["2.1.1"].save()
    items["2.1.2"].delete()
    _item(
        draft,
        "2.1.3",
        "Tự kiểm tra văn bản",
        "1",
        level=ItemLevel.SUB_CRITERION,
        parent=items["2.1"],
        position=14,
    )
    for code in ("3", "3.1", "3.1.1"):
        items[code].max_points = D("3")
        items[code].save()
    Band.objects.create(index_set=draft, label="Khá", min_percent=D("65"))
    return {item.code: item for item in draft.items.all()}


@pytest.fixture
def draft(setup):
    draft = index_set_draft_start(index_set=setup["current"], by=setup["home_affairs"])
    return draft, _edit_draft(draft)


def _apply(setup, draft, confirmed, by=None):
    fingerprint = index_set_fingerprint(old=setup["current"], new=draft, confirmed=confirmed)
    return index_set_replace(
        draft=draft, confirmed=confirmed, fingerprint=fingerprint, by=by or setup["home_affairs"]
    )


# ---------------------------------------------------------------- drafts


def test_draft_copies_the_current_set_and_units_keep_scoring_it(setup):
    draft = index_set_draft_start(index_set=setup["current"], by=setup["home_affairs"])
    assert draft.is_draft and not draft.is_current
    assert draft.version == setup["current"].version + 1
    assert draft.decision_number == "1/QĐ"
    assert sorted(draft.items.values_list("code", flat=True)) == sorted(
        setup["current"].items.values_list("code", flat=True)
    )
    assert draft.items.get(code="1.1.1").parent.code == "1.1"
    assert list(draft.bands.values_list("label", flat=True)) == ["Tốt"]
    setup["a"].refresh_from_db()
    assert setup["a"].index_set == setup["current"]
    entry = AuditEntry.objects.get(action=AuditAction.EDIT_INDEX_SET)
    assert entry.new_value == str(draft.pk)
    with pytest.raises(Refused, match="đang được chuẩn bị"):
        index_set_draft_start(index_set=setup["current"], by=setup["home_affairs"])


def test_draft_is_refused_to_others_and_for_an_old_version(setup):
    with pytest.raises(PermissionDenied):
        index_set_draft_start(index_set=setup["current"], by=setup["chair"])
    draft = index_set_draft_start(index_set=setup["current"], by=setup["home_affairs"])
    with pytest.raises(Refused, match="phiên bản hiện hành"):
        index_set_draft_start(index_set=draft, by=setup["home_affairs"])


def test_clone_still_copies_with_the_shared_copy(setup):
    next_year = PeriodFactory(organiser=setup["organiser"], year=2027)
    clone = index_set_clone(source=setup["current"], period=next_year, by=setup["home_affairs"])
    assert clone.is_current and not clone.is_draft
    assert clone.items.count() == setup["current"].items.count()
    assert clone.items.get(code="2.1.2").parent.code == "2.1"


def test_next_years_copy_keeps_the_points_step_but_not_the_decision(setup):
    source = setup["current"]
    IndexSet.objects.filter(pk=source.pk).update(
        points_step=Decimal("0.5"), decision_number="12/QĐ-UBND", decision_issuer="UBND tỉnh"
    )
    source.refresh_from_db()
    next_year = PeriodFactory(organiser=setup["organiser"], year=2027)
    clone = index_set_clone(source=source, period=next_year, by=setup["home_affairs"])
    assert clone.points_step == Decimal("0.5")
    assert (clone.decision_number, clone.decision_issuer) == ("", "")


# ---------------------------------------------------------------- the diff


def test_diff_names_every_kind_of_change(setup, draft):
    new, _items = draft
    diff = index_set_diff(old=setup["current"], new=new)
    codes = {
        kind: sorted(c.code for c in diff.of_kind(kind))
        for kind in vars(ChangeKind).values()
        if isinstance(kind, str) and not kind.startswith("_")
    }
    assert codes[ChangeKind.ADDED] == ["2.1.3"]
    assert codes[ChangeKind.REMOVED] == ["2.1.2"]
    assert codes[ChangeKind.RENAMED] == ["1.1.1"]
    assert codes[ChangeKind.MAX_CHANGED] == ["1", "1.1", "1.1.2", "3", "3.1", "3.1.1"]
    assert codes[ChangeKind.METHOD_CHANGED] == ["2.1.1"]
    assert codes[ChangeKind.RULE_CHANGED] == ["1.1.1"]
    assert diff.bands_changed
    assert [item.code for item in diff.unmatched] == ["2.1.2"]
    assert [item.code for item in diff.candidates[ItemLevel.SUB_CRITERION]] == ["2.1.3"]


def test_consequences_list_what_no_longer_fits(setup, draft):
    new, items = draft
    diff = index_set_diff(old=setup["current"], new=new)
    units = replacement_consequences(old=setup["current"], mapping=full_mapping(diff, {}))
    assert [unit.assessment.unit.code for unit in units] == ["A"]  # B entered nothing
    found = {(m.old_item.code, m.stage, m.kind, m.points) for m in units[0].misfits}
    assert found == {
        ("1.1.2", RedoStage.SELF, RedoKind.ABOVE_MAX, D("1.5")),
        ("1.1.2", RedoStage.APPRAISAL, RedoKind.ABOVE_MAX, D("2")),
        ("2.1.2", RedoStage.SELF, RedoKind.REMOVED, D("1")),
        ("3.1.1", RedoStage.SURVEY, RedoKind.ABOVE_MAX, D("4")),
    }
    removed = next(m for m in units[0].misfits if m.kind == RedoKind.REMOVED)
    assert removed.note == "Có 12 văn bản" and removed.evidence == 1
    # Mapped to the new item, 2.1.2 fits again.
    mapped = full_mapping(diff, {setup["tree"]["2.1.2"].pk: items["2.1.3"].pk})
    units = replacement_consequences(old=setup["current"], mapping=mapped)
    assert "2.1.2" not in {m.old_item.code for m in units[0].misfits}


# ---------------------------------------------------------------- applying


def test_apply_carries_scores_by_code_and_by_the_confirmed_mapping(setup, draft):
    new, items = draft
    tree, a = setup["tree"], setup["a"]
    result = _apply(setup, new, {tree["2.1.2"].pk: items["2.1.3"].pk})
    new.refresh_from_db()
    setup["current"].refresh_from_db()
    assert new.is_current and not new.is_draft
    assert not setup["current"].is_current
    for assessment in (a, setup["b"]):
        assessment.refresh_from_db()
        assert assessment.index_set == new
    scores = {s.item.code: s for s in Score.objects.filter(assessment=a).select_related("item")}
    assert {s.item.index_set_id for s in scores.values()} == {new.pk}
    assert scores["1.1.1"].self_points == D("1")
    assert scores["2.1.3"].self_points == D("1") and scores["2.1.3"].self_note == "Có 12 văn bản"
    # Above the new maximum: cleared on the score, kept as a redo, note kept.
    assert scores["1.1.2"].self_points is None and scores["1.1.2"].appraisal_points is None
    assert scores["1.1.2"].self_note == "Đã xử lý 3/4 vấn đề"
    redo = ScoreRedo.objects.get(assessment=a, old_code="1.1.2", stage=RedoStage.SELF)
    assert (redo.kind, redo.old_points, redo.old_max, redo.new_max) == (
        RedoKind.ABOVE_MAX,
        D("1.5"),
        D("2"),
        D("1"),
    )
    assert redo.item == items["1.1.2"]
    # Evidence and survey results follow their items.
    assert sorted(setup["evidence"].items.values_list("code", flat=True)) == ["1.1.1", "2.1.3"]
    assert set(setup["evidence"].items.values_list("index_set", flat=True)) == {new.pk}
    survey = SurveyResult.objects.get(assessment=a)
    assert survey.item == items["3.1.1"] and survey.points is None
    assert ScoreRedo.objects.get(stage=RedoStage.SURVEY).old_points == D("4")
    assert result.assessments == 2 and len(result.redos) == 3


def test_a_removed_item_is_kept_as_a_redo_and_its_row_let_go(setup, draft):
    new, _items = draft
    tree, a = setup["tree"], setup["a"]
    _apply(setup, new, {tree["2.1.2"].pk: None})
    redo = ScoreRedo.objects.get(assessment=a, old_code="2.1.2")
    assert redo.kind == RedoKind.REMOVED and redo.item is None
    assert (redo.old_points, redo.old_note, redo.old_name) == (
        D("1"),
        "Có 12 văn bản",
        "Kiểm tra văn bản",
    )
    assert not Score.objects.filter(item=tree["2.1.2"]).exists()
    assert Evidence.objects.filter(pk=setup["evidence"].pk).exists()  # the document stays
    assert list(setup["evidence"].items.values_list("code", flat=True)) == ["1.1.1"]
    # Everything written on the row that went is in the audit trail, with the evidence cited.
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, assessment=a)
    kept = json.loads(entry.old_value)
    assert kept["self_points"] == "1.0000" and kept["self_note"] == "Có 12 văn bản"
    assert kept["evidence"] == [setup["evidence"].original_name]
    assert "2.1.2" in entry.reason and entry.actor == setup["home_affairs"]


def test_the_councils_redo_is_done_when_the_council_saves_the_item_again(setup, draft, client):
    new, items = draft
    _apply(setup, new, {setup["tree"]["2.1.2"].pk: None})
    Assessment.objects.filter(pk=setup["a"].pk).update(status=AssessmentStatus.IN_APPRAISAL)
    setup["a"].refresh_from_db()
    client.force_login(setup["chair"])
    review = reverse("scoring:appraisal_review", args=[setup["a"].pk])
    page = client.get(review).content.decode()
    assert "data-council-redos" in page and 'data-council-redo="1.1.2"' in page
    redo = ScoreRedo.objects.get(old_code="1.1.2", stage=RedoStage.APPRAISAL)
    assert redo.resolved_at is None
    stored = Score.objects.get(assessment=setup["a"], item=items["1.1.2"])
    appraisal_save(
        assessment=setup["a"],
        item=items["1.1.2"],
        entry=AppraisalEntry(value=StageValue(points=D("1")), reason="Theo phiên bản mới"),
        expected_version=stored.version,
        by=setup["chair"],
    )
    redo.refresh_from_db()
    assert redo.resolved_at is not None
    # The unit's own redo of the item is the unit's to do.
    assert ScoreRedo.objects.get(old_code="1.1.2", stage=RedoStage.SELF).resolved_at is None
    assert "data-council-redos" not in client.get(review).content.decode()


def test_one_audit_entry_and_every_unit_is_told(setup, draft):
    new, items = draft
    _apply(setup, new, {setup["tree"]["2.1.2"].pk: items["2.1.3"].pk})
    entry = AuditEntry.objects.get(action=AuditAction.REPLACE_INDEX_SET)
    assert (entry.old_value, entry.new_value) == (str(setup["current"].pk), str(new.pk))
    assert entry.actor == setup["home_affairs"] and entry.period == setup["period"]
    assert "2.1.2 → 2.1.3" in entry.reason
    told_a = Notification.objects.get(recipient=setup["staff_a"])
    assert told_a.kind == NotificationKind.INDEX_SET_REPLACED
    assert "1.1.2" in told_a.body
    assert "appraisal" not in told_a.body.casefold()  # the council's values are not theirs
    assert told_a.link == reverse("scoring:self_assessment", args=[setup["a"].pk])
    told_b = Notification.objects.get(recipient=setup["staff_b"])
    assert "1.1.2" not in told_b.body


def test_an_error_mid_apply_changes_nothing(setup, draft, monkeypatch):
    new, items = draft

    def broken(**kwargs):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(replace_module, "notify_index_set_replaced", broken)
    with pytest.raises(RuntimeError):
        _apply(setup, new, {setup["tree"]["2.1.2"].pk: items["2.1.3"].pk})
    new.refresh_from_db()
    setup["current"].refresh_from_db()
    setup["a"].refresh_from_db()
    assert new.is_draft and not new.is_current and setup["current"].is_current
    assert setup["a"].index_set == setup["current"]
    score = Score.objects.get(assessment=setup["a"], item__code="1.1.2")
    assert score.self_points == D("1.5") and score.item.index_set == setup["current"]
    assert not ScoreRedo.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.REPLACE_INDEX_SET).exists()
    assert setup["evidence"].items.count() == 2


# ---------------------------------------------------------------- refusals


def test_refused_when_the_period_is_published(setup, draft):
    new, _items = draft
    setup["period"].status = PeriodStatus.PUBLISHED
    setup["period"].save()
    with pytest.raises(Refused, match="đã được công bố"):
        _apply(setup, new, {setup["tree"]["2.1.2"].pk: None})


def test_refused_when_the_draft_tree_has_problems(setup, draft):
    new, items = draft
    items["2.1.3"].max_points = D("5")  # criterion 2.1 no longer the sum of its children
    items["2.1.3"].save()
    with pytest.raises(Refused) as refusal:
        _apply(setup, new, {setup["tree"]["2.1.2"].pk: None})
    assert refusal.value.problems
    assert IndexSet.objects.get(pk=new.pk).is_draft


def test_refused_when_the_preview_is_stale(setup, draft):
    new, items = draft
    confirmed = {setup["tree"]["2.1.2"].pk: items["2.1.3"].pk}
    fingerprint = index_set_fingerprint(old=setup["current"], new=new, confirmed=confirmed)
    items["2.1.3"].name = "Đổi tên sau khi xem"
    items["2.1.3"].save()
    with pytest.raises(Refused, match="Xem lại bản so sánh"):
        index_set_replace(
            draft=new, confirmed=confirmed, fingerprint=fingerprint, by=setup["home_affairs"]
        )
    # A mapping other than the one previewed is stale too.
    fingerprint = index_set_fingerprint(old=setup["current"], new=new, confirmed=confirmed)
    with pytest.raises(Refused, match="Xem lại bản so sánh"):
        index_set_replace(
            draft=new,
            confirmed={setup["tree"]["2.1.2"].pk: None},
            fingerprint=fingerprint,
            by=setup["home_affairs"],
        )


def test_refused_without_a_complete_mapping_or_to_others(setup, draft):
    new, items = draft
    with pytest.raises(Refused) as refusal:
        _apply(setup, new, {})
    assert any("2.1.2" in problem for problem in refusal.value.problems)
    with pytest.raises(Refused):  # an area cannot take a sub-criterion's scores
        _apply(setup, new, {setup["tree"]["2.1.2"].pk: items["2"].pk})
    with pytest.raises(PermissionDenied):
        _apply(setup, new, {setup["tree"]["2.1.2"].pk: None}, by=setup["chair"])
    assert IndexSet.objects.get(pk=new.pk).is_draft


# ---------------------------------------------------------------- the unit redoes


def test_the_unit_sees_its_redos_and_saving_the_item_resolves_them(setup, draft, client):
    new, items = draft
    _apply(setup, new, {setup["tree"]["2.1.2"].pk: None})
    client.force_login(setup["staff_a"])
    url = reverse("scoring:self_assessment", args=[setup["a"].pk])
    page = client.get(url).content.decode()
    assert "data-redos" in page and 'data-redo="1.1.2"' in page and 'data-redo="2.1.2"' in page
    assert "Có 12 văn bản" in page  # the removed item's note is shown, not lost
    setup["a"].refresh_from_db()
    self_score_save(
        assessment=setup["a"],
        item=items["1.1.2"],
        entry=SelfEntry(points=D("1"), note="Đã xử lý 3/4 vấn đề"),
        expected_version=Score.objects.get(assessment=setup["a"], item=items["1.1.2"]).version,
        by=setup["staff_a"],
    )
    redo = ScoreRedo.objects.get(old_code="1.1.2", stage=RedoStage.SELF)
    assert redo.resolved_at is not None
    # The council's own redo stays open for the council.
    assert ScoreRedo.objects.get(old_code="1.1.2", stage=RedoStage.APPRAISAL).resolved_at is None
    page = client.get(url).content.decode()
    assert 'data-redo="1.1.2"' not in page
    # The removed item stays, for information only: nothing can be entered for it.
    removed = page.split('data-redo-kind="removed"')[1]
    assert 'data-redo="2.1.2"' in removed and 'data-redo-kind="above_max"' not in page
    assert "không còn được tính điểm" in page
    client.force_login(setup["staff_b"])
    page = client.get(reverse("scoring:self_assessment", args=[setup["b"].pk])).content.decode()
    assert "data-redos" not in page
