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
