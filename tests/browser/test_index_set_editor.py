"""Home Affairs (demo user noivu) opens next year's index set from the set-up home, sees the
tree on a desktop and a 390-px phone, and watches the rule preview follow what they type
(screenshots in var/screenshots/setup/)."""

import pytest

from scoring.models import AssessmentPeriod, IndexSet, ItemLevel
from scoring.services.index_sets import index_set_clone
from scoring.services.periods import period_for_year

from .conftest import log_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def next_year_set(demo_server):
    """This year's first set copied into a new period: nobody works with it yet."""
    current = AssessmentPeriod.objects.order_by("-year").first()
    source = IndexSet.objects.filter(period=current, is_current=True).first()
    period = period_for_year(organiser=current.organiser, year=current.year + 1)
    return index_set_clone(source=source, period=period)


@pytest.fixture
def shots(screenshot_dir):
    path = screenshot_dir / "setup"
    path.mkdir(exist_ok=True)
    return path


@pytest.mark.parametrize(("viewport", "name"), [((1366, 900), "desktop"), ((390, 844), "phone")])
def test_officer_opens_the_tree_from_the_setup_home(
    demo_server, next_year_set, page, shots, viewport, name
):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    log_in(page, demo_server, "noivu")
    page.goto(f"{demo_server.url}/setup/")
    page.screenshot(path=str(shots / f"home-{name}.png"), full_page=True)
    page.click(f"[data-index-set='{next_year_set.pk}'] a")
    page.wait_for_url(f"**/setup/index-sets/{next_year_set.pk}/")
    assert "Lĩnh vực, tiêu chí và tiêu chí thành phần" in page.locator("main").inner_text()
    assert page.locator("[data-no-problems]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(shots / f"index-set-editor-{name}.png"), full_page=True)


@pytest.mark.parametrize(("viewport", "name"), [((1366, 900), "desktop"), ((390, 844), "phone")])
def test_the_rule_preview_follows_what_the_officer_types(
    demo_server, next_year_set, page, shots, viewport, name
):
    item = next_year_set.items.filter(level=ItemLevel.SUB_CRITERION).order_by("position").first()
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    log_in(page, demo_server, "noivu")
    page.goto(f"{demo_server.url}/setup/index-sets/{next_year_set.pk}/items/{item.pk}/")
    page.fill("#id_max_points", "2")
    page.select_option("#id_method", "")
    page.fill("#id_rule", "100%: 2; 90% - <100%: 1,5; <90%: 0")
    page.wait_for_function(
        "document.querySelector('[data-preview-levels] tbody').innerText.includes('1,5')"
    )
    levels = page.locator("[data-preview-levels] tbody").inner_text()
    assert "90% - <100%" in levels and "1,5" in levels
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(shots / f"index-item-form-{name}.png"), full_page=True)
    page.fill("#id_rule", "100%: 2; <80%: 0")
    page.wait_for_function("document.querySelector('[data-preview-errors]').innerText.length > 0")
    assert page.locator("[data-preview-levels]").is_hidden()
    page.screenshot(path=str(shots / f"index-item-form-error-{name}.png"), full_page=True)


@pytest.mark.parametrize(("viewport", "name"), [((1366, 900), "desktop"), ((390, 844), "phone")])
def test_an_unbalancing_save_shows_the_problem_at_the_parent(
    demo_server, next_year_set, page, shots, viewport, name
):
    item = next_year_set.items.filter(level=ItemLevel.SUB_CRITERION).order_by("position").first()
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    log_in(page, demo_server, "noivu")
    page.goto(f"{demo_server.url}/setup/index-sets/{next_year_set.pk}/items/{item.pk}/")
    page.fill("#id_max_points", str(item.max_points + 1).replace(".", ","))
    page.select_option("#id_method", "manual")
    page.click("[data-item-form] button[type=submit]")
    page.wait_for_url(f"**/setup/index-sets/{next_year_set.pk}/#item-{item.pk}")
    parent_row = page.locator(f"#item-{item.parent_id}")
    assert parent_row.locator("[data-item-problems]").count() == 1
    assert page.locator(f"#item-{item.pk} [data-item-problems]").count() == 0
    parent_row.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"index-set-problem-{name}.png"), full_page=False)
    for path, shot in (("header/", "index-set-header"), ("bands/", "index-set-bands")):
        page.goto(f"{demo_server.url}/setup/index-sets/{next_year_set.pk}/{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=str(shots / f"{shot}-{name}.png"), full_page=True)
