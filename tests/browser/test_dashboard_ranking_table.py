"""The period dashboard's results table on an office screen and a phone: the page never
scrolls sideways, the area columns are named, and on a phone the table scrolls in its own box
with the rank and the unit held in view. Screenshots in var/screenshots/."""

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]

AREA_HEADERS = [
    "1. Chỉ đạo, điều hành",
    "2. Thể chế",
    "3. Thủ tục hành chính",
    "4. Tổ chức bộ máy",
    "5. Chế độ công vụ",
    "6. Tài chính công",
    "7. Chính quyền điện tử",
    "8. Điều tra xã hội học",
]

FITS_PAGE = "document.documentElement.scrollWidth <= window.innerWidth"
BOX = "[data-results-table]"


def box_overflow(page) -> int:
    """How many pixels of the table are hidden sideways in its box."""
    return page.eval_on_selector(BOX, "box => box.scrollWidth - box.clientWidth")


def held_in_view(page) -> bool:
    """After scrolling the box to its right end, the first row's rank and unit are still inside
    the box's visible part."""
    return page.eval_on_selector(
        BOX,
        """box => {
            box.scrollLeft = box.scrollWidth;
            const frame = box.getBoundingClientRect();
            const row = box.querySelector('tbody tr');
            return ['.col-rank', '.col-unit'].every(cls => {
                const cell = row.querySelector(cls).getBoundingClientRect();
                return cell.left >= frame.left - 1 && cell.right <= frame.right + 1;
            }) && box.scrollLeft > 0;
        }""",
    )


@pytest.mark.parametrize(("width", "name"), [(1366, "desktop"), (390, "phone")])
def test_results_table_fits_the_screen(demo_server, page, screenshot_dir, width, name):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, demo_server, "noivu")
    page.click("a:text-is('2025')")
    results = page.locator("#results")
    headers = [h.strip() for h in results.locator("thead th.col-area").all_inner_texts()]
    assert [" ".join(h.split()) for h in headers] == AREA_HEADERS
    titles = results.locator("thead th.col-area abbr").evaluate_all(
        "abbrs => abbrs.map(a => a.title)"
    )
    assert titles[0] == "1. Công tác chỉ đạo, điều hành CCHC"
    assert "Lĩnh vực" not in results.locator("thead").inner_text()
    assert page.evaluate(FITS_PAGE)
    page.screenshot(path=str(screenshot_dir / f"dashboard-results-{name}.png"), full_page=True)

    if width >= 1366:
        # The whole table is readable at once: nothing hidden in the box either, nor in the
        # dashboard's other tables (the progress by status has ten long headers).
        assert box_overflow(page) <= 1
        assert page.eval_on_selector_all(
            ".table-wrap", "boxes => boxes.every(b => b.scrollWidth <= b.clientWidth + 1)"
        )
        assert not page.locator(".table-scroll-hint").is_visible()
    else:
        assert box_overflow(page) > 0  # the table scrolls, the page does not
        assert page.locator(".table-scroll-hint").is_visible()
        assert held_in_view(page)
        results.screenshot(path=str(screenshot_dir / f"dashboard-results-{name}-scrolled.png"))

    # The communes of 2025 (31, compared with their predecessors), the widest change texts.
    page.click("a.tab:has-text('UBND cấp xã')")
    assert page.locator("#results tbody tr").count() == 31
    assert page.evaluate(FITS_PAGE)
    if width >= 1366:
        assert box_overflow(page) <= 1
    else:
        assert held_in_view(page)
