"""One national instance, two provinces, fully isolated. Province H is the demo (tỉnh Hòa An:
three years, published documents, an issued plan with a task's file, an inspection); province
B is the public portal's province (two published years, a correction, evidence), under its own
organiser with names found nowhere in H. Every persona of each — unit staff, appraiser, council
chair, Home Affairs — reads only its own province on its pages and exports, reaches none of the
other's ids (404), and the open-data API and public pages keep each period to its province."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.models import Report, ReportStatus
from scoring.models import Assessment, AssessmentPeriod, Evidence, Publication, RemediationPlan
from tests.factories import OrganiserFactory, RoleGrantFactory, UnitFactory, UnitKindFactory
from tests.reports.portal_fixtures import build_documents, portal_province  # noqa: F401
from units.models import Organiser, Unit, User
from units.roles import Role

pytestmark = pytest.mark.django_db

B_ORGANISER = "Sở Nội vụ tỉnh Bắc Thử"


@pytest.fixture
def personas(db):
    """The suite's personas (tests/conftest.py), under a province of their own: province B."""
    organiser = OrganiserFactory(code="org-bac-thu", name=B_ORGANISER)
    kind = UnitKindFactory()
    unit_a = UnitFactory(code="A", name="Sở Tư pháp tỉnh Bắc Thử", kind=kind, organiser=organiser)
    unit_b = UnitFactory(code="B", name="Sở Y tế tỉnh Bắc Thử", kind=kind, organiser=organiser)
    return {
        "organiser": organiser,
        "kind": kind,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "staff_a": RoleGrantFactory(role=Role.UNIT_STAFF, unit=unit_a).user,
        "staff_b": RoleGrantFactory(role=Role.UNIT_STAFF, unit=unit_b).user,
        "appraiser": RoleGrantFactory(
            role=Role.APPRAISER, organiser=organiser, area_codes="1, 2"
        ).user,
        "chair": RoleGrantFactory(role=Role.COUNCIL_CHAIR, organiser=organiser).user,
        "home_affairs": RoleGrantFactory(role=Role.HOME_AFFAIRS, organiser=organiser).user,
    }


@pytest.fixture
def provinces(personas, portal_province, settings):  # noqa: F811 (a fixture, by name)
    call_command("load_demo", stdout=io.StringIO())  # rendering off (portal_province)
    h = Organiser.objects.exclude(pk=personas["organiser"].pk).get()
    b = personas["organiser"]
    # B's latest published documents, rendered: their ids must not open for anyone of H.
    latest = Publication.objects.filter(period__organiser=personas["organiser"])
    build_documents(latest.order_by("-period__year", "-version").first(), unit_codes=("A",))
    h_people = {
        "staff": User.objects.get(username="sotuphap"),
        "appraiser": User.objects.get(username="thamdinh.tuphap"),
        "chair": User.objects.get(username="chutich.hd"),
        "home_affairs": User.objects.get(username="noivu"),
    }
    b_people = {
        "staff": personas["staff_a"],
        "appraiser": personas["appraiser"],
        "chair": personas["chair"],
        "home_affairs": personas["home_affairs"],
    }
    return {"H": (h, h_people), "B": (b, b_people)}


def names_only_in(organiser, other) -> set[str]:
    """Names of units (and the organiser) of one province that the other has nowhere."""
    own = set(Unit.objects.filter(organiser=organiser).values_list("name", flat=True))
    theirs = set(Unit.objects.filter(organiser=other).values_list("name", flat=True))
    theirs.add(other.name)  # "Sở Nội vụ" (a unit of H) is in "Sở Nội vụ tỉnh Bắc Thử"
    names = {name for name in own - theirs if not any(name in t for t in theirs)}
    if organiser.name != other.name:
        names.add(organiser.name)
    return names


def own_pages(organiser) -> list[str]:
    pages = ["/", reverse("scoring:inbox"), reverse("scoring:appraisal_queue")]
    pages += [reverse("scoring:plan_list"), reverse("scoring:task_list")]
    for period in AssessmentPeriod.objects.filter(organiser=organiser):
        pages += [
            reverse("scoring:period_dashboard", args=[period.pk]),
            reverse("scoring:council_progress", args=[period.pk]),
            reverse("reports:period", args=[period.pk]),
        ]
    return pages


def foreign_ids(organiser) -> list[str]:
    """Addresses of one province's own objects, by id."""
    urls = []
    for period in AssessmentPeriod.objects.filter(organiser=organiser):
        urls += [
            reverse("scoring:period_dashboard", args=[period.pk]),
            reverse("scoring:council_progress", args=[period.pk]),
            reverse("reports:period", args=[period.pk]),
            reverse("scoring:setup_period", args=[period.pk]),
        ]
    for assessment in Assessment.objects.filter(period__organiser=organiser)[:6]:
        urls += [
            reverse("scoring:self_assessment", args=[assessment.pk]),
            reverse("scoring:appraisal_review", args=[assessment.pk]),
            reverse("scoring:assessment_history", args=[assessment.pk]),
            reverse("scoring:assessment_history_export", args=[assessment.pk, "csv"]),
        ]
    for evidence in Evidence.objects.filter(assessment__period__organiser=organiser)[:6]:
        urls.append(reverse("scoring:evidence_file", args=[evidence.pk]))
    reports = Report.objects.filter(period__organiser=organiser).order_by("-status", "pk")
    assert reports.filter(status=ReportStatus.DONE).exists() or organiser.code != "org-bac-thu"
    for report in reports[:8]:
        urls += [
            reverse("reports:download", args=[report.pk]),
            reverse("reports:status", args=[report.pk]),
        ]
    for plan in RemediationPlan.objects.filter(period__organiser=organiser):
        urls.append(reverse("scoring:plan_detail", args=[plan.pk]))
    return urls


def body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":  # a workbook: its cells' text
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8", "replace")


def test_two_provinces_are_isolated(client, provinces):
    """One test over one build of both provinces (the demo takes a minute and more to load)."""
    for own, other in (("H", "B"), ("B", "H")):
        for role in ("staff", "appraiser", "chair", "home_affairs"):
            persona_sees_only_its_province(client, provinces, own, other, role)
    home_affairs_exports_hold_only_their_province(client, provinces)
    client.logout()
    the_open_data_api_keeps_each_period_to_its_province(client, provinces)


def persona_sees_only_its_province(client, provinces, own, other, role):
    organiser, people = provinces[own]
    other_organiser, _people = provinces[other]
    hidden = names_only_in(other_organiser, organiser)
    assert len(hidden) >= 2, hidden
    client.force_login(people[role])
    for url in own_pages(organiser):
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in {302, 403, 404}, (url, response.status_code)
            continue
        text = body(response)
        leaked = [name for name in hidden if name in text]
        assert not leaked, (own, role, url, leaked)
    for url in foreign_ids(other_organiser):
        assert client.get(url).status_code in {403, 404}, (own, role, url)
    # Writes on the other province's ids change nothing.
    period = AssessmentPeriod.objects.filter(organiser=other_organiser).first()
    before = (AssessmentPeriod.objects.get(pk=period.pk).status, Report.objects.count())
    for name in ("scoring:period_publish", "scoring:period_advance", "reports:period"):
        answer = client.post(reverse(name, args=[period.pk]), {"kind": "ranking_pdf"})
        assert answer.status_code in {403, 404}, name
    assert (AssessmentPeriod.objects.get(pk=period.pk).status, Report.objects.count()) == before


def home_affairs_exports_hold_only_their_province(client, provinces):
    for own, other in (("H", "B"), ("B", "H")):
        organiser, people = provinces[own]
        hidden = names_only_in(provinces[other][0], organiser)
        client.force_login(people["home_affairs"])
        exports = [reverse("scoring:setup_units"), reverse("scoring:setup_accounts")]
        for period in AssessmentPeriod.objects.filter(organiser=organiser):
            exports += [
                reverse("scoring:survey_template", args=[period.pk]),
                reverse("scoring:data_template", args=[period.pk]),
            ]
        done = Report.objects.filter(period__organiser=organiser, status=ReportStatus.DONE)
        exports += [
            reverse("reports:download", args=[r.pk]) for r in done if r.file_name.endswith(".xlsx")
        ]
        for url in exports:
            response = client.get(url)
            assert response.status_code == 200, url
            leaked = [name for name in hidden if name in body(response)]
            assert not leaked, (url, leaked)


def the_open_data_api_keeps_each_period_to_its_province(client, provinces):
    answer = client.get("/api/v1/periods?limit=1000").json()
    by_organiser = {}
    for period in answer["results"]:
        by_organiser.setdefault(period["organiser_code"], []).append(period["id"])
    h, b = provinces["H"][0], provinces["B"][0]
    assert set(by_organiser) == {h.code, b.code}
    for organiser in (h, b):  # ?organiser= gives that province's periods only
        only = client.get(f"/api/v1/periods?organiser={organiser.code}&limit=1000").json()
        assert sorted(p["id"] for p in only["results"]) == sorted(by_organiser[organiser.code])
        assert {p["organiser_code"] for p in only["results"]} == {organiser.code}
    assert client.get("/api/v1/periods?organiser=no-such-province").json()["results"] == []
    for own, other in ((h, b), (b, h)):
        hidden = names_only_in(other, own)
        other_codes = set(Unit.objects.filter(organiser=other).values_list("code", flat=True))
        own_codes = set(Unit.objects.filter(organiser=own).values_list("code", flat=True))
        for period_id in by_organiser[own.code]:
            assert AssessmentPeriod.objects.get(pk=period_id).organiser == own
            for url in (
                f"/api/v1/periods/{period_id}",
                f"/api/v1/periods/{period_id}/units?limit=1000",
                f"/api/v1/periods/{period_id}/units?limit=1000&fmt=csv",
                reverse("public:period", args=[period_id]),
            ):
                response = client.get(url)
                assert response.status_code == 200, url
                leaked = [name for name in hidden if name in body(response)]
                assert not leaked, (url, leaked)
            for code in sorted(other_codes - own_codes)[:5]:
                response = client.get(f"/api/v1/periods/{period_id}/units/{code}")
                assert response.status_code == 404, (period_id, code)
        # A unit's history asked for under its own organiser reads that province only.
        code = sorted(own_codes - other_codes)[0] if own_codes - other_codes else None
        if code:
            response = client.get(f"/api/v1/units/{code}/history?organiser={other.code}")
            assert response.status_code == 404, code
