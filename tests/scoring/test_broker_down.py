"""Redis down: an action that only tells people still succeeds (its page, its message, its
inbox rows); the e-mails wait in the database and the sweep sends each once when it can."""

import socket
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parindex.celery import app
from parindex.tasks import broker_breaker
from reports.models import Report, ReportKind, ReportStatus
from scoring.models import Notification, NotificationKind, Score
from scoring.services import notifications
from scoring.services.notifications import PENDING_EMAIL_GRACE, notification_emails_send_pending
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.scoring.test_explanation_views import appraise, ask_questions
from tests.scoring.test_notifications import give_emails


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _drop_pool() -> None:
    """Publish through new connections to the broker now configured (not closing the old
    pools: the producers of kombu's registry still hold them)."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Tasks are published (not run here) to a broker that refuses connections. The write
    URL, which a CELERY_BROKER_URL in the environment (CI's) would otherwise override."""
    previous = (app.conf.task_always_eager, app.conf.get("broker_write_url"))
    _drop_pool()
    app.conf.task_always_eager = False
    app.conf.broker_write_url = f"redis://127.0.0.1:{closed_port()}/0"
    broker_breaker.reset()
    yield
    app.conf.task_always_eager, app.conf.broker_write_url = previous
    _drop_pool()
    broker_breaker.reset()


@pytest.fixture
def s(appraisal_setup):
    return give_emails(appraisal_setup)


def later():
    """Past the grace the queued task has."""
    return timezone.now() + PENDING_EMAIL_GRACE + timedelta(minutes=1)


def success_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_chairs_return_succeeds_and_its_email_is_sent_later_once(
    client, s, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    appraise(s, "assessment_a", "1.1.5", by=s["appraiser_1"], points="2.5")
    score = Score.objects.get(assessment=s["assessment_a"], item=s["items"]["1.1.5"])
    client.force_login(s["chair"])
    url = reverse("scoring:appraisal_return", args=[s["assessment_a"].pk, s["items"]["1.1.5"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"note": "Xem lại minh chứng", "version": score.version})
    assert response.status_code == 302
    assert broker_breaker.is_open()  # the publish really was refused
    assert "Đã trả lại mục 1.1.5 cho thành viên thẩm định." in success_messages(response)
    returned = Notification.objects.filter(kind=NotificationKind.ITEM_RETURNED)
    assert returned.filter(recipient=s["appraiser_1"]).exists()
    assert not returned.exclude(emailed_at=None).exists() and mailoutbox == []

    # Too soon: the queued task still has its chance.
    assert notification_emails_send_pending() == 0
    assert notification_emails_send_pending(now=later()) == returned.count()
    assert "appraiser_1@hoa-an.gov.vn" in {a for m in mailoutbox for a in m.to}
    assert len(mailoutbox) == returned.count()
    assert not returned.filter(emailed_at=None).exists()
    # A second run sends nothing again.
    assert notification_emails_send_pending(now=later()) == 0
    assert len(mailoutbox) == returned.count()


def test_moving_to_the_explanation_round_succeeds_fast_with_the_broker_down(
    client, s, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    ask_questions(s)
    client.force_login(s["home_affairs"])
    deadline = timezone.localtime() + timedelta(days=3)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scoring:period_advance", args=[s["period"].pk]),
            {
                "target": "explanation",
                "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
                "confirm": "1",
            },
        )
    elapsed = time.monotonic() - started
    assert response.status_code == 302 and broker_breaker.is_open()
    assert any(m.startswith("Kỳ đánh giá đã chuyển sang vòng") for m in success_messages(response))
    s["period"].refresh_from_db()
    s["assessment_a"].refresh_from_db()
    assert s["period"].status == PeriodStatus.EXPLANATION
    assert s["assessment_a"].status == AssessmentStatus.EXPLANATION_REQUESTED
    asked = Notification.objects.filter(kind=NotificationKind.EXPLANATION_REQUESTED)
    assert asked.filter(recipient=s["staff_a"]).exists()
    assert mailoutbox == [] and not asked.exclude(emailed_at=None).exists()
    # One refused publish, then the breaker: not one wait per recipient.
    assert elapsed < 5, elapsed

    assert notification_emails_send_pending(now=later()) == asked.count()
    assert sorted(a for m in mailoutbox for a in m.to) == sorted(
        asked.values_list("recipient__email", flat=True)
    )
    assert notification_emails_send_pending(now=later()) == 0


def test_a_mail_server_that_refuses_leaves_the_email_pending(s, monkeypatch, mailoutbox):
    monkeypatch.setattr(notifications.send_notification_email, "enqueue", lambda *args: None)
    (notification,) = notifications.notify(
        recipients=[s["staff_a"]], kind=NotificationKind.DEADLINE_NEAR, subject="x", body="y"
    )

    def refused(**kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(notifications, "send_mail", refused)
    assert notification_emails_send_pending(now=later()) == 0
    notification.refresh_from_db()
    assert notification.emailed_at is None  # the claim was given back
    monkeypatch.undo()
    assert notification_emails_send_pending(now=later()) == 1 and len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_command_sends_what_is_pending_and_says_how_many(s, mailoutbox):
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=s["staff_a"], kind=NotificationKind.DEADLINE_NEAR, subject="a"),
            Notification(recipient=s["staff_b"], kind=NotificationKind.DEADLINE_NEAR, subject="b"),
        ]
    )
    old = timezone.now() - timedelta(minutes=10)
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(created_at=old)
    out = StringIO()
    call_command("send_pending_emails", stdout=out)
    assert "2" in out.getvalue() and len(mailoutbox) == 2
    out = StringIO()
    call_command("send_pending_emails", stdout=out)
    assert "0" in out.getvalue() and len(mailoutbox) == 2


def test_a_report_asked_for_with_the_broker_down_waits_queued(
    client, s, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(s["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:period", args=[s["period"].pk]), {"kind": ReportKind.RANKING_PDF}
        )
    assert response.status_code == 302 and broker_breaker.is_open()
    report = Report.objects.get()
    assert report.status == ReportStatus.QUEUED and report.unqueued_at is not None
