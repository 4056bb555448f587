"""Reorganising units carried into the periods (scoring.services.unit_changes): withdrawn
assessments leave the ranking and publication, successors join the open period, and a unit's
ranking group belongs to each period."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from parindex.tabular import ImportFailed
from scoring.exceptions import Refused
from scoring.models import Assessment, AuditAction, AuditEntry, Notification, NotificationKind
from scoring.selectors.results import period_results
from scoring.services.publication import period_publish, publish_problems
from scoring.services.ranking_groups import assessment_ranking_group_set
from scoring.services.unit_changes import (
    SHEET_COLUMNS,
    SheetRow,
    dry_run,
    unit_change_add,
    unit_change_dissolve,
    unit_change_merge,
    unit_change_rename,
    unit_change_split,
    unit_changes_from_file,
    unit_changes_from_sheet,
)
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    RankingGroupFactory,
)
from tests.helpers import csv_text
from units.models import Unit, UnitChange
from units.reorganisation import Decision, NewUnit

D = Decimal
S = AssessmentStatus


@pytest.fixture
def open_year(personas):
    """2026 in self-assessment: units A and B of one kind, both ranked in one group."""
    group = RankingGroupFactory(organiser=personas["organiser"], code="xa", name="Xã")
    for key in ("unit_a", "unit_b"):
        personas[key].ranking_group = group
        personas[key].save()
    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
    )
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    b = AssessmentFactory(period=period, unit=personas["unit_b"], index_set=index_set)
    return {"period": period, "group": group, "a": a, "b": b, "index_set": index_set}


def _status(assessment):
    assessment.refresh_from_db()
    return assessment.status


def test_merge_into_an_open_period_withdraws_the_sources_and_creates_the_result(
    personas, open_year
):
    outcome = unit_change_merge(
        sources=[personas["unit_a"], personas["unit_b"]],
        year=2026,
        new=NewUnit(
            code="AB", name="Xã Mới", kind=personas["kind"], ranking_group=open_year["group"]
        ),
        decision=Decision(number="12/NQ-HĐND"),
        by=personas["home_affairs"],
    )
    assert (_status(open_year["a"]), _status(open_year["b"])) == (S.WITHDRAWN, S.WITHDRAWN)
    merged = Assessment.objects.get(period=open_year["period"], unit__code="AB")
    assert merged.status == S.DRAFT and merged.ranking_group == open_year["group"]
    assert outcome.effects[0].withdrawn == ["Sở Tư pháp", "Sở Y tế"]
    assert outcome.effects[0].joined == ["Xã Mới"]
    withdrawal = AuditEntry.objects.get(assessment=open_year["a"], new_value=S.WITHDRAWN)
    assert "12/NQ-HĐND" in withdrawal.reason and withdrawal.actor == personas["home_affairs"]
    change = AuditEntry.objects.get(action=AuditAction.UNIT_CHANGE)
    assert change.period == open_year["period"]
    assert (change.old_value, change.new_value) == ("A, B", "AB")
    # The withdrawn units leave the ranking; only the new commune is ranked.
    results = period_results(period=open_year["period"])
    assert [row.unit_code for g in results.groups for row in g.rows] == ["AB"]


def test_merge_into_an_existing_unit_tells_its_staff(personas, open_year):
    unit_change_merge(
        sources=[personas["unit_a"]],
        into=personas["unit_b"],
        year=2026,
        by=personas["home_affairs"],
    )
    assert _status(open_year["a"]) == S.WITHDRAWN
    assert _status(open_year["b"]) == S.DRAFT
    note = Notification.objects.get(recipient=personas["staff_b"])
    assert note.kind == NotificationKind.UNIT_REORGANISED
    assert "Sở Tư pháp" in note.body and note.assessment == open_year["b"]


def test_split_withdraws_the_source_and_opens_each_part(personas, open_year):
    unit_change_split(
        source=personas["unit_a"],
        parts=[
            NewUnit(code="A1", name="Xã A1", kind=personas["kind"]),
            NewUnit(code="A2", name="Xã A2", kind=personas["kind"]),
        ],
        year=2026,
        by=personas["home_affairs"],
    )
    assert _status(open_year["a"]) == S.WITHDRAWN
    codes = set(
        Assessment.objects.taking_part()
        .filter(period=open_year["period"])
        .values_list("unit__code", flat=True)
    )
    assert codes == {"A1", "A2", "B"}


def test_dissolve_withdraws_and_add_opens(personas, open_year):
    unit_change_dissolve(unit=personas["unit_b"], year=2026, by=personas["home_affairs"])
    unit_change_add(
        organiser=personas["organiser"],
        unit=NewUnit(code="C", name="Đặc khu C", kind=personas["kind"]),
        year=2026,
        by=personas["home_affairs"],
    )
    assert _status(open_year["b"]) == S.WITHDRAWN
    assert Assessment.objects.filter(period=open_year["period"], unit__code="C").exists()


def test_rename_changes_no_assessment(personas, open_year):
    unit_change_rename(
        unit=personas["unit_a"], name="Phường A", year=2026, by=personas["home_affairs"]
    )
    assert _status(open_year["a"]) == S.DRAFT
    assert Assessment.objects.filter(period=open_year["period"]).count() == 2


def test_a_change_from_next_year_leaves_this_period_alone(personas, open_year):
    unit_change_dissolve(unit=personas["unit_b"], year=2027, by=personas["home_affairs"])
    assert _status(open_year["b"]) == S.DRAFT


def test_a_published_period_keeps_its_history(personas, period_with_scores):
    period_publish(period=period_with_scores, by=personas["home_affairs"])
    unit_change_dissolve(unit=personas["unit_b"], year=2025, by=personas["home_affairs"])
    assert not Assessment.objects.filter(status=S.WITHDRAWN).exists()


def test_only_home_affairs_reorganises(personas, open_year):
    for who in ("staff_a", "chair", "appraiser"):
        with pytest.raises(PermissionDenied):
            unit_change_dissolve(unit=personas["unit_b"], year=2026, by=personas[who])
    assert _status(open_year["b"]) == S.DRAFT


def test_dry_run_says_what_would_happen_and_changes_nothing(personas, open_year):
    outcome = dry_run(
        lambda: unit_change_dissolve(
            unit=personas["unit_b"], year=2026, by=personas["home_affairs"]
        )
    )
    assert outcome.effects[0].withdrawn == ["Sở Y tế"]
    assert _status(open_year["b"]) == S.DRAFT
    assert not UnitChange.objects.exists() and not AuditEntry.objects.exists()
    personas["unit_b"].refresh_from_db()
    assert personas["unit_b"].valid_to_year is None


def test_withdrawn_units_leave_ranking_and_publication(personas, period_with_scores):
    period_with_scores.status = PeriodStatus.FINALISING
    period_with_scores.save()
    unit_change_dissolve(unit=personas["unit_b"], year=2025, by=personas["home_affairs"])
    results = period_results(period=period_with_scores)
    rows = [row for group in results.groups for row in group.rows]
    assert [(r.unit_code, r.rank, r.rank_of) for r in rows] == [("A", 1, 1)]
    assert publish_problems(period_with_scores) == []
    publication = period_publish(period=period_with_scores, by=personas["home_affairs"])
    assert list(publication.unit_results.values_list("unit_code", flat=True)) == ["A"]
    withdrawn = Assessment.objects.get(unit=personas["unit_b"])
    assert withdrawn.status == S.WITHDRAWN
    assert withdrawn.scores.count() == 2  # what the unit entered is kept


def test_no_unit_joins_a_period_past_self_assessment(personas, open_year):
    period = open_year["period"]
    period.status = PeriodStatus.APPRAISAL
    period.save()
    with pytest.raises(Refused, match="2027"):
        unit_change_merge(
            sources=[personas["unit_a"], personas["unit_b"]],
            year=2026,
            new=NewUnit(code="AB", name="Xã Mới", kind=personas["kind"]),
            by=personas["home_affairs"],
        )
    # Nothing moved: both units are still assessed and no new unit exists.
    assert (_status(open_year["a"]), _status(open_year["b"])) == (S.DRAFT, S.DRAFT)
    assert not Unit.objects.filter(code="AB").exists()


def test_a_withdrawn_draft_does_not_block_publication(personas, period_with_scores):
    period_with_scores.status = PeriodStatus.FINALISING
    period_with_scores.save()
    Assessment.objects.filter(unit=personas["unit_b"]).update(status=S.DRAFT)
    assert publish_problems(period_with_scores)
    unit_change_dissolve(unit=personas["unit_b"], year=2025, by=personas["home_affairs"])
    assert publish_problems(period_with_scores) == []


def test_changing_the_group_for_2027_leaves_2026_ranked_as_it_was(personas, period_with_scores):
    group_2025 = personas["unit_a"].ranking_group
    later = PeriodFactory(
        organiser=personas["organiser"], year=2026, status=PeriodStatus.SELF_ASSESSMENT
    )
    later_a = AssessmentFactory(
        period=later,
        unit=personas["unit_a"],
        index_set=IndexSetFactory(period=later, unit_kind=personas["kind"]),
    )
    other = RankingGroupFactory(organiser=personas["organiser"], code="khac", name="Nhóm khác")
    assessment_ranking_group_set(assessment=later_a, group=other, by=personas["home_affairs"])
    later_a.refresh_from_db()
    assert later_a.ranking_group == other
    # Even the unit's own current group changing does not rewrite the earlier year.
    personas["unit_a"].ranking_group = other
    personas["unit_a"].save()
    groups = period_results(period=period_with_scores).groups
    assert [(g.code, [r.unit_code for r in g.rows]) for g in groups] == [
        (group_2025.code, ["A", "B"])
    ]
    entry = AuditEntry.objects.get(action=AuditAction.GROUP_CHANGE)
    assert (entry.old_value, entry.new_value) == (group_2025.code, "khac")


def test_group_of_a_published_year_is_final(personas, period_with_scores):
    period_publish(period=period_with_scores, by=personas["home_affairs"])
    assessment = Assessment.objects.get(unit=personas["unit_a"])
    with pytest.raises(Refused):
        assessment_ranking_group_set(assessment=assessment, group=None, by=personas["home_affairs"])


def test_group_change_needs_home_affairs(personas, open_year):
    with pytest.raises(PermissionDenied):
        assessment_ranking_group_set(assessment=open_year["a"], group=None, by=personas["chair"])


def _rows(*rows):
    columns = SHEET_COLUMNS
    return [
        SheetRow(row=n, values=dict(zip(columns, values, strict=False)))
        for n, values in enumerate(rows, start=2)
    ]


def test_sheet_applies_rows_in_order(personas, open_year):
    kind = personas["kind"].code
    rows = _rows(
        ["merge", "A, B", "AB", "Xã AB", "", "", "2026", "1656/NQ", "16/06/2025"],
        ["đổi tên", "AB", "", "Phường AB", "", "", "2026"],
        ["add", "", "D", "Xã D", kind, "xa", "2026"],
    )
    unit_changes_from_sheet(organiser=personas["organiser"], rows=rows, by=personas["home_affairs"])
    ab = Unit.objects.get(code="AB")
    assert ab.name == "Phường AB" and ab.ranking_group == open_year["group"]
    assert UnitChange.objects.get(kind="merge").decision_date.isoformat() == "2025-06-16"
    assert Unit.objects.get(code="D").ranking_group == open_year["group"]


def test_sheet_with_bad_rows_changes_nothing_and_says_which(personas, open_year):
    rows = _rows(
        ["merge", "A, B", "AB", "Xã AB", "", "", "2026"],
        ["explode", "A", "", "", "", "", "2026"],
        ["dissolve", "ZZZ", "", "", "", "", "2026"],
        ["rename", "B", "", "Xã B", "", "", "năm nay"],
    )
    with pytest.raises(ImportFailed) as failed:
        unit_changes_from_sheet(
            organiser=personas["organiser"], rows=rows, by=personas["home_affairs"]
        )
    assert [p.row for p in failed.value.problems] == [3, 4, 5]
    assert "explode" in failed.value.problems[0].message
    assert "ZZZ" in failed.value.problems[1].message
    assert not UnitChange.objects.exists() and not Unit.objects.filter(code="AB").exists()
    assert _status(open_year["a"]) == S.DRAFT


def test_sheet_rolled_back_says_what_each_row_does(personas, open_year):
    """The import job's preview: the sheet applied and undone."""
    rows = dry_run(
        lambda: unit_changes_from_sheet(
            organiser=personas["organiser"],
            rows=_rows(["dissolve", "B", "", "", "", "", "2026"]),
            by=personas["home_affairs"],
        )
    )
    assert rows[0].outcome.effects[0].withdrawn == ["Sở Y tế"] and not rows[0].errors
    assert _status(open_year["b"]) == S.DRAFT and not UnitChange.objects.exists()


def test_sheet_from_a_file_checks_the_officer_first(personas, open_year):
    data = csv_text([SHEET_COLUMNS, ["dissolve", "B", "", "", "", "", "2026", "", "", ""]])
    with pytest.raises(PermissionDenied):
        unit_changes_from_file(
            organiser=personas["organiser"], data=data, filename="doi.csv", by=personas["staff_a"]
        )
    rows = unit_changes_from_file(
        organiser=personas["organiser"], data=data, filename="doi.csv", by=personas["home_affairs"]
    )
    assert [row.row for row in rows] == [2] and _status(open_year["b"]) == S.WITHDRAWN


def test_sheet_names_that_a_spreadsheet_would_run_or_that_hold_nul_are_refused(personas, open_year):
    """The staff accounts' rule for a person's name holds for a unit's: no formula, no NUL."""
    kind = personas["kind"].code
    rows = _rows(
        ["rename", "A", "", '=HYPERLINK("http://evil.example")', "", "", "2026"],
        ["rename", "B", "", "Sở Y\x00 tế", "", "", "2026"],
        ["add", "", "D", "@SUM(1)", kind, "xa", "2026"],
        ["merge", "A, B", "AB", "+Xã AB", "", "", "2026"],
    )
    with pytest.raises(ImportFailed) as failed:
        unit_changes_from_sheet(
            organiser=personas["organiser"], rows=rows, by=personas["home_affairs"]
        )
    assert [p.row for p in failed.value.problems] == [2, 3, 4, 5]
    assert all("Tên đơn vị" in p.message for p in failed.value.problems)
    assert Unit.objects.get(pk=personas["unit_a"].pk).name == personas["unit_a"].name
    assert Unit.objects.get(pk=personas["unit_b"].pk).name == personas["unit_b"].name
    assert not UnitChange.objects.exists() and not Unit.objects.filter(code__in=["D", "AB"])
    assert not AuditEntry.objects.filter(action=AuditAction.UNIT_CHANGE).exists()
