"""The cycle's Certificates screen in Chromium at 1,366 and 320 px: no horizontal scroll
of the page (the tables scroll inside their own focusable box), the list of who may get
a certificate and the date of issue proposed."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import A11Y_CYCLE


@pytest.mark.parametrize("width", [1366, 320])
def test_the_certificates_screen_fits_the_window(portal, staff_page, width):
    page = staff_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{portal}/admin/workshops/workshopcycle/?q={A11Y_CYCLE}")
    href = page.locator("#result_list tbody a[href*='/workshopcycle/']").first.get_attribute("href")
    pk = re.search(r"/workshopcycle/(\d+)/", href).group(1)
    page.goto(f"{portal}/admin/workshops/workshopcycle/{pk}/certificates/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("h2#issue-heading").is_visible()
    assert page.locator("#certificate-summary").inner_text().startswith("Do wydania teraz:")
    # Other browser tests may have registered attendees: their list scrolls in its box.
    for table in page.locator("#eligibility").all():
        assert table.evaluate("(t) => t.parentElement.classList.contains('table-scroll')")
