"""The form's live preview (static/js/self_assessment.js) computes what the server computes: the
same inputs — every method, values the server refuses (off the step, above the maximum, too
many decimals, a ratio of 1000,5%, "không áp dụng" without a reason), ratios whose points have
many decimals, and values stored before (imported, off today's rules) that stay untouched or
that a refused edit leaves standing — are typed into Chromium with the connection cut, so only
the script computes, then cleaned and stored by the server's own rules; every figure must read
the same."""

from decimal import Decimal as D
from itertools import cycle

import pytest
from django.core.exceptions import ValidationError

from scoring.display import format_number
from scoring.entries import self_entry_clean
from scoring.models import Assessment, Score, ScoringMethod
from scoring.selectors.self_assessment import self_assessment
from scoring.services.self_assessment import self_score_save
from scoring.views.self_assessment import summary_json
from tests.browser.conftest import log_in
from units.models import User

pytestmark = [pytest.mark.browser]

UNIT = "Xã Tân Hòa"
RATIOS = ["87,3", "100", "120", "0", "99,9999", "abc", "1000,5", "12,34567", "55,5", "0,10000"]
PROPORTIONAL = ["33,3333", "66,6667", "87,3", "150", "0,0001", "12,5", "-3", "100"]
COUNTS = ["2", "1,5", "7", "0", "abc", "3", "-1"]
POINTS = ["1,25", "0,3", "999", "-1", "0,12345", "MAX", "0", "0,75", "2,5", "1.5", "0,50000"]


def plan(view) -> list[tuple]:
    """(row, what to do, value) for every self-scored item, cycling through tricky inputs."""
    ratios, proportional, points, choice = cycle(RATIOS), cycle(PROPORTIONAL), cycle(POINTS), 0
    counts = cycle(COUNTS)
    steps, not_applicable = [], 0
    for row in view.rows:
        item = row.item
        if item.is_survey:
            continue
        if item.not_applicable_allowed and not_applicable < 2:
            reason = "" if not_applicable == 0 else "Đơn vị không có hồ sơ thuộc lĩnh vực này"
            steps.append((row, "na", reason))
            not_applicable += 1
        elif item.method == ScoringMethod.RATIO_BANDS:
            if row.choices and choice % 3 == 0:
                steps.append((row, "choice", 0))
            else:
                steps.append((row, "ratio", next(ratios)))
            choice += 1
        elif item.method == ScoringMethod.PROPORTIONAL:
            steps.append((row, "ratio", next(proportional)))
        elif item.method == ScoringMethod.PER_CASE:
            steps.append((row, "ratio", next(counts)))  # the count goes where a ratio would
        elif row.choices:
            steps.append((row, "choice", choice % len(row.choices)))
            choice += 1
        else:
            value = next(points)
            steps.append(
                (row, "points", format_number(item.max_points, None) if value == "MAX" else value)
            )
    return steps


def type_in(page, steps) -> None:
    for row, action, value in steps:
        box = page.locator(f"#item-{row.item.pk}")
        if action == "na":
            box.locator("input[name=not_applicable]").check()
            if value:
                box.locator("textarea[name=reason]").fill(value)
        elif action == "choice":
            box.locator("input[type=radio][name=points]").nth(value).check()
        else:
            box.locator(f"input[name={action}]").fill(value)


def store_as_imported(assessment, view) -> tuple[set, dict]:
    """Values already stored as a past import leaves them (not always by today's entry rules):
    some stay untouched, some the browser then edits with a value the server refuses.
    Returns the items left alone and the refused edit to type for the others."""
    rows = [row for row in view.rows if not row.item.is_survey]
    na = next(r for r in rows if r.item.not_applicable_allowed)
    typed = next(r for r in rows if r.item.method == ScoringMethod.MANUAL and not r.choices)
    bands = [r for r in rows if r.item.method == ScoringMethod.RATIO_BANDS]
    proportional = next(r for r in rows if r.item.method == ScoringMethod.PROPORTIONAL)
    Score.objects.create(assessment=assessment, item=na.item, not_applicable=True)  # no reason
    Score.objects.create(assessment=assessment, item=typed.item, self_points=D("0.3"))  # off-step
    Score.objects.create(assessment=assessment, item=bands[0].item, self_ratio=D("87.3"))
    Score.objects.create(assessment=assessment, item=bands[1].item, self_ratio=D("40"))
    Score.objects.create(assessment=assessment, item=proportional.item, self_ratio=D("50"))
    untouched = {na.item.pk, typed.item.pk, bands[1].item.pk}
    refused_edits = {bands[0].item.pk: ("ratio", "abc"), proportional.item.pk: ("ratio", "-3")}
    return untouched, refused_edits


def store_by_the_servers_rules(assessment, steps) -> int:
    """What the server keeps of the same inputs; returns how many it refused."""
    user = User.objects.get(username="xa.tanhoa")
    refused = 0
    for row, action, value in steps:
        if action == "na":
            values = {"not_applicable": True, "reason": value}
        elif action == "choice":
            values = {"points": row.choices[value]["points"]}
        else:
            values = {action: value}
        try:
            entry = self_entry_clean(row.item, step=assessment.index_set.points_step, **values)
        except ValidationError:
            refused += 1
            continue
        stored = Score.objects.filter(assessment=assessment, item=row.item).first()
        self_score_save(
            assessment=assessment,
            item=row.item,
            entry=entry,
            expected_version=stored.version if stored else 0,
            by=user,
        )
    return refused


READ_PREVIEW = """() => {
  const text = (scope, selector) => scope.querySelector(selector).textContent.trim();
  const root = document.getElementById('self-assessment');
  const areas = {};
  root.querySelectorAll('.sa-area__totals[data-area-totals]').forEach(box => {
    if (!box.querySelector('[data-field=points]')) return;  // an area of survey items only
    areas[box.dataset.areaTotals] = {
      points: text(box, "[data-field=points]"), max: text(box, "[data-field=max]"),
      index: text(box, "[data-field=index]"),
    };
  });
  const computed = {};
  root.querySelectorAll('.sa-item[data-item]').forEach(el => {
    const shown = el.querySelector('[data-computed]');
    if (shown) computed[el.dataset.item] = shown.textContent.trim();
  });
  return {
    total: {points: text(root, '[data-total=points]'), max: text(root, '[data-total=max]'),
            index: text(root, '[data-total=index]')},
    progress: {scored: text(root, '[data-progress=scored]'),
               required: text(root, '[data-progress=required]')},
    areas, computed,
  };
}"""


def test_the_preview_shows_what_the_server_stores_for_the_same_inputs(demo_server, page):
    assessment = Assessment.objects.select_related("index_set").get(
        unit__name=UNIT, period__year=2026
    )
    Score.objects.filter(assessment=assessment).delete()
    untouched, refused_edits = store_as_imported(assessment, self_assessment(assessment))
    steps = [step for step in plan(self_assessment(assessment)) if step[0].item.pk not in untouched]
    steps = [
        (row, *refused_edits[row.item.pk]) if row.item.pk in refused_edits else (row, action, value)
        for row, action, value in steps
    ]
    assert len(steps) > 50
    log_in(page, demo_server, "xa.tanhoa")
    page.goto(f"{demo_server.url}/assessments/{assessment.pk}/")
    page.context.set_offline(True)  # only the script computes from here on
    type_in(page, steps)
    preview = page.evaluate(READ_PREVIEW)

    refused = store_by_the_servers_rules(assessment, steps)
    assert refused >= 8  # the refused inputs were really exercised
    view = self_assessment(assessment)
    server = summary_json(view)
    assert preview["total"] == server["total"]
    assert preview["progress"] == {
        "scored": str(server["progress"]["scored"]),
        "required": str(server["progress"]["required"]),
    }
    for area_id, figures in server["areas"].items():
        if area_id in preview["areas"]:
            assert preview["areas"][area_id] == {
                "points": figures["points"],
                "max": figures["max"],
                "index": figures["index"],
            }, area_id
    rows = {str(row.item.pk): row for row in view.rows}
    for item_id, shown in preview["computed"].items():
        points = rows[item_id].points
        assert shown == (format_number(points, None) if points is not None else "—"), item_id
