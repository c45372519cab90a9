"""The parts of every public page that do not depend on the page: rendered once.

``base.html`` shows the site's name, the main navigation and the footer on every page:
sixteen reversed URLs, twenty translated strings and nine ``{% nav_current %}`` calls that
took about a third of the Python a short page such as the contact page spends beyond
``/ping`` (docs/benchmarks.md, "Uncached public pages"). What they render depends on
nothing but

* the active language, the URL prefix (``SCRIPT_NAME``) and the URLconf, and
* which navigation link is the current page or above it (``{% nav_current %}``),

so :func:`render_chrome` renders such a template once per combination of these and
keeps the markup for the life of the process: reference data shipped with the code
(templates, URLconf, translation catalogues), no database row. The templates rendered
this way (``{% chrome "includes/..." %}``) get only ``request`` and ``LANGUAGE_CODE`` in
their context and may depend on the request only through ``{% nav_current %}``, called
unconditionally; ``tests/portal/test_chrome.py`` checks them against a plain render.

Nothing is kept with ``DEBUG`` on (templates edited while the server runs show at
once), and everything is forgotten when a setting changes (tests).
"""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.template import Context
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# (template, language, prefix, urlconf) -> the (url, exact) of its {% nav_current %} calls
_NAV_CALLS: dict[tuple, tuple[tuple[str, bool], ...]] = {}
# (template, language, prefix, urlconf, states) -> its markup
_FRAGMENTS: dict[tuple, SafeString] = {}
# Where {% nav_current %} notes its calls during a render by render_chrome (a context key
# no template variable can name).
RECORD_KEY = "portal.chrome.nav_calls"


def nav_state(path: str, url: str, exact: bool) -> str:
    """What ``{% nav_current %}`` writes for a link to ``url`` on the page at ``path``."""
    if path == url:
        return ' aria-current="page"'
    if not exact and path.startswith(url):
        return ' aria-current="true"'
    return ""


def render_chrome(template_name: str, request) -> SafeString:
    """``template_name`` rendered for ``request``'s language and navigation state."""
    if settings.DEBUG:
        return _render(template_name, request)[0]
    path = request.path if request is not None else ""
    base_key = (template_name, get_language(), get_script_prefix(), get_urlconf())
    calls = _NAV_CALLS.get(base_key)
    if calls is not None:
        states = tuple(nav_state(path, url, exact) for url, exact in calls)
        markup = _FRAGMENTS.get((*base_key, states))
        if markup is not None:
            return markup
    markup, calls = _render(template_name, request)
    states = tuple(nav_state(path, url, exact) for url, exact in calls)
    _NAV_CALLS[base_key] = calls
    _FRAGMENTS[(*base_key, states)] = markup
    return markup


def _render(template_name: str, request) -> tuple[SafeString, tuple[tuple[str, bool], ...]]:
    template = get_template(template_name).template
    calls: list[tuple[str, bool]] = []
    context = Context({"request": request, "LANGUAGE_CODE": get_language(), RECORD_KEY: calls})
    return mark_safe(template.render(context)), tuple(calls)  # noqa: S308 - a template


def forget(**kwargs) -> None:
    """Drop every kept fragment (connected to ``setting_changed``)."""
    _NAV_CALLS.clear()
    _FRAGMENTS.clear()


setting_changed.connect(forget, dispatch_uid="portal.chrome.forget")
