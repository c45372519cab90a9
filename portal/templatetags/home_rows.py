"""The home page's lists written in one pass: ``{% idea_cards highlighted %}`` (the cards
of the highlighted project ideas) and ``{% edition_items programmes %}`` (the programme
editions), from the rows of ``portal.home_page``.

The template's loops resolved a ``{% url %}`` (the resolver, about 40 µs), an icon, a
filter and a handful of variables per item; here the addresses are filled in from one
``reverse()`` (``partnership.urlfill``). The markup is the loops' to the character:
``tests/portal/test_home_rows.py`` keeps the loops and compares.
"""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.safestring import mark_safe

from partnership.urlfill import slug_url

from .portal import icon

register = template.Library()

GOALS_WORDS = 30


@register.simple_tag
def idea_cards(ideas) -> str:
    """The ``<li>`` of each ``portal.home_page.IdeaCard``."""
    url = slug_url("projects:detail")
    mark = icon("project")
    parts = []
    for idea in ideas:
        county = f" · {escape(idea.county)}" if idea.county else ""
        goals = (
            f'<p lang="pl">{escape(truncatewords(idea.goals, GOALS_WORDS))}</p>'
            if idea.goals
            else ""
        )
        parts.append(
            f'\n    <li>\n      <h3>{mark}<a href="{escape(url(idea.slug))}" lang="pl">'
            f"{escape(idea.title)}</a></h3>\n"
            f'      <p class="note">{escape(idea.status_label)}{county}</p>\n'
            f"      {goals}\n    </li>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def edition_items(editions) -> str:
    """The ``<li>`` of each ``portal.home_page.Edition``: its link and its dates."""
    url = slug_url("portal:programme_detail")
    return mark_safe(  # noqa: S308 - every value below is escaped
        "".join(
            f'\n    <li><a href="{escape(url(edition.slug))}" lang="pl">{escape(edition.name)}'
            f"</a> ({escape(str(edition.dates))})</li>"
            for edition in editions
        )
    )
