#!/usr/bin/env python
"""Benchmark of the open-data API on a whole province (not a test: figures to read).

Builds the 600-commune province of bench_scoring (657 units, 100 sub-criteria each), publishes
2025 and 2026, then asks each resource of /api/v1/ for 2026 several times in this process (no
network, no server, no cache store: what one request costs a worker) and prints the median
time, the answer's size and its SQL queries; then the same request with its ETag in
If-None-Match (304).

    .venv/bin/python scripts/bench_api.py                       # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parindex_bench \\
        .venv/bin/python scripts/bench_api.py

The database named by DATABASE_URL is dropped and created again: never point it at real data.
"""

import os
import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/parindex-bench-api.sqlite3")
os.environ["DEBUG"] = "0"

REPEAT = 5


def counter(queries: list):
    """A database execute wrapper that lists the SQL it runs."""

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return count


def main():
    import django
    from bench_scoring import build_province, recreate_database

    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from scoring.services.publication import period_publish

    call_command("migrate", verbosity=0)
    previous, current = build_province()
    period_publish(period=previous)
    period_publish(period=current)
    print(f"database: {connection.vendor}; units: {current.assessments.count()}")
    client = Client(HTTP_HOST="127.0.0.1")
    p = current.pk
    unit = "COM0001"
    resources = [
        ("periods", "/api/v1/periods"),
        ("period (its groups)", f"/api/v1/periods/{p}"),
        ("ranking, 600 communes, page of 100", f"/api/v1/periods/{p}/groups/commune/ranking"),
        (
            "ranking, 600 communes, limit=1000",
            f"/api/v1/periods/{p}/groups/commune/ranking?limit=1000",
        ),
        (
            "ranking as CSV, limit=1000",
            f"/api/v1/periods/{p}/groups/commune/ranking?limit=1000&format=csv",
        ),
        ("units, page of 100", f"/api/v1/periods/{p}/units"),
        ("one commune", f"/api/v1/periods/{p}/units/{unit}"),
        ("one commune's history", f"/api/v1/units/{unit}/history"),
    ]
    print(f"{'resource':42} {'200':>9} {'size':>8} {'SQL':>4} {'304':>8}")
    for label, address in resources:
        times, response, queries = [], None, []
        for _ in range(REPEAT):
            queries = []
            with connection.execute_wrapper(counter(queries)):
                started = time.perf_counter()
                response = client.get(address)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (address, response.status_code)
        etag = response["ETag"]
        cached = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            again = client.get(address, headers={"If-None-Match": etag})
            cached.append(time.perf_counter() - started)
            assert again.status_code == 304
        print(
            f"{label:42} {median(times) * 1000:7.0f} ms {len(response.content) // 1024:5} KB "
            f"{len(queries):4} {median(cached) * 1000:5.0f} ms"
        )


if __name__ == "__main__":
    main()
