"""Every CSV or XLSX the portal writes goes through the shared formula guard.

A new writer — csv.writer, an openpyxl Workbook, tablib's own export, an import-export admin
export — anywhere but the modules listed here fails this test: write rows with
parindex.tabular.csv_bytes / xlsx_bytes (or SpreadsheetExportMixin in the admin) instead, or add
the module here with the reason its text cells can never be formulas and a test that shows it.
"""

import re
from pathlib import Path

from django.contrib import admin
from import_export.admin import ExportMixin

from parindex.admin_imports import SpreadsheetExportMixin
from parindex.tabular import CSVWithBOM, SafeXLSX

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("parindex", "units", "scoring", "reports")

WRITERS = re.compile(
    r"csv\.writer\(|csv\.DictWriter\(|\bWorkbook\(|xlsxwriter|\.export\(\s*[\"'](xlsx|csv)|"
    r"\.(xlsx|csv)\s*$|\b(ExportActionMixin|ExportMixin|ImportExportMixin|ImportExportModelAdmin|"
    r"ExportActionModelAdmin)\b"
)

ALLOWED = {
    # The guard: csv_bytes, xlsx_bytes, SafeXLSX, CSVWithBOM, escape_formula.
    "parindex/tabular.py": "the shared writers",
    "parindex/admin_imports.py": "SpreadsheetExportMixin: the admin export, through SafeXLSX",
    # Streams 66 000 rows as XML: every text is an inline string with Excel's quote prefix
    # (tests/reports/test_results_workbook.py reopens it and finds no formula).
    "reports/renderers/results_workbook.py": "every text cell an inline string, quote-prefixed",
    # The accounts template: every cell it fills is typed as text
    # (tests/test_export_formulas.py reopens it with a formula-like unit name).
    "scoring/views/setup_accounts.py": "every listed cell typed as text",
}


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_no_spreadsheet_writer_outside_the_guard():
    found = {}
    for name, text in _sources():
        for number, line in enumerate(text.splitlines(), start=1):
            code = line.split("#", 1)[0]
            if '"""' in line or line.strip().startswith(("#", '"', "'")):
                continue
            if WRITERS.search(code) and name not in ALLOWED:
                found.setdefault(name, []).append(f"{number}: {line.strip()}")
    assert not found, found


def test_the_allowed_writers_still_exist():
    names = {name for name, _ in _sources()}
    assert set(ALLOWED) <= names, set(ALLOWED) - names


def test_every_admin_export_offers_only_the_guarded_formats(rf):
    exporting = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, ExportMixin)
    ]
    assert len(exporting) >= 5  # units, groups, kinds, index items, the audit log
    for model_admin in exporting:
        assert isinstance(model_admin, SpreadsheetExportMixin), type(model_admin)
        assert model_admin.get_export_formats() == [SafeXLSX, CSVWithBOM], type(model_admin)
