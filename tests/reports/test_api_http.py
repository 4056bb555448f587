"""The open-data API over HTTP: strong ETags derived from the publications an answer depends
on (304 while nothing new is published), public cache headers, pagination edges, bad input
answered in Vietnamese (never a 500), read-only methods, and the same public answer for
everyone, signed in or not."""

from decimal import Decimal

import pytest

from scoring.models import Assessment, Score
from scoring.services.publication import period_publish
from scoring.workflow import AssessmentStatus

API = "/api/v1"
ROLES = ("staff_a", "staff_b", "appraiser", "chair", "home_affairs", "admin")


def addresses(data) -> list[str]:
    p2025 = data["p2025"].pk
    return [
        f"{API}/periods",
        f"{API}/periods?format=csv",
        f"{API}/periods/{p2025}",
        f"{API}/periods/{p2025}/groups/so/ranking",
        f"{API}/periods/{p2025}/groups/xa/ranking?format=csv",
        f"{API}/periods/{p2025}/units",
        f"{API}/periods/{p2025}/units/A",
        f"{API}/units/M/history?organiser=org-main",
        f"{API}/units/M/history?format=csv",
    ]


# ---------------------------------------------------------------- caching


def test_every_answer_carries_a_strong_etag_and_public_cache_headers(client, open_data):
    etags = set()
    for address in addresses(open_data):
        response = client.get(address)
        assert response.status_code == 200, address
        etag = response["ETag"]
        assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
        assert response["Cache-Control"] == "public, max-age=300"
        assert client.get(address)["ETag"] == etag  # the same answer, the same tag
        etags.add(etag)
    assert len(etags) == len(addresses(open_data))  # JSON and CSV, each URL its own


def test_if_none_match_answers_304_without_a_body(client, open_data):
    address = f"{API}/periods/{open_data['p2025'].pk}/groups/so/ranking"
    etag = client.get(address)["ETag"]
    response = client.get(address, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert (response["ETag"], response["Cache-Control"]) == (etag, "public, max-age=300")
    # A list of tags, or the weak form a proxy may send, matches too; another tag does not.
    listed = client.get(address, headers={"If-None-Match": f'"other", W/{etag}'})
    assert listed.status_code == 304
    assert client.get(address, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("max_age", [60, 3600])
def test_the_max_age_is_a_setting(client, open_data, settings, max_age):
    settings.PARINDEX_PUBLIC_MAX_AGE = max_age
    assert client.get(f"{API}/periods")["Cache-Control"] == f"public, max-age={max_age}"


def _republish_2025():
    """A further correction: unit B's 1.1.1 is worth 1 — version 3."""
    period = Assessment.objects.get(unit__code="B", period__year=2025).period
    Assessment.objects.filter(period=period, unit__code="B").update(
        status=AssessmentStatus.APPRAISED
    )
    Score.objects.filter(
        assessment__period=period, assessment__unit__code="B", item__code="1.1.1"
    ).update(final_points=Decimal("1"))
    return period_publish(period=period, reason="Sửa điểm tiêu chí 1.1.1 của đơn vị B")


def test_a_republication_changes_the_etag_of_what_depends_on_it_only(client, open_data):
    p2024, p2025 = open_data["p2024"].pk, open_data["p2025"].pk
    watched = {
        "periods": f"{API}/periods",
        "2025": f"{API}/periods/{p2025}",
        "2025 ranking": f"{API}/periods/{p2025}/groups/so/ranking",
        "2024": f"{API}/periods/{p2024}",
        "2024 unit": f"{API}/periods/{p2024}/units/B",
    }
    before = {name: client.get(address)["ETag"] for name, address in watched.items()}
    assert _republish_2025().version == 3
    after = {name: client.get(address)["ETag"] for name, address in watched.items()}
    changed = {name for name in watched if before[name] != after[name]}
    assert changed == {"periods", "2025", "2025 ranking"}
    # A client holding version 2's answer gets version 3, not 304.
    stale = client.get(watched["2025 ranking"], headers={"If-None-Match": before["2025 ranking"]})
    assert stale.status_code == 200
    # B has 3 of 3 points now: it shares the first rank with C.
    assert [(r["rank_text"], r["unit_code"]) for r in stale.json()["results"]] == [
        ("01/3", "B"),
        ("01/3", "C"),
        ("03/3", "A"),
    ]
    kept = client.get(watched["2024"], headers={"If-None-Match": before["2024"]})
    assert kept.status_code == 304


def test_renaming_a_period_changes_its_etag(client, open_data):
    address = f"{API}/periods/{open_data['p2025'].pk}"
    before = client.get(address)["ETag"]
    # Renamed as the set-up pages and the admin do it: saved, so the public cache hears of it.
    period = open_data["p2025"]
    period.name = "Chỉ số CCHC năm 2025 (đã sửa tên)"
    period.save(update_fields=["name"])
    response = client.get(address, headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.json()["name"] == "Chỉ số CCHC năm 2025 (đã sửa tên)"


# ---------------------------------------------------------------- pagination


def test_following_next_walks_every_result_once_and_previous_walks_back(client, open_data):
    address = f"{API}/periods/{open_data['p2025'].pk}/units"
    everything = [r["unit_code"] for r in client.get(address).json()["results"]]
    page = client.get(address, {"limit": "2"}).json()
    assert (page["count"], page["previous"]) == (6, None)
    walked, pages = [], [page]
    while True:
        walked += [r["unit_code"] for r in page["results"]]
        if page["next"] is None:
            break
        page = client.get(page["next"].removeprefix("http://testserver")).json()
        pages.append(page)
    assert walked == everything
    assert len(pages) == 3
    back = client.get(pages[-1]["previous"].removeprefix("http://testserver")).json()
    assert back["results"] == pages[1]["results"]


@pytest.mark.parametrize(
    ("query", "codes", "previous_offset"),
    [
        ({"limit": "1000"}, ["C", "A", "B", "M", "N", "U"], None),
        ({"limit": "1", "offset": "5"}, ["U"], 4),
        ({"limit": "4", "offset": "6"}, [], 2),  # past the end: back to the last full page
        ({"limit": "2", "offset": "1000000"}, [], 4),
    ],
)
def test_pages_at_the_edges(client, open_data, query, codes, previous_offset):
    body = client.get(f"{API}/periods/{open_data['p2025'].pk}/units", query).json()
    assert [r["unit_code"] for r in body["results"]] == codes
    assert body["count"] == 6 and body["next"] is None
    if previous_offset is None:
        assert body["previous"] is None
    else:
        assert f"offset={previous_offset}" in body["previous"]


# ---------------------------------------------------------------- bad input

HUGE = "9" * 10_000


@pytest.mark.parametrize(
    ("address", "parameter", "message"),
    [
        ("/periods?limit=0", "limit", "phải từ 1 trở lên."),
        ("/periods?limit=-1", "limit", "phải từ 1 trở lên."),
        ("/periods?limit=1001", "limit", "không được lớn hơn 1000."),
        ("/periods?limit=abc", "limit", "phải là một số nguyên."),
        ("/periods?limit=1.5", "limit", "phải là một số nguyên."),
        ("/periods?limit=", "limit", "phải là một số nguyên."),
        (f"/periods?limit={HUGE}", "limit", "phải là một số nguyên."),
        (f"/periods?offset={HUGE}", "offset", "phải là một số nguyên."),
        ("/periods?offset=1000001", "offset", "không được lớn hơn 1000000."),
        ("/periods?format=xml", "format", "phải là một trong các giá trị: 'json' or 'csv'."),
        ("/periods/0", "period_id", "phải từ 1 trở lên."),
        ("/periods/abc", "period_id", "phải là một số nguyên."),
        (f"/periods/{HUGE}", "period_id", "phải là một số nguyên."),
        ("/periods/9223372036854775808", "period_id", "không được lớn hơn 9223372036854775807."),
        ("/periods/1/units/" + "A" * 33, "unit_code", "quá dài: tối đa 32 ký tự."),
        ("/periods/1/units/Sở", "unit_code", "không phải là một mã"),
        ("/periods/1/units/%00", "unit_code", "không phải là một mã"),
        ("/periods/1/groups/%00x/ranking", "group_code", "không phải là một mã"),
        ("/units/A/history?organiser=Sở", "organiser", "không phải là một mã"),
    ],
)
def test_bad_parameters_get_a_vietnamese_422(client, open_data, address, parameter, message):
    response = client.get(API + address)
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["detail"] == "Một số tham số không hợp lệ."
    assert [error["parameter"] for error in body["errors"]] == [parameter]
    assert body["errors"][0]["message"].startswith(message)


@pytest.mark.parametrize(
    "address",
    [
        "/periods?format=json%00",
        "/periods/{p2025}/units?limit=1%00",
        "/units/A/history?organiser=%00",
        "/periods?%00=1",
    ],
)
def test_a_control_character_in_the_query_gets_a_json_400(client, open_data, address):
    response = client.get(API + address.format(p2025=open_data["p2025"].pk))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["detail"].startswith("Địa chỉ có ký tự")


def test_not_found_is_said_in_vietnamese(client, open_data):
    assert client.get(f"{API}/periods/999").json()["detail"] == (
        "Không có kỳ đánh giá đã công bố nào mang mã số này."
    )
    assert client.get(f"{API}/nowhere").json()["detail"] == (
        "Không có tài nguyên dữ liệu mở nào ở địa chỉ này."
    )


# ---------------------------------------------------------------- who reads, and how


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_same_public_answer_as_anonymous(client, open_data, role):
    anonymous = {address: client.get(address) for address in addresses(open_data)}
    client.force_login(open_data[role])
    for address, expected in anonymous.items():
        response = client.get(address)
        assert (response.status_code, response.content) == (200, expected.content), address
        assert response["ETag"] == expected["ETag"]
        assert response["Cache-Control"] == "public, max-age=300"
        assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("role", (None, *ROLES))
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only_for_everyone(client, open_data, role, method):
    if role:
        client.force_login(open_data[role])
    for address in [*addresses(open_data), "/api/"]:
        response = getattr(client, method)(address, data={}, content_type="application/json")
        assert response.status_code == 405, (method, address)
        assert "GET" in response["Allow"]
