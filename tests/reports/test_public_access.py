"""Who may read the public portal: everyone, signed in or not, the same pages — GET (and HEAD)
answer, any other method is refused (405). Signed-in unit staff find their own unit's published
results, their group's ranking and their scorecard from their home page."""

import pytest
from django.urls import reverse

from reports.models import ReportKind
from tests.reports.portal_fixtures import build_documents

PERSONAS = ("anonymous", "staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin")


def _urls(province, document):
    period = province.periods[2025].pk
    return {
        "landing": reverse("public:landing"),
        "period": reverse("public:period", args=[period]),
        "ranking": reverse("public:ranking", args=[period, "so"]),
        "unit": reverse("public:unit", args=[period, "A"]),
        "document": reverse("public:document", args=[document.pk]),
    }


@pytest.fixture
def document(portal_province):
    (ranking,) = build_documents(
        portal_province.publications[2025, 2], kinds=[ReportKind.RANKING_PDF]
    )
    return ranking


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", ["landing", "period", "ranking", "unit", "document"])
def test_every_persona_reads_and_nobody_writes(
    client, personas, portal_province, document, persona, view
):
    if persona != "anonymous":
        client.force_login(personas[persona])
    url = _urls(portal_province, document)[view]
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200
    for method in (client.post, client.put, client.delete):
        assert method(url).status_code == 405


def test_unit_staff_find_their_units_results_on_their_home_page(client, personas, portal_province):
    p = portal_province
    built = build_documents(p.publications[2025, 2], unit_codes=["A", "B"], kinds=())
    scorecards = {d.params["unit_code"]: d for d in built}
    client.force_login(personas["staff_a"])
    html = client.get(reverse("home")).content.decode()
    section = html.split("data-own-results")[1].split("</section>")[0]
    for year in (2025, 2024):
        period = p.periods[year].pk
        assert reverse("public:unit", args=[period, "A"]) in section
        assert reverse("public:ranking", args=[period, "so"]) in section
    assert reverse("public:document", args=[scorecards["A"].pk]) in section
    assert reverse("public:document", args=[scorecards["B"].pk]) not in section
    assert "Sở Y tế" not in section and "01/3" in section
    # The scorecard downloads for them as for anyone.
    response = client.get(reverse("public:document", args=[scorecards["A"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # Nothing of another period: the unpublished 2026 has no line.
    assert reverse("public:unit", args=[p.periods[2026].pk, "A"]) not in section


def test_other_roles_have_no_own_results_section(client, personas, portal_province):
    for persona in ("chair", "home_affairs", "appraiser"):
        client.force_login(personas[persona])
        html = client.get(reverse("home")).content.decode()
        assert "data-own-results" not in html
        assert reverse("public:landing") in html  # the header's link to the public results
