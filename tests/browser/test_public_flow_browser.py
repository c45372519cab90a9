"""A visitor's tour in a real browser: home → project catalogue → filter by county with
the form → a project page → the same page in English through the language switcher."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from projects.views import PER_PAGE


def found(page) -> int:
    """The number of ideas the catalogue says it found ("Znaleziono 12 pomysłów…")."""
    text = page.locator("#results-heading + [role=status]").inner_text()
    return int(re.sub(r"\D", "", text))


def test_visitor_filters_the_catalogue_and_reads_a_project_in_english(portal, page):
    page.goto(f"{portal}/")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.locator("h1").inner_text() == (
        "Program Partnerstwa Lokalnego na Mazowszu w latach 2003–2017"
    )

    # The main navigation leads to the catalogue.
    page.get_by_role("navigation", name="Nawigacja główna").get_by_role(
        "link", name="Projekty"
    ).click()
    page.wait_for_url(f"{portal}/projekty/")
    assert page.locator("h1").inner_text() == "Pomysły projektów"
    assert page.title().startswith("Pomysły projektów")
    adopted = found(page)
    assert page.locator("ol.cards > li").count() == min(adopted, PER_PAGE)
    assert page.get_by_label("pomysły wybrane do realizacji").is_checked()

    # All ideas, not only those selected for implementation.
    page.get_by_label("wszystkie pomysły projektów").check()
    page.get_by_role("button", name="Pokaż pomysły projektów").click()
    page.wait_for_url(f"{portal}/projekty/?*")
    assert parse_qs(urlsplit(page.url).query)["scope"] == ["all"]
    everything = found(page)
    assert everything > adopted

    # Then by county with the form: the choice shows how many ideas it would list.
    county = page.locator("#id_county")
    label = county.locator("option[value=plocki]").inner_text()
    expected = int(re.search(r"\((\d+)\)", label).group(1))
    assert 0 < expected < everything
    county.select_option("plocki")
    page.get_by_role("button", name="Pokaż pomysły projektów").click()
    page.wait_for_url(re.compile(r"/projekty/\?"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["county"] == ["plocki"]
    assert query["scope"] == ["all"]
    assert found(page) == expected
    cards = page.locator("ol.cards > li article")
    assert cards.count() == min(expected, PER_PAGE)
    for area in cards.locator("dd:nth-of-type(2)").all_inner_texts():
        assert area == "powiat płocki"
    # The form keeps the choices, so the visitor sees what is filtered.
    assert page.locator("#id_county").input_value() == "plocki"
    assert page.get_by_label("wszystkie pomysły projektów").is_checked()

    # Open the first idea.
    first = cards.first.locator("h3 a")
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/projekty/[\w-]+/$"))
    slug = urlsplit(page.url).path.rstrip("/").rpartition("/")[2]
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("heading", name="Skąd pochodzi pomysł").is_visible()

    # Switch to English: the same project, now with English headings.
    page.get_by_role("navigation", name="Język").get_by_role("link", name="English").click()
    page.wait_for_url(f"{portal}/en/projects/{slug}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("heading", name="Where the idea comes from").is_visible()
    assert (
        page.get_by_role("navigation", name="Language")
        .get_by_role("link", name="English")
        .get_attribute("aria-current")
        == "true"
    )
    # The English catalogue starts unfiltered again: the selected ideas only.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Projects"
    ).click()
    page.wait_for_url(f"{portal}/en/projects/")
    assert page.locator("h1").inner_text() == "Project ideas"
    assert found(page) == adopted
