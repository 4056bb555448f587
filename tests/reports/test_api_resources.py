"""What the open-data API answers is what was published, at its latest version, and nothing
else: every resource against the frozen PublishedUnitResult rows, numbers written as the
schema says, history across a merger, unpublished periods 404, and a crawl of every link the
API gives that finds no self-assessed score, council reason, explanation or evidence."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from scoring.models import PublishedUnitResult
from tests.factories import UnitFactory
from tests.reports.open_data_fixtures import FORMULA_NAME, PLANTED

D = Decimal
API = "/api/v1"


def get(client, address, status=200):
    response = client.get(address)
    assert response.status_code == status, (address, response.content[:300])
    return response.json()


def ratio(value: Decimal) -> str:
    return str(value.quantize(D("0.0001"), rounding=ROUND_HALF_UP))


def test_periods_lists_the_published_ones_at_their_latest_version(client, open_data):
    body = get(client, f"{API}/periods")
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    newest, oldest = body["results"]
    assert newest == {
        "id": open_data["p2025"].pk,
        "year": 2025,
        "name": "Chỉ số CCHC năm 2025",
        "organiser_code": "org-main",
        "organiser_name": "Sở Nội vụ tỉnh Hòa An",
        "version": 2,
        "published_at": "2026-03-20T09:00:00+07:00",
        "decision_number": "",
        "decision_date": None,
        "document_number": "",
        "url": f"http://testserver{API}/periods/{open_data['p2025'].pk}",
    }
    assert (oldest["year"], oldest["version"]) == (2024, 1)


def test_periods_of_one_organiser(client, open_data):
    """One instance for many provinces: ?organiser= keeps one province's periods."""
    assert get(client, f"{API}/periods?organiser=org-main")["count"] == 2
    assert get(client, f"{API}/periods?organiser=org-other")["results"] == []
    get(client, f"{API}/periods?organiser=../x", status=422)


def test_a_period_lists_its_versions_and_ranking_groups(client, open_data):
    body = get(client, f"{API}/periods/{open_data['p2025'].pk}")
    assert [(v["version"], v["published_at"]) for v in body["versions"]] == [
        (2, "2026-03-20T09:00:00+07:00"),
        (1, "2026-03-02T09:00:00+07:00"),
    ]
    groups = {group["code"]: group for group in body["groups"]}
    assert list(groups) == ["so", "xa"]
    assert groups["so"] == {
        "code": "so",
        "name": "Sở, ngành",
        "size": 3,
        "average_index": "83.3333",  # (100 + 83.33… + 66.66…) / 3, version 2
        "areas": [{"code": "1", "name": "Công tác chỉ đạo, điều hành"}],
        "ranking_url": f"http://testserver{API}/periods/{open_data['p2025'].pk}/groups/so/ranking",
    }
    assert groups["xa"]["size"] == 2
    assert body["unranked_units"] == 1
    assert body["units_url"].endswith(f"/periods/{open_data['p2025'].pk}/units")


def test_the_ranking_is_the_latest_publication_line_by_line(client, open_data):
    period = open_data["p2025"]
    body = get(client, f"{API}/periods/{period.pk}/groups/so/ranking")
    lines = body["results"]
    assert [
        (line["rank_text"], line["unit_code"], line["index"], line["band"]) for line in lines
    ] == [
        ("01/3", "C", "100.0000", "Tốt"),  # 3/3 after the correction (1.75/3 in version 1)
        ("02/3", "A", "83.3333", "Tốt"),
        ("03/3", "B", "66.6667", "Khá"),
    ]
    a, b = lines[1], lines[2]
    assert (a["rank_change"], a["index_change"]) == (0, "16.6667")  # 2024: 02/2, 66.67%
    assert (b["rank_change"], b["index_change"]) == (-2, "-33.3333")  # 2024: 01/2, 100%
    assert lines[0]["unit_name"] == FORMULA_NAME  # JSON is not a spreadsheet: kept as is
    assert a["areas"] == [{"code": "1", "name": "Công tác chỉ đạo, điều hành", "index": "83.3333"}]
    for line in lines:
        frozen = PublishedUnitResult.objects.get(
            publication=open_data["v2025"], unit_code=line["unit_code"]
        )
        assert (line["rank"], line["rank_of"], line["unit_name"], line["band"]) == (
            frozen.rank,
            frozen.rank_of,
            frozen.unit_name,
            frozen.band,
        )
        assert line["index"] == ratio(frozen.total_points * 100 / frozen.max_points)
        assert line["never_submitted"] is frozen.never_submitted
        assert line["previous_combined"] is frozen.previous_combined
        assert line["unit_url"].endswith(f"/periods/{period.pk}/units/{frozen.unit_code}")


def test_a_merged_commune_compares_with_the_units_it_replaced(client, open_data):
    body = get(client, f"{API}/periods/{open_data['p2025'].pk}/groups/xa/ranking")
    merged = body["results"][0]
    # 2024: Tân An 1 + Hòa Lợi 2.5 of 6 points = 58.33%; no rank to compare with.
    assert (merged["unit_code"], merged["previous_combined"]) == ("M", True)
    assert (merged["rank_change"], merged["index_change"]) == (None, "16.6667")


def test_every_unit_result_is_the_frozen_row_with_its_exact_points(client, open_data):
    period = open_data["p2025"]
    body = get(client, f"{API}/periods/{period.pk}/units")
    frozen = list(open_data["v2025"].unit_results.order_by("position"))
    assert body["count"] == len(frozen) == 6
    assert [r["unit_code"] for r in body["results"]] == [row.unit_code for row in frozen]
    for result, row in zip(body["results"], frozen, strict=True):
        for field in (
            "max_points",
            "direct_points",
            "survey_points",
            "bonus_points",
            "penalty_points",
            "total_points",
        ):
            text = result[field]
            # The stored value exactly, with no trailing zeros ("2.5", not "2.50000000").
            assert D(text) == getattr(row, field), field
            assert text == "0" or not text.endswith("0") or "." not in text
        assert (result["unit_name"], result["kind_code"], result["group_code"]) == (
            row.unit_name,
            row.kind_code,
            row.group_code,
        )
        assert (result["rank"], result["rank_of"], result["band"]) == (
            row.rank,
            row.rank_of,
            row.band,
        )
        assert result["index"] == ratio(row.total_points * 100 / row.max_points)
    office = body["results"][-1]
    assert (office["unit_code"], office["group_code"], office["rank"], office["rank_text"]) == (
        "U",
        "",
        None,
        "",
    )
    corrected = body["results"][0]
    assert (corrected["unit_code"], corrected["total_points"]) == ("C", "3")


def test_a_unit_shows_its_areas_and_final_points_lost(client, open_data):
    period = open_data["p2025"]
    body = get(client, f"{API}/periods/{period.pk}/units/A")
    assert (body["rank_text"], body["index"], body["total_points"], body["band"]) == (
        "02/3",
        "83.3333",
        "2.5",
        "Tốt",
    )
    assert (body["period_id"], body["year"], body["version"], body["group_size"]) == (
        period.pk,
        2025,
        2,
        3,
    )
    assert body["areas"] == [
        {
            "code": "1",
            "name": "Công tác chỉ đạo, điều hành",
            "max_points": "3",
            "points": "2.5",
            "index": "83.3333",
            "group_average": "83.3333",
            "group_best": "100.0000",
        }
    ]
    # 1.1.2: final 1.5 of 2 (the unit claimed 1.9375, the first round gave 1.8125).
    assert body["lost_items"] == [
        {
            "code": "1.1.2",
            "name": "Xử lý vấn đề phát hiện",
            "max_points": "2",
            "points": "1.5",
            "lost": "0.5",
        }
    ]
    assert body["history_url"] == "http://testserver/api/v1/units/A/history?organiser=org-main"
    office = get(client, f"{API}/periods/{period.pk}/units/U")
    assert (office["group_size"], office["rank"], office["areas"][0]["group_average"]) == (
        None,
        None,
        None,
    )


def test_history_follows_the_predecessor_rule(client, open_data):
    body = get(client, f"{API}/units/M/history")
    assert body["count"] == 2
    before, after = body["results"]
    assert before == {
        "year": 2024,
        "period_id": open_data["p2024"].pk,
        "version": 1,
        "group_name": "",
        "rank": None,
        "rank_of": None,
        "rank_text": "",
        "index": "58.3333",
        "band": "",
        "stands_for": ["Xã Hòa Lợi", "Xã Tân An"],
        "combined": True,
        "period_url": f"http://testserver{API}/periods/{open_data['p2024'].pk}",
    }
    assert (after["year"], after["version"], after["rank_text"], after["index"]) == (
        2025,
        2,
        "01/2",
        "75.0000",
    )
    assert (after["stands_for"], after["combined"], after["band"]) == ([], False, "Khá")
    own = get(client, f"{API}/units/A/history?organiser=org-main")["results"]
    assert [(p["year"], p["rank_text"]) for p in own] == [(2024, "02/2"), (2025, "02/3")]


@pytest.mark.parametrize(
    "address",
    [
        "/periods/{p2026}",
        "/periods/{p2026}/units",
        "/periods/{p2026}/units/A",
        "/periods/{p2026}/groups/so/ranking",
        "/periods/999999",
        "/periods/{p2025}/groups/nope/ranking",
        "/periods/{p2025}/units/X",  # merged away in 2024: no 2025 result
        "/periods/{p2025}/units/NOPE",
        "/units/NOPE/history",
        "/units/A/history?organiser=nope",
        "/v2/periods",
        "/periods/",
    ],
)
def test_what_is_not_published_is_not_found(client, open_data, address):
    address = address.format(p2025=open_data["p2025"].pk, p2026=open_data["p2026"].pk)
    response = client.get(f"{API}{address}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]  # a sentence, in Vietnamese (tests/reports/test_api_http)
    assert "Cache-Control" not in response


def test_a_unit_only_in_an_unpublished_period_has_no_history(client, open_data):
    UnitFactory(code="NEW", kind=open_data["kind"], organiser=open_data["organiser"])
    assert client.get(f"{API}/units/NEW/history").status_code == 404


def _links(value):
    """Every address of the API inside an answer."""
    if isinstance(value, dict):
        for inner in value.values():
            yield from _links(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _links(inner)
    elif isinstance(value, str) and value.startswith("http://testserver/api/"):
        yield value.removeprefix("http://testserver")


def test_a_crawl_of_every_link_finds_only_the_published_snapshot(client, open_data):
    latest = {open_data["p2024"].pk: open_data["v2024"], open_data["p2025"].pk: open_data["v2025"]}
    frozen = {
        (period_id, row.unit_code): row
        for period_id, publication in latest.items()
        for row in publication.unit_results.all()
    }
    seen, queue = set(), [f"{API}/periods"]
    while queue:
        address = queue.pop()
        if address in seen:
            continue
        seen.add(address)
        response = client.get(address)
        assert response.status_code == 200, address
        text = response.content.decode()
        for planted in PLANTED:
            assert planted not in text, (planted, address)
        body = response.json()
        if "count" in body:  # a list: its CSV too
            csv_text = client.get(address + ("&" if "?" in address else "?") + "format=csv")
            for planted in PLANTED:
                assert planted not in csv_text.content.decode("utf-8-sig"), (planted, address)
        for result in body.get("results", [body]):
            period_id = result.get("period_id", result.get("id"))
            if period_id is None:  # a ranking line or a unit of a period's list
                period_id = int(address.split("/periods/")[1].split("/")[0])
            assert period_id in latest, address
            if "total_points" in result:
                row = frozen[(period_id, result["unit_code"])]
                assert D(result["total_points"]) == row.total_points, address
        queue.extend(link for link in _links(body) if link not in seen)
    # Every resource was reached: periods, both periods, three rankings, six + five units,
    # their histories.
    assert {address.split("?")[0].rsplit("/", 1)[-1] for address in seen} >= {
        "periods",
        "ranking",
        "units",
        "history",
    }
    assert sum("/units/" in a and "/periods/" in a for a in seen) == 5 + 6
