"""The parts of every page rendered once (portal/chrome.py) and the language links."""

from __future__ import annotations

import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import translate_url
from django.utils import translation

from portal import chrome
from portal.templatetags.portal import language_links

CHROME = ["includes/_site_name.html", "includes/_main_nav.html", "includes/_site_footer.html"]
PATHS = {
    "pl": [
        "/",
        "/projekty/",
        "/projekty/jakis-pomysl/",
        "/powiaty/",
        "/powiaty/plonski/",
        "/edycje-programu/",
        "/zrodla/",
        "/otwarte-dane/",
        "/kontakt/",
        "/ochrona-danych/",
        "/deklaracja-dostepnosci/",
        "/nie-ma-takiej-strony/",
    ],
    "en": [
        "/en/",
        "/en/projects/",
        "/en/projects/an-idea/",
        "/en/counties/",
        "/en/sources/",
        "/en/open-data/",
        "/en/contact/",
        "/en/privacy/",
        "/en/accessibility/",
        "/en/nowhere/",
    ],
}


def plain(template_name: str, request) -> str:
    """What ``{% include %}`` would write: the template rendered for this request."""
    context = {"request": request, "LANGUAGE_CODE": translation.get_language()}
    return get_template(template_name).render(context)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_kept_parts_equal_a_fresh_render_on_every_page(language):
    factory = RequestFactory()
    chrome.forget()
    with translation.override(language):
        requests = [factory.get(path) for path in PATHS[language]]
        # Kept first, in this order and the reverse: each page gets its own state.
        for request in requests + requests[::-1]:
            for name in CHROME:
                chrome.render_chrome(name, request)
        for request in requests:
            for name in CHROME:
                assert chrome.render_chrome(name, request) == plain(name, request), (
                    name,
                    request.path,
                )


def test_current_links_marked_from_the_kept_parts():
    factory = RequestFactory()
    with translation.override("pl"):
        nav = chrome.render_chrome("includes/_main_nav.html", factory.get("/projekty/x/"))
        assert '<a href="/projekty/" aria-current="true">' in nav
        nav = chrome.render_chrome("includes/_main_nav.html", factory.get("/projekty/"))
        assert '<a href="/projekty/" aria-current="page">' in nav
        assert 'aria-current="true"' not in nav
        nav = chrome.render_chrome("includes/_main_nav.html", factory.get("/"))
        assert '<a href="/" aria-current="page">' in nav
        nav = chrome.render_chrome("includes/_main_nav.html", factory.get("/powiaty/"))
        assert '<a href="/" aria-current' not in nav  # the home link is marked exactly
    with translation.override("en"):
        footer = chrome.render_chrome("includes/_site_footer.html", factory.get("/en/contact/"))
        assert '<a href="/en/contact/" aria-current="page">Contact</a>' in footer
        assert "?lang=en" in footer


def test_a_changed_setting_forgets_the_kept_parts(settings):
    request = RequestFactory().get("/")
    with translation.override("pl"):
        chrome.render_chrome("includes/_site_name.html", request)
        assert chrome._FRAGMENTS
        settings.PUBLIC_AGGREGATE_MAX_AGE = 7
        assert not chrome._FRAGMENTS


def test_nothing_kept_with_debug_on(settings):
    settings.DEBUG = True
    with translation.override("pl"):
        chrome.render_chrome("includes/_site_name.html", RequestFactory().get("/"))
    assert not chrome._FRAGMENTS


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/projekty/",
        "/projekty/jakis-pomysl/",
        "/en/counties/some-county/",
        "/zr%C3%B3d%C5%82a/",
        "/projekty/a%2Fb/",
        "/nie-ma/",
        "/en/no-such-page/",
    ],
)
def test_language_links_are_those_of_translate_url(path):
    request = RequestFactory().get(path, {"page": "2"})
    with translation.override("en" if path.startswith("/en/") else "pl"):
        links = language_links({"request": request})
        for link in links:
            if link["url"].startswith(("/", "/en/")) and "page=2" in link["url"]:
                assert link["url"] == translate_url(request.path, link["code"]) + "?page=2"
        assert [link["code"] for link in links] == ["pl", "en"]
        assert [link["current"] for link in links] == [
            code == translation.get_language() for code in ("pl", "en")
        ]


# The loops base.html had before {% alternate_links %} and {% language_switcher %}.
LOOPS = (
    "{% load portal %}{% language_links as languages %}{% for language in languages %}\n"
    '  <link rel="alternate" hreflang="{{ language.code }}" href="{{ request.scheme }}://'
    '{{ request.get_host }}{{ language.url }}">{% endfor %}|{% for language in languages %}\n'
    '          <li><a href="{{ language.url }}" lang="{{ language.code }}" '
    'hreflang="{{ language.code }}"{% if language.current %} aria-current="true"{% endif %}>'
    "{{ language.name|capfirst }}</a></li>{% endfor %}"
)
TAGS = (
    "{% load portal %}{% language_links as languages %}{% alternate_links languages %}|"
    "{% language_switcher languages %}"
)


@pytest.mark.parametrize(
    "path,query",
    [
        ("/", ""),
        ("/projekty/", "status=completed&theme=a\"b'<c>&page=2"),
        ("/en/projects/", "q=%3Cscript%3E"),
        ("/en/counties/x/", ""),
        ("/nie-ma/", "a=1&b=2"),
    ],
)
def test_language_tags_write_what_the_loops_wrote(path, query):
    from django.template import engines

    engine = engines["django"]
    request = RequestFactory().get(f"{path}?{query}" if query else path)
    with translation.override("en" if path.startswith("/en/") else "pl"):
        tags = engine.from_string(TAGS).render({}, request)
        loops = engine.from_string(LOOPS).render({}, request)
    assert tags == loops
    assert tags.count('hreflang="pl"') == 2 and tags.count('hreflang="en"') == 2
