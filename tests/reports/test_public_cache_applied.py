"""The public pages and the API are served from the public cache: the second reader of an
answer costs no query, and a new publication is seen by the next one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _addresses(data):
    period = data["p2025"].pk
    return [
        reverse("public:landing"),
        reverse("public:period", args=[period]),
        reverse("public:ranking", args=[period, "so"]),
        reverse("public:unit", args=[period, "A"]),
        "/api/",
        "/api/v1/periods",
        f"/api/v1/periods/{period}/groups/so/ranking",
        f"/api/v1/periods/{period}/units/A",
    ]


@pytest.mark.parametrize("index", range(8))
def test_the_second_reader_costs_no_query(client, open_data, index):
    address = _addresses(open_data)[index]
    first = client.get(address)
    assert first.status_code == 200 and first["X-Public-Cache"] == "miss", address
    with CaptureQueriesContext(connection) as queries:
        second = client.get(address)
    assert second.status_code == 200 and second["X-Public-Cache"] == "hit"
    assert second.content == first.content
    assert len(queries) == 0, [q["sql"][:80] for q in queries]


def test_a_signed_in_reader_gets_the_same_page(client, open_data):
    address = reverse("public:ranking", args=[open_data["p2025"].pk, "so"])
    anonymous = client.get(address)
    client.force_login(open_data["staff_a"])
    signed_in = client.get(address)
    assert signed_in.status_code == 200 and signed_in.get("X-Public-Cache") != "hit"
    # Their header is theirs (sign out), never the anonymous page kept in the cache.
    assert "Đăng xuất" in signed_in.content.decode()
    assert "Đăng xuất" not in anonymous.content.decode()
