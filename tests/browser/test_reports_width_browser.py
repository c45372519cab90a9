"""The staff reports page fits a 1,366 px laptop screen without a horizontal scroll, and
a 320 px phone: its wide tables scroll, each inside its own focusable box, never the page.

Before: the document was 1,794 px wide at 1,366 and 1,511 px at 320 — the visually hidden
labels in the tables' cells, absolutely positioned, escaped the tables' scrolling boxes.
"""

from __future__ import annotations

import pytest

WIDTHS = [1366, 320]
PAGE_WIDTH = "() => document.documentElement.scrollWidth"
# Elements that stick out of the viewport without a scrolling box of their own around them.
OVERFLOWING = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let clipped = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(style.overflowX)
          && p.getBoundingClientRect().right <= width + 1) { clipped = true; break; }
    }
    if (!clipped) out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.right)}`);
  }
  return out.slice(0, 10);
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_reports_page_fits_the_screen(portal, staff_page, width):
    staff_page.set_viewport_size({"width": width, "height": 900})
    staff_page.goto(f"{portal}/raporty/")
    staff_page.wait_for_load_state("networkidle")
    scroll_width = staff_page.evaluate(PAGE_WIDTH)
    overflowing = staff_page.evaluate(OVERFLOWING, width)
    print(f"reports page at {width} px: document {scroll_width} px")  # noqa: T201
    assert overflowing == []
    assert scroll_width <= width
    for region in staff_page.locator(".report-table-wrap").all():
        assert region.get_attribute("tabindex") == "0"  # a keyboard can scroll it
        assert region.get_attribute("role") == "region"
