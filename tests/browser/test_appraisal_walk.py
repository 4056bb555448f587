"""The appraisal council's whole round in Chromium, on the demo province: an appraiser adjusts
two items of Sở Y tế and asks about one → Home Affairs opens the explanation round → the unit
answers with a file → the appraiser sets the final value → the chair finalises → the scoring
engine's results carry the final values. Screenshots in var/screenshots/."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring.engine.model import Stage
from scoring.entries import earned, entry_of, item_choices
from scoring.models import Assessment, IndexItem, Score
from scoring.selectors.index_sets import item_area_code
from scoring.selectors.results import period_results
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.browser.conftest import log_in
from tests.helpers import pdf_bytes

pytestmark = [pytest.mark.browser]

PDF = pdf_bytes()
AREA = "1"  # thamdinh.noivu appraises areas 1, 4 and 5


def wait_until(condition, timeout=10.0):
    """The browser's request is answered asynchronously: poll the database until it shows."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("the change never reached the database")


def other_choice(item, score) -> dict:
    """A rule answer different from the unit's own."""
    claimed = earned(item, entry_of(score).value)
    return next(c for c in item_choices(item) if Decimal(c["points"]) != claimed)


def two_choice_items(assessment) -> list[IndexItem]:
    """Two items of area 1 scored by choosing one of the rule's answers, which the unit filled."""
    scores = {s.item_id: s for s in Score.objects.filter(assessment=assessment)}
    found = []
    for item in IndexItem.objects.filter(
        index_set=assessment.index_set, level="sub_criterion", method__in=("levels", "yes_no")
    ).order_by("position"):
        score = scores.get(item.pk)
        if item_area_code(item) == AREA and score and score.self_points is not None:
            found.append(item)
    assert len(found) >= 2
    return found[:2]


def move_period(page, server, period, target, deadline=None):
    page.goto(f"{server.url}/periods/{period.pk}/")
    form = page.locator(f"form[data-round={target}]")
    if deadline:
        form.locator("input[name=deadline]").fill(deadline)
    form.locator("input[name=confirm]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    try:
        wait_until(lambda: type(period).objects.get(pk=period.pk).status == target)
    except AssertionError:
        raise AssertionError(page.locator(".messages").all_inner_texts()) from None


def item_form(page, item):
    return page.locator(f"#item-{item.pk} form[data-ap-form]")


def test_appraiser_unit_appraiser_chair_and_the_engine(demo_server, browser, screenshot_dir):
    assessment = Assessment.objects.select_related("period").get(
        unit__code="SYT", period__year=2026
    )
    assert assessment.status == AssessmentStatus.SUBMITTED
    period = assessment.period
    period.self_assessment_deadline = timezone.now() - timedelta(minutes=5)
    period.save()
    adjusted, asked = two_choice_items(assessment)
    scores = {s.item_id: s for s in Score.objects.filter(assessment=assessment)}
    adjusted_to = other_choice(adjusted, scores[adjusted.pk])
    round_1_of_asked = other_choice(asked, scores[asked.pk])
    before = period_results(period=period, stage=Stage.FINAL).row_for(assessment.unit_id)

    def new_page(username):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        page = context.new_page()
        log_in(page, demo_server, username)
        return page

    # Home Affairs opens the appraisal: the self-assessment deadline has passed.
    home_affairs = new_page("noivu")
    move_period(home_affairs, demo_server, period, PeriodStatus.APPRAISAL)

    # The appraiser of area 1 adjusts one item with a reason, and asks about another.
    appraiser = new_page("thamdinh.noivu")
    appraiser.goto(f"{demo_server.url}/appraisal/")
    appraiser.click(f"a[href='/appraisal/{assessment.pk}/?area={AREA}']")
    form = item_form(appraiser, adjusted)
    form.locator(f"input[name=points][value='{adjusted_to['points']}']").check()
    form.locator("button[value=save]").click()
    form.locator("[data-error=reason]").wait_for()  # a different value needs a reason
    assert Score.objects.get(pk=scores[adjusted.pk].pk).appraised_at is None
    form = item_form(appraiser, adjusted)
    form.locator(f"input[name=points][value='{adjusted_to['points']}']").check()
    form.locator("textarea[name=reason]").fill("Văn bản ban hành chậm so với kế hoạch")
    form.locator("button[value=save]").click()
    wait_until(lambda: Score.objects.get(pk=scores[adjusted.pk].pk).appraised_at is not None)

    form = item_form(appraiser, asked)
    form.locator(f"input[name=points][value='{round_1_of_asked['points']}']").check()
    form.locator("textarea[name=reason]").fill("Chưa thấy báo cáo kết quả thực hiện")
    form.locator("select[name=request]").select_option("explanation")
    form.locator("textarea[name=question]").fill("Đề nghị gửi báo cáo kết quả thực hiện năm 2026.")
    form.locator("button[value=save]").click()
    wait_until(lambda: Score.objects.get(pk=scores[asked.pk].pk).review_request == "explanation")
    appraiser.screenshot(path=str(screenshot_dir / "appraisal-review.png"), full_page=False)

    # The chair accepts the self-scores of everything still unreviewed, in every area.
    chair = new_page("chutich.hd")
    chair.goto(f"{demo_server.url}/appraisal/{assessment.pk}/")
    chair.locator("form[action$='/accept-rest/'] button").click()
    chair.wait_for_load_state()

    # Home Affairs opens the explanation round with a deadline.
    deadline = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    move_period(home_affairs, demo_server, period, PeriodStatus.EXPLANATION, deadline)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.EXPLANATION_REQUESTED

    # The unit sees exactly the item asked about, answers with a file and sends.
    unit = new_page("soyte")
    unit.click("[data-explanation-link]")
    rows = unit.locator("form[data-answer-form]")
    assert rows.count() == 1
    unit.locator("textarea[name=text]").fill("Báo cáo số 45/BC-SYT ngày 05/12/2026 kèm theo.")
    unit.locator("form[data-answer-form] button[type=submit]").click()
    wait_until(lambda: Score.objects.get(pk=scores[asked.pk].pk).explanation_text != "")
    unit.locator("details.ex-add summary").click()
    unit.locator("input[type=file]").set_input_files(
        files=[{"name": "bao-cao-45.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    unit.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    unit.locator("a:has-text('bao-cao-45.pdf')").wait_for()
    unit.screenshot(path=str(screenshot_dir / "explanation-unit.png"), full_page=True)
    unit.once("dialog", lambda dialog: dialog.accept())  # "send? answers become read-only"
    unit.locator("form[data-send-form] button").click()
    wait_until(
        lambda: Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.EXPLAINED
    )

    # Round 2: the appraiser reads the answer and sets the final value.
    appraiser.goto(f"{demo_server.url}/appraisal/{assessment.pk}/?area={AREA}")
    assert "45/BC-SYT" in appraiser.locator(f"#item-{asked.pk}").inner_text()
    form = item_form(appraiser, asked)
    final = next(
        c
        for c in item_choices(asked)
        if Decimal(c["points"]) != Decimal(round_1_of_asked["points"])
    )
    form.locator(f"input[name=points][value='{final['points']}']").check()
    form.locator("textarea[name=reason]").fill("Đã có báo cáo, xác định lại điểm")
    form.locator("button[value=save]").click()
    wait_until(lambda: Score.objects.get(pk=scores[asked.pk].pk).final_at is not None)

    # The chair finalises.
    chair.goto(f"{demo_server.url}/appraisal/{assessment.pk}/finalise/")
    chair.screenshot(path=str(screenshot_dir / "appraisal-finalise.png"), full_page=False)
    chair.check("#finalise-confirm")  # finalising makes the values read-only: a tick first
    chair.locator("[data-finalise]").click()
    wait_until(
        lambda: Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.APPRAISED
    )

    # The engine's results carry the council's values.
    after = period_results(period=period, stage=Stage.FINAL, with_items=True).row_for(
        assessment.unit_id
    )
    items = {item.item_id: item for item in after.result.items}
    assert items[adjusted.pk].points == Decimal(adjusted_to["points"])
    assert items[asked.pk].points == Decimal(final["points"])
    expected = (
        before.result.total_points
        - earned(adjusted, entry_of(scores[adjusted.pk]).value)
        + Decimal(adjusted_to["points"])
        - earned(asked, entry_of(scores[asked.pk]).value)
        + Decimal(final["points"])
    )
    assert after.result.total_points == expected
