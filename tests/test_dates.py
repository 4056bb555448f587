"""parindex.dates: how a date or a time reads for people, written in one place — pages,
messages, e-mails, exports and the audit trail alike, in local time, whatever language is
active."""

from datetime import UTC, date, datetime

from django.utils import translation

from parindex.dates import date_text, dateline_parts, datetime_text, time_text

MOMENT = datetime(2026, 12, 15, 10, 0, tzinfo=UTC)  # 17:00 in Hà Nội


def test_a_moment_reads_in_local_time_the_same_in_every_language():
    for language in ("vi", "en"):
        with translation.override(language):
            assert datetime_text(MOMENT) == "17:00 15/12/2026"
            assert date_text(MOMENT) == "15/12/2026"
            assert time_text(MOMENT) == "17:00"
    assert datetime_text(None) == "—" and datetime_text(None, empty="") == ""


def test_a_day_just_before_midnight_in_utc_is_the_next_local_day():
    assert date_text(datetime(2026, 2, 4, 20, 0, tzinfo=UTC)) == "05/02/2026"
    assert date_text(date(2026, 2, 5)) == "05/02/2026"


def test_the_official_dateline_zero_pads_days_and_the_first_two_months():
    assert dateline_parts(date(2026, 2, 5)) == {"day": "05", "month": "02", "year": 2026}
    assert dateline_parts(date(2026, 3, 15))["month"] == "3"
