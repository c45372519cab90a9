"""``{% timeline_items timeline %}``: the items of the home page's timeline
(``portal.views.build_timeline``), written in one pass.

The timeline lists up to 60 agreements, 60 events and the cycles counted per period, and
the template engine resolved a dozen variables, filters and tags per item (an icon, a
plural, a capitalised label). The markup is exactly what the template's loop wrote
(``tests/portal/test_timeline_tag.py`` renders that loop and compares).
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import ngettext

from .bar_chart import _e
from .portal import icon

register = template.Library()


def _link(item) -> str:
    url, title = _e(item.url), _e(item.title)
    if item.kind == "cycles":
        counter = item.county_count
        where = ngettext("in %(counter)s county", "in %(counter)s counties", counter) % {
            "counter": _e(counter)
        }
        return (
            f'<a href="{url}">{title}</a><span class="note"> · {conditional_escape(where)}</span>'
        )
    county = f'<span class="note"> · {_e(item.county)}</span>' if item.county else ""
    return f'<a href="{url}" lang="pl">{title}</a>{county}'


@register.simple_tag
def timeline_items(items) -> str:
    """The ``<li>`` of each ``TimelineItem``, as the template wrote them; each kind's
    class, icon and label written once."""
    heads: dict = {}
    parts = []
    for item in items:
        head = heads.get((item.kind, item.kind_label))
        if head is None:
            head = heads[item.kind, item.kind_label] = (
                f'\n    <li class="timeline__{_e(item.kind)}">\n      <span class="when">',
                f'</span>\n      <span class="tag">{icon(item.kind)}'
                f"{_e(capfirst(item.kind_label))}</span>\n      ",
            )
        # A date (FuzzyDate) is neither a number nor marked safe: {{ }} writes its str.
        parts.append(f"{head[0]}{escape(str(item.dates))}{head[1]}{_link(item)}\n    </li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
