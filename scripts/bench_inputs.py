#!/usr/bin/env python
"""Benchmark of Home Affairs' survey entry and the publication checks on a whole province (not a
test: figures to read).

Builds the province of bench_scoring.py (30 departments, 27 districts, 600 communes; 30 survey
items each: 19 710 survey results this year), then times:
  1. the survey template of the year (one row per unit × survey item);
  2. the preview of that template filled with a rate on every row (every result changes);
  3. entering it (one transaction, an audit entry per changed field), beside the raw limit
     measured in the same run: one bulk UPDATE writing the same values, and the same number of
     audit rows bulk-inserted;
  4. what is still missing (`period_inputs`), beside reading the same (unit, item) pairs of the
     survey results in one query;
  5. the publish page's checks (never submitted, no appraisal, overrides, missing inputs).

    .venv/bin/python scripts/bench_inputs.py                        # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parindex_bench \
        .venv/bin/python scripts/bench_inputs.py

The database named by DATABASE_URL is dropped and created again: never point it at real data.
"""

import importlib.util
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/parindex-bench-inputs.sqlite3")
os.environ["DEBUG"] = "0"

# The same province as the scoring benchmark: one builder for all.
_spec = importlib.util.spec_from_file_location("bench_scoring", ROOT / "scripts/bench_scoring.py")
bench_scoring = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_scoring)


timed = bench_scoring.timed_step


def filled(template: bytes) -> bytes:
    """The template with a rate on every row, as an officer fills it from the survey's report."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rate = header.index("Tỷ lệ (%)")
    cleared = [header.index(name) for name in ("A", "B", "C", "D", "E", "Điểm") if name in header]
    for number, row in enumerate(sheet.iter_rows(min_row=2)):
        for column in cleared:
            row[column].value = None
        row[rate].value = 60 + number % 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main():
    import django

    bench_scoring.recreate_database()
    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import translation

    from scoring.models import AuditAction, AuditEntry, SurveyResult
    from scoring.selectors.inputs import period_inputs
    from scoring.selectors.publication import publication_checks
    from scoring.services.survey_import import survey_import, survey_preview, survey_template
    from units.models import RoleGrant, User
    from units.roles import Role

    translation.activate("vi")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _previous, current = bench_scoring.build_province()
    print(f"database: {connection.vendor}; province built in {time.perf_counter() - started:.1f} s")
    officer = User.objects.create(username="noivu", full_name="Cán bộ Sở Nội vụ")
    RoleGrant.objects.create(user=officer, role=Role.HOME_AFFAIRS, organiser=current.organiser)
    results = SurveyResult.objects.filter(assessment__period=current)
    print(f"this year: {current.assessments.count()} units, {results.count()} survey results")

    template, _ = timed("1. the survey template", lambda: survey_template(period=current))
    data = filled(template)
    preview, _ = timed(
        "2. preview of the filled template",
        lambda: survey_preview(period=current, data=data, filename="dieu-tra.xlsx"),
    )
    print(f"   {len(preview.changes)} rows change, {len(preview.problems)} problems")

    # The raw limit is measured first, on a copy of the values, and rolled back.
    rows = list(results.only("pk", "ratio", "points", "answer_counts"))

    def raw_write():
        with transaction.atomic():
            for number, row in enumerate(rows):
                row.ratio, row.points, row.answer_counts = 60 + number % 40, None, {}
            SurveyResult.objects.bulk_update(
                rows, ["ratio", "points", "answer_counts"], batch_size=2000
            )
            content_type = ContentType.objects.get_for_model(SurveyResult)
            AuditEntry.objects.bulk_create(
                [
                    AuditEntry(
                        actor=officer,
                        period=current,
                        content_type=content_type,
                        object_id=str(row.pk),
                        object_repr="bench",
                        action=AuditAction.IMPORT,
                        field=field,
                        old_value="",
                        new_value="60",
                    )
                    for row in rows
                    for field in ("ratio", "points")
                ],
                batch_size=2000,
            )
            transaction.set_rollback(True)

    _, raw = timed(
        "   raw limit: one bulk UPDATE of the same rows + the audit rows, rolled back", raw_write
    )
    _, applied = timed(
        "3. enter the survey results (one transaction)",
        lambda: survey_import(period=current, data=data, filename="dieu-tra.xlsx", by=officer),
    )
    print(f"   enter / raw limit: {applied / raw:.1f}×")

    inputs, found = timed("4. what is still missing", lambda: period_inputs(period=current))
    print(f"   {inputs.survey_entered}/{inputs.survey_expected} survey items entered")
    _, pairs = timed(
        "   raw limit: one query reading the same (unit, item) pairs",
        lambda: list(results.values_list("assessment_id", "item_id")),
    )
    print(f"   period_inputs / raw limit: {found / pairs:.1f}×")
    timed("5. the publish page's checks", lambda: publication_checks(current))


if __name__ == "__main__":
    main()
