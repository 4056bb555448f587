#!/usr/bin/env python
"""Benchmark of the appraisal council's screens (not a test: figures to read).

Loads the demo province, adds the 100-sub-criterion unit of bench_self_assessment (half scored,
then submitted), and times through Django's test client — server time, no network:
  1. the chair's review page of that unit (every area), and its work queue;
  2. the council progress page of the 2026 period;
  3. the JSON save round trip of one appraised item (alternating values, with a reason).

    .venv/bin/python scripts/bench_appraisal.py                # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parindex_bench \\
        .venv/bin/python scripts/bench_appraisal.py

The database named by DATABASE_URL is dropped and created again: never point it at real data.
"""

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/parindex-bench-ap.sqlite3")
os.environ["DEBUG"] = "0"


def main():
    import django
    from bench_scoring import recreate_database
    from bench_self_assessment import hundred_item_assessment, timed

    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from scoring.models import Assessment
    from scoring.workflow import AssessmentStatus
    from units.models import User

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    assessment, _staff, items = hundred_item_assessment()
    # As if submitted: the self-assessment's own rules are benchmarked elsewhere.
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="chutich.hd"))

    review = timed(lambda: client.get(reverse("scoring:appraisal_review", args=[assessment.pk])))
    queue = timed(lambda: client.get(reverse("scoring:appraisal_queue")))
    progress = timed(
        lambda: client.get(reverse("scoring:council_progress", args=[assessment.period_id]))
    )
    item = assessment.index_set.items.filter(method="ratio_bands").first()
    save_url = reverse("scoring:appraisal_item_save", args=[assessment.pk, item.pk])
    state = {"version": assessment.scores.filter(item=item).values_list("version", flat=True)}
    state["version"] = state["version"].first() or 0
    state["n"] = 0

    def save():
        state["n"] += 1
        response = client.post(
            save_url,
            {
                "version": state["version"],
                "action": "save",
                "ratio": "85" if state["n"] % 2 else "70",
                "reason": "Thiếu tài liệu kiểm chứng",
            },
            HTTP_ACCEPT="application/json",
        )
        state["version"] += 1
        return response

    saved = timed(save, runs=60)
    units = Assessment.objects.filter(period_id=assessment.period_id).count()
    print(f"database: {os.environ['DATABASE_URL'].split(':', 1)[0]}")
    for label, (med, p95, queries) in (
        (f"review page, {items}-item unit", review),
        ("chair's work queue", queue),
        (f"council progress, {units} units", progress),
        ("save of one item (JSON)", saved),
    ):
        print(f"{label:34} median {med:.0f} ms, p95 {p95:.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()
