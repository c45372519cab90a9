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
    # The charts' text is not clipped: every line ends inside its chart.
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll(".chart__svg text")]
             .filter((t) => t.getBoundingClientRect().right
                            > t.closest("svg").getBoundingClientRect().right)
             .map((t) => t.textContent)"""
    )
    assert overflowing == []


def test_catalogue_charts_fit_320_px(portal, page):
    """The catalogue's charts (its filter form is another matter) at 320 px."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{portal}/en/projects/?scope=all")
    edges = page.evaluate(
        """() => [...document.querySelectorAll(".chart__svg, .chart__svg text")]
             .map((e) => e.getBoundingClientRect().right)"""
    )
    assert len(edges) > 10 and max(edges) <= 320 - 16


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


def test_the_staff_report_charts_take_their_colours_from_the_shared_stylesheet(portal, staff_page):
    """One visual language: the report's Chart.js bars use the custom properties of
    css/charts.css that the public SVG charts use (a changed property changes the bars)."""
    staff_page.goto(f"{portal}/raporty/")
    staff_page.wait_for_function("window.Chart && Object.keys(Chart.instances).length > 0")
    shared = staff_page.evaluate(
        """() => [1, 2, 3].map((i) => getComputedStyle(document.documentElement)
             .getPropertyValue("--chart-" + i).trim())"""
    )
    assert shared == ["#1f5f8b", "#c0392b", "#2e7d32"]
    used = staff_page.evaluate(
        """() => Object.values(Chart.instances).flatMap(
             (chart) => chart.data.datasets.map((set) => set.borderColor))"""
    )
    assert shared[0] in used and set(used) <= {*shared, "#8e44ad", "#b9770e"}
    # The first series' colour set on the page before the script runs: the bars follow.
    staff_page.add_init_script(
        """(() => {
          const set = () => document.documentElement
            && (document.documentElement.style.setProperty("--chart-1", "#123456"), true);
          if (!set()) new MutationObserver((m, o) => set() && o.disconnect())
            .observe(document, {childList: true});
        })();"""
    )
    staff_page.reload()
    staff_page.wait_for_function("window.Chart && Object.keys(Chart.instances).length > 0")
    used = staff_page.evaluate(
        """() => Object.values(Chart.instances).flatMap(
             (chart) => chart.data.datasets.map((set) => set.borderColor))"""
    )
    assert "#123456" in used and shared[0] not in used
