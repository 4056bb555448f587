#!/usr/bin/env python
"""Helpers of scripts/bench_public.sh (not a test: figures to read).

bench_public.py build        the province of bench_scoring (30 departments, 27 districts,
                             600 communes, 100 sub-criteria each) in DATABASE_URL, which
                             is dropped and created again; 2025 and 2026 published
bench_public.py summary CSV… p50/p95/p99, requests/s and errors of Locust's *_stats.csv
                             files; exits 1 if the first misses p95 ≤ TARGET_P95_MS or
                             has an error
bench_public.py forget URL PREFIX
                             delete the run's keys (KEY_PREFIX…) from the Redis at URL
"""

import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ["DEBUG"] = "0"


def build() -> None:
    import django
    from bench_scoring import build_province, recreate_database

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_public.py build: DATABASE_URL must name a PostgreSQL database")
    recreate_database()
    django.setup()
    from django.core.management import call_command

    from scoring.services.publication import period_publish

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    periods = build_province()
    for period in periods:
        publication = period_publish(period=period)
        print(
            f"published {period.year}: version {publication.version}, "
            f"{publication.unit_results.count()} units"
        )
    print(f"province built and published in {time.perf_counter() - started:.0f} s")


def summary(files: list[str]) -> int:
    target = float(os.environ.get("TARGET_P95_MS", "200"))
    print(
        f"{'run':<10} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7}"
    )
    verdict = 0
    for position, name in enumerate(files):
        with open(name, newline="") as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
        total = rows.get("Aggregated")
        if total is None:
            print(f"{name}: no aggregated row")
            return 1
        label = Path(name).name.removesuffix("_stats.csv")
        requests, errors = int(total["Request Count"]), int(total["Failure Count"])
        p95 = float(total["95%"])
        print(
            f"{label:<10} {requests:>9} {errors:>7} {float(total['Requests/s']):>8.1f} "
            f"{total['50%']:>5}ms {total['95%']:>5}ms {total['99%']:>5}ms"
        )
        if position == 0:
            for row_name, row in sorted(rows.items()):
                if row_name != "Aggregated":
                    print(
                        f"    {row['Type']} {row_name[:60]:<60} {int(row['Request Count']):>7} "
                        f"p95 {row['95%']:>5}ms errors {row['Failure Count']}"
                    )
            if requests == 0 or errors or p95 > target:
                verdict = 1
    print(
        f"target for {Path(files[0]).name.removesuffix('_stats.csv')}: p95 ≤ {target:.0f} ms, "
        f"0 errors: {'met' if not verdict else 'NOT met'}"
    )
    return verdict


def forget(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    print(f"cache: {len(keys)} keys of this run deleted")


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "build":
        build()
    elif command == "summary":
        sys.exit(summary(arguments))
    elif command == "forget":
        forget(*arguments)
    else:
        sys.exit(__doc__)
