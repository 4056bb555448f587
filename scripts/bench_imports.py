#!/usr/bin/env python
"""Benchmark of the bounded reader (parindex.tabular.read_table) on the files of issue 16 (not
a test: figures to read). Each file is timed, with its peak Python memory (tracemalloc),
beside a bare openpyxl read-only pass over the same file:
  1. a small workbook of 50 000 rows (repeated cells, no cell references) and 50 000 rows as
     openpyxl writes them (with and without the sheet's <dimension>), refused by the
     self-assessment bound (PARINDEX_IMPORT_SMALL_MAX_ROWS);
  2. a 4 MB workbook (200 000 rows of text), refused by the same bound and by the general
     row limit (PARINDEX_IMPORT_MAX_ROWS);
  3. a zip bomb sheet (a million empty rows), refused from the zip directory;
  4. a legitimate scores file: 657 units × 100 items = 65 700 rows, read in full.

    .venv/bin/python scripts/bench_imports.py
"""

import io
import os
import re
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from parindex.tabular import ImportFailed, SheetSpec, read_table, xlsx_bytes  # noqa: E402

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _replace_sheet(data: bytes, sheet_xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            body = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                body = sheet_xml.encode()
            target.writestr(member, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def small_50000_rows() -> bytes:
    base = xlsx_bytes([SheetSpec("Tự đánh giá", ["code"], [["1.1.1"]])])
    row = '<row><c t="inlineStr"><is><t>1.1.1</t></is></c><c><v>1</v></c></row>'
    header = (
        '<row><c t="inlineStr"><is><t>Mã</t></is></c>'
        '<c t="inlineStr"><is><t>Điểm tự chấm</t></is></c></row>'
    )
    return _replace_sheet(
        base, f'<worksheet xmlns="{NS}"><sheetData>{header}{row * 50_000}</sheetData></worksheet>'
    )


def written_50000_rows(*, dimension: bool) -> bytes:
    """50 000 rows as a program writes them: with the sheet's <dimension>, or with it left at
    A1 as some writers do (then only streaming finds the size)."""
    rows = [["1.1.1", 1, None, None, None]] * 50_000
    data = xlsx_bytes([SheetSpec("Sheet", ["code", "points", "ratio", "na", "note"], rows)])
    if dimension:
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    return _replace_sheet(data, re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1"/>', sheet))


def four_mb() -> bytes:
    rows = [
        [f"U{i:06d}", f"{i % 97}.{i % 13}.{i % 7}", i % 3, f"ghi chú {i * 7919 % 100003}"]
        for i in range(200_000)
    ]
    return xlsx_bytes([SheetSpec("Sheet", ["unit", "item", "points", "note"], rows)])


def zip_bomb() -> bytes:
    base = xlsx_bytes([SheetSpec("Sheet", ["code"], [["1"]])])
    return _replace_sheet(
        base, f'<worksheet xmlns="{NS}"><sheetData>{"<row/>" * 1_000_000}</sheetData></worksheet>'
    )


def scores_657_by_100() -> bytes:
    rows = [
        [
            f"U{unit:03d}",
            f"{item // 20 + 1}.{item // 5 + 1}.{item + 1}",
            (unit + item) % 3 * 0.5,
            "",
            "",
        ]
        for unit in range(657)
        for item in range(100)
    ]
    return xlsx_bytes(
        [SheetSpec("Sheet", ["unit", "item", "points", "not_applicable", "note"], rows)]
    )


def _run(function):
    try:
        return function()
    except ImportFailed as failure:
        return f"refused: {failure.problems[0]}"


def measure(function):
    """Time without tracing (tracemalloc slows Python code many times), then the peak of
    Python memory in a second, traced run."""
    started = time.perf_counter()
    outcome = _run(function)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    _run(function)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, outcome


def bare_openpyxl(data: bytes):
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    count = sum(1 for _ in sheet.iter_rows(values_only=True))
    workbook.close()
    return f"{count} rows"


def report(name: str, data: bytes, **read_kwargs) -> None:
    elapsed, peak, outcome = measure(lambda: read_table(data, "f.xlsx", **read_kwargs))
    if not isinstance(outcome, str):
        outcome = f"read {len(outcome)} rows"
    bare_elapsed, bare_peak, bare_outcome = measure(lambda: bare_openpyxl(data))
    print(f"{name} ({len(data) / 1024:,.0f} KB)")
    print(f"  read_table     {elapsed * 1000:9.0f} ms  {peak / 2**20:7.1f} MB  {outcome}")
    bare = f"{bare_elapsed * 1000:9.0f} ms  {bare_peak / 2**20:7.1f} MB  {bare_outcome}"
    print(f"  bare openpyxl  {bare}")


def main() -> None:
    translation.activate("vi")
    small = settings.PARINDEX_IMPORT_SMALL_MAX_ROWS
    print(f"Limits: small files {small} rows, others {settings.PARINDEX_IMPORT_MAX_ROWS} rows")
    report("50 000-row workbook, self-assessment bound", small_50000_rows(), max_rows=small)
    for dimension in (True, False):
        report(
            f"50 000 rows written {'with' if dimension else 'without'} <dimension>",
            written_50000_rows(dimension=dimension),
            max_rows=small,
        )
    big = four_mb()
    report("4 MB workbook, self-assessment bound", big, max_rows=small)
    report("4 MB workbook, general bound", big)
    report("zip bomb (1 000 000 empty rows)", zip_bomb())
    report("scores 657 × 100 (legitimate)", scores_657_by_100())


if __name__ == "__main__":
    main()
