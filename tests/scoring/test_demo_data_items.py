"""The demo province's data-fed item (issue 13): the departments' 3.6.1, the 766 index of the
national public-service portal, fed from a dated data set each year, with a few departments
still without their 2026 figure — seen by the unit and on the dashboard's completeness table."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

from scoring.demo_data.province import DATA_SOURCE_766, OPEN_YEAR_UNFED
from scoring.display import format_number
from scoring.models import Assessment, DataFigure, DataSet, IndexItem, Score
from scoring.selectors.inputs import period_inputs


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_feeds_the_766_index_from_data_and_leaves_gaps_in_the_open_year(demo, client):
    fed = IndexItem.objects.exclude(data_source="")
    assert set(
        fed.values_list("index_set__period__year", "index_set__unit_kind__code", "code")
    ) == {
        (2024, "department", "3.6.1"),
        (2025, "department", "3.6.1"),
        (2026, "department", "3.6.1"),
    }
    assert set(fed.values_list("data_source", flat=True)) == {DATA_SOURCE_766}
    assert not Score.objects.filter(item__in=fed).exists()  # no unit scored it

    for year in (2024, 2025, 2026):
        data_set = DataSet.objects.get(period__year=year)
        assert data_set.as_of.year == year and data_set.source == DATA_SOURCE_766
    departments = Assessment.objects.filter(unit__kind__code="department")
    for year in (2024, 2025):  # published: every department has its figure
        assert DataFigure.objects.filter(assessment__period__year=year).count() == (
            departments.filter(period__year=year).count()
        )
    unfed = set(
        departments.filter(period__year=2026)
        .exclude(data_figures__isnull=False)
        .values_list("unit__code", flat=True)
    )
    assert unfed == set(OPEN_YEAR_UNFED)
    current = departments.filter(period__year=2026).first().period
    inputs = period_inputs(period=current)
    assert inputs.data_expected - inputs.data_fed == len(OPEN_YEAR_UNFED)

    # The unit sees its figure; Home Affairs sees the gaps.
    assert client.login(request=HttpRequest(), username="sotuphap", password="parindex-demo")
    entry = Assessment.objects.get(period=current, unit__code="STP")
    html = client.get(reverse("scoring:self_assessment", args=[entry.pk])).content.decode()
    figure = DataFigure.objects.get(assessment=entry)
    shown = format_number(figure.figure, None)
    assert f"Số liệu từ {DATA_SOURCE_766}: {shown} (ngày {date(2026, 11, 30):%d/%m/%Y})" in html
    client.logout()
    assert client.login(request=HttpRequest(), username="noivu", password="parindex-demo")
    dashboard = client.get(
        reverse("scoring:period_dashboard", args=[current.pk]), {"inputs": "missing"}
    ).content.decode()
    table = dashboard.split("data-completeness>")[1].split("</section>")[0]
    for code in OPEN_YEAR_UNFED:
        assert f'data-completeness-unit="{code}"' in table
