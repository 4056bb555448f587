#!/usr/bin/env python
"""Benchmark of the self-assessment form (not a test: figures to read).

Loads the demo province, adds a 100-sub-criterion index set for one more unit (half of it
scored, with evidence), then times through Django's test client — server time, no network:
  1. rendering the form of the 100-item set, and of a demo commune (median, p95, SQL queries);
  2. the autosave round trip of one item on the demo commune (median, p95, SQL queries).

    .venv/bin/python scripts/bench_self_assessment.py                # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parindex_bench \
        .venv/bin/python scripts/bench_self_assessment.py

The database named by DATABASE_URL is dropped and created again: never point it at real data.
"""

import io
import os
import sys
import time
from pathlib import Path
from statistics import median, quantiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/parindex-bench-sa.sqlite3")
os.environ["DEBUG"] = "0"

RUNS = 30


def timed(call, runs=RUNS):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm caches (templates, content types) as a running server has them
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:500]
        queries = len(captured)
    return median(times), quantiles(times, n=20)[-1], queries


def hundred_item_assessment():
    """A unit of a new kind with the 100-item set of the scoring benchmark, half scored."""
    from bench_scoring import index_set_csv

    from scoring.entries import self_entry_clean
    from scoring.models import AssessmentPeriod, Evidence
    from scoring.selectors.self_assessment import self_assessment
    from scoring.services.index_set_import import index_set_import
    from scoring.services.periods import period_open_assessments
    from scoring.services.self_assessment import self_score_save
    from units.models import Organiser, RoleGrant, Unit, UnitKind, User
    from units.roles import Role

    period = AssessmentPeriod.objects.get(year=2026)
    kind = UnitKind.objects.create(code="bench", name="Đơn vị thử", position=9)
    organiser = Organiser.objects.get(pk=period.organiser_id)
    unit = Unit.objects.create(
        code="BENCH", name="Đơn vị đo tốc độ", kind=kind, organiser=organiser
    )
    index_set_import(period=period, unit_kind=kind, data=index_set_csv(), filename="bench.csv")
    period_open_assessments(period=period)
    user = User.objects.create_user("bench", password="bench-password", full_name="Người đo")
    RoleGrant.objects.create(user=user, role=Role.UNIT_STAFF, unit=unit)
    assessment = unit.assessments.get(period=period)
    view = self_assessment(assessment)
    evidence = Evidence.objects.create(
        assessment=assessment, document_number="1/KH", uploaded_by=user
    )
    for number, row in enumerate(view.rows):
        if row.item.is_survey or number % 2:
            continue
        values = (
            {"ratio": "95"}
            if row.item.method == "ratio_bands"
            else {"points": row.choices[0]["points"] if row.choices else "0.5"}
        )
        entry = self_entry_clean(row.item, step=assessment.index_set.points_step, **values)
        self_score_save(
            assessment=assessment, item=row.item, entry=entry, expected_version=0, by=user
        )
        evidence.items.add(row.item)
    return assessment, user, len(view.rows)


def main():
    import django
    from bench_scoring import recreate_database

    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from scoring.models import Assessment
    from units.models import User

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    assessment, user, items = hundred_item_assessment()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    form_url = reverse("scoring:self_assessment", args=[assessment.pk])
    big = timed(lambda: client.get(form_url))

    commune = Assessment.objects.get(unit__name="Xã Tân Hòa", period__year=2026)
    client.force_login(User.objects.get(username="xa.tanhoa"))
    commune_form = timed(lambda: client.get(reverse("scoring:self_assessment", args=[commune.pk])))
    item = commune.index_set.items.filter(level="sub_criterion", method="manual").first()
    save_url = reverse("scoring:self_score_save", args=[commune.pk, item.pk])
    state = {
        "version": commune.scores.filter(item=item).values_list("version", flat=True).first() or 0,
        "n": 0,
    }

    def save():
        state["n"] += 1
        response = client.post(
            save_url,
            {
                "version": state["version"],
                "points": "0.5" if state["n"] % 2 else "0.25",
                "note": "Theo báo cáo",
            },
            HTTP_ACCEPT="application/json",
        )
        state["version"] = response.json()["item"]["version"]
        return response

    saved = timed(save, runs=60)

    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"database: {engine}")
    print(
        f"form, {items}-item set:   median {big[0]:.0f} ms, p95 {big[1]:.0f} ms, {big[2]} queries"
    )
    print(
        f"form, demo commune:     median {commune_form[0]:.0f} ms, p95 {commune_form[1]:.0f} ms,"
        f" {commune_form[2]} queries"
    )
    print(
        f"autosave of one item:   median {saved[0]:.0f} ms, p95 {saved[1]:.0f} ms,"
        f" {saved[2]} queries"
    )


if __name__ == "__main__":
    main()
