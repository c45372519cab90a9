"""Rows of records written in one pass: ``{% cycle_articles cycles %}`` (a county
page's workshop cycles, each with its sessions' table and its sources) and
``{% idea_rows ideas show_origin %}`` (the rows of ``includes/_ideas_table.html``).

The county page with the most cycles at national scale (22 cycles, ~130 sessions, ~80
ideas, scale 1.0) spent most of its time in the template engine: a loop of articles
with two includes each, a ``{% url %}`` per link, a ``{% translate %}`` per label. Here
each label is translated once per page, each kind of address reversed once
(``partnership.urlfill``) and each value escaped as ``{{ value }}`` escapes it. The
markup is the templates' to the character: ``tests/portal/test_record_rows.py`` keeps
the templates' loops and compares, in Polish and English, for every county on record.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from partnership.urlfill import slug_url
from projects.models import Status
from workshops.models import WorkshopCycle
from workshops.templatetags.session_rows import SessionsWriter, esc, number

register = template.Library()


def sources_html(sources, source_url) -> str:
    """``includes/_sources.html`` for these sources (each with ``slug``, ``title`` and
    ``title_is_descriptive``)."""
    if not sources:
        note = esc(gettext("No source document is recorded for this entry."))
        return f'\n<div class="sources">\n  <p class="note">{note}</p>\n</div>\n'
    descriptive = esc(gettext("descriptive title"))
    items = "".join(
        f'\n    <li><a href="{esc(source_url(source.slug))}" lang="pl">{esc(source.title)}</a>'
        + (f' <span class="note">({descriptive})</span>' if source.title_is_descriptive else "")
        + "</li>"
        for source in sources
    )
    heading = ngettext("Source:", "Sources:", len(sources))
    return (
        f'\n<div class="sources">\n  <p class="note">{heading}</p>\n'
        f"  <ul>{items}\n  </ul>\n</div>\n"
    )


class CycleWriter:
    """Writes the ``<article>`` of each cycle as ``portal/county_detail.html``'s loop
    did; labels and addresses prepared once (in the language active when made)."""

    def __init__(self):
        self.cycle_url = slug_url("workshops:cycle_detail")
        self.programme_url = slug_url("portal:programme_detail")
        self.sessions_writer = SessionsWriter()
        self.source_url = self.sessions_writer.source_url
        self.statuses = {value: str(label) for value, label in WorkshopCycle.Status.choices}
        self.label = {
            text: esc(gettext(text))
            for text in (
                "descriptive title",
                "Period",
                "Programme edition",
                "Status",
                "Sessions held",
                "Project ideas",
                "No sessions of this cycle are on record.",
            )
        }

    def facts(self, cycle) -> str:
        label = self.label
        planned = ""
        if cycle.sessions_planned:
            count = cycle.sessions_planned
            text = ngettext("%(counter)s planned", "%(counter)s planned", count)
            planned = f' <span class="note">({text % {"counter": number(count)}})</span>'
        programme = cycle.programme
        return (
            f'\n    <dl class="facts">\n'
            f"      <dt>{label['Period']}</dt><dd>{esc(cycle.dates)}</dd>\n"
            f'      <dt>{label["Programme edition"]}</dt><dd><a href="'
            f'{esc(self.programme_url(programme.slug))}" lang="pl">{esc(programme.name)}</a></dd>\n'
            f"      <dt>{label['Status']}</dt><dd>"
            f"{esc(self.statuses.get(cycle.status, cycle.status))}</dd>\n"
            f"      <dt>{label['Sessions held']}</dt><dd>"
            f"{esc(cycle.sessions_figure)}{planned}</dd>\n"
            f"      <dt>{label['Project ideas']}</dt><dd>{number(cycle.project_idea_count)}</dd>\n"
            "    </dl>"
        )

    def sessions(self, cycle) -> str:
        sessions = cycle.session_list
        if not sessions:
            return f'<p class="note">{self.label["No sessions of this cycle are on record."]}</p>'
        summary = ngettext(
            "Sessions of this cycle (%(counter)s)",
            "Sessions of this cycle (%(counter)s)",
            len(sessions),
        ) % {"counter": number(len(sessions))}
        table = self.sessions_writer.table(cycle.slug, cycle.title, sessions)
        return (
            f'<details class="fold">\n      <summary>{summary}</summary>\n      \n{table}\n\n'
            "    </details>"
        )

    def article(self, cycle) -> str:
        slug = esc(cycle.slug)
        descriptive = ""
        if cycle.title_is_descriptive:
            descriptive = f' <span class="note">({self.label["descriptive title"]})</span>'
        return (
            f'\n  <article aria-labelledby="cycle-{slug}-title">\n'
            f'    <h3 id="cycle-{slug}-title">'
            f'<a href="{esc(self.cycle_url(cycle.slug))}" lang="pl">{esc(cycle.title)}</a>'
            f"{descriptive}</h3>{self.facts(cycle)}\n"
            f"    {self.sessions(cycle)}\n"
            f"    {sources_html(cycle.source_list, self.source_url)}\n"
            "  </article>\n  "
        )


@register.simple_tag
def cycle_articles(cycles) -> str:
    """The ``<article>`` of each cycle (from ``portal.county_page.county_cycles``)."""
    writer = CycleWriter()
    return mark_safe("".join(writer.article(cycle) for cycle in cycles))  # noqa: S308 - escaped


def _origin(idea, cycle_url, event_url) -> str:
    if idea.cycle:
        cell = f'<a href="{esc(cycle_url(idea.cycle.slug))}" lang="pl">{esc(idea.cycle.title)}</a>'
        if idea.session:
            session = gettext("session %(roman)s") % {"roman": esc(idea.session.roman)}
            cell += f" ({session})"
        return cell
    if idea.event:
        return f'<a href="{esc(event_url(idea.event.slug))}" lang="pl">{esc(idea.event.title)}</a>'
    return ""


@register.simple_tag
def idea_rows(ideas, show_origin=False) -> str:
    """The ``<tr>`` of each idea, as ``includes/_ideas_table.html``'s loop wrote them: an
    idea is a ``ProjectIdea`` (with its cycle, session and event selected) or an
    ``IdeaRow`` of ``portal.county_page``."""
    idea_url = slug_url("projects:detail")
    cycle_url = slug_url("workshops:cycle_detail")
    event_url = slug_url("portal:event_detail")
    statuses = {value: str(label) for value, label in Status.choices}
    rows = []
    for idea in ideas:
        row = (
            f'\n    <tr>\n      <th scope="row"><a href="{esc(idea_url(idea.slug))}" lang="pl">'
            f"{esc(idea.title)}</a></th>\n"
            f"      <td>{esc(statuses.get(idea.status, idea.status))}</td>"
        )
        if show_origin:
            row += f"\n      <td>{_origin(idea, cycle_url, event_url)}</td>"
        rows.append(row + "\n    </tr>")
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped
