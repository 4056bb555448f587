"""Issue 13: a publication that cannot mislead. Publishing is refused while a survey or data
item is missing unless the officer names it with a reason; the exceptions are frozen, audited
and read back; units that never submitted are marked; the confirmation's lists are right."""

from decimal import Decimal

import pytest

from scoring.exceptions import TransitionRefused
from scoring.models import (
    Assessment,
    AuditEntry,
    IndexItem,
    Publication,
    Score,
    SurveyResult,
)
from scoring.selectors.inputs import period_inputs
from scoring.selectors.publication import publication_checks
from scoring.selectors.results import period_results, publication_results
from scoring.selectors.submission import never_submitted
from scoring.services.publication import InputException, period_publish
from scoring.workflow import AssessmentStatus, PeriodStatus

D = Decimal
S = AssessmentStatus


def exceptions_for(period, reason="Chưa tổ chức khảo sát"):
    return [InputException(gap.key, reason) for gap in period_inputs(period=period).missing]


def test_publishing_is_refused_while_a_survey_item_is_missing(personas, survey_period):
    with pytest.raises(TransitionRefused) as refused:
        period_publish(period=survey_period, by=personas["home_affairs"])
    text = " ".join(refused.value.messages)
    assert "2 mục khảo sát hoặc dữ liệu còn thiếu" in text
    assert "Sở Tư pháp — 2.1.1" in text and "Sở Y tế — 2.1.1" in text
    survey_period.refresh_from_db()
    assert survey_period.status != PeriodStatus.PUBLISHED
    assert not Publication.objects.exists()
    assert not Assessment.objects.filter(status=S.PUBLISHED).exists()


def test_every_missing_input_needs_its_own_reason(personas, survey_period):
    first, second = period_inputs(period=survey_period).missing
    for exceptions in (
        [InputException(first.key, "Chưa khảo sát")],  # one of two named
        [InputException(first.key, "Chưa khảo sát"), InputException(second.key, "   ")],
        [InputException(first.key, "Lý do\x00"), InputException(second.key, "Chưa khảo sát")],
    ):
        with pytest.raises(TransitionRefused):
            period_publish(period=survey_period, by=personas["home_affairs"], exceptions=exceptions)
    assert not Publication.objects.exists()


def test_a_nul_or_an_overlong_reason_is_refused_with_a_clear_message(personas, survey_period):
    gaps = period_inputs(period=survey_period).missing
    with pytest.raises(TransitionRefused, match="ký tự NUL"):
        period_publish(
            period=survey_period,
            by=personas["home_affairs"],
            exceptions=[InputException(g.key, "Lý do\x00") for g in gaps],
        )
    with pytest.raises(TransitionRefused, match="tối đa 500 ký tự"):
        period_publish(
            period=survey_period,
            by=personas["home_affairs"],
            exceptions=[InputException(g.key, "x" * 501) for g in gaps],
        )


def test_exceptions_are_frozen_audited_and_read_back(personas, survey_period):
    exceptions = exceptions_for(survey_period, reason="  Đơn vị mới sáp nhập, chưa khảo sát ")
    publication = period_publish(
        period=survey_period, by=personas["home_affairs"], exceptions=exceptions
    )
    assert publication.exceptions == [
        {
            "unit_code": code,
            "unit_name": name,
            "item_code": "2.1.1",
            "item_name": "Mức độ hài lòng",
            "kind": "survey",
            "reason": "Đơn vị mới sáp nhập, chưa khảo sát",
        }
        for code, name in (("A", "Sở Tư pháp"), ("B", "Sở Y tế"))
    ]
    entries = AuditEntry.objects.filter(action="publish", field="exceptions")
    assert sorted(e.assessment.unit.code for e in entries) == ["A", "B"]
    assert {(e.new_value, e.reason, e.actor, e.period) for e in entries} == {
        ("2.1.1", "Đơn vị mới sáp nhập, chưa khảo sát", personas["home_affairs"], survey_period)
    }
    assert {e.object_id for e in entries} == {str(publication.pk)}
    assert publication_results(publication).publication.exceptions == publication.exceptions


def test_an_exception_for_an_input_entered_meanwhile_is_dropped(personas, survey_period):
    exceptions = exceptions_for(survey_period)
    survey = IndexItem.objects.get(code="2.1.1")
    a = Assessment.objects.get(unit=personas["unit_a"])
    SurveyResult.objects.create(assessment=a, item=survey, points=D("1.5"))
    publication = period_publish(
        period=survey_period, by=personas["home_affairs"], exceptions=exceptions
    )
    assert [e["unit_code"] for e in publication.exceptions] == ["B"]


def test_a_period_with_every_input_entered_publishes_without_exceptions(personas, survey_period):
    survey = IndexItem.objects.get(code="2.1.1")
    for assessment in Assessment.objects.filter(period=survey_period):
        SurveyResult.objects.create(assessment=assessment, item=survey, ratio=D("80"))
    publication = period_publish(period=survey_period, by=personas["home_affairs"])
    assert publication.exceptions == []
    assert not AuditEntry.objects.filter(field="exceptions").exists()


# ---------------------------------------------------------------- never submitted


def test_never_submitted_is_read_from_the_submission_and_the_history(personas, moved_period):
    b = Assessment.objects.get(unit=personas["unit_b"])
    assert never_submitted(moved_period) == {b.pk}
    rows = {row.unit_code: row for row in period_results(period=moved_period).rows}
    assert (rows["A"].never_submitted, rows["B"].never_submitted) == (False, True)


def test_a_past_year_settled_by_the_import_is_not_marked(personas, period_with_scores):
    # period_with_scores: appraised straight from files, no submission in the portal.
    assert never_submitted(period_with_scores) == set()


def test_the_publication_marks_the_unit_that_never_submitted(personas, moved_period):
    publication = period_publish(period=moved_period, by=personas["home_affairs"])
    marks = dict(publication.unit_results.values_list("unit_code", "never_submitted"))
    assert marks == {"A": False, "B": True}
    frozen = {row.unit_code: row for row in publication_results(publication).rows}
    assert frozen["B"].never_submitted and not frozen["A"].never_submitted


# ---------------------------------------------------------------- the confirmation's lists


def test_the_checks_list_never_submitted_unappraised_and_overrides(personas, moved_period):
    checks = publication_checks(moved_period)
    assert [a.unit.code for a in checks.never_submitted] == ["B"]
    # B has a self-score only: the council entered nothing for it.
    assert [a.unit.code for a in checks.unappraised] == ["B"]
    assert [(u.assessment.unit.code, u.count) for u in checks.overrides] == [("A", 1)]
    override = checks.overrides[0].items[0]
    assert (override.item_code, override.self_points, override.council_points) == (
        "1.1.2",
        D("2"),
        D("1.5"),
    )
    assert checks.missing == []


def test_accepting_the_self_score_is_not_an_override(personas, moved_period):
    a = Assessment.objects.get(unit=personas["unit_a"])
    Score.objects.filter(assessment=a, item__code="1.1.2").update(appraisal_points=D("2"))
    checks = publication_checks(moved_period)
    assert checks.overrides == []
    assert [x.unit.code for x in checks.unappraised] == ["B"]


def test_a_council_not_applicable_decision_is_an_override(personas, moved_period):
    a = Assessment.objects.get(unit=personas["unit_a"])
    Score.objects.filter(assessment=a, item__code="1.1.1").update(final_not_applicable=True)
    [unit] = publication_checks(moved_period).overrides
    assert [(o.item_code, o.council_not_applicable) for o in unit.items] == [
        ("1.1.1", True),
        ("1.1.2", False),
    ]


def test_the_checks_list_missing_inputs_by_unit(personas, survey_period):
    checks = publication_checks(survey_period)
    assert [(u.assessment.unit.code, [g.item_code for g in u.inputs]) for u in checks.missing] == [
        ("A", ["2.1.1"]),
        ("B", ["2.1.1"]),
    ]
    assert len(checks.missing_inputs) == 2
