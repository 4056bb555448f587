"""Small builders for files the tests import."""

import io

from django.urls import reverse
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter


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


def pdf_bytes(title: str = "") -> bytes:
    """A well-formed one-page PDF (uploads are opened with pypdf); a different `title` gives a
    different file (another SHA-256)."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes(size=(4, 3)) -> bytes:
    """A small PNG that Pillow decodes."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def job_page_after(client, response):
    """The import job page an upload redirected to, or the upload's own answer (a refusal)."""
    if response.status_code == 302 and response["Location"].startswith("/imports/"):
        return client.get(response["Location"])
    return response


def confirm_import_job(client, callbacks, job):
    """The uploader's "Xác nhận nhập" on the job page, its task run (eager), `job` reloaded."""
    with callbacks(execute=True):
        response = client.post(reverse("scoring:import_job", args=[job.pk]), {"action": "confirm"})
    job.refresh_from_db()
    return response
