"""What describes the open-data API: the page /api/ in Vietnamese (resources, real example
links, the terms of use), the OpenAPI schema, and interactive docs that load nothing from
another server."""

import re

import pytest
from django.contrib.staticfiles import finders

API = "/api/v1"
OPERATIONS = {
    "/api/v1/periods",
    "/api/v1/periods/{period_id}",
    "/api/v1/periods/{period_id}/groups/{group_code}/ranking",
    "/api/v1/periods/{period_id}/units",
    "/api/v1/periods/{period_id}/units/{unit_code}",
    "/api/v1/units/{unit_code}/history",
}
LISTS = {
    "/api/v1/periods",
    "/api/v1/periods/{period_id}/groups/{group_code}/ranking",
    "/api/v1/periods/{period_id}/units",
    "/api/v1/units/{unit_code}/history",
}


def test_the_api_page_describes_the_resources_in_vietnamese(client, open_data):
    response = client.get("/api/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1>Dữ liệu mở: kết quả đã công bố</h1>" in text
    for resource in OPERATIONS:
        shown = resource.removeprefix("/api/v1").replace("{period_id}", "{id}")
        shown = re.sub(r"\{(group|unit)_code\}", "{code}", shown)
        assert f"/api/v1{shown}" in text, shown
    assert 'href="/api/v1/openapi.json"' in text
    assert 'href="/api/v1/docs"' in text
    assert 'href="#terms"' in text and 'id="terms"' in text
    assert "ghi rõ nguồn" in text  # the terms: reuse freely, name the source
    assert "Điều khoản sử dụng" in text


def test_the_api_page_examples_are_real_published_data(client, open_data):
    text = client.get("/api/").content.decode()
    section = text.split("<h3>Ví dụ</h3>")[1].split("</section>")[0]
    examples = re.findall(r'<a href="(/api/v1/[^"]+)">', section)
    p2025 = open_data["p2025"].pk
    assert examples == [
        f"{API}/periods",
        f"{API}/periods/{p2025}",
        f"{API}/periods/{p2025}/groups/so/ranking",
        f"{API}/periods/{p2025}/groups/so/ranking?format=csv",
        f"{API}/periods/{p2025}/units/C",
        f"{API}/units/C/history?organiser=org-main",
    ]
    for example in examples:
        assert client.get(example).status_code == 200, example


def test_the_api_page_without_any_publication(client, db):
    response = client.get("/api/")
    assert response.status_code == 200
    assert "Chưa có kỳ đánh giá nào được công bố." in response.content.decode()


def test_the_schema_lists_every_resource_and_its_formats(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] == "Dữ liệu mở Chỉ số CCHC"
    assert "4 chữ số thập phân" in schema["info"]["description"]
    assert set(schema["paths"]) == OPERATIONS
    for address, methods in schema["paths"].items():
        assert set(methods) == {"get"}, address
        responses = methods["get"]["responses"]
        assert set(responses) == {"200", "304", "400", "404", "422"}, address
        content = set(responses["200"]["content"])
        assert content == (
            {"application/json", "text/csv"} if address in LISTS else {"application/json"}
        ), address
    fields = schema["components"]["schemas"]["RankingLineOut"]["properties"]
    assert {
        "rank",
        "rank_of",
        "rank_text",
        "unit_code",
        "unit_name",
        "index",
        "band",
        "rank_change",
        "index_change",
        "previous_combined",
        "never_submitted",
        "areas",
    } <= set(fields)
    # How decimals are written is in the schema itself.
    ratio = fields["index"]["anyOf"][0]
    assert ratio["type"] == "string" and ratio["pattern"] == r"^-?(0|[1-9][0-9]*)\.[0-9]{4}$"
    points = schema["components"]["schemas"]["UnitResultOut"]["properties"]["total_points"]
    assert points["type"] == "string" and "không có số 0 thừa" in points["description"]


@pytest.mark.parametrize("address", [f"{API}/docs", "/api/"])
def test_the_docs_load_nothing_from_another_server(client, db, address):
    text = client.get(address).content.decode()
    assets = re.findall(r'(?:src|href)="([^"#]+)"', text)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), asset  # this server's own address, no CDN
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
    if address.endswith("/docs"):
        assert '"validatorUrl": null' in text  # Swagger UI fetches no badge from swagger.io
        assert "/static/ninja/swagger-ui-bundle.js" in assets
