"""Template tags shared by every public page: language links, navigation, canonical URL."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse, translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, override

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
    """
    request = context.get("request")
    current = get_language()
    path = request.path if request is not None else "/"
    query = request.META.get("QUERY_STRING", "") if request is not None else ""
    try:
        resolve(path)
    except Resolver404:
        resolvable = False
    else:
        resolvable = True
    links = []
    for code, _name in settings.LANGUAGES:
        if resolvable:
            url = translate_url(path, code)
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
    if path == url:
        return mark_safe(' aria-current="page"')  # noqa: S308 - constant markup
    if not exact and path.startswith(url):
        return mark_safe(' aria-current="true"')  # noqa: S308 - constant markup
    return ""


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
