"""The period set-up pages: who may open them, and the flow an officer follows in the browser —
a new year from last year's, its deadlines, the review, opening it, and moving a deadline."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.text import has_control_character
from scoring.models import (
    AssessmentPeriod,
    AuditAction,
    AuditEntry,
    IndexItem,
    Notification,
    NotificationKind,
)
from scoring.workflow import PeriodStatus
from tests.factories import (
    AssessmentFactory,
    BandFactory,
    IndexSetFactory,
    PeriodFactory,
    small_tree,
)
from tests.helpers import assert_control_refused


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


def typed(days: float) -> str:
    """A time as an officer types it: dd/mm/yyyy hh:mm, local time."""
    return (timezone.localtime() + timedelta(days=days)).strftime("%d/%m/%Y %H:%M")


@pytest.fixture
def source(personas):
    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        name="Chỉ số CCHC năm 2026",
        status=PeriodStatus.SELF_ASSESSMENT,
    )
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"], name="Bộ chỉ số 2026")
    small_tree(index_set)
    BandFactory(index_set=index_set)
    return period


@pytest.fixture
def setup_period(personas, source):
    period = PeriodFactory(organiser=personas["organiser"], year=2027, status=PeriodStatus.SETUP)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    small_tree(index_set)
    period.self_assessment_deadline = timezone.now() + timedelta(days=10)
    period.save()
    return period


# ---------------------------------------------------------------- the permission matrix

ANONYMOUS = "anonymous"
PERSONAS = ["staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin", ANONYMOUS]
# A period page: unit staff and appraisers may not see the period's results (404); the chair
# may, but does not manage it (403).
PERIOD_PAGE = {
    "staff_a": 404,
    "staff_b": 404,
    "appraiser": 404,
    "chair": 403,
    "home_affairs": 200,
    "admin": 403,  # reads every result; setting up the year is Home Affairs' (units.roles)
    ANONYMOUS: 302,
}
NEW_PAGE = {**PERIOD_PAGE, "staff_a": 403, "staff_b": 403, "appraiser": 403}


def login(client, personas, persona):
    if persona != ANONYMOUS:
        client.force_login(personas[persona])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", ["setup_period", "setup_period_deadlines", "setup_period_open"])
def test_period_pages_get(client, personas, setup_period, persona, view):
    login(client, personas, persona)
    response = client.get(url(view, setup_period.pk))
    assert response.status_code == PERIOD_PAGE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_new_period_page_get(client, personas, source, persona):
    login(client, personas, persona)
    assert client.get(url("setup_period_new")).status_code == NEW_PAGE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_new_period_post(client, personas, source, persona):
    login(client, personas, persona)
    response = client.post(url("setup_period_new"), {"source": source.pk, "year": 2027})
    expected = 302 if persona in ("home_affairs", ANONYMOUS) else NEW_PAGE[persona]
    assert response.status_code == expected
    created = AssessmentPeriod.objects.filter(year=2027).exists()
    assert created == (persona == "home_affairs")


@pytest.mark.parametrize("persona", PERSONAS)
def test_deadlines_post(client, personas, setup_period, persona):
    login(client, personas, persona)
    response = client.post(
        url("setup_period_deadlines", setup_period.pk),
        {"self_assessment_deadline": typed(12)},
    )
    expected = 302 if persona == "home_affairs" else PERIOD_PAGE[persona]
    assert response.status_code == expected
    changed = AuditEntry.objects.filter(field="self_assessment_deadline").exists()
    assert changed == (persona == "home_affairs")


@pytest.mark.parametrize("persona", PERSONAS)
def test_open_post(client, personas, setup_period, persona):
    login(client, personas, persona)
    response = client.post(url("setup_period_open", setup_period.pk), {"confirm": "on"})
    expected = 302 if persona == "home_affairs" else PERIOD_PAGE[persona]
    assert response.status_code == expected
    setup_period.refresh_from_db()
    opened = setup_period.status == PeriodStatus.SELF_ASSESSMENT
    assert opened == (persona == "home_affairs")


@pytest.mark.parametrize("view", ["setup_period"])
def test_the_set_up_page_takes_no_post(client, personas, setup_period, view):
    client.force_login(personas["home_affairs"])
    assert client.post(url(view, setup_period.pk)).status_code == 405


def test_another_organisers_officer_gets_404(client, personas, setup_period):
    other = PeriodFactory(year=2027)
    client.force_login(personas["home_affairs"])
    for view in ("setup_period", "setup_period_deadlines", "setup_period_open"):
        assert client.get(url(view, other.pk)).status_code == 404


# ---------------------------------------------------------------- the flow


def test_create_copy_set_deadlines_review_and_open(client, personas, source):
    client.force_login(personas["home_affairs"])
    page = client.get(url("setup_period_new")).content.decode()
    assert f'<option value="{source.pk}" selected>' in page
    assert 'value="2027"' in page and 'placeholder="Chỉ số CCHC năm 2027"' in page

    response = client.post(url("setup_period_new"), {"source": source.pk, "year": "2027"})
    period = AssessmentPeriod.objects.get(year=2027)
    assert response.status_code == 302 and response.url == url("setup_period", period.pk)
    assert period.status == PeriodStatus.SETUP and period.name == "Chỉ số CCHC năm 2027"

    page = client.get(response.url).content.decode()
    assert "Bộ chỉ số 2027" in page and "4 (2 tiêu chí thành phần)" in page
    assert (
        "thời hạn tự đánh giá là một thời điểm trong tương lai" in page
    )  # review: no deadline yet
    assert personas["chair"].get_full_name() in page

    refused = client.post(
        url("setup_period_deadlines", period.pk),
        {"self_assessment_deadline": typed(20), "appraisal_deadline": typed(10)},
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert 'class="field__error"' in html and typed(20) in html  # the input is kept
    response = client.post(
        url("setup_period_deadlines", period.pk),
        {"self_assessment_deadline": typed(10), "appraisal_deadline": typed(20)},
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.appraisal_deadline > period.self_assessment_deadline > timezone.now()

    confirm = client.get(url("setup_period_open", period.pk)).content.decode()
    assert "2 đơn vị sẽ có phiếu đánh giá" in confirm
    unconfirmed = client.post(url("setup_period_open", period.pk), {})
    assert unconfirmed.status_code == 200 and 'class="field__error"' in unconfirmed.content.decode()
    period.refresh_from_db()
    assert period.status == PeriodStatus.SETUP

    response = client.post(url("setup_period_open", period.pk), {"confirm": "on"}, follow=True)
    period.refresh_from_db()
    assert period.status == PeriodStatus.SELF_ASSESSMENT
    assert period.assessments.count() == 2
    assert "2 đơn vị" in response.content.decode()

    # Units see it now.
    client.force_login(personas["staff_a"])
    own = period.assessments.get(unit=personas["unit_a"])
    assert url("self_assessment", own.pk) in client.get(reverse("home")).content.decode()


def test_a_tree_with_problems_is_listed_and_blocks_opening(client, personas, setup_period):
    IndexItem.objects.filter(index_set__period=setup_period, code="1").update(
        max_points=Decimal("9")
    )
    client.force_login(personas["home_affairs"])
    page = client.get(url("setup_period", setup_period.pk)).content.decode()
    assert "“1”" in page and "9" in page
    confirm = client.get(url("setup_period_open", setup_period.pk)).content.decode()
    assert "data-open-problems" in confirm and "disabled" in confirm
    response = client.post(url("setup_period_open", setup_period.pk), {"confirm": "on"})
    assert response.status_code == 200
    setup_period.refresh_from_db()
    assert setup_period.status == PeriodStatus.SETUP


def test_an_existing_year_is_refused_beside_the_field(client, personas, source, setup_period):
    client.force_login(personas["home_affairs"])
    response = client.post(url("setup_period_new"), {"source": source.pk, "year": "2027"})
    assert response.status_code == 200
    assert "đã có kỳ đánh giá năm 2027" in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "1800", "2027\x00"])
def test_bad_years_are_form_errors(client, personas, source, year):
    client.force_login(personas["home_affairs"])
    response = client.post(url("setup_period_new"), {"source": source.pk, "year": year})
    if has_control_character(year):
        assert_control_refused(response)
    else:
        assert response.status_code == 200 and 'class="field__error"' in response.content.decode()
    assert AssessmentPeriod.objects.count() == 1


def test_a_source_of_another_organiser_is_refused(client, personas, source):
    other = PeriodFactory(year=2026)
    client.force_login(personas["home_affairs"])
    response = client.post(url("setup_period_new"), {"source": other.pk, "year": "2027"})
    assert response.status_code == 200
    assert not AssessmentPeriod.objects.filter(year=2027).exists()


def test_moving_the_deadline_earlier_after_opening(client, personas, source):
    """The 2026 period is open: Home Affairs moves its deadline earlier, with a reason."""
    source.self_assessment_deadline = timezone.now() + timedelta(days=10)
    source.save()
    AssessmentFactory(period=source, unit=personas["unit_a"], index_set=source.index_sets.get())
    client.force_login(personas["home_affairs"])
    page = client.get(url("setup_period_deadlines", source.pk)).content.decode()
    assert 'name="reason"' in page
    without = client.post(
        url("setup_period_deadlines", source.pk), {"self_assessment_deadline": typed(5)}
    )
    assert without.status_code == 200 and "lý do" in without.content.decode().lower()
    assert not Notification.objects.exists()
    past = client.post(
        url("setup_period_deadlines", source.pk),
        {"self_assessment_deadline": typed(-1), "reason": "Rút ngắn"},
    )
    assert past.status_code == 200 and 'class="field__error"' in past.content.decode()
    response = client.post(
        url("setup_period_deadlines", source.pk),
        {"self_assessment_deadline": typed(5), "reason": "Rút ngắn theo kế hoạch"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(field="self_assessment_deadline")
    assert entry.action == AuditAction.DEADLINE and entry.reason == "Rút ngắn theo kế hoạch"
    note = Notification.objects.get(kind=NotificationKind.DEADLINE_CHANGED)
    assert note.recipient == personas["staff_a"]


def test_the_set_up_home_links_each_period_and_offers_a_new_one(client, personas, setup_period):
    client.force_login(personas["home_affairs"])
    page = client.get(url("setup_home")).content.decode()
    assert url("setup_period", setup_period.pk) in page
    assert url("setup_period_new") in page and "Kỳ đánh giá mới" in page


def test_the_set_up_page_links_each_index_set_to_its_editor(client, personas, setup_period):
    """The officer checks a set's problems on the period's page and goes straight to its tree."""
    client.force_login(personas["home_affairs"])
    page = client.get(url("setup_period", setup_period.pk)).content.decode()
    assert url("index_set_editor", setup_period.index_sets.get().pk) in page


# ---------------------------------------------------------------- invisible to units


def test_units_do_not_see_a_period_in_set_up(client, personas, setup_period):
    assessment = AssessmentFactory(
        period=setup_period, unit=personas["unit_a"], index_set=setup_period.index_sets.get()
    )
    client.force_login(personas["staff_a"])
    home = client.get(reverse("home")).content.decode()
    assert "2027" not in home
    assert client.get(url("self_assessment", assessment.pk)).status_code == 404
    assert client.get(url("explanation", assessment.pk)).status_code == 404
    result = url("unit_result", setup_period.pk, personas["unit_a"].pk)
    assert client.get(result).status_code == 404
    client.force_login(personas["home_affairs"])
    assert client.get(url("self_assessment", assessment.pk)).status_code == 200


def test_the_new_page_starts_from_the_latest_opened_year_and_a_free_year(
    client, personas, source, setup_period
):
    """2027 is already being set up: the page offers 2026 as the source and 2028 as the year."""
    client.force_login(personas["home_affairs"])
    page = client.get(url("setup_period_new")).content.decode()
    assert f'<option value="{source.pk}" selected>' in page
    assert 'value="2028"' in page


def test_deadlines_are_shown_and_typed_as_dd_mm_yyyy(client, personas, setup_period):
    client.force_login(personas["home_affairs"])
    page = client.get(url("setup_period", setup_period.pk)).content.decode()
    shown = timezone.localtime(setup_period.self_assessment_deadline).strftime("%d/%m/%Y %H:%M")
    assert f'value="{shown}"' in page
    response = client.post(
        url("setup_period_deadlines", setup_period.pk),
        {"self_assessment_deadline": "15/12/2027", "appraisal_deadline": "20/12/2027 17:00"},
    )
    assert response.status_code == 302
    setup_period.refresh_from_db()
    assert timezone.localtime(setup_period.self_assessment_deadline).strftime("%H:%M") == "23:59"
    assert timezone.localtime(setup_period.appraisal_deadline).strftime("%d/%m %H:%M") == (
        "20/12 17:00"
    )


def test_a_deadline_sent_back_as_shown_is_not_a_change(client, personas, source):
    """15/12 23:59:59 is shown as 23:59; saving the page as it is changes nothing and tells
    nobody, even once the period is open."""
    source.self_assessment_deadline = timezone.now().replace(second=59) + timedelta(days=3)
    source.save()
    client.force_login(personas["home_affairs"])
    shown = timezone.localtime(source.self_assessment_deadline).strftime("%d/%m/%Y %H:%M")
    response = client.post(
        url("setup_period_deadlines", source.pk), {"self_assessment_deadline": shown}
    )
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(field="self_assessment_deadline").exists()
