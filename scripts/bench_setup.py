#!/usr/bin/env python
"""Benchmark of the year's set-up on a whole province (not a test: figures to read).

Builds the province of bench_scoring.py (30 departments, 27 districts, 600 communes, 100
sub-criteria each), opens this year for self-assessment with every unit's entry in place, then
times on the commune set (600 units, ~60,000 scores and survey results):
  1. preparing a draft of the set in use (the copy);
  2. editing two sub-criteria of the draft so that many entered points no longer fit;
  3. the replacement page's consequences (every misfit of every unit);
  4. applying the replacement (one transaction), beside the raw limit measured in the same run:
     one UPDATE per item moving the same scores to the new items;
  5. merging two communes in the open period (withdraw two, open one).

    .venv/bin/python scripts/bench_setup.py                       # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parindex_bench \
        .venv/bin/python scripts/bench_setup.py

The database named by DATABASE_URL is dropped and created again: never point it at real data.
"""

import importlib.util
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/parindex-bench-setup.sqlite3")
os.environ["DEBUG"] = "0"

# The same province as the scoring benchmark: one builder for both.
_spec = importlib.util.spec_from_file_location("bench_scoring", ROOT / "scripts/bench_scoring.py")
bench_scoring = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_scoring)


timed = bench_scoring.timed_step


def main():
    import django

    bench_scoring.recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from scoring.models import Assessment, AssessmentPeriod, IndexSet, Score, ScoreRedo
    from scoring.selectors.index_set_diff import (
        full_mapping,
        index_set_diff,
        index_set_fingerprint,
        replacement_consequences,
    )
    from scoring.services.index_set_edit import index_item_edit
    from scoring.services.index_set_replace import index_set_draft_start, index_set_replace
    from scoring.services.unit_changes import unit_change_merge
    from scoring.workflow import AssessmentStatus, PeriodStatus
    from units.models import RoleGrant, Unit, User
    from units.reorganisation import NewUnit
    from units.roles import Role

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _previous, current = bench_scoring.build_province()
    print(f"database: {connection.vendor}; province built in {time.perf_counter() - started:.1f} s")
    AssessmentPeriod.objects.filter(pk=current.pk).update(
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=14),
    )
    Assessment.objects.filter(period=current).update(status=AssessmentStatus.DRAFT)
    current.refresh_from_db()
    officer = User.objects.create(username="noivu", full_name="Cán bộ Sở Nội vụ")
    RoleGrant.objects.create(user=officer, role=Role.HOME_AFFAIRS, organiser=current.organiser)
    commune_set = IndexSet.objects.get(period=current, unit_kind__code="commune", is_current=True)
    units = Assessment.objects.filter(index_set=commune_set).count()
    scores = Score.objects.filter(assessment__index_set=commune_set).count()
    print(f"commune set: {units} units, {scores} scores")

    draft, _ = timed(
        "1. prepare a draft (copy of the set in use)",
        lambda: index_set_draft_start(index_set=commune_set, by=officer),
    )

    def edit():
        # 1.1.1 (ratio bands) up to 1,5 and 1.1.2 (levels) down to 0,5: criterion 1.1 still
        # balances, and every entry of 1 point on 1.1.2 no longer fits.
        for code, max_points, rule in (
            ("1.1.1", "1.5", "100%: 1.5; 80% - <100%: 0.5; <80%: 0"),
            ("1.1.2", "0.5", "Đầy đủ: 0.5; một phần: 0.25; không: 0; không có nhiệm vụ: N/A"),
        ):
            item = draft.items.get(code=code)
            index_item_edit(
                item=item,
                by=officer,
                code=item.code,
                name=item.name,
                guidance=item.guidance,
                max_points=Decimal(max_points),
                method=item.method,
                rule=rule,
                evidence_required=item.evidence_required,
                not_applicable_allowed=item.not_applicable_allowed,
            )

    timed("2. edit two sub-criteria of the draft", edit)

    def consequences():
        diff = index_set_diff(old=commune_set, new=draft)
        return replacement_consequences(old=commune_set, mapping=full_mapping(diff, {}))

    found, _ = timed("3. the replacement page's consequences", consequences)
    print(f"   {sum(len(unit.misfits) for unit in found)} values that no longer fit")

    fingerprint = index_set_fingerprint(old=commune_set, new=draft, confirmed={})
    _, applied = timed(
        "4. apply the replacement",
        lambda: index_set_replace(draft=draft, confirmed={}, fingerprint=fingerprint, by=officer),
    )
    print(f"   {ScoreRedo.objects.count()} scores to redo recorded")

    # The raw limit: moving the same scores back, one UPDATE per item, nothing else.
    old_items = {item.code: item.pk for item in commune_set.items.all()}
    new_items = {item.code: item.pk for item in draft.items.all()}

    def raw_move():
        with transaction.atomic():
            for code, new_pk in new_items.items():
                Score.objects.filter(item_id=new_pk).update(item_id=old_items[code])

    _, raw = timed("   raw limit: one UPDATE per item moving every score", raw_move)
    print(f"   apply / raw limit: {applied / raw:.1f}×")

    communes = list(
        Unit.objects.filter(kind__code="commune", organiser=current.organiser).order_by("code")[:2]
    )
    timed(
        "5. merge two communes in the open period",
        lambda: unit_change_merge(
            sources=communes,
            year=current.year,
            new=NewUnit(code="COM-MERGED", name="Xã Hợp Nhất", kind=communes[0].kind),
            by=officer,
        ),
    )


if __name__ == "__main__":
    main()
