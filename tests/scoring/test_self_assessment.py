"""Self-assessment rules: what each method accepts and the points it earns, the evidence rule,
the optimistic lock, submission refusals, the deadline, reopening and extending."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scoring.entries import SelfEntry, earned, self_entry_clean
from scoring.exceptions import EntryClosed, ScoreConflict, TransitionRefused
from scoring.models import AuditEntry, Evidence, IndexItem, Score
from scoring.selectors.self_assessment import self_assessment
from scoring.services.self_assessment import (
    assessment_reopen,
    assessment_submit,
    period_deadline_extend,
    self_score_save,
)
from scoring.workflow import AssessmentStatus, PeriodStatus

D = Decimal
STEP = D("0.25")


@pytest.fixture
def s(self_assessment_setup):
    return self_assessment_setup


def clean(item, **values):
    return self_entry_clean(item, step=STEP, **values)


def save(s, code, *, version=None, by=None, **values):
    item = s["items"][code]
    if version is None:
        score = Score.objects.filter(assessment=s["assessment_a"], item=item).first()
        version = score.version if score else 0
    return self_score_save(
        assessment=s["assessment_a"],
        item=item,
        entry=clean(item, **values),
        expected_version=version,
        by=by or s["staff_a"],
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# ---------------------------------------------------------------- each method


def test_levels_accept_only_the_rules_answers(s):
    item = s["items"]["1.1.1"]
    assert earned(item, clean(item, points="0.25").value) == D("0.25")
    assert earned(item, clean(item, points="0,5").value) == D("0.5")
    with pytest.raises(ValidationError) as excinfo:
        clean(item, points="0.4")
    assert "points" in errors_of(excinfo)


def test_yes_no_gives_the_maximum_or_nothing(s):
    item = s["items"]["1.1.2"]
    assert earned(item, clean(item, points="1").value) == D("1")
    assert earned(item, clean(item, points="0").value) == D("0")
    with pytest.raises(ValidationError):
        clean(item, points="0.5")


@pytest.mark.parametrize(
    ("ratio", "points"),
    [("100", "2"), ("120", "2"), ("99,99", "1"), ("90", "1"), ("89.9", "0"), ("0", "0")],
)
def test_ratio_bands_turn_the_reported_ratio_into_points(s, ratio, points):
    item = s["items"]["1.1.3"]
    entry = clean(item, ratio=ratio)
    assert entry.points is None  # the rule decides, not the unit
    assert earned(item, entry.value) == D(points)


def test_ratio_rule_offers_its_other_case_but_not_both_at_once(s):
    item = s["items"]["1.1.3"]
    assert earned(item, clean(item, points="2").value) == D("2")  # "no case to handle"
    with pytest.raises(ValidationError) as excinfo:
        clean(item, points="2", ratio="95")
    assert "ratio" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        clean(item, points="1")  # not one of the other cases


def test_proportional_points_follow_the_ratio_up_to_the_maximum(s):
    item = s["items"]["1.1.4"]
    assert earned(item, clean(item, ratio="80").value) == D("1.2")
    assert earned(item, clean(item, ratio="150").value) == D("1.5")
    with pytest.raises(ValidationError) as excinfo:
        clean(item, points="1")  # typed points without a ratio
    assert "points" in errors_of(excinfo)


@pytest.mark.parametrize("text", ["abc", "1.2.3", "1,5,0", "1 000,5x"])
def test_a_ratio_that_is_not_a_number_is_refused_in_words(s, text):
    with pytest.raises(ValidationError) as excinfo:
        clean(s["items"]["1.1.4"], ratio=text)
    assert text.strip() in errors_of(excinfo)["ratio"][0]


def test_an_implausible_ratio_is_refused(s):
    with pytest.raises(ValidationError) as excinfo:
        clean(s["items"]["1.1.4"], ratio="9500")
    assert "ratio" in errors_of(excinfo)


@pytest.mark.parametrize(("typed", "expected"), [("2,75", "2.75"), ("2.75", "2.75"), ("5", "5")])
def test_manual_points_accept_comma_or_dot(s, typed, expected):
    item = s["items"]["1.1.5"]
    assert clean(item, points=typed).points == D(expected)


@pytest.mark.parametrize(
    ("typed", "word"), [("5,5", "5,5"), ("2,6", "0,25"), ("-1", "âm"), ("1,23456", "4")]
)
def test_manual_points_outside_the_maximum_or_the_step_are_refused(s, typed, word):
    with pytest.raises(ValidationError) as excinfo:
        clean(s["items"]["1.1.5"], points=typed)
    assert word in errors_of(excinfo)["points"][0]


def test_not_applicable_needs_a_reason_and_permission_of_the_set(s):
    item = s["items"]["1.1.5"]
    with pytest.raises(ValidationError) as excinfo:
        clean(item, not_applicable=True)
    assert "reason" in errors_of(excinfo)
    entry = clean(item, not_applicable=True, reason="Không có đơn vị trực thuộc", points="3")
    assert entry.not_applicable and entry.points is None  # points typed before are dropped
    with pytest.raises(ValidationError) as excinfo:
        clean(s["items"]["1.1.2"], not_applicable=True, reason="x")
    assert "not_applicable" in errors_of(excinfo)


def test_survey_items_are_not_self_scored(s):
    with pytest.raises(ValidationError):
        clean(s["items"]["2.1.1"], points="4")


# ---------------------------------------------------------------- saving and totals


def test_saving_stores_the_entry_bumps_the_version_and_audits(s):
    score = save(s, "1.1.3", ratio="95")
    assert (score.self_ratio, score.self_points, score.version) == (D("95"), None, 1)
    entry = AuditEntry.objects.get(object_id=str(score.pk), field="self_ratio")
    assert (D(entry.new_value), entry.actor, entry.action) == (95, s["staff_a"], "self_score")
    score = save(s, "1.1.3", ratio="100")
    assert score.version == 2


def test_saving_the_same_values_again_changes_nothing(s):
    save(s, "1.1.2", points="1")
    score = save(s, "1.1.2", points="1")
    assert score.version == 1
    assert AuditEntry.objects.filter(object_id=str(score.pk)).count() == 1


def test_a_stale_version_is_refused_with_the_current_value(s):
    save(s, "1.1.5", points="3")  # tab 1
    with pytest.raises(ScoreConflict) as excinfo:
        save(s, "1.1.5", points="4", version=0)  # tab 2 opened before tab 1 saved
    assert excinfo.value.current.self_points == D("3")
    assert Score.objects.get(item=s["items"]["1.1.5"]).self_points == D("3")
    save(s, "1.1.5", points="4", version=1)  # "save mine over it" after seeing it
    assert Score.objects.get(item=s["items"]["1.1.5"]).self_points == D("4")


def test_running_totals_leave_out_survey_and_not_applicable_items(s):
    save(s, "1.1.1", points="0.5")
    save(s, "1.1.2", points="1")
    save(s, "1.1.3", ratio="95")  # 1 point
    save(s, "1.1.4", ratio="80")  # 1,2
    view = self_assessment(s["assessment_a"])
    assert view.result.total_points == D("3.7")
    assert view.result.max_points == D("10")
    assert (view.scored, view.required) == (4, 5)
    save(s, "1.1.5", not_applicable=True, reason="Không có đơn vị trực thuộc")
    view = self_assessment(s["assessment_a"])
    assert view.result.max_points == D("5")
    assert view.result.index == D("74")
    assert view.survey_max == D("4")
    area = view.areas[0]
    assert (area.points, area.max_points, area.scored, area.required) == (D("3.7"), D("5"), 5, 5)
    assert view.areas[1].survey_only


def test_the_form_reads_a_bounded_number_of_queries(s, django_assert_max_num_queries):
    for code in ("1.1.1", "1.1.2", "1.1.5"):
        save(s, code, points="0")
    with django_assert_max_num_queries(5):
        view = self_assessment(s["assessment_a"])
        assert len(view.rows) == 7


# ---------------------------------------------------------------- evidence rule and submitting


def cite(s, *codes):
    evidence = Evidence.objects.create(
        assessment=s["assessment_a"], document_number="12/KH-UBND", uploaded_by=s["staff_a"]
    )
    evidence.items.add(*(s["items"][code] for code in codes))
    return evidence


def fill_everything(s):
    save(s, "1.1.1", points="0.5")
    save(s, "1.1.2", points="0")
    save(s, "1.1.3", ratio="100")
    save(s, "1.1.4", ratio="50")
    save(s, "1.1.5", points="2.5")
    cite(s, "1.1.1", "1.1.3", "1.1.4")


def problems_by_code(s):
    return {p.code: p.message for p in self_assessment(s["assessment_a"]).problems}


def test_points_without_evidence_need_an_explanation(s):
    fill_everything(s)
    assert set(problems_by_code(s)) == {"1.1.5"}  # 1.1.2 scored 0 needs nothing
    save(s, "1.1.5", points="2.5", note="Tính theo báo cáo quý IV, chưa có văn bản")
    assert problems_by_code(s) == {}


def test_one_document_supports_several_items(s):
    fill_everything(s)
    evidence = cite(s, "1.1.5")
    assert evidence.items.count() == 1
    view = self_assessment(s["assessment_a"])
    assert view.lacking_evidence == 0
    assert len(view.library) == 2


def test_the_tree_holds_every_item_even_when_a_child_is_numbered_before_its_parent(s):
    """A set edited by hand in the admin may give a criterion a lower position than its area."""
    before = [row.item.code for row in self_assessment(s["assessment_a"]).rows]
    assert "1.1.1" in before
    area, criterion = s["items"]["1"], s["items"]["1.1"]
    IndexItem.objects.filter(pk=area.pk).update(position=criterion.position)
    IndexItem.objects.filter(pk=criterion.pk).update(position=area.position)
    assert [row.item.code for row in self_assessment(s["assessment_a"]).rows] == before


def test_submission_is_refused_while_items_are_missing(s):
    save(s, "1.1.1", points="0.5")
    view = self_assessment(s["assessment_a"])
    codes = {p.code for p in view.problems}
    assert codes == {"1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5"}  # 1.1.1 lacks evidence
    assert "T1" not in codes and "2.1.1" not in codes  # bonus optional, survey not theirs
    with pytest.raises(TransitionRefused):
        assessment_submit(assessment=s["assessment_a"], by=s["staff_a"])
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == AssessmentStatus.DRAFT


def test_submitting_locks_the_entry(s):
    fill_everything(s)
    save(s, "1.1.5", points="2.5", note="Giải trình")
    assessment_submit(assessment=s["assessment_a"], by=s["staff_a"])
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == AssessmentStatus.SUBMITTED
    assert "không thể chỉnh sửa" in self_assessment(s["assessment_a"]).closed_reason
    with pytest.raises(EntryClosed):
        save(s, "1.1.5", points="5")
    assert Score.objects.get(item=s["items"]["1.1.5"]).self_points == D("2.5")


def test_only_the_units_own_staff_submit(s):
    fill_everything(s)
    save(s, "1.1.5", points="2.5", note="Giải trình")
    for outsider in (s["staff_b"], s["home_affairs"]):
        with pytest.raises(PermissionDenied):
            assessment_submit(assessment=s["assessment_a"], by=outsider)
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == AssessmentStatus.DRAFT


def test_other_units_staff_and_home_affairs_cannot_save(s):
    with pytest.raises(PermissionDenied):
        save(s, "1.1.2", points="1", by=s["staff_b"])
    with pytest.raises(PermissionDenied):
        save(s, "1.1.2", points="1", by=s["home_affairs"])
    assert not Score.objects.exists()


# ---------------------------------------------------------------- deadline, reopen, extend


def pass_deadline(s):
    period = s["period"]
    period.self_assessment_deadline = timezone.now() - timedelta(minutes=1)
    period.save()
    s["assessment_a"].refresh_from_db()


def test_after_the_deadline_units_can_neither_edit_nor_submit(s):
    fill_everything(s)
    save(s, "1.1.5", points="2.5", note="Giải trình")
    pass_deadline(s)
    assert "Hạn tự đánh giá đã kết thúc" in self_assessment(s["assessment_a"]).closed_reason
    with pytest.raises(EntryClosed):
        save(s, "1.1.2", points="1")
    with pytest.raises(EntryClosed):
        assessment_submit(assessment=s["assessment_a"], by=s["staff_a"])


def test_home_affairs_reopens_one_late_unit_with_a_reason(s):
    pass_deadline(s)
    until = timezone.now() + timedelta(days=2)
    with pytest.raises(ValidationError):
        assessment_reopen(
            assessment=s["assessment_a"], by=s["home_affairs"], reason=" ", until=until
        )
    with pytest.raises(PermissionDenied):
        assessment_reopen(assessment=s["assessment_a"], by=s["staff_a"], reason="x", until=until)
    assessment_reopen(
        assessment=s["assessment_a"], by=s["home_affairs"], reason="Mất điện ngày cuối", until=until
    )
    save(s, "1.1.2", points="1")  # unit A may enter again
    s["assessment_b"].refresh_from_db()
    assert self_assessment(s["assessment_b"]).closed_reason  # unit B stays closed
    entry = AuditEntry.objects.get(field="unit_deadline")
    assert (entry.reason, entry.actor) == ("Mất điện ngày cuối", s["home_affairs"])


def test_reopening_a_submitted_entry_returns_it_to_draft(s):
    fill_everything(s)
    save(s, "1.1.5", points="2.5", note="Giải trình")
    assessment_submit(assessment=s["assessment_a"], by=s["staff_a"])
    s["assessment_a"].refresh_from_db()
    assessment_reopen(
        assessment=s["assessment_a"],
        by=s["home_affairs"],
        reason="Đơn vị xin bổ sung tài liệu",
        until=timezone.now() + timedelta(days=1),
    )
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == AssessmentStatus.DRAFT
    assert AuditEntry.objects.filter(field="status", new_value="draft").exists()


def test_extending_the_deadline_opens_every_unit_again(s):
    pass_deadline(s)
    new = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError):
        period_deadline_extend(period=s["period"], by=s["home_affairs"], deadline=new, reason="")
    with pytest.raises(PermissionDenied):
        period_deadline_extend(period=s["period"], by=s["chair"], deadline=new, reason="x")
    with pytest.raises(ValidationError):
        period_deadline_extend(
            period=s["period"],
            by=s["home_affairs"],
            deadline=timezone.now() + timedelta(days=90),  # after the appraisal deadline
            reason="x",
        )
    period_deadline_extend(
        period=s["period"], by=s["home_affairs"], deadline=new, reason="Theo chỉ đạo của UBND tỉnh"
    )
    s["assessment_b"].refresh_from_db()
    assert self_assessment(s["assessment_b"]).closed_reason == ""
    assert AuditEntry.objects.get(field="self_assessment_deadline").reason.startswith("Theo")


def test_a_period_outside_self_assessment_is_closed(s):
    s["period"].status = PeriodStatus.APPRAISAL
    s["period"].save()
    s["assessment_a"].refresh_from_db()
    with pytest.raises(EntryClosed):
        save(s, "1.1.2", points="1")


def test_empty_entry_is_empty(s):
    assert SelfEntry().is_empty
    assert not clean(s["items"]["1.1.2"], points="0").is_empty
