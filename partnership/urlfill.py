"""Addresses of many records of one kind, with ``reverse()`` called once.

A page that links ~200 rows (a county's sessions, sources and project ideas) spent a
``reverse()`` per link: the resolver's lookup, the prefix of the active language, the
quoting, about 40 µs each. ``slug_url(name)`` reverses the pattern once, with a marker
in place of the slug, and fills each slug in; a slug of the characters ``<slug:...>``
accepts needs no quoting, so the address is the one ``reverse()`` gives
(``tests/portal/test_urlfill.py`` compares them for every record on file). Anything else
goes to ``reverse()`` itself, which gives the same answer or error as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import reverse

# What the ``slug`` path converter matches (django.urls.converters.SlugConverter).
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
MARKER = "slug-marker-0f1e2d3c"


def slug_url(name: str) -> Callable[[str], str]:
    """A function giving ``reverse(name, kwargs={"slug": slug})`` for a slug, reversed
    once here, in the language active now (call it where the links are written)."""
    head, found, tail = reverse(name, kwargs={"slug": MARKER}).partition(MARKER)
    if not found or MARKER in tail:  # not a plain slug in the path: no shortcut
        return lambda slug: reverse(name, kwargs={"slug": slug})

    def url(slug: str) -> str:
        if SLUG.fullmatch(slug):
            return f"{head}{slug}{tail}"
        return reverse(name, kwargs={"slug": slug})

    return url
