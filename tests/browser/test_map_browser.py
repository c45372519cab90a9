"""The map and the charts in Chromium: no horizontal scroll at 320 px, a visible keyboard
focus on the counties, their accessible names, the highlighted county."""

from __future__ import annotations

import pytest

NARROW_PAGES = [
    "/",
    "/powiaty/",
    "/powiaty/plocki/",
    "/powiaty/radom/",
    "/edycje-programu/wlog-2003-2010/",
    "/en/",
    "/en/counties/losicki/",
]


@pytest.mark.parametrize("path", NARROW_PAGES)
def test_map_and_charts_fit_320_px(portal, page, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{portal}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for selector in (".county-map__svg", ".chart__svg"):
        for box in page.locator(selector).evaluate_all(
            "(els) => els.map((e) => e.getBoundingClientRect().right)"
        ):
            assert box <= 320


def test_counties_on_the_map_show_the_keyboard_focus_and_say_their_part(portal, page):
    page.goto(f"{portal}/en/")
    first = page.locator(".county-map__county").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.county-map__county')"):
            break
    else:
        pytest.fail("Tab never reached the map")
    focus = page.evaluate(
        """() => {
          const link = document.activeElement;
          const path = link.querySelector("path");
          return {
            outline: getComputedStyle(link).outlineStyle,
            fill: getComputedStyle(path).fill,
            stroke: parseFloat(getComputedStyle(path).strokeWidth),
          };
        }"""
    )
    assert focus["outline"] == "solid"
    assert focus["fill"] == "rgb(255, 191, 71)" and focus["stroke"] >= 3
    snapshot = page.locator(".county-map svg").first.aria_snapshot()
    assert 'link "białobrzeski county: no record of taking part"' in snapshot
    assert 'link "łosicki county: 2 workshop cycles (Warsztaty' in snapshot
    assert first.get_attribute("href") == "/en/counties/bialobrzeski/"


def test_the_county_page_outlines_its_county(portal, page):
    page.goto(f"{portal}/powiaty/plocki/")
    current = page.locator('.county-map__county[aria-current="page"] path')
    assert current.count() == 1
    width = current.evaluate("(p) => parseFloat(getComputedStyle(p).strokeWidth)")
    other = page.locator(".county-map__county:not([aria-current]) path").first.evaluate(
        "(p) => parseFloat(getComputedStyle(p).strokeWidth)"
    )
    assert width >= 3 * other
