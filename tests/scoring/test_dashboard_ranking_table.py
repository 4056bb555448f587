"""The dashboard's results table names its areas: short name in the header, the full name in
the <abbr> title — not "Lĩnh vực 1"."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import Assessment
from tests.factories import survey_branch

AREA_2 = "Điều tra xã hội học, khảo sát sự hài lòng của người dân, tổ chức"


@pytest.fixture
def two_area_period(period_with_scores):
    index_set = Assessment.objects.filter(period=period_with_scores).first().index_set
    item = survey_branch(index_set, max_points=Decimal("2"))
    item.parent.parent.__class__.objects.filter(pk=item.parent.parent_id).update(name=AREA_2)
    return period_with_scores


def results_table(html: str) -> str:
    return re.search(r'<table class="table table--numbers table--results">.*?</table>', html, re.S)[
        0
    ]


def test_area_columns_carry_the_short_name_and_the_full_one(client, personas, two_area_period):
    client.force_login(personas["home_affairs"])
    response = client.get(reverse("scoring:period_dashboard", args=[two_area_period.pk]))
    table = results_table(response.content.decode())
    headers = re.findall(r'<th scope="col" class="col-area" data-area="(\d)">(.*?)</th>', table)
    assert headers == [
        ("1", '<abbr title="1. Công tác chỉ đạo, điều hành">1. Chỉ đạo, điều hành</abbr>'),
        ("2", f'<abbr title="2. {AREA_2}">2. Điều tra xã hội học</abbr>'),
    ]
    assert "Lĩnh vực 1" not in table and "Lĩnh vực 2" not in table
    # Every row has one value per area, under its header.
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", table, re.S)[1]
    assert first_row.count("<td") == 8 + 2 + 1


def test_the_table_scrolls_in_its_own_labelled_box(client, personas, period_with_scores):
    client.force_login(personas["chair"])
    html = client.get(reverse("scoring:period_dashboard", args=[period_with_scores.pk])).content
    html = html.decode()
    box = re.search(r"<div ([^>]*data-results-table[^>]*)>", html)[1]
    # role=region with a name and tabindex: a keyboard user can scroll it (axe:
    # scrollable-region-focusable), a screen reader hears which table it is.
    assert 'role="region"' in box and 'tabindex="0"' in box
    assert 'aria-label="Kết quả tạm tính: Sở, ngành"' in box
    assert "Kéo ngang" in html  # the hint shown on narrow screens
