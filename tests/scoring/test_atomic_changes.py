"""Every change of many rows is all or nothing: a failure injected in a late step — after the
first rows are written — leaves every table as it was, row for row. Publication, the move of a
period to the explanation round, a merger carried into the open period, the score import."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from scoring.models import Assessment, Publication, Score
from scoring.services import notifications, score_import, unit_changes
from scoring.services.appraisal import period_advance
from scoring.services.publication import period_publish
from scoring.services.score_import import scores_import
from scoring.services.unit_changes import unit_change_merge
from scoring.signals import results_published
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.helpers import csv_text
from tests.scoring.test_command_contract import FINAL_SCORES, files, imported  # noqa: F401
from tests.scoring.test_explanation_views import ask_questions
from tests.scoring.test_unit_changes import open_year  # noqa: F401
from units.models import Unit, UnitChange
from units.reorganisation import NewUnit

APPS = ("units", "scoring", "reports")


class Injected(Exception):
    """The failure a test injects."""


def all_rows() -> dict[str, list[tuple]]:
    """Every row of every table of our apps (and the users), by model."""
    models = [m for m in apps.get_models() if m._meta.app_label in APPS]
    models.append(get_user_model())
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in models
        if not model._meta.proxy
    }


def assert_unchanged(before: dict[str, list[tuple]]) -> None:
    after = all_rows()
    changed = [label for label in before if before[label] != after[label]]
    assert changed == [], f"tables changed by a failed action: {changed}"


def fail_after(check):
    """A stand-in that first asserts the earlier rows were written, then fails."""

    def injected(*args, **kwargs):
        assert check(), "the failure was injected before anything was written"
        raise Injected

    return injected


@pytest.mark.django_db
def test_a_publication_that_fails_at_its_last_step_leaves_nothing(
    personas, period_with_scores, monkeypatch
):
    def published():
        period_with_scores.refresh_from_db()
        return Publication.objects.exists() and period_with_scores.status == "published"

    before = all_rows()
    monkeypatch.setattr(results_published, "send", fail_after(published))
    with pytest.raises(Injected):
        period_publish(period=period_with_scores, by=personas["home_affairs"])
    assert_unchanged(before)


@pytest.mark.django_db
def test_moving_to_the_explanation_round_that_fails_midway_leaves_nothing(
    appraisal_setup, monkeypatch
):
    s = appraisal_setup
    ask_questions(s)
    before = all_rows()
    monkeypatch.setattr(
        notifications,
        "notify_explanation_requested",
        fail_after(
            lambda: Assessment.objects.filter(
                status=AssessmentStatus.EXPLANATION_REQUESTED
            ).exists()
        ),
    )
    with pytest.raises(Injected):
        period_advance(
            period=s["period"],
            target=PeriodStatus.EXPLANATION,
            by=s["home_affairs"],
            deadline=timezone.now() + timedelta(days=5),
        )
    assert_unchanged(before)


@pytest.mark.django_db
def test_a_merger_that_fails_while_telling_the_staff_leaves_nothing(
    personas,
    open_year,  # noqa: F811
    monkeypatch,
):
    before = all_rows()
    monkeypatch.setattr(
        unit_changes,
        "notify_unit_reorganised",
        fail_after(
            lambda: (
                Unit.objects.filter(code="AB").exists()
                and Assessment.objects.filter(status=AssessmentStatus.WITHDRAWN).count() == 2
                and UnitChange.objects.exists()
            )
        ),
    )
    with pytest.raises(Injected):
        unit_change_merge(
            sources=[personas["unit_a"], personas["unit_b"]],
            year=2026,
            new=NewUnit(
                code="AB", name="Xã Mới", kind=personas["kind"], ranking_group=open_year["group"]
            ),
            by=personas["home_affairs"],
        )
    assert_unchanged(before)


def test_a_score_import_that_fails_after_writing_scores_leaves_nothing(
    imported,  # noqa: F811
    monkeypatch,
):
    period = Score.objects.select_related("assessment__period").first().assessment.period
    changed = [FINAL_SCORES[0], ["SA", "1.1.1", "27", "", ""], *FINAL_SCORES[2:]]
    before = all_rows()
    monkeypatch.setattr(
        score_import,
        "_settle_statuses",
        fail_after(
            lambda: Score.objects.filter(
                assessment__unit__code="SA", item__code="1.1.1", final_points=27
            ).exists()
        ),
    )
    with pytest.raises(Injected):
        scores_import(period=period, stage="final", data=csv_text(changed), filename="final.csv")
    assert_unchanged(before)
