"""Telling people what happened: one Notification row per recipient (their inbox) and an
e-mail sent by a Celery task after the transaction commits (console backend in the demo).

The events: a unit is asked to explain, a deadline is 3 days away for a unit that has not
finished, a unit answers, a unit's appraisal is finalised, the chair returns an item."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parindex.dates import datetime_text
from parindex.tasks import TransactionAwareTask
from scoring.models import Assessment, Notification, NotificationKind, RedoStage, Score
from scoring.selectors.index_sets import index_set_tree
from scoring.workflow import AssessmentStatus, PeriodStatus
from units.models import RoleGrant
from units.roles import Role

REMINDER_DAYS = 3
logger = logging.getLogger(__name__)
User = get_user_model()


# ---------------------------------------------------------------- who is told


def unit_staff(assessment: Assessment):
    return staff_of_unit(assessment.unit_id)


def staff_of_unit(unit_id: int):
    """The active staff accounts of one unit (a remediation task's owner, an assessment's)."""
    return User.objects.filter(
        is_active=True,
        role_grants__role=Role.UNIT_STAFF,
        role_grants__unit_id=unit_id,
    ).distinct()


def council_members(
    assessment: Assessment, area_codes: set[str | None] | None = None, *, with_chairs=True
):
    """The appraisers covering the unit and any of `area_codes` (None: every appraiser of the
    unit), and the council chairs of its organiser."""
    grants = RoleGrant.objects.filter(
        organiser_id=assessment.unit.organiser_id, role=Role.APPRAISER, user__is_active=True
    ).prefetch_related("scoped_units")
    users = set()
    for grant in grants:
        units = {unit.pk for unit in grant.scoped_units.all()}
        if units and assessment.unit_id not in units:
            continue
        areas = set(grant.area_code_list)
        if area_codes is None or not areas or areas & {c for c in area_codes if c}:
            users.add(grant.user_id)
    if not with_chairs:
        return User.objects.filter(pk__in=users, is_active=True)
    chairs = Q(role_grants__role=Role.COUNCIL_CHAIR)
    chairs &= Q(role_grants__organiser_id=assessment.unit.organiser_id)
    return User.objects.filter(Q(pk__in=users) | chairs, is_active=True).distinct()


# ---------------------------------------------------------------- telling them


def notify(
    *,
    recipients,
    kind: str,
    subject: str,
    body: str,
    assessment: Assessment | None = None,
    link: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Record the event for each recipient and e-mail it once the transaction commits. With a
    `dedupe_key`, a recipient who already has it is skipped (reminders found twice)."""
    created = []
    for user in recipients:
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user,
                        kind=kind,
                        assessment=assessment,
                        subject=subject[:300],
                        body=body,
                        link=link,
                        dedupe_key=dedupe_key,
                    )
                )
        except IntegrityError:
            continue  # told already
    for notification in created:
        if notification.recipient.email:
            # After commit; if the broker is down the inbox still has it (no error page).
            send_notification_email.enqueue(notification.pk)
    return created


@shared_task(
    base=TransactionAwareTask,
    name="scoring.tasks.send_notification_email",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> bool:
    """Idempotent: a notification already e-mailed is not sent again."""
    with translation.override("vi"):
        return notification_email_send(notification_id)


def notification_email_send(notification_id: int) -> bool:
    """Send one notification by e-mail, once. Returns whether it was sent now. The row is
    claimed first (emailed_at set where empty), so the queued task and the pending sweep never
    both send it; a send that fails gives the claim back, to be tried again."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.emailed_at or not notification.recipient.email:
        return False
    claimed_at = timezone.now()
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at=None).update(
        emailed_at=claimed_at
    )
    if not claimed:
        return False  # sent meanwhile by the other path
    link = ""
    if notification.link:
        link = "\n\n" + settings.PARINDEX_SITE_URL.rstrip("/") + notification.link
    try:
        send_mail(
            subject=f"[{_('PAR Index')}] {notification.subject}",
            message=notification.body + link,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification.pk, emailed_at=claimed_at).update(
            emailed_at=None
        )
        raise
    return True


# An e-mail not sent this long after its notification is sent by the sweep (the broker was down,
# or the mail server refused every retry); one older than PENDING_EMAIL_MAX_AGE is not worth it.
PENDING_EMAIL_GRACE = timedelta(minutes=2)
PENDING_EMAIL_MAX_AGE = timedelta(days=3)
PENDING_EMAIL_BATCH = 500


def pending_emails(*, now=None):
    """Notifications whose e-mail is still owed: recipient with an address, not e-mailed, made
    between PENDING_EMAIL_MAX_AGE and PENDING_EMAIL_GRACE ago (younger ones have a task)."""
    now = now or timezone.now()
    return (
        Notification.objects.filter(
            emailed_at=None,
            created_at__lt=now - PENDING_EMAIL_GRACE,
            created_at__gte=now - PENDING_EMAIL_MAX_AGE,
        )
        .exclude(recipient__email="")
        .order_by("created_at", "pk")
    )


def notification_emails_send_pending(*, now=None) -> int:
    """Send the owed e-mails (Celery beat every 5 minutes, and `send_pending_emails`), each
    once. A mail server that refuses stops this run; the rest wait for the next. Returns how
    many were sent."""
    sent = 0
    ids = list(pending_emails(now=now).values_list("pk", flat=True)[:PENDING_EMAIL_BATCH])
    with translation.override("vi"):
        for notification_id in ids:
            try:
                sent += notification_email_send(notification_id)
            except OSError:
                logger.warning("Pending e-mails: the mail server refused", exc_info=True)
                break
    return sent


def _unit_name(assessment: Assessment) -> dict:
    return {"unit": assessment.unit.name, "year": assessment.period.year}


def _asked_area_codes(assessment: Assessment) -> set[str | None]:
    """The areas of the items the unit was asked about (None for a bonus or penalty line)."""
    tree = index_set_tree(assessment.index_set_id)
    asked = Score.objects.filter(assessment=assessment).exclude(review_request="")
    return {tree.area_code(item_id) for item_id in asked.values_list("item_id", flat=True)}


def notify_explanation_requested(*, assessment: Assessment) -> list[Notification]:
    count = Score.objects.filter(assessment=assessment).exclude(review_request="").count()
    return notify(
        recipients=unit_staff(assessment),
        kind=NotificationKind.EXPLANATION_REQUESTED,
        assessment=assessment,
        subject=_("%(unit)s: the appraisal council asks for explanations") % _unit_name(assessment),
        body=_(
            "The appraisal council asks your unit to explain or supplement %(n)s item(s) of the "
            "PAR Index %(year)s. Answer each question, with files where needed, by %(when)s."
        )
        % {
            "n": count,
            "year": assessment.period.year,
            "when": datetime_text(assessment.period.explanation_deadline),
        },
        link=reverse("scoring:explanation", args=[assessment.pk]),
    )


def notify_answered(*, assessment: Assessment) -> list[Notification]:
    return notify(
        recipients=council_members(assessment, _asked_area_codes(assessment)),
        kind=NotificationKind.EXPLANATION_ANSWERED,
        assessment=assessment,
        subject=_("%(unit)s answered the council's questions") % _unit_name(assessment),
        body=_(
            "%(unit)s sent its explanations for the PAR Index %(year)s. Review the answers and "
            "set the final points in round 2."
        )
        % _unit_name(assessment),
        link=reverse("scoring:appraisal_review", args=[assessment.pk]),
    )


def notify_finalised(*, assessment: Assessment) -> list[Notification]:
    return notify(
        recipients=unit_staff(assessment),
        kind=NotificationKind.APPRAISAL_FINALISED,
        assessment=assessment,
        subject=_("%(unit)s: the appraisal is finalised") % _unit_name(assessment),
        body=_(
            "The appraisal council has finalised the appraisal of %(unit)s for the PAR Index "
            "%(year)s. The results are published by Home Affairs."
        )
        % _unit_name(assessment),
        link=reverse("home"),
    )


def notify_item_returned(*, score: Score, note: str) -> list[Notification]:
    assessment = score.assessment
    area_code = index_set_tree(assessment.index_set_id).area_code(score.item_id)
    members = council_members(assessment, {area_code}, with_chairs=False)
    return notify(
        recipients=members,
        kind=NotificationKind.ITEM_RETURNED,
        assessment=assessment,
        subject=_("%(unit)s, item %(code)s: returned by the chair")
        % {**_unit_name(assessment), "code": score.item.code},
        body=note,
        link=reverse("scoring:appraisal_review", args=[assessment.pk]) + f"#item-{score.item_id}",
    )


# ---------------------------------------------------------------- reminders


def deadline_reminders(*, now=None) -> int:
    """Remind the staff of every unit that has not finished, 3 days (or less) before its
    self-assessment or explanation deadline. Run daily by Celery beat and by the
    `send_reminders` command; each reminder goes once per user and deadline."""
    now = now or timezone.now()
    soon = now + timedelta(days=REMINDER_DAYS)
    sent = 0
    with translation.override("vi"):
        drafts = Assessment.objects.filter(
            status=AssessmentStatus.DRAFT, period__status=PeriodStatus.SELF_ASSESSMENT
        ).select_related("period", "unit")
        for assessment in drafts:
            deadline = assessment.self_assessment_deadline
            if deadline and now < deadline <= soon:
                sent += len(
                    _remind(
                        assessment,
                        deadline,
                        _("the self-assessment"),
                        reverse("scoring:self_assessment", args=[assessment.pk]),
                        code="self",
                    )
                )
        asked = Assessment.objects.filter(
            status=AssessmentStatus.EXPLANATION_REQUESTED,
            period__explanation_deadline__gt=now,
            period__explanation_deadline__lte=soon,
        ).select_related("period", "unit")
        for assessment in asked:
            sent += len(
                _remind(
                    assessment,
                    assessment.period.explanation_deadline,
                    _("the explanation"),
                    reverse("scoring:explanation", args=[assessment.pk]),
                    code="explanation",
                )
            )
    return sent


def _remind(
    assessment: Assessment, deadline, what: str, link: str, *, code: str
) -> list[Notification]:
    return notify(
        recipients=unit_staff(assessment),
        kind=NotificationKind.DEADLINE_NEAR,
        assessment=assessment,
        subject=_("%(unit)s: %(what)s closes on %(when)s")
        % {**_unit_name(assessment), "what": what, "when": datetime_text(deadline)},
        body=_(
            "%(unit)s has not finished %(what)s of the PAR Index %(year)s. It closes on "
            "%(when)s; after that only Home Affairs can reopen it."
        )
        % {**_unit_name(assessment), "what": what, "when": datetime_text(deadline)},
        link=link,
        dedupe_key=f"deadline:{code}:{assessment.pk}:{deadline.isoformat()}",
    )


# ---------------------------------------------------------------- the inbox


def inbox(user):
    return Notification.objects.filter(recipient=user).select_related("assessment__unit")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None)."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


# ---------------------------------------------------------------- a deadline moved


def organiser_council(organiser_id: int):
    """Every active appraiser and chair of the organiser's council."""
    return User.objects.filter(
        is_active=True,
        role_grants__organiser_id=organiser_id,
        role_grants__role__in=(Role.APPRAISER, Role.COUNCIL_CHAIR),
    ).distinct()


def notify_deadline_changed(*, period, field: str, old, new, reason: str) -> list[Notification]:
    """Tell everyone a moved deadline concerns: for the self-assessment, the staff of every
    unit still in draft whose own closing time moves (a unit reopened until later keeps its
    own); for the explanation round, the units asked and the council; for the council's
    deadlines, the council. Written in Vietnamese whoever moved it (a command, a test)."""
    with translation.override("vi"):
        return _deadline_changed(period=period, field=field, old=old, new=new, reason=reason)


def _deadline_changed(*, period, field: str, old, new, reason: str) -> list[Notification]:
    label = period._meta.get_field(field).verbose_name
    words = {
        "what": label,
        "year": period.year,
        "old": datetime_text(old),
        "new": datetime_text(new),
        "reason": reason,
    }
    subject = _("PAR Index %(year)s: the %(what)s is now %(new)s") % words
    body = (
        _(
            "Home Affairs moved the %(what)s of the PAR Index %(year)s from %(old)s to %(new)s. "
            "Reason: %(reason)s"
        )
        % words
    )
    sent: list[Notification] = []
    if field == "self_assessment_deadline":
        drafts = Assessment.objects.filter(
            period=period, status=AssessmentStatus.DRAFT
        ).select_related("unit")
        for assessment in drafts:
            own = assessment.unit_deadline
            before = max(d for d in (old, own) if d) if (old or own) else None
            after = max(d for d in (new, own) if d) if (new or own) else None
            if before == after:
                continue  # reopened until later than both: its own deadline stands
            sent += notify(
                recipients=unit_staff(assessment),
                kind=NotificationKind.DEADLINE_CHANGED,
                assessment=assessment,
                subject=subject,
                body=body,
                link=reverse("scoring:self_assessment", args=[assessment.pk]),
            )
        return sent
    if field == "explanation_deadline":
        asked = Assessment.objects.filter(
            period=period, status=AssessmentStatus.EXPLANATION_REQUESTED
        ).select_related("unit")
        for assessment in asked:
            sent += notify(
                recipients=unit_staff(assessment),
                kind=NotificationKind.DEADLINE_CHANGED,
                assessment=assessment,
                subject=subject,
                body=body,
                link=reverse("scoring:explanation", args=[assessment.pk]),
            )
    sent += notify(
        recipients=organiser_council(period.organiser_id),
        kind=NotificationKind.DEADLINE_CHANGED,
        subject=subject,
        body=body,
        link=reverse("scoring:appraisal_queue"),
    )
    return sent


# ---------------------------------------------------------------- a set replaced mid-period


def notify_index_set_replaced(*, assessment: Assessment, index_set, redos) -> list[Notification]:
    """The unit's staff learn that the year's index set changed, with the self-assessment
    scores they must enter again (the council's own values are not theirs to see)."""
    own = [redo for redo in redos if redo.stage == RedoStage.SELF]
    decision = index_set.decision_number or index_set.source
    if own:
        lines = "\n".join(
            f"- {redo.old_code}. {redo.old_name}: {redo.get_kind_display()}" for redo in own
        )
        body = _(
            "Home Affairs applied a new version of the PAR Index %(year)s (%(decision)s). "
            "Your scores were carried over to the new items; enter these %(n)s item(s) "
            "again:\n%(lines)s"
        ) % {"year": assessment.period.year, "decision": decision, "n": len(own), "lines": lines}
    else:
        body = _(
            "Home Affairs applied a new version of the PAR Index %(year)s (%(decision)s). "
            "Your scores were carried over to the new items; nothing needs to be entered again."
        ) % {"year": assessment.period.year, "decision": decision}
    return notify(
        recipients=unit_staff(assessment),
        kind=NotificationKind.INDEX_SET_REPLACED,
        assessment=assessment,
        subject=_("%(unit)s: the index set of %(year)s was replaced") % _unit_name(assessment),
        body=body,
        link=reverse("scoring:self_assessment", args=[assessment.pk]),
    )


# ---------------------------------------------------------------- unit reorganisation


def notify_unit_reorganised(*, assessment: Assessment, change, predecessors) -> list[Notification]:
    """The staff of a unit a reorganisation created or enlarged, told in the period it joins:
    their assessment, and whose work it continues."""
    names = ", ".join(unit.name for unit in predecessors)
    body = _(
        "%(unit)s takes part in the PAR Index %(year)s after a reorganisation (%(change)s)."
    ) % {**_unit_name(assessment), "change": str(change)}
    if names:
        body += " " + _("The work entered by %(names)s is shown on your self-assessment page.") % {
            "names": names
        }
    return notify(
        recipients=unit_staff(assessment),
        kind=NotificationKind.UNIT_REORGANISED,
        assessment=assessment,
        subject=_("%(unit)s: your unit was reorganised") % _unit_name(assessment),
        body=body,
        link=reverse("scoring:self_assessment", args=[assessment.pk]),
    )
