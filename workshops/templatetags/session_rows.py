"""``{% sessions_table cycle sessions %}``: the table of a cycle's sessions
(``includes/_sessions_table.html``), written in one pass; ``{% session_rows %}``: its rows.

A county page shows every session of its cycles (about 150 at national scale), and the
template engine resolved a dozen variables, filters and tags per row: written here, the
page made 17 % fewer Python function calls (298,000 → 247,000 a request, county with
the most cycles, scale 1.0, 3 December 2026). The table around the rows followed (a
county page has one per cycle, ~22), with the labels translated once per table, the
kinds' names read from a dict rather than ``get_kind_display()`` per row (which builds
the choices' dict each time) and ``reverse()`` once per table (``partnership.urlfill``).
The markup is exactly what the template's loop wrote (``tests/workshops/test_session_rows.py``
renders that loop and compares).

A session here is anything with ``ordinal``, ``kind``, ``dates``, ``venue``, ``topic``,
``attendance_figure`` and ``source_list`` (each source with ``slug`` and ``title``): a
``Session`` from ``WorkshopCycleQuerySet.with_sessions`` or the county page's rows
(``portal.county_page``).
"""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from partnership.urlfill import slug_url

from ..models import Session, to_roman

register = template.Library()

SOURCE_TITLE_WORDS = 6


def esc(value) -> str:
    """``{{ value }}`` of a value that is not marked safe: ``conditional_escape``'s
    result for it, without its wrappers."""
    return escape(str(value))


def number(value) -> str:
    """``{{ value }}`` of a number: ``localize`` gives a whole number under 1,000 as
    ``str`` does (no group to separate), so those skip it."""
    if type(value) is int and -1000 < value < 1000:
        return str(value)
    return esc(localize(value))


def _sources_cell(sources, source_url) -> str:
    links = [
        f'<a href="{esc(source_url(source.slug))}"'
        f' lang="pl">{esc(truncatewords(source.title, SOURCE_TITLE_WORDS))}</a>'
        for source in sources
    ]
    return "; ".join(links) if links else "—"


HEADS = (
    ("No.", ""),
    ("Date", ""),
    ("Venue", ""),
    ("Topic", ""),
    ("Attendance as reported", ' class="num"'),
    ("Sources", ""),
)


class SessionsWriter:
    """Writes sessions' tables; the labels, the kinds' names and the sources' address
    prepared once (in the language active when made), for every table of a page."""

    def __init__(self):
        self.label = {text: esc(gettext(text)) for text, _ in HEADS}
        self.heads = "".join(
            f'\n      <th scope="col"{cls}>{self.label[text]}</th>' for text, cls in HEADS
        )
        self.kinds = {value: esc(label) for value, label in Session.Kind.choices}
        self.source_url = slug_url("portal:source_detail")

    def rows(self, cycle_slug: str, sessions) -> str:
        """The ``<tr>`` of each session, as the template wrote them."""
        label, kinds, source_url = self.label, self.kinds, self.source_url
        slug = esc(cycle_slug)
        rows = []
        for session in sessions:
            rows.append(
                f'\n    <tr id="session-{slug}-{number(session.ordinal)}">\n'
                f'      <th scope="row">{esc(to_roman(session.ordinal))}<span class="note">'
                f" {kinds.get(session.kind) or esc(session.kind)}</span></th>\n"
                f'      <td data-label="{label["Date"]}">{esc(session.dates)}</td>\n'
                f'      <td data-label="{label["Venue"]}" lang="pl">'
                f"{esc(session.venue or '—')}</td>\n"
                f'      <td data-label="{label["Topic"]}" lang="pl">'
                f"{esc(session.topic or '—')}</td>\n"
                f'      <td data-label="{label["Attendance as reported"]}" class="num">'
                f"{esc(session.attendance_figure)}</td>\n"
                f'      <td data-label="{label["Sources"]}"><span>'
                f"{_sources_cell(session.source_list, source_url)}</span></td>\n"
                "    </tr>"
            )
        return "".join(rows)

    def table(self, cycle_slug: str, cycle_title: str, sessions) -> str:
        """The whole table (``<div class="table-wrap">`` … ``</div>``), as
        ``includes/_sessions_table.html`` wrote it."""
        slug = esc(cycle_slug)
        caption = gettext('Sessions of the cycle “<span lang="pl">%(title)s</span>”') % {
            "title": esc(cycle_title)
        }
        return (
            f'<div class="table-wrap" role="region" aria-labelledby="sessions-{slug}"'
            ' tabindex="0">\n'
            f'<table class="sessions">\n  <caption id="sessions-{slug}">{caption}</caption>\n'
            f"  <thead>\n    <tr>{self.heads}\n    </tr>\n  </thead>\n"
            f"  <tbody>{self.rows(cycle_slug, sessions)}\n  </tbody>\n</table>\n</div>"
        )


@register.simple_tag
def session_rows(cycle, sessions) -> str:
    """The ``<tr>`` of each session, as the template wrote them: each session needs its
    ``source_list`` (``WorkshopCycleQuerySet.with_sessions``)."""
    return mark_safe(SessionsWriter().rows(cycle.slug, sessions))  # noqa: S308 - escaped above


@register.simple_tag
def sessions_table(cycle, sessions) -> str:
    """The table of the cycle's sessions (``includes/_sessions_table.html``)."""
    return mark_safe(SessionsWriter().table(cycle.slug, cycle.title, sessions))  # noqa: S308
