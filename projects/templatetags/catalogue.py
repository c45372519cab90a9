"""The catalogue's result cards and filter fields, written in one pass.

``{% filter_form form %}`` writes what ``projects/_filter_form.html`` wrote (the filter
form, its heading and its errors), and ``{% filter_field field %}`` what
``projects/_field.html`` wrote, included once per field of the form
(``tests/projects/test_catalogue_tags.py`` keeps both templates and compares).

``{% idea_cards ideas icon %}``: the result cards.

The template's loop resolved some twenty variables, filters and tags per card; written
here, a page of 20 cards costs about a tenth of the Python it did (see
``projects/catalogue_speed.py``). The markup is exactly what the loop wrote
(``tests/projects/test_catalogue_tags.py`` renders that loop and compares). Each idea needs
what ``projects.views.prepare_cards`` gives it: ``card_area``, ``card_period`` and
``card_themes``.
"""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, pgettext

from projects.catalogue_speed import fast_escape, fast_escape_all
from projects.filters import number_formatter
from projects.models import Status

register = template.Library()

GOALS_WORDS = 40
SLUG = "slug-of-the-idea"
# A slug reverse() writes as it is (no quoting): the address is the reversed one with
# the slug put in; any other goes through get_absolute_url().
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@register.simple_tag
def idea_cards(ideas, icon="") -> str:
    """The ``<li>`` of each idea, as the list template's loop wrote them; ``icon`` is
    the markup put before each title (``{% icon "project" as project_icon %}``)."""
    esc = fast_escape
    # As get_status_display(): the label of a known status, else the value itself.
    statuses = {value: esc(capfirst(label)) for value, label in Status.choices}
    labels = {
        "status": esc(gettext("Status")),
        "area": esc(gettext("Area")),
        "period": esc(gettext("Period")),
        "themes": esc(gettext("Themes")),
    }
    no_area = esc(gettext("not recorded"))
    no_date = esc(pgettext("date", "date unknown"))
    # One reversed address; each card's differs only by its slug.
    address = reverse("projects:detail", kwargs={"slug": SLUG})
    icon = esc(icon)
    number = number_formatter()
    escaped = iter(fast_escape_all(_card_texts(ideas, address)))
    cards = []
    for idea in ideas:
        pk = esc(number(idea.pk))
        href, title, area, period, goals = (next(escaped) for _ in range(5))
        themes = ""
        if idea.card_themes:
            tags = " ".join(f'<span class="tag">{next(escaped)}</span>' for _ in idea.card_themes)
            themes = f"    <dt>{labels['themes']}</dt>\n    <dd>{tags}</dd>\n"
        if idea.goals:
            goals = f'  <p lang="pl">{goals}</p>\n'
        cards.append(
            f'<li><article aria-labelledby="idea-{pk}">\n'
            f'  <h3 id="idea-{pk}">{icon}<a href="{href}" lang="pl">{title}</a></h3>\n'
            '  <dl class="facts">\n'
            f"    <dt>{labels['status']}</dt>\n"
            f"    <dd>{statuses.get(idea.status) or esc(capfirst(idea.status))}</dd>\n"
            f"    <dt>{labels['area']}</dt>\n"
            f"    <dd>{area if idea.card_area else no_area}</dd>\n"
            f"    <dt>{labels['period']}</dt>\n"
            f"    <dd>{period if idea.card_period else no_date}</dd>\n"
            f"{themes}  </dl>\n{goals}</article></li>\n"
        )
    return mark_safe("".join(cards))  # noqa: S308 - every value above is escaped


def _card_texts(ideas, address: str) -> list:
    """Each card's texts, to be escaped together (``fast_escape_all``): its address,
    title, area, period, goals and themes."""
    texts = []
    for idea in ideas:
        if PLAIN_SLUG.fullmatch(idea.slug):
            texts.append(address.replace(SLUG, idea.slug))
        else:
            texts.append(idea.get_absolute_url())
        texts += [idea.title, idea.card_area or "", idea.card_period or ""]
        texts.append(truncated_words(idea.goals, GOALS_WORDS) if idea.goals else "")
        texts += idea.card_themes
    return texts


def truncated_words(text: str, count: int) -> str:
    """``text|truncatewords:count``: its first ``count`` words and " …" if it has more,
    the words joined by single spaces (as Django's ``Truncator.words``)."""
    words = text.split()
    if len(words) <= count:
        return " ".join(words)
    text = " ".join(words[:count])
    return text if text.endswith(" …") else f"{text} …"


@register.simple_tag
def filter_field(field) -> str:
    """One labelled control of the filter form; Django points its ``aria-describedby``
    at the help text and the errors."""
    esc = fast_escape
    auto_id = esc(field.auto_id)
    errors = field.errors
    html = [
        f'\n<div class="field{" field--error" if errors else ""}">\n',
        f'  <label for="{auto_id}">{esc(field.label)}</label>\n  ',
    ]
    if errors:
        items = "".join(f"<li>{esc(error)}</li>" for error in errors)
        html.append(f'<ul class="form-error errorlist" id="{auto_id}_error">{items}</ul>')
    html.append(f"\n  {esc(field)}\n  ")
    if field.help_text:
        html.append(f'<p class="note" id="{auto_id}_helptext">{esc(field.help_text)}</p>')
    html.append("\n</div>\n")
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


FILTER_FIELDS = ("q", "county", "programme", "year", "status", "theme", "ordering")


@register.simple_tag
def filter_form(form) -> str:
    """The catalogue's filter form, with its heading and its errors' alert: the scope's
    radio buttons, then a ``filter_field`` per other filter."""
    esc = fast_escape
    action = esc(reverse("projects:list"))
    html = [f'\n<h2 id="filters-heading">{esc(gettext("Search and filter"))}</h2>\n']
    if form.errors:
        alert = gettext(
            "Some filters could not be used, so no project ideas are listed. Correct the "
            "marked fields or clear the filters."
        )
        html.append(f'\n<div class="form-error" role="alert">\n  <p>{esc(alert)}</p>\n</div>\n')
    html.append(
        f'\n<form method="get" action="{action}" class="filters" role="search"'
        ' aria-labelledby="filters-heading">\n'
    )
    html.append(_scope_fieldset(form["scope"]))
    html += [f"{filter_field(form[name])}\n  " for name in FILTER_FIELDS]
    html.append(
        '<div class="field">\n'
        f'    <button type="submit">{esc(gettext("Show project ideas"))}</button>\n'
        f'    <a href="{action}">{esc(gettext("Clear filters"))}</a>\n'
        "  </div>\n</form>\n"
    )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


def _scope_fieldset(scope) -> str:
    """The scope's fieldset: its legend, its errors, a labelled radio button per choice."""
    esc = fast_escape
    errors = scope.errors
    auto_id = esc(scope.auto_id)
    html = [
        f'  <fieldset class="field{" field--error" if errors else ""}"',
        f' aria-describedby="{auto_id}_error">' if errors else ">",
        f"\n    <legend>{esc(scope.label)}</legend>\n    ",
    ]
    if errors:
        items = "".join(f"<li>{esc(error)}</li>" for error in errors)
        html.append(f'<ul class="form-error errorlist" id="{auto_id}_error">{items}</ul>')
    html.append("\n    ")
    for radio in scope:
        html.append(
            f'\n    <label for="{esc(radio.id_for_label)}" class="choice">'
            f"{esc(radio.tag())} {esc(radio.choice_label)}</label>\n    "
        )
    html.append("\n  </fieldset>\n  ")
    return "".join(html)


@register.simple_tag
def pagination(page, filter_query: str) -> str:
    """The previous and next links of the catalogue's ``page``, as the included
    ``includes/_pagination.html`` writes them (which the other lists include)."""
    if not page.has_other_pages():
        return "\n\n"
    esc = fast_escape
    number = number_formatter()
    pages = page.paginator.num_pages
    status = ngettext("Page %(number)s of %(pages)s", "Page %(number)s of %(pages)s", pages) % {
        "number": esc(number(page.number)),
        "pages": esc(number(pages)),
    }
    query = f"?{esc(filter_query)}&amp;page=" if filter_query else "?page="
    links = ["", ""]
    if page.has_previous():
        links[0] = (
            f'<li><a href="{query}{esc(number(page.previous_page_number()))}" rel="prev">'
            f"{esc(gettext('Previous page'))}</a></li>"
        )
    if page.has_next():
        links[1] = (
            f'<li><a href="{query}{esc(number(page.next_page_number()))}" rel="next">'
            f"{esc(gettext('Next page'))}</a></li>"
        )
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'\n\n<nav aria-label="{esc(gettext("Pages of results"))}">\n  <p>{status}</p>\n'
        f'  <ul class="pagination">\n    {links[0]}\n    {links[1]}\n  </ul>\n</nav>\n\n'
    )
