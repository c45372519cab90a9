"""Every kind of public page on a 320 px phone: nothing scrolls sideways and axe-core
finds no violation at all (any impact); the header, menu and breadcrumbs line up with
the content column on a desktop; long tables fold and the session table becomes cards
on a phone."""

from __future__ import annotations

import pytest

from .test_accessibility import AXE, RUN_AXE, TAGS

# One page of every kind, in Polish, and the English ones whose text differs most.
PAGE_KINDS = [
    "/",
    "/projekty/",
    "/projekty/?scope=all&programme=wlosg-2017&ordering=-year",
    "/projekty/dowozik/",
    "/powiaty/",
    "/powiaty/plocki/",
    "/edycje-programu/",
    "/edycje-programu/wlosg-2017/",
    "/cykle-warsztatow/",
    "/cykle-warsztatow/wlosg-2017-plocki/",
    "/wydarzenia/2005-05-17-spotkanie-w-serpelicach/",
    "/zrodla/",
    "/zrodla/000-44a3fd30084d80a4/",
    "/otwarte-dane/",
    "/certyfikaty/",
    "/deklaracja-dostepnosci/",
    "/ochrona-danych/",
    "/kontakt/",
    "/nie-ma-takiej-strony/",
    "/en/",
    "/en/projects/?scope=all",
    "/en/counties/losicki/",
    "/en/workshop-cycles/wlosg-2017-losicki/",
    "/en/accessibility/",
]


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(
        bypass_csp=True, locale="pl-PL", viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGE_KINDS)
def test_no_page_is_wider_than_320_px_and_axe_finds_nothing(portal, phone, path):
    response = phone.goto(f"{portal}{path}")
    assert response.status < 500
    wide = phone.evaluate(
        """() => [...document.querySelectorAll("body *")]
             .filter((e) => e.getBoundingClientRect().right > 320.5
                            && !e.closest(".table-wrap"))
             .slice(0, 5).map((e) => e.tagName + "." + e.className)"""
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320, wide
    phone.evaluate(AXE.read_text(encoding="utf-8"))
    violations = phone.evaluate(RUN_AXE, TAGS)
    assert violations == [], violations


def test_menu_and_breadcrumbs_start_where_the_content_does(portal, page):
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{portal}/powiaty/plocki/")
    left = page.evaluate(
        """() => Object.fromEntries([
             ["content", "main h1"], ["name", ".site-name a"],
             ["menu", ".main-nav li:first-child a"], ["crumbs", ".breadcrumbs li:first-child a"],
           ].map(([key, selector]) => {
             const element = document.querySelector(selector);
             const padding = parseFloat(getComputedStyle(element).paddingLeft);
             return [key, element.getBoundingClientRect().left + padding];  // where text starts
           }))"""
    )
    assert left["content"] > 100  # the column is centred on a wide window
    for key in ("name", "menu", "crumbs"):
        assert abs(left[key] - left["content"]) <= 1, left


def test_session_table_reads_as_cards_on_a_phone(portal, page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{portal}/cykle-warsztatow/wlosg-2017-plocki/")
    rows = page.locator("table.sessions tbody tr")
    assert rows.count() == 6
    assert rows.first.evaluate("(row) => getComputedStyle(row).display") == "block"
    # Each cell says which column it is, and nothing is wider than the window.
    label = page.locator("table.sessions tbody tr:first-child td").first.evaluate(
        "(cell) => getComputedStyle(cell, '::before').content"
    )
    assert label.strip('"') == "Data"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 800})
    assert rows.first.evaluate("(row) => getComputedStyle(row).display") == "table-row"


def test_long_county_page_starts_with_its_summary_and_folds_its_tables(portal, page):
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{portal}/powiaty/plocki/")
    order = page.evaluate(
        """() => [...document.querySelectorAll("main h2, main figure, main details")]
             .map((e) => e.tagName)"""
    )
    assert order.index("FIGURE") < order.index("DETAILS")
    assert page.locator("main details:not([open])").count() >= 2
    # Folded tables are still in the page (find in page, screen readers, no script).
    assert page.locator("main details table.sessions").count() >= 1
