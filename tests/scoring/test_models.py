"""Integrity rules held by the models and the database."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from scoring.models import AuditEntry, Evidence, IndexItem, ItemLevel, ScoringMethod, SurveyResult
from scoring.services import audit
from scoring.services.index_sets import index_set_problems
from tests.factories import (
    AssessmentFactory,
    BandFactory,
    IndexItemFactory,
    IndexSetFactory,
    PeriodFactory,
    ScoreFactory,
    UnitFactory,
    UnitKindFactory,
    UserFactory,
    small_tree,
)

D = Decimal


def integrity_error():
    return pytest.raises(IntegrityError)


def test_max_points_never_negative_in_the_database(db):
    with integrity_error(), transaction.atomic():
        IndexItemFactory(max_points=D("-1"))


def test_codes_are_unique_per_index_set_only(db):
    item = IndexItemFactory(code="1.1.1")
    IndexItemFactory(code="1.1.1")  # another set: fine
    with integrity_error(), transaction.atomic():
        IndexItemFactory(code="1.1.1", index_set=item.index_set)


def test_tree_levels_and_parents_are_checked(db):
    tree = small_tree(IndexSetFactory())
    orphan = IndexItem(
        index_set=tree["area"].index_set,
        level=ItemLevel.SUB_CRITERION,
        code="1.2.1",
        name="x",
        max_points=D("1"),
        parent=tree["area"],
    )
    with pytest.raises(ValidationError, match="parent"):
        orphan.full_clean()
    foreign = IndexItem(
        index_set=IndexSetFactory(),
        level=ItemLevel.CRITERION,
        code="1.2",
        name="x",
        max_points=D("1"),
        parent=tree["area"],
    )
    with pytest.raises(ValidationError, match="parent"):
        foreign.full_clean()
    survey_area = IndexItem(
        index_set=tree["area"].index_set,
        level=ItemLevel.AREA,
        code="9",
        name="x",
        max_points=D("1"),
        method=ScoringMethod.SURVEY,
    )
    with pytest.raises(ValidationError, match="method"):
        survey_area.full_clean()


def test_edits_that_break_a_parents_sum_are_found(db):
    tree = small_tree(IndexSetFactory())
    items = list(tree["area"].index_set.items.all())
    assert index_set_problems(items) == []
    problems = index_set_problems(items, {tree["1.1.2"].pk: {"max_points": D("2.5")}})
    assert any("1.1" in p and "3,5" in p for p in problems), problems
    assert index_set_problems(items, {tree["1.1.1"].pk: {"rule": "Có: 5; không: 0"}})


def test_score_points_stay_within_zero_and_max(db):
    tree = small_tree(IndexSetFactory())
    assessment = AssessmentFactory(
        period=tree["area"].index_set.period,
        index_set=tree["area"].index_set,
        unit__kind=tree["area"].index_set.unit_kind,
    )
    score = ScoreFactory.build(assessment=assessment, item=tree["1.1.1"], self_points=D("1.25"))
    with pytest.raises(ValidationError, match="self_points"):
        score.full_clean()
    score.self_points, score.final_points = D("1"), D("1.01")
    with pytest.raises(ValidationError, match="final_points"):
        score.full_clean()
    score.final_points = D("-0.25")
    with integrity_error(), transaction.atomic():
        score.save()


def test_not_applicable_only_where_the_set_allows_it(db):
    tree = small_tree(IndexSetFactory())
    index_set = tree["area"].index_set
    assessment = AssessmentFactory(
        period=index_set.period, index_set=index_set, unit__kind=index_set.unit_kind
    )
    ScoreFactory.build(assessment=assessment, item=tree["1.1.2"], not_applicable=True).full_clean()
    with pytest.raises(ValidationError, match="not_applicable"):
        ScoreFactory.build(
            assessment=assessment, item=tree["1.1.1"], not_applicable=True
        ).full_clean()


def test_survey_points_live_in_survey_results_only(db):
    survey = IndexItemFactory(method=ScoringMethod.SURVEY, max_points=D("15"))
    index_set = survey.index_set
    assessment = AssessmentFactory(
        period=index_set.period, index_set=index_set, unit__kind=index_set.unit_kind
    )
    with pytest.raises(ValidationError, match="item"):
        ScoreFactory.build(assessment=assessment, item=survey).full_clean()
    result = SurveyResult(assessment=assessment, item=survey, points=D("15.0001"))
    with pytest.raises(ValidationError, match="points"):
        result.full_clean()
    manual = IndexItemFactory(index_set=index_set)
    with pytest.raises(ValidationError, match="item"):
        SurveyResult(assessment=assessment, item=manual, points=D("1")).full_clean()


def test_assessment_index_set_must_fit_unit_and_period(db):
    index_set = IndexSetFactory()
    other_kind_unit = UnitFactory(
        kind=UnitKindFactory(code="commune"), organiser=index_set.period.organiser
    )
    assessment = AssessmentFactory.build(
        period=index_set.period, index_set=index_set, unit=other_kind_unit
    )
    with pytest.raises(ValidationError, match="index_set"):
        assessment.full_clean()
    assessment.unit = UnitFactory(kind=index_set.unit_kind)  # another organiser
    with pytest.raises(ValidationError, match="unit"):
        assessment.full_clean()


def test_one_current_index_set_per_period_and_kind(db):
    index_set = IndexSetFactory()
    with integrity_error(), transaction.atomic():
        IndexSetFactory(period=index_set.period, unit_kind=index_set.unit_kind, version=2)
    IndexSetFactory(
        period=index_set.period, unit_kind=index_set.unit_kind, version=2, is_current=False
    )


def test_bands_stay_within_0_and_100(db):
    with integrity_error(), transaction.atomic():
        BandFactory(min_percent=D("100.5"))


def test_evidence_needs_a_file_a_link_or_a_document(db):
    assessment = AssessmentFactory()
    with integrity_error(), transaction.atomic():
        Evidence.objects.create(
            assessment=assessment, uploaded_by=UserFactory(), description="Không có gì"
        )
    Evidence.objects.create(
        assessment=assessment, uploaded_by=UserFactory(), document_number="12/KH-UBND"
    )


def test_deadlines_must_be_in_order(db):
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    period = PeriodFactory.build(
        self_assessment_deadline=datetime(2026, 12, 15, tzinfo=hanoi),
        appraisal_deadline=datetime(2026, 12, 1, tzinfo=hanoi),
    )
    with pytest.raises(ValidationError, match="appraisal_deadline"):
        period.clean()


def test_audit_log_is_append_only(db):
    (entry,) = audit.record(
        audit.status_changed(
            actor=UserFactory(),
            obj=PeriodFactory(),
            old="setup",
            new="self_assessment",
            reason="Mở kỳ",
        )
    )
    entry.reason = "Sửa lại"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.reason == "Mở kỳ"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_database_refuses_to_change_audit_rows(db):
    (entry,) = audit.record(
        audit.status_changed(actor=None, obj=PeriodFactory(), old="setup", new="self_assessment")
    )
    for statement in (
        f"UPDATE scoring_auditentry SET reason = 'x' WHERE id = {entry.pk}",
        f"DELETE FROM scoring_auditentry WHERE id = {entry.pk}",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEntry.objects.filter(pk=entry.pk, reason="").exists()
