"""Template tags shared by every public page: language links, navigation, canonical URL."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, override

from portal import chrome as chrome_module

register = template.Library()


def _home_url(language: str) -> str:
    with override(language):
        try:
            return reverse("portal:home")
        except NoReverseMatch:
            return "/"


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language in ``LANGUAGES`` to this page in that language.

    A path that does not resolve (a 404 page) links to the home page of each language.
    The links are those of ``translate_url(path, code)``, with the path resolved once
    for all the languages instead of twice per language.
    """
    request = context.get("request")
    current = get_language()
    path = request.path if request is not None else "/"
    query = request.META.get("QUERY_STRING", "") if request is not None else ""
    match = _resolved(request, path)
    links = []
    for code, _name in settings.LANGUAGES:
        if match is not None:
            url = _translated_path(path, match, code)
            if query:
                url = f"{url}?{query}"
        else:
            url = _home_url(code)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def alternate_links(context, languages: list[dict]) -> str:
    """The ``<link rel="alternate" hreflang>`` of each of ``language_links``, each on its
    own line as base.html wrote them with a loop (a loop cost more than the links)."""
    request = context.get("request")
    origin = f"{request.scheme}://{request.get_host()}" if request is not None else "://"
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'\n  <link rel="alternate" hreflang="{escape(language["code"])}" '
            f'href="{escape(origin + language["url"])}">'
            for language in languages
        )
    )


CURRENT_LANGUAGE = ' aria-current="true"'


@register.simple_tag
def language_switcher(languages: list[dict]) -> str:
    """The language switcher's list items, one per language of ``language_links``."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'\n          <li><a href="{escape(language["url"])}" lang="{escape(language["code"])}"'
            f' hreflang="{escape(language["code"])}"'
            f"{CURRENT_LANGUAGE if language['current'] else ''}>"
            f"{escape(capfirst(language['name']))}</a></li>"
            for language in languages
        )
    )


def _resolved(request, path: str):
    """``resolve(path)``, or None where it does not resolve: the request's own match
    when the handler resolved this path with the root URLconf (half the links' work)."""
    match = getattr(request, "resolver_match", None)
    if (
        match is not None
        and request.path_info == path
        and getattr(request, "urlconf", None) is None
    ):
        return match
    try:
        return resolve(path)
    except Resolver404:
        return None


def _translated_path(path: str, match, code: str) -> str:
    """``translate_url(path, code)`` given ``match = resolve(path)``."""
    parsed = urlsplit(path)
    target = unquote(parsed.path)
    if target != path:  # translate_url resolves the unquoted path: resolve it likewise
        try:
            match = resolve(target)
        except Resolver404:
            return path
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            url = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    return urlunsplit((parsed.scheme, parsed.netloc, url, parsed.query, parsed.fragment))


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The absolute URL of the current page without its query string."""
    request = context.get("request")
    if request is None:
        return ""
    return request.build_absolute_uri(request.path)


@register.simple_tag(takes_context=True)
def nav_current(context, url_name: str, exact: bool = False) -> str:
    """``aria-current`` for a navigation link: "page" on the page, "true" below it."""
    request = context.get("request")
    url = reverse(url_name)
    path = request.path if request is not None else ""
    calls = context.get(chrome_module.RECORD_KEY)
    if calls is not None:  # rendered by {% chrome %}: the state is part of its key
        calls.append((url, exact))
    return mark_safe(chrome_module.nav_state(path, url, exact))  # noqa: S308 - constant markup


@register.simple_tag(takes_context=True)
def chrome(context, template_name: str):
    """``{% chrome "includes/_main_nav.html" %}``: a part of every page (site name, main
    navigation, footer) rendered once per language and navigation state
    (``portal/chrome.py`` says what such a template may use)."""
    return chrome_module.render_chrome(template_name, context.get("request"))


# Icons for the kinds of record: 24×24 strokes drawn for the portal, inline (no request,
# no font), hidden from screen readers (the text beside them says what they mean).
ICONS = {
    "project": (
        "M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5c.7.7 1 1.5 1 2.5h6c0-1 .3-1.8 1-2.5A6 6 0 0 0 12 3z"
    ),
    "county": "M12 21s-6-5.6-6-11a6 6 0 0 1 12 0c0 5.4-6 11-6 11zM12 8a2 2 0 1 0 0 4a2 2 0 1 0 0-4",
    "cycles": "M4 6h16v14H4zM4 10h16M8 3v5M16 3v5M8 14h2M12 14h2M16 14h1",
    "event": "M5 21V4M5 4h12l-2.5 4 2.5 4H5",
    "agreement": "M6 3h9l4 4v14H6zM14 3v5h5M9 13h7M9 17h4",
    "source": "M4 5a2 2 0 0 1 2-2h13v15H6a2 2 0 0 0-2 2zM4 20V5M19 18v3H6M8 7h7",
    "edition": "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z",
    "video": "M3 5h18v14H3zM10 9v6l5-3z",
    "external": "M14 4h6v6M20 4l-9 9M18 14v6H4V6h6",
}


@register.simple_tag
def icon(kind: str) -> str:
    """``{% icon "project" %}``: the kind's inline SVG icon, or nothing for an unknown kind."""
    path = ICONS.get(kind)
    if path is None:
        return ""
    return mark_safe(  # noqa: S308 - constant markup from ICONS
        '<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" '
        f'focusable="false"><path d="{path}"/></svg>'
    )


KNOWN_SITES = {"youtube.com": "YouTube", "youtu.be": "YouTube", "vimeo.com": "Vimeo"}


@register.filter
def site_name(url: str) -> str:
    """The site a link leads to, as a visitor knows it: "YouTube", else its host name."""
    from urllib.parse import urlsplit

    host = (urlsplit(url or "").hostname or "").removeprefix("www.").removeprefix("m.")
    return KNOWN_SITES.get(host, host)
