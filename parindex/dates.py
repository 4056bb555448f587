"""How dates and times are written for people — the one place, so that a deadline reads the
same on a page, in a message, an e-mail, an export and the audit trail: "17:00 15/12/2026", in
local time (Asia/Ho_Chi_Minh). The patterns are the `vi` formats templates use; they are applied
here whatever language is active (a Celery task, a management command). The dateline of an
official document ("ngày 05 tháng 02 năm 2026") is written here too."""

from datetime import date, datetime

from django.utils import dateformat, timezone

from .formats.vi.formats import SHORT_DATE_FORMAT, SHORT_DATETIME_FORMAT, TIME_FORMAT

EMPTY = "—"


def datetime_text(moment: datetime | None, *, empty: str = EMPTY) -> str:
    """'17:00 15/12/2026' in local time."""
    if moment is None:
        return empty
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return dateformat.format(moment, SHORT_DATETIME_FORMAT)


def date_text(day: date | datetime | None, *, empty: str = EMPTY) -> str:
    """'15/12/2026' (a datetime is taken in local time)."""
    if day is None:
        return empty
    if isinstance(day, datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    return dateformat.format(day, SHORT_DATE_FORMAT)


def time_text(moment: datetime | None = None) -> str:
    """'17:00' in local time; now when no moment is given."""
    moment = moment or timezone.now()
    return dateformat.format(timezone.localtime(moment), TIME_FORMAT)


def dateline_parts(day: date | None) -> dict:
    """Day and month as Nghị định 30 writes an official document's dateline: a zero before
    days under 10 and before months 1 and 2 ("ngày 05 tháng 02", "ngày 15 tháng 3"). None:
    left blank for a draft."""
    if day is None:
        blank = "\u00a0" * 6
        return {"day": blank, "month": blank, "year": timezone.localdate().year}
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return {"day": f"{day.day:02d}", "month": month, "year": day.year}
