"""Small builders for files the tests import."""

import io

from openpyxl import Workbook


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows: list[list], *, delimiter=",", bom=True) -> bytes:
    import csv

    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


CONTROL_REFUSED = "Nội dung gửi lên có ký tự điều khiển"


def assert_control_refused(response) -> None:
    """The portal's one refusal of a control character in a query or in what was posted
    (parindex.middleware): 400 with the Vietnamese message, as a page or as JSON."""
    assert response.status_code == 400, response.status_code
    if response["Content-Type"].startswith("application/json"):
        text = response.json()["message"]
    else:
        text = response.content.decode()
    assert CONTROL_REFUSED in text, text[:2000]
