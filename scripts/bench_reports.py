#!/usr/bin/env python
"""Benchmark of the reports on a whole province (not a test: figures to read).

Builds the 600-commune province of bench_scoring (30 departments, 27 districts, 600 communes,
100 sub-criteria each), publishes 2025 and 2026, then builds each report of 2026 — the way a
worker does, in a fresh process each — and prints its time and the process's peak memory:
  ranking PDF, area breakdown PDF, results workbook (every unit × sub-criterion), one
  commune's scorecard PDF; and, before 2026 is published, its draft ranking (computed now).

    .venv/bin/python scripts/bench_reports.py                       # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parindex_bench \\
        .venv/bin/python scripts/bench_reports.py

The database named by DATABASE_URL is dropped and created again: never point it at real data.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/parindex-bench-reports.sqlite3")
os.environ["DEBUG"] = "0"


def one(kind: str, year: str, unit: str, out: str) -> None:
    """In a fresh process: build one report and print seconds and peak memory (MB)."""
    import django

    django.setup()
    from django.core.management import call_command

    args = ["build_report", "--year", year, "--kind", kind, "--out", out]
    if unit:
        args += ["--unit", unit]
    started = time.perf_counter()
    call_command(*args, stdout=open(os.devnull, "w"))  # noqa: SIM115
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.2f} {peak_mb:.0f} {Path(out).stat().st_size // 1024}")


def main():
    import django
    from bench_scoring import build_province, recreate_database

    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from scoring.services.publication import period_publish

    call_command("migrate", verbosity=0)
    previous, current = build_province()
    period_publish(period=previous)
    print(f"database: {connection.vendor}; units: {current.assessments.count()}")
    with tempfile.TemporaryDirectory() as folder:

        def run(label, kind, year="2026", unit=""):
            out = str(Path(folder) / f"{kind}-{label[:8]}")
            result = subprocess.run(
                [sys.executable, __file__, "--one", kind, year, unit, out],
                capture_output=True,
                text=True,
                check=True,
            )
            seconds, peak, size = result.stdout.split()[-3:]
            print(f"{label:36} {float(seconds):6.2f} s   peak {peak:>4} MB   {size} KB")

        run("ranking PDF, draft (computed now)", "ranking")  # 2026 not published yet
        period_publish(period=current)
        run("ranking PDF (published snapshot)", "ranking")
        run("area breakdown PDF", "breakdown")
        run("results workbook", "workbook")
        run("scorecard PDF of one commune", "scorecard", unit="COM0001")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        one(*sys.argv[2:6])
    else:
        main()
