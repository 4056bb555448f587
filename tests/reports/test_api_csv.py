"""format=csv gives a list's rows as a file Excel opens in Vietnamese: UTF-8 with a byte-order
mark, the JSON's field names (areas one column each), the same values, and no cell that a
spreadsheet would run as a formula."""

import csv
import io

import pytest
from openpyxl import Workbook

from tests.reports.open_data_fixtures import FORMULA_NAME

API = "/api/v1"


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())  # Excel reads UTF-8 only with a BOM
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def flat(result: dict) -> dict:
    """A JSON result as the CSV writes it."""
    row = {}
    for key, value in result.items():
        if key == "areas":
            row.update({f"areas.{area['code']}.index": area["index"] or "" for area in value})
        elif isinstance(value, list):
            row[key] = "; ".join(value)
        elif isinstance(value, bool):
            row[key] = "true" if value else "false"
        else:
            row[key] = "" if value is None else str(value)
    return row


@pytest.mark.parametrize(
    ("address", "filename"),
    [
        ("/periods", "periods.csv"),
        ("/periods/{p2025}/groups/so/ranking", "parindex-2025-so-ranking.csv"),
        ("/periods/{p2025}/units", "parindex-2025-units.csv"),
        ("/units/M/history", "parindex-M-history.csv"),
    ],
)
def test_csv_has_the_same_rows_and_field_names_as_json(client, open_data, address, filename):
    address = API + address.format(p2025=open_data["p2025"].pk)
    results = client.get(address).json()["results"]
    response = client.get(address, {"format": "csv"})
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    rows = read_csv(response)
    assert len(rows) == len(results) > 0
    for row, result in zip(rows, results, strict=True):
        expected = flat(result)
        if expected.get("unit_name") == FORMULA_NAME:
            expected["unit_name"] = "'" + FORMULA_NAME
        assert row == expected


def test_a_name_that_looks_like_a_formula_stays_text_in_a_spreadsheet(client, open_data):
    response = client.get(f"{API}/periods/{open_data['p2025'].pk}/units", {"format": "csv"})
    rows = read_csv(response)
    named = next(row for row in rows if row["unit_code"] == "C")
    assert named["unit_name"] == "'" + FORMULA_NAME
    # Opened in a spreadsheet, the cell is text, not a HYPERLINK formula; numbers stay numbers,
    # a negative change included.
    sheet = Workbook().active
    for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))):
        sheet.append(row)
    cells = [cell for cell in sheet["B"] if cell.value and "HYPERLINK" in cell.value]
    assert [cell.data_type for cell in cells] == ["s"]
    b = next(row for row in rows if row["unit_code"] == "B")
    assert (b["index_change"], b["rank_change"]) == ("-33.3333", "-2")


def test_an_empty_page_still_has_its_header_row(client, open_data):
    response = client.get(
        f"{API}/periods/{open_data['p2025'].pk}/units", {"format": "csv", "offset": "50"}
    )
    text = response.content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:4] == ["unit_code", "unit_name", "kind_code", "group_code"]
    assert text.count("\n") == 1


def test_a_csv_page_links_to_the_next_one(client, open_data):
    response = client.get(
        f"{API}/periods/{open_data['p2025'].pk}/units", {"format": "csv", "limit": "2"}
    )
    assert len(read_csv(response)) == 2
    assert response["Link"] == (
        f"<http://testserver{API}/periods/{open_data['p2025'].pk}/units"
        '?format=csv&limit=2&offset=2>; rel="next"'
    )
