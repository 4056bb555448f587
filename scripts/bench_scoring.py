#!/usr/bin/env python
"""Benchmark of the scoring engine on a whole province (not a test: figures to read).

Builds 30 departments, 27 districts and 600 communes with 100 sub-criteria each (~65,700 scores
and survey results), publishes last year, then times:
  1. computing every result and rank of this year (and counts its SQL queries);
  2. publishing this year.

    .venv/bin/python scripts/bench_scoring.py                       # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parindex_bench \
        .venv/bin/python scripts/bench_scoring.py

The database named by DATABASE_URL is dropped and created again: never point it at real data.
"""

import os
import random
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/parindex-bench.sqlite3")
os.environ["DEBUG"] = "0"

SIZES = {"department": 30, "district": 27, "commune": 600}


def timed_step(label, action):
    """Run `action` once, print its time and SQL queries under `label`; (result, seconds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.2f} s, {len(queries)} SQL queries")
    return result, elapsed


def recreate_database():
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite"):
        Path(url.split("sqlite:///", 1)[1]).unlink(missing_ok=True)
        return
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def index_set_csv() -> bytes:
    """100 sub-criteria of 1 point: areas 1–7 self-assessed (ratio bands and levels, 70 points),
    area 8 the survey (30 points)."""
    from tests.helpers import csv_text

    rows = [["code", "name", "max_points", "method", "rule", "evidence_required", "survey"]]
    for area in range(1, 9):
        survey = area == 8
        criteria = 15 if survey else 5
        rows.append([str(area), f"Lĩnh vực {area}", str(criteria * 2), "", "", "", ""])
        for criterion in range(1, criteria + 1):
            code = f"{area}.{criterion}"
            rows.append([code, f"Tiêu chí {code}", "2", "", "", "", ""])
            for sub in (1, 2):
                sub_code = f"{code}.{sub}"
                if survey:
                    rows.append(
                        [
                            sub_code,
                            f"Khảo sát {sub_code}",
                            "1",
                            "survey",
                            "Điều tra XHH: tỷ lệ hài lòng",
                            "0",
                            "1",
                        ]
                    )
                elif sub == 1:
                    rows.append(
                        [
                            sub_code,
                            f"Tỷ lệ {sub_code}",
                            "1",
                            "ratio_bands",
                            "100%: 1; 80% - <100%: 0.5; <80%: 0",
                            "1",
                            "0",
                        ]
                    )
                else:
                    rows.append(
                        [
                            sub_code,
                            f"Mức {sub_code}",
                            "1",
                            "levels",
                            "Đầy đủ: 1; một phần: 0.5; không: 0; không có nhiệm vụ: N/A",
                            "1",
                            "0",
                        ]
                    )
    return csv_text(rows)


def build_province():
    from scoring.models import Assessment, IndexItem, Score, SurveyResult
    from scoring.services.index_set_import import index_set_import
    from scoring.services.periods import period_for_year, period_open_assessments
    from scoring.workflow import AssessmentStatus
    from units.kinds import ensure_standard_kinds
    from units.models import Organiser, RankingGroup, Unit, UnitKind

    rng = random.Random(7)
    organiser = Organiser.objects.create(code="bench", name="Sở Nội vụ tỉnh Thử nghiệm")
    kinds = ensure_standard_kinds(UnitKind)
    for position, (kind, count) in enumerate(SIZES.items(), start=1):
        group = RankingGroup.objects.create(
            organiser=organiser, code=kind, name=kind, position=position
        )
        Unit.objects.bulk_create(
            Unit(
                code=f"{kind[:3].upper()}{n:04d}",
                name=f"Đơn vị {kind} {n}",
                kind=kinds[kind],
                organiser=organiser,
                ranking_group=group,
            )
            for n in range(1, count + 1)
        )
    data = index_set_csv()
    periods = []
    for year in (2025, 2026):
        period = period_for_year(organiser=organiser, year=year)
        for kind in SIZES:
            index_set_import(period=period, unit_kind=kinds[kind], data=data, filename="bench.csv")
        period_open_assessments(period=period)
        items = {}
        for item in IndexItem.objects.filter(index_set__period=period, level="sub_criterion"):
            items.setdefault(item.index_set_id, []).append(item)
        scores, surveys = [], []
        for assessment in Assessment.objects.filter(period=period):
            quality = rng.uniform(0.5, 1.0)
            for item in items[assessment.index_set_id]:
                if item.method == "survey":
                    ratio = Decimal(rng.randint(5000, 10000)) / 100
                    surveys.append(
                        SurveyResult(
                            assessment=assessment,
                            item=item,
                            ratio=ratio,
                            points=(item.max_points * ratio / 100).quantize(Decimal("0.0001")),
                        )
                    )
                elif item.method == "ratio_bands":
                    ratio = Decimal(rng.randint(6000, 10500)) / 100
                    scores.append(
                        Score(
                            assessment=assessment,
                            item=item,
                            self_ratio=ratio,
                            final_ratio=ratio if rng.random() < 0.9 else ratio - 5,
                        )
                    )
                else:
                    na = rng.random() < 0.03
                    points = Decimal("1") if rng.random() < quality else Decimal("0.5")
                    scores.append(
                        Score(
                            assessment=assessment,
                            item=item,
                            not_applicable=na,
                            self_points=None if na else points,
                            final_points=None if na else points,
                        )
                    )
        Score.objects.bulk_create(scores, batch_size=5000)
        SurveyResult.objects.bulk_create(surveys, batch_size=5000)
        Assessment.objects.filter(period=period).update(status=AssessmentStatus.APPRAISED)
        periods.append(period)
    return periods


def main():
    import django

    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scoring.models import Score, SurveyResult
    from scoring.selectors.results import period_results
    from scoring.services.publication import period_publish

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    previous, current = build_province()
    print(f"database: {connection.vendor}")
    print(
        f"built in {time.perf_counter() - started:.1f} s: "
        f"{Score.objects.filter(assessment__period=current).count()} scores and "
        f"{SurveyResult.objects.filter(assessment__period=current).count()} survey results "
        f"for {current.assessments.count()} units this year (same last year)"
    )

    started = time.perf_counter()
    period_publish(period=previous, published_at=datetime(2026, 3, 2).astimezone())
    print(f"last year published in {time.perf_counter() - started:.2f} s")

    timings = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            results = period_results(period=current)
            timings.append(time.perf_counter() - started)
    ranked = sum(1 for row in results.rows if row.rank)
    print(
        f"all results and ranks: median {median(timings):.3f} s, best {min(timings):.3f} s "
        f"over 5 runs; {len(queries)} SQL queries; {ranked} units ranked in "
        f"{len([g for g in results.groups if g.code])} groups"
    )

    started = time.perf_counter()
    publication = period_publish(period=current)
    print(
        f"publication: {time.perf_counter() - started:.2f} s "
        f"({publication.unit_results.count()} units frozen with their breakdowns)"
    )


if __name__ == "__main__":
    main()
