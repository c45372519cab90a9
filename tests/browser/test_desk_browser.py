"""The start page and the guided "New cycle" form in a real browser, at 1,366 and 320 px:
the clerk gets from the login to a saved cycle by links and buttons only, and no page is
wider than the screen (the cycle's sessions inline measured 1,957 px at 1,366 before).

Screenshots go to ``DESK_SCREENSHOTS`` when that is set (``docs/screenshots`` holds the
committed ones)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import A11Y_CYCLE

WIDTHS = (1366, 320)


def shoot(page, name: str) -> None:
    folder = os.environ.get("DESK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_from_the_start_page_to_a_new_cycle_within_the_screen(portal, staff_page, width):
    page = staff_page
    page.set_viewport_size({"width": width, "height": 900})
    assert page.url.endswith("/admin/desk/")
    page.reload()
    assert page.get_by_role("heading", name="Cykle Twoich powiatów").is_visible()
    assert page_width(page) <= width
    shoot(page, f"desk-{width}")

    page.get_by_role("link", name="Nowy cykl warsztatów").click()
    page.wait_for_url(re.compile(r"/workshopcycle/new/$"))
    assert page.locator("#id_county option:checked").inner_text() == "powiat płocki"
    edition = page.locator("#id_programme option", has_text="2017").get_attribute("value")
    page.select_option("#id_programme", edition)
    page.fill("#id_title", f"Cykl z przeglądarki {width}")
    page.fill("#id_date_start", "2017-03-01")
    page.fill("#id_date_end", "2017-11-30")
    page.fill("#id_certificate_min_sessions", "4")
    page.get_by_role("button", name="Dalej: sesje").click()
    sessions = page.locator(".cycle-new__session")
    assert sessions.count() >= 5
    for n in range(sessions.count()):
        page.fill(f"#id_sessions-{n}-date", f"2017-{3 + n:02d}-15")
    assert page_width(page) <= width
    shoot(page, f"cycle-new-{width}")
    page.get_by_role("button", name="Utwórz cykl").click()
    page.wait_for_url(re.compile(r"/admin/workshops/workshopcycle/\d+/change/"))
    assert page.locator(".errornote").count() == 0
    assert page.locator(".messagelist .success").count() == 1


def test_the_cycle_page_with_its_sessions_fits_1366(portal, staff_page):
    page = staff_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{portal}/admin/workshops/workshopcycle/?q={A11Y_CYCLE}")
    page.locator("#result_list tbody th a").first.click()
    page.wait_for_url(re.compile(r"/workshopcycle/\d+/change/"))
    assert page.locator("#sessions-group tbody tr.form-row").count() >= 6
    assert page_width(page) <= 1366
    # Not by scrolling inside its box either: the sessions table fits as it is.
    group = page.locator("#sessions-group")
    assert group.evaluate("e => e.scrollWidth <= e.clientWidth")
    shoot(page, "cycle-admin-1366")
