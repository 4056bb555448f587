#!/usr/bin/env python
"""Benchmark of the improvement work (issue 15) on a whole province (not a test: figures to read).

Builds the 600-commune province of bench_scoring (657 units, 100 sub-criteria each), publishes
2025, then times each step beside the raw limit measured in the same run:
  1. one commune's target (points to reach rank 1 of 600) — against one SQL query reading its
     group's published totals and maxima;
  2. drafting the province's plan from the lost points (one task per unit per weak area) —
     against inserting the same task and item rows with bulk_create;
  3. Home Affairs' dashboard (first page, counts, filters) through the Django test client —
     against one SQL query counting the tasks by status;
  4. the issued plan's PDF and Word copy — against a bare WeasyPrint table of the same rows;
  5. the lessons beside a commune's 2026 form (its tasks and findings by item code) — against
     one SQL query reading that unit's tasks with their item codes.

    .venv/bin/python scripts/bench_improvement.py                    # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parindex_bench \\
        .venv/bin/python scripts/bench_improvement.py

The database named by DATABASE_URL is dropped and created again: never point it at real data.
"""

import os
import sys
import time
from datetime import datetime
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/parindex-bench-improvement.sqlite3")
os.environ["DEBUG"] = "0"


def best_of(action, runs: int = 5) -> tuple[float, int]:
    """Median seconds of `runs` calls and the SQL queries of the last one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            action()
            timings.append(time.perf_counter() - started)
    return median(timings), len(queries)


def line(label: str, seconds: float, anchor: float, queries: int | None = None) -> None:
    ratio = seconds / anchor if anchor else float("inf")
    extra = f", {queries} SQL queries" if queries is not None else ""
    print(
        f"{label}: {seconds * 1000:.1f} ms{extra}; raw limit {anchor * 1000:.1f} ms; {ratio:.1f}×"
    )


def main():
    import django
    from bench_scoring import build_province, recreate_database

    recreate_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    settings.REPORTS_RENDER_PUBLISHED_DOCUMENTS = False
    from reports.pdf import html_to_pdf
    from reports.plan_document import plan_document
    from reports.renderers.plan_docx import plan_docx
    from scoring.models import PublishedUnitResult, RemediationTask
    from scoring.selectors.improvement_notes import lessons_by_code
    from scoring.selectors.remediation_plans import unit_target
    from scoring.services.publication import period_publish
    from scoring.services.remediation_plans import PlanHeader, plan_draft, plan_issue
    from tests.factories import RoleGrantFactory, UserFactory
    from units.models import Unit
    from units.roles import Role

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    previous, current = build_province()
    publication = period_publish(period=previous, published_at=datetime(2026, 3, 2).astimezone())
    built = time.perf_counter() - started
    units = publication.unit_results.count()
    print(f"database: {connection.vendor}; province built and 2025 published in {built:.0f} s")
    print(f"  {units} units published")
    officer = UserFactory(username="noivu.bench")
    RoleGrantFactory(user=officer, role=Role.HOME_AFFAIRS, organiser=previous.organiser)
    commune = Unit.objects.filter(kind__code="commune").order_by("code").last()

    # 1. the target
    def anchor_target():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT unit_id, total_points, max_points FROM "
                f"{PublishedUnitResult._meta.db_table} WHERE publication_id = %s "
                "AND group_code = %s",
                [publication.pk, "commune"],
            )
            cursor.fetchall()

    target = unit_target(publication, commune.pk, 1)
    seconds, queries = best_of(lambda: unit_target(publication, commune.pk, 1))
    anchor, _ = best_of(anchor_target)
    row, gap = target.row, target.gap
    print(f"  {commune.code}: rank {row.rank}/{row.rank_of}, needs {gap.needed} points")
    print(f"  to be 1st (recoverable {target.recoverable})")
    line("1. one commune's target", seconds, anchor, queries)

    # 2. drafting the province's plan
    started = time.perf_counter()
    plan, _created = plan_draft(period=previous, unit=None, by=officer)
    draft_seconds = time.perf_counter() - started
    tasks = list(plan.tasks.all())
    links = RemediationTask.items.through.objects.filter(remediationtask__plan=plan).count()

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic():
            copies = RemediationTask.objects.bulk_create(
                [
                    RemediationTask(
                        plan=plan,
                        position=t.position,
                        title=t.title,
                        owner_unit_id=t.owner_unit_id,
                        deadline=t.deadline,
                        measurable_target=t.measurable_target,
                        lost_points=t.lost_points,
                    )
                    for t in tasks
                ],
                batch_size=2000,
            )
            item_ids = list(
                RemediationTask.items.through.objects.filter(
                    remediationtask__plan=plan
                ).values_list("indexitem_id", flat=True)[:links]
            )
            RemediationTask.items.through.objects.bulk_create(
                [
                    RemediationTask.items.through(
                        remediationtask_id=copies[n % len(copies)].pk, indexitem_id=item_id
                    )
                    for n, item_id in enumerate(item_ids)
                ],
                batch_size=5000,
                ignore_conflicts=True,
            )
            raise Rollback
    except Rollback:
        pass
    anchor = time.perf_counter() - started
    print(f"  {len(tasks)} tasks for {len({t.owner_unit_id for t in tasks})} units, {links} items")
    line("2. drafting the province's plan", draft_seconds, anchor)

    # 3. the dashboard
    plan = plan_issue(
        plan=plan, header=PlanHeader(title=plan.title, document_number="15"), by=officer
    )
    client = Client()
    client.force_login(officer)

    def dashboard():
        response = client.get("/improvement/dashboard/")
        assert response.status_code == 200, response.status_code

    def anchor_counts():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status, COUNT(*) FROM {RemediationTask._meta.db_table} GROUP BY status"
            )
            cursor.fetchall()

    seconds, queries = best_of(dashboard)
    anchor, _ = best_of(anchor_counts)
    line("3. Home Affairs' dashboard, first page", seconds, anchor, queries)

    # 4. the official documents
    document = plan_document(plan)
    started = time.perf_counter()
    from reports.pdf import render_html

    pdf = html_to_pdf(
        render_html(
            "reports/pdf/plan.html",
            {"title": document.title, "header": document.header, "document": document,
             "signature": document.signature},
        )
    )  # fmt: skip
    pdf_seconds = time.perf_counter() - started
    started = time.perf_counter()
    docx = plan_docx(document)
    docx_seconds = time.perf_counter() - started
    rows = "".join(
        f"<tr><td>{n}</td><td>{t.title}</td><td>{t.measurable_target}</td><td>{t.deadline}</td></tr>"
        for n, t in enumerate(tasks, start=1)
    )
    started = time.perf_counter()
    html_to_pdf(f"<html><body><table>{rows}</table></body></html>")
    bare = time.perf_counter() - started
    print(f"  PDF {len(pdf) // 1024} KB, Word {len(docx) // 1024} KB, {len(tasks)} task rows")
    line("4a. the plan's PDF", pdf_seconds, bare)
    print(
        f"4b. the plan's Word copy: {docx_seconds * 1000:.0f} ms "
        f"({docx_seconds / bare:.1f}× the bare PDF table)"
    )

    # 5. the lessons beside next year's form
    owner = tasks[-1].owner_unit_id
    assessment = current.assessments.get(unit_id=owner)

    def anchor_lessons():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.id, t.title, t.status, i.code FROM {RemediationTask._meta.db_table} t "
                f"JOIN {RemediationTask.items.through._meta.db_table} ti "
                "ON ti.remediationtask_id = t.id "
                "JOIN scoring_indexitem i ON i.id = ti.indexitem_id WHERE t.owner_unit_id = %s",
                [owner],
            )
            cursor.fetchall()

    today = timezone.localdate()
    lessons = lessons_by_code(assessment, today=today)
    seconds, queries = best_of(lambda: lessons_by_code(assessment, today=today))
    anchor, _ = best_of(anchor_lessons)
    print(f"  {len(lessons)} item codes with lessons for {assessment.unit.code}")
    line("5. lessons beside a commune's 2026 form", seconds, anchor, queries)


if __name__ == "__main__":
    main()
