"""Who is told what: each event of the appraisal lands in the right inboxes and sends one
e-mail per recipient after the commit — explanation requested, deadline near (once), answers
sent, appraisal finalised. Then the inbox itself: listing, marking read, opening a link
safely, the navigation's unread count, and its permission matrix."""

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parindex.dates import datetime_text
from scoring.entries import SelfEntry
from scoring.models import Evidence, Notification, NotificationKind
from scoring.services.appraisal import (
    appraisal_accept_rest,
    appraisal_finalise,
    explanation_save,
    explanation_send,
)
from scoring.services.notifications import deadline_reminders, notify
from scoring.services.self_assessment import assessment_submit, self_score_save
from scoring.workflow import AssessmentStatus
from tests.factories import RoleGrantFactory
from tests.scoring.test_explanation_views import appraise, ask_questions, open_round
from units.roles import Role

PEOPLE = (
    "staff_a",
    "staff_b",
    "appraiser",
    "appraiser_1",
    "appraiser_1_b",
    "chair",
    "home_affairs",
    "admin",
)


def give_emails(s) -> dict:
    """Factories create users without an e-mail: give everyone one, named after the role."""
    for key in PEOPLE:
        if key in s:
            s[key].email = f"{key}@hoa-an.gov.vn"
            s[key].save()
    return s


def told(kind) -> set[str]:
    return {
        n.recipient.email
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    }


def mailed(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def emails(*keys) -> list[str]:
    return sorted(f"{key}@hoa-an.gov.vn" for key in keys)


@pytest.fixture
def s(appraisal_setup):
    return give_emails(appraisal_setup)


# ---------------------------------------------------------------- the events


def test_asking_for_explanations_tells_the_units_staff(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    ask_questions(s)
    silent = RoleGrantFactory(role=Role.UNIT_STAFF, unit=s["unit_a"]).user  # no e-mail address
    with django_capture_on_commit_callbacks(execute=True):
        open_round(s)
    assert told(NotificationKind.EXPLANATION_REQUESTED) == set(emails("staff_a", "staff_b")) | {""}
    assert mailed(mailoutbox) == emails("staff_a", "staff_b")
    assert Notification.objects.filter(recipient=silent).count() == 1  # inbox, no e-mail
    message = next(m for m in mailoutbox if m.to == emails("staff_a"))
    assert s["unit_a"].name in message.subject
    link = reverse("scoring:explanation", args=[s["assessment_a"].pk])
    assert link in message.body
    notification = Notification.objects.get(recipient=s["staff_a"])
    assert notification.link == link and notification.emailed_at is not None
    # The notice names the deadline the round was opened with.
    s["period"].refresh_from_db()
    deadline = datetime_text(s["period"].explanation_deadline)
    assert deadline in notification.body and deadline in message.body


def test_no_email_before_the_transaction_commits(s, mailoutbox, django_capture_on_commit_callbacks):
    ask_questions(s)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        open_round(s)
    assert callbacks and mailoutbox == []


def test_answers_go_to_the_appraisers_of_the_areas_asked_and_the_chair(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    ask_questions(s)
    open_round(s)
    for code in ("1.1.1", "1.1.5"):
        item = s["items"][code]
        score = s["assessment_a"].scores.get(item=item)
        explanation_save(
            assessment=s["assessment_a"],
            item=item,
            text="Giải trình",
            expected_version=score.version,
            by=s["staff_a"],
        )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    # Area 1 of unit A: appraiser_1 (every unit) and the chair — not the area-2 appraiser,
    # not appraiser_1_b (unit B only), not Home Affairs, not the unit.
    assert told(NotificationKind.EXPLANATION_ANSWERED) == set(emails("appraiser_1", "chair"))
    assert mailed(mailoutbox) == emails("appraiser_1", "chair")
    link = reverse("scoring:appraisal_review", args=[s["assessment_a"].pk])
    assert all(link in message.body for message in mailoutbox)


def test_answers_about_a_bonus_line_go_to_appraisers_of_every_area_and_the_chair(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    everything = RoleGrantFactory(role=Role.APPRAISER, organiser=s["organiser"]).user
    everything.email = "all-areas@hoa-an.gov.vn"
    everything.save()
    appraise(
        s, "assessment_a", "T1", by=s["chair"], request="explanation", question="Sáng kiến nào?"
    )
    open_round(s)
    item = s["items"]["T1"]
    explanation_save(
        assessment=s["assessment_a"],
        item=item,
        text="Sáng kiến một cửa điện tử",
        expected_version=s["assessment_a"].scores.get(item=item).version,
        by=s["staff_a"],
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    # A line outside the areas: the area-scoped appraisers are not concerned.
    expected = {"all-areas@hoa-an.gov.vn", *emails("chair")}
    assert told(NotificationKind.EXPLANATION_ANSWERED) == expected
    assert set(mailed(mailoutbox)) == expected


def test_finalising_tells_the_units_staff(s, mailoutbox, django_capture_on_commit_callbacks):
    appraisal_accept_rest(
        assessment=s["assessment_a"], by=s["chair"], items=list(s["items"].values())
    )
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_finalise(assessment=s["assessment_a"], by=s["chair"])
    assert s["assessment_a"].status == AssessmentStatus.APPRAISED
    assert told(NotificationKind.APPRAISAL_FINALISED) == set(emails("staff_a"))
    assert mailed(mailoutbox) == emails("staff_a")


# ---------------------------------------------------------------- reminders


@pytest.fixture
def drafts(self_assessment_setup):
    """Both units in draft, the self-assessment deadline 2 days away; unit B submits."""
    s = give_emails(self_assessment_setup)
    s["period"].self_assessment_deadline = timezone.now() + timedelta(days=2)
    s["period"].save()
    return s


def test_a_deadline_3_days_away_reminds_units_not_finished_once(
    drafts, mailoutbox, django_capture_on_commit_callbacks
):
    s = drafts
    # Unit B fills in and submits; unit A has not finished.
    items = s["items"]
    values = {
        "1.1.1": SelfEntry(points=Decimal("0.5")),
        "1.1.2": SelfEntry(points=Decimal("0")),
        "1.1.3": SelfEntry(ratio=Decimal("100")),
        "1.1.4": SelfEntry(ratio=Decimal("50")),
        "1.1.5": SelfEntry(points=Decimal("2.5"), note="Theo báo cáo"),
    }
    for code, entry in values.items():
        self_score_save(
            assessment=s["assessment_b"],
            item=items[code],
            entry=entry,
            expected_version=0,
            by=s["staff_b"],
        )
    evidence = Evidence.objects.create(
        assessment=s["assessment_b"], document_number="1/KH", uploaded_by=s["staff_b"]
    )
    evidence.items.add(items["1.1.1"], items["1.1.3"], items["1.1.4"])
    assessment_submit(assessment=s["assessment_b"], by=s["staff_b"])

    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders() == 0  # run again (hourly): nothing new
    assert told(NotificationKind.DEADLINE_NEAR) == set(emails("staff_a"))
    assert mailed(mailoutbox) == emails("staff_a")
    link = reverse("scoring:self_assessment", args=[s["assessment_a"].pk])
    assert link in mailoutbox[0].body


def test_no_reminder_while_the_deadline_is_further_away(drafts, mailoutbox):
    drafts["period"].self_assessment_deadline = timezone.now() + timedelta(days=4)
    drafts["period"].save()
    assert deadline_reminders() == 0
    assert not Notification.objects.exists()


def test_the_explanation_deadline_reminds_units_that_have_not_sent(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    ask_questions(s)
    open_round(s, days=2)
    for code in ("1.1.1", "1.1.5"):
        item = s["items"][code]
        explanation_save(
            assessment=s["assessment_a"],
            item=item,
            text="Giải trình",
            expected_version=s["assessment_a"].scores.get(item=item).version,
            by=s["staff_a"],
        )
    explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders() == 1
    assert told(NotificationKind.DEADLINE_NEAR) == set(emails("staff_b"))
    assert mailed(mailoutbox) == emails("staff_b")
    link = reverse("scoring:explanation", args=[s["assessment_b"].pk])
    assert link in mailoutbox[0].body


def test_the_send_reminders_command_says_how_many_were_sent(
    drafts, mailoutbox, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
    assert re.findall(r"\d+", out.getvalue()) == ["2"]  # staff of A and of B
    assert mailed(mailoutbox) == emails("staff_a", "staff_b")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
    assert re.findall(r"\d+", out.getvalue()) == ["0"]
    assert len(mailoutbox) == 2


# ---------------------------------------------------------------- the inbox


def tell(user, n=1, *, link="/", **extra):
    return [
        notify(
            recipients=[user],
            kind=NotificationKind.DEADLINE_NEAR,
            subject=f"Thông báo số {i}",
            body=f"Nội dung {i}",
            link=link,
            **extra,
        )[0]
        for i in range(n)
    ]


def test_the_inbox_lists_own_notifications_newest_first(client, personas):
    tell(personas["staff_a"], 3)
    tell(personas["staff_b"], 1)
    client.force_login(personas["staff_a"])
    response = client.get(reverse("scoring:inbox"))
    assert response.status_code == 200
    shown = list(response.context["page"])
    assert [n.subject for n in shown] == ["Thông báo số 2", "Thông báo số 1", "Thông báo số 0"]
    html = response.content.decode()
    assert html.count('data-read="0"') == 3 and 'data-unread="3"' in html


def test_the_inbox_is_paginated(client, personas):
    tell(personas["staff_a"], 25)
    client.force_login(personas["staff_a"])
    first = client.get(reverse("scoring:inbox"))
    assert len(first.context["page"]) == 20 and first.context["page"].has_next()
    assert len(client.get(reverse("scoring:inbox") + "?page=2").context["page"]) == 5


def test_marking_one_or_all_read(client, personas):
    mine = tell(personas["staff_a"], 3)
    theirs = tell(personas["staff_b"], 1)[0]
    client.force_login(personas["staff_a"])
    read = reverse("scoring:inbox_read")
    response = client.post(read, {"ids": [mine[0].pk, theirs.pk]})
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=False).get() == mine[0]
    data = client.post(read, {"all": "1"}, HTTP_ACCEPT="application/json").json()
    assert data == {"ok": True, "marked": 2, "unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None  # another user's notification is never touched


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, personas):
    notification = tell(personas["staff_a"], link="/inbox/?page=1")[0]
    client.force_login(personas["staff_a"])
    response = client.get(reverse("scoring:inbox") + f"?open={notification.pk}")
    assert response.status_code == 302 and response["Location"] == "/inbox/?page=1"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize(
    "link", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_an_outside_link_is_never_followed(client, personas, link):
    notification = tell(personas["staff_a"], link=link)[0]
    client.force_login(personas["staff_a"])
    response = client.get(reverse("scoring:inbox") + f"?open={notification.pk}")
    assert response.status_code == 302 and response["Location"] == reverse("scoring:inbox")


def test_someone_elses_notification_cannot_be_opened(client, personas):
    notification = tell(personas["staff_b"], link="/")[0]
    client.force_login(personas["staff_a"])
    response = client.get(reverse("scoring:inbox") + f"?open={notification.pk}")
    assert response["Location"] == reverse("scoring:inbox")
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_navigation_shows_unread_count_and_the_councils_queue(client, personas):
    tell(personas["staff_a"], 2)
    client.force_login(personas["staff_a"])
    html = client.get(reverse("home")).content.decode()
    assert re.search(r"data-unread-count[^>]*>2</span>", html)
    assert 'data-home-unread="2"' in html
    assert reverse("scoring:appraisal_queue") not in html
    for role in ("appraiser", "chair"):
        client.force_login(personas[role])
        html = client.get(reverse("home")).content.decode()
        assert reverse("scoring:appraisal_queue") in html
        assert "data-unread-count" not in html
    client.force_login(personas["home_affairs"])
    assert reverse("scoring:appraisal_queue") not in client.get(reverse("home")).content.decode()


# ---------------------------------------------------------------- permission matrix

ROLES = ("staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin", "anonymous")


@pytest.mark.parametrize(
    ("view", "method", "expected"),
    [
        ("inbox", "get", (200, 200, 200, 200, 200, 200, 302)),
        ("inbox_read", "post", (302, 302, 302, 302, 302, 302, 302)),
        ("inbox_read", "get", (405, 405, 405, 405, 405, 405, 302)),
    ],
)
def test_permission_matrix(client, personas, view, method, expected):
    for role, status in zip(ROLES, expected, strict=True):
        client.logout()
        if role != "anonymous":
            client.force_login(personas[role])
        response = getattr(client, method)(reverse(f"scoring:{view}"), {"all": "1"})
        assert response.status_code == status, role
        if role == "anonymous":
            assert reverse("login") in response["Location"]


def test_a_broker_that_is_down_never_turns_a_saved_action_into_an_error_page(
    client, s, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    """The chair returns an item while Redis is down: the note is stored, the appraisers have
    it in their inbox, the page answers as usual; only the e-mail waits."""
    from scoring.models import Score
    from scoring.services.notifications import send_notification_email

    def broker_down(*args, **kwargs):
        raise OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_notification_email, "apply_async", broker_down)
    appraise(s, "assessment_a", "1.1.5", by=s["appraiser_1"], points="2.5")
    score = Score.objects.get(assessment=s["assessment_a"], item=s["items"]["1.1.5"])
    client.force_login(s["chair"])
    url = reverse("scoring:appraisal_return", args=[s["assessment_a"].pk, s["items"]["1.1.5"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"note": "Xem lại minh chứng", "version": score.version})
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.return_note == "Xem lại minh chứng"
    returned = Notification.objects.filter(kind=NotificationKind.ITEM_RETURNED)
    assert s["appraiser_1"].pk in set(returned.values_list("recipient_id", flat=True))
    assert not returned.exclude(emailed_at=None).exists() and mailoutbox == []
