"""The period dashboard's completeness table (issue 13): survey items entered / expected and
data items fed / expected per unit, with the totals, the "chỉ đơn vị còn thiếu" filter and
pages; who sees it; and a number of queries that does not grow with the units."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import DataFigure, DataSet, SurveyResult
from scoring.views.results import ROWS_PER_PAGE
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    OrganiserFactory,
    PeriodFactory,
    RoleGrantFactory,
    UnitFactory,
    data_item,
    small_tree,
    survey_branch,
)
from units.roles import Role

D = Decimal


@pytest.fixture
def period_setup(personas):
    period = PeriodFactory(organiser=personas["organiser"], year=2026)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    survey = survey_branch(index_set, max_points=D("4"))
    fed = data_item(index_set, tree["criterion"])
    a = AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    AssessmentFactory(period=period, unit=personas["unit_b"], index_set=index_set)
    data_set = DataSet.objects.create(period=period, source="766", as_of=date(2026, 11, 30))
    # Unit A is complete; unit B has neither its survey nor its figure.
    SurveyResult.objects.create(assessment=a, item=survey, answer_counts={"A": 3})
    DataFigure.objects.create(assessment=a, item=fed, data_set=data_set, figure=D("87.5"))
    return {
        **personas,
        "period": period,
        "index_set": index_set,
        "data_set": data_set,
        "fed": fed,
        "survey": survey,
    }


def dashboard(client, period, **params):
    return client.get(reverse("scoring:period_dashboard", args=[period.pk]), params)


def section(html: str) -> str:
    return html.split("data-completeness>")[1].split("</section>")[0]


def unit_row(html: str, code: str) -> str:
    return section(html).split(f'data-completeness-unit="{code}"')[1].split("</tr>")[0]


def test_home_affairs_sees_each_unit_entered_against_expected_with_the_totals(client, period_setup):
    client.force_login(period_setup["home_affairs"])
    html = dashboard(client, period_setup["period"]).content.decode()
    assert "Tình hình nhập điều tra xã hội học và số liệu" in html
    row_a, row_b = unit_row(html, "A"), unit_row(html, "B")
    assert ">1/1<" in row_a and "—" in row_a
    assert row_b.count(">0/1<") == 2
    assert "2.1.1" in row_b and "1.1.3" in row_b  # what is missing, by code
    totals = section(html).split("data-completeness-totals")[1].split("</p>")[0]
    assert "đã nhập 1/2" in totals and "đã có 1/2" in totals
    assert "1/2 đơn vị còn thiếu" in totals
    assert "<tfoot>" in section(html) and ">1/2<" in section(html).split("<tfoot>")[1]


def test_the_filter_keeps_only_the_units_still_missing_something(client, period_setup):
    client.force_login(period_setup["home_affairs"])
    html = dashboard(client, period_setup["period"], inputs="missing").content.decode()
    assert 'data-completeness-unit="B"' in section(html)
    assert 'data-completeness-unit="A"' not in section(html)
    assert 'name="inputs" value="missing" checked' in section(html)
    # Totals stay those of every unit.
    assert "đã nhập 1/2" in section(html)


def test_once_everything_is_entered_the_filter_says_so(client, period_setup):
    s = period_setup
    b = s["unit_b"].assessments.get(period=s["period"])
    SurveyResult.objects.create(assessment=b, item=s["survey"], points=D("3"))
    DataFigure.objects.create(assessment=b, item=s["fed"], data_set=s["data_set"], figure=D(90))
    client.force_login(s["home_affairs"])
    html = dashboard(client, s["period"], inputs="missing").content.decode()
    assert "Tất cả đơn vị đã có đủ kết quả điều tra xã hội học và số liệu." in section(html)
    assert "0/2 đơn vị còn thiếu" in section(html)


def test_a_set_without_survey_or_data_items_shows_no_table(client, personas):
    period = PeriodFactory(organiser=personas["organiser"], year=2026)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    small_tree(index_set)
    AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    client.force_login(personas["home_affairs"])
    assert "data-completeness>" not in dashboard(client, period).content.decode()


@pytest.mark.parametrize(
    ("persona", "status", "sees"),
    [
        ("home_affairs", 200, True),
        ("chair", 200, True),
        ("admin", 200, True),
        ("staff_a", 404, False),
        ("staff_b", 404, False),
        ("appraiser", 404, False),
        ("other_officer", 404, False),
        ("anonymous", 302, False),
    ],
)
def test_who_sees_the_completeness_table(client, period_setup, persona, status, sees):
    if persona == "other_officer":
        user = RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=OrganiserFactory()).user
        client.force_login(user)
    elif persona != "anonymous":
        client.force_login(period_setup[persona])
    before = (SurveyResult.objects.count(), DataFigure.objects.count())
    response = dashboard(client, period_setup["period"], inputs="missing")
    assert response.status_code == status
    if status == 302:
        assert "/login" in response["Location"] or "login" in response["Location"]
    assert ("data-completeness>" in response.content.decode()) == sees
    assert (SurveyResult.objects.count(), DataFigure.objects.count()) == before


def add_units(s, count: int, start: int) -> None:
    for n in range(start, start + count):
        unit = UnitFactory(
            code=f"X{n:04d}", kind=s["kind"], organiser=s["organiser"], name=f"Xã {n}"
        )
        AssessmentFactory(period=s["period"], unit=unit, index_set=s["index_set"])


def queries_of(client, period) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert dashboard(client, period).status_code == 200
    return len(captured)


def test_the_dashboard_queries_do_not_grow_with_the_units(client, period_setup):
    client.force_login(period_setup["home_affairs"])
    add_units(period_setup, 5, 0)
    few = queries_of(client, period_setup["period"])
    add_units(period_setup, ROWS_PER_PAGE + 10, 100)  # past one page of the table
    many = queries_of(client, period_setup["period"])
    assert many == few


def test_hundreds_of_units_are_shown_a_page_at_a_time(client, period_setup):
    client.force_login(period_setup["home_affairs"])
    add_units(period_setup, ROWS_PER_PAGE + 5, 0)
    first = section(dashboard(client, period_setup["period"]).content.decode())
    assert first.count("data-completeness-unit=") == ROWS_PER_PAGE
    assert "inputs_page=2" in first
    second = section(dashboard(client, period_setup["period"], inputs_page=2).content.decode())
    assert second.count("data-completeness-unit=") == 7  # A, B and the last five
