"""A new year from last year's, its deadlines before and after opening, what blocks opening, and
a period in set-up staying invisible to its units (scoring.services.period_setup)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scoring.exceptions import TransitionRefused
from scoring.models import (
    AssessmentPeriod,
    AuditAction,
    AuditEntry,
    IndexItem,
    IndexSet,
    Notification,
    NotificationKind,
    TieBreaker,
)
from scoring.selectors import own_unit_assessments, periods_for_user
from scoring.selectors.period_setup import period_group_lines
from scoring.services.period_setup import (
    period_create_from,
    period_deadline_change,
    period_deadlines_change,
)
from scoring.services.periods import period_open, period_open_problems
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    BandFactory,
    IndexSetFactory,
    PeriodFactory,
    RankingGroupFactory,
    RoleGrantFactory,
    UnitKindFactory,
    small_tree,
)
from units.roles import Role


def future(days: float) -> timezone.datetime:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def source(personas):
    """Last year's period: one current set with a tree and bands, an older version, a draft."""
    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        name="Chỉ số CCHC năm 2026",
        status=PeriodStatus.SELF_ASSESSMENT,
        tie_breaker=TieBreaker.POINTS,
    )
    old = IndexSetFactory(period=period, unit_kind=personas["kind"], is_current=False)
    small_tree(old)
    current = IndexSetFactory(
        period=period,
        unit_kind=personas["kind"],
        version=2,
        name="Bộ chỉ số sở năm 2026",
        bonus_cap=Decimal("3"),
    )
    small_tree(current)
    BandFactory(index_set=current, label="Tốt", min_percent=Decimal("80"))
    BandFactory(index_set=current, label="Khá", min_percent=Decimal("65"))
    other_kind = UnitKindFactory(code="district", name="UBND cấp huyện")
    IndexSetFactory(period=period, unit_kind=other_kind, is_current=False, is_draft=True)
    return period


@pytest.fixture
def new_period(personas, source):
    return period_create_from(source=source, year=2027, name="", by=personas["home_affairs"])


# ---------------------------------------------------------------- a new year


def test_a_new_year_copies_the_current_sets_and_the_tie_breaker(personas, source, new_period):
    assert new_period.status == PeriodStatus.SETUP
    assert new_period.name == "Chỉ số CCHC năm 2027"
    assert new_period.tie_breaker == TieBreaker.POINTS
    sets = list(IndexSet.objects.filter(period=new_period))
    assert len(sets) == 1  # the older version and the draft stay behind
    copy = sets[0]
    assert copy.is_current and copy.name == "Bộ chỉ số sở năm 2027"
    assert copy.bonus_cap == Decimal("3")
    assert copy.cloned_from.version == 2
    assert sorted(IndexItem.objects.filter(index_set=copy).values_list("code", flat=True)) == [
        "1",
        "1.1",
        "1.1.1",
        "1.1.2",
    ]
    assert sorted(copy.bands.values_list("label", flat=True)) == ["Khá", "Tốt"]
    created = AuditEntry.objects.get(period=new_period, action=AuditAction.CREATE)
    assert "2026" in created.reason and created.actor == personas["home_affairs"]
    assert AuditEntry.objects.filter(period=new_period, action=AuditAction.CLONE_INDEX_SET).exists()


def test_a_year_that_exists_is_refused_with_a_clear_message(personas, source, new_period):
    with pytest.raises(ValidationError) as refusal:
        period_create_from(source=source, year=2027, name="x", by=personas["home_affairs"])
    assert "đã có kỳ đánh giá năm 2027" in refusal.value.message_dict["year"][0]
    assert AssessmentPeriod.objects.filter(year=2027).count() == 1


def test_a_name_given_is_kept(personas, source):
    period = period_create_from(
        source=source, year=2028, name="  Chỉ số  CCHC 2028 ", by=personas["home_affairs"]
    )
    assert period.name == "Chỉ số CCHC 2028"


@pytest.mark.parametrize("persona", ["staff_a", "appraiser", "chair"])
def test_only_home_affairs_sets_up_a_year(personas, source, persona):
    with pytest.raises(PermissionDenied):
        period_create_from(source=source, year=2027, name="", by=personas[persona])
    assert not AssessmentPeriod.objects.filter(year=2027).exists()


def test_the_system_admin_does_not_set_up_a_year(personas, source):
    # Setting up the year is Home Affairs' (README, Roles and permissions): the admin reads.
    with pytest.raises(PermissionDenied):
        period_create_from(source=source, year=2027, name="", by=personas["admin"])
    assert not AssessmentPeriod.objects.filter(year=2027).exists()


# ---------------------------------------------------------------- deadlines in set-up


def test_deadlines_in_set_up_need_no_reason_and_must_come_in_order(personas, new_period):
    changed = period_deadlines_change(
        period=new_period,
        deadlines={"self_assessment_deadline": future(10), "appraisal_deadline": future(20)},
        by=personas["home_affairs"],
    )
    assert changed == ["self_assessment_deadline", "appraisal_deadline"]
    entries = AuditEntry.objects.filter(period=new_period, action=AuditAction.DEADLINE)
    assert set(entries.values_list("field", flat=True)) == set(changed)
    with pytest.raises(ValidationError) as refusal:
        period_deadlines_change(
            period=new_period,
            deadlines={"explanation_deadline": future(5)},  # before the appraisal deadline
            by=personas["home_affairs"],
        )
    assert "explanation_deadline" in refusal.value.message_dict
    new_period.refresh_from_db()
    assert new_period.explanation_deadline is None
    assert not Notification.objects.exists()  # nobody is told about a period in set-up


def test_the_same_deadlines_again_change_nothing(personas, new_period):
    when = future(10)
    period_deadline_change(
        period=new_period,
        field="self_assessment_deadline",
        deadline=when,
        by=personas["home_affairs"],
    )
    assert (
        period_deadlines_change(
            period=new_period,
            deadlines={"self_assessment_deadline": when},
            by=personas["home_affairs"],
        )
        == []
    )
    assert AuditEntry.objects.filter(field="self_assessment_deadline").count() == 1


def test_only_home_affairs_changes_deadlines(personas, new_period):
    with pytest.raises(PermissionDenied):
        period_deadline_change(
            period=new_period,
            field="self_assessment_deadline",
            deadline=future(3),
            by=personas["chair"],
        )


# ---------------------------------------------------------------- opening


def test_a_tree_with_problems_or_deadlines_out_of_order_keep_the_period_closed(
    personas, new_period
):
    copy = new_period.index_sets.get()
    IndexItem.objects.filter(index_set=copy, code="1").update(max_points=Decimal("5"))
    AssessmentPeriod.objects.filter(pk=new_period.pk).update(
        self_assessment_deadline=future(20), appraisal_deadline=future(10)
    )
    new_period.refresh_from_db()
    problems = period_open_problems(new_period)
    assert any("“1”" in problem and "3" in problem for problem in problems), problems
    assert any("hạn" in problem.lower() for problem in problems[1:]), problems
    with pytest.raises(TransitionRefused):
        period_open(period=new_period, by=personas["home_affairs"])
    new_period.refresh_from_db()
    assert new_period.status == PeriodStatus.SETUP


def test_opening_gives_every_unit_its_assessment_in_its_group(personas, new_period):
    group = RankingGroupFactory(organiser=personas["organiser"], kind=personas["kind"])
    personas["unit_a"].ranking_group = group
    personas["unit_a"].save()
    period_deadline_change(
        period=new_period,
        field="self_assessment_deadline",
        deadline=future(10),
        by=personas["home_affairs"],
    )
    assert period_open_problems(new_period) == []
    period_open(period=new_period, by=personas["home_affairs"])
    assessments = {a.unit_id: a for a in new_period.assessments.all()}
    assert set(assessments) == {personas["unit_a"].pk, personas["unit_b"].pk}
    assert assessments[personas["unit_a"].pk].ranking_group == group
    assert assessments[personas["unit_b"].pk].ranking_group is None
    assert all(a.index_set.period_id == new_period.pk for a in assessments.values())
    # Once open, the review counts the period's own memberships, not the units' groups now.
    new_period.refresh_from_db()
    personas["unit_b"].ranking_group = group
    personas["unit_b"].save()
    lines = {line.group: line.units for line in period_group_lines(new_period)}
    assert lines[group] == 1
    assessments[personas["unit_a"].pk].status = AssessmentStatus.WITHDRAWN
    assessments[personas["unit_a"].pk].save()
    lines = {line.group: line.units for line in period_group_lines(new_period)}
    assert lines[group] == 0 and lines[None] == 1


# ---------------------------------------------------------------- deadlines once open


@pytest.fixture
def opened(personas, new_period):
    period_deadlines_change(
        period=new_period,
        deadlines={
            "self_assessment_deadline": future(10),
            "appraisal_deadline": future(30),
            "explanation_deadline": future(40),
        },
        by=personas["home_affairs"],
    )
    period_open(period=new_period, by=personas["home_affairs"])
    new_period.refresh_from_db()
    return new_period


def test_moving_a_deadline_earlier_once_open_needs_a_reason(personas, opened):
    with pytest.raises(ValidationError) as refusal:
        period_deadline_change(
            period=opened,
            field="self_assessment_deadline",
            deadline=future(5),
            reason="  ",
            by=personas["home_affairs"],
        )
    assert "reason" in refusal.value.message_dict
    opened.refresh_from_db()
    assert opened.self_assessment_deadline > future(9)

    old = opened.self_assessment_deadline
    new = future(5)
    period_deadline_change(
        period=opened,
        field="self_assessment_deadline",
        deadline=new,
        reason="Theo chỉ đạo của UBND tỉnh",
        by=personas["home_affairs"],
    )
    opened.refresh_from_db()
    assert opened.self_assessment_deadline == new
    entry = AuditEntry.objects.get(
        period=opened, field="self_assessment_deadline", reason="Theo chỉ đạo của UBND tỉnh"
    )
    assert entry.action == AuditAction.DEADLINE  # earlier: set, not extended
    assert entry.old_value == str(old) and entry.new_value == str(new)


def test_moving_a_deadline_later_is_an_extension(personas, opened):
    period_deadline_change(
        period=opened,
        field="self_assessment_deadline",
        deadline=future(12),
        reason="Gia hạn",
        by=personas["home_affairs"],
    )
    assert AuditEntry.objects.get(reason="Gia hạn").action == AuditAction.EXTEND_DEADLINE


@pytest.mark.parametrize(
    ("field", "when"),
    [
        ("self_assessment_deadline", -1),  # already past
        ("self_assessment_deadline", 35),  # after the appraisal deadline
        ("self_assessment_deadline", None),  # removed
    ],
)
def test_an_open_period_refuses_past_removed_and_out_of_order_deadlines(
    personas, opened, field, when
):
    before = opened.self_assessment_deadline
    with pytest.raises(ValidationError):
        period_deadline_change(
            period=opened,
            field=field,
            deadline=None if when is None else future(when),
            reason="x",
            by=personas["home_affairs"],
        )
    opened.refresh_from_db()
    assert opened.self_assessment_deadline == before
    assert not Notification.objects.exists()


def test_a_deadline_whose_round_is_over_no_longer_moves(personas, opened):
    AssessmentPeriod.objects.filter(pk=opened.pk).update(status=PeriodStatus.APPRAISAL)
    opened.refresh_from_db()
    with pytest.raises(ValidationError) as refusal:
        period_deadline_change(
            period=opened,
            field="self_assessment_deadline",
            deadline=future(11),
            reason="x",
            by=personas["home_affairs"],
        )
    assert "self_assessment_deadline" in refusal.value.message_dict


def test_the_self_assessment_deadline_is_told_to_units_still_in_draft(personas, opened):
    a = opened.assessments.get(unit=personas["unit_a"])
    b = opened.assessments.get(unit=personas["unit_b"])
    b.status = AssessmentStatus.SUBMITTED
    b.save()
    period_deadline_change(
        period=opened,
        field="self_assessment_deadline",
        deadline=future(6),
        reason="Rút ngắn theo kế hoạch",
        by=personas["home_affairs"],
    )
    notes = Notification.objects.filter(kind=NotificationKind.DEADLINE_CHANGED)
    assert [n.recipient for n in notes] == [personas["staff_a"]]
    note = notes.get()
    assert note.assessment == a and "Rút ngắn theo kế hoạch" in note.body
    assert note.link == f"/assessments/{a.pk}/"


def test_a_unit_reopened_until_later_keeps_its_own_deadline_and_is_not_told(personas, opened):
    a = opened.assessments.get(unit=personas["unit_a"])
    a.unit_deadline = future(20)
    a.save()
    period_deadline_change(
        period=opened,
        field="self_assessment_deadline",
        deadline=future(6),
        reason="x",
        by=personas["home_affairs"],
    )
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {personas["staff_b"].pk}


def test_an_appraisal_deadline_is_told_to_the_council(personas, opened):
    RoleGrantFactory(role=Role.APPRAISER, organiser=personas["organiser"], user__is_active=False)
    period_deadline_change(
        period=opened,
        field="appraisal_deadline",
        deadline=future(25),
        reason="Hội đồng họp sớm",
        by=personas["home_affairs"],
    )
    recipients = set(
        Notification.objects.filter(kind=NotificationKind.DEADLINE_CHANGED).values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {personas["appraiser"].pk, personas["chair"].pk}


# ---------------------------------------------------------------- invisible to units


def test_a_period_in_set_up_is_invisible_to_its_units(personas, new_period):
    AssessmentFactory(
        period=new_period, unit=personas["unit_a"], index_set=new_period.index_sets.get()
    )
    assert new_period not in periods_for_user(personas["staff_a"])
    assert not own_unit_assessments(personas["staff_a"]).filter(period=new_period).exists()
    for persona in ("home_affairs", "chair", "appraiser", "admin"):
        assert new_period in periods_for_user(personas[persona]), persona
    new_period.status = PeriodStatus.SELF_ASSESSMENT
    new_period.save()
    assert new_period in periods_for_user(personas["staff_a"])
    assert own_unit_assessments(personas["staff_a"]).filter(period=new_period).exists()
