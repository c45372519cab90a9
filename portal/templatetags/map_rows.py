"""The repeated parts of ``includes/_county_map.html`` written in one pass:
``{% map_counties m %}`` (each county's outline, a link named by its participation) and
``{% map_table_rows m %}`` (the rows of the map's table).

A voivodeship's map has ~40 counties, each an outline of several kilobytes, a link, an
accessible name and a band; the template engine resolved a dozen variables per county
(the home page's map writes the table too). The markup is the template's to the
character: ``tests/portal/test_county_map.py`` keeps the template's loops and compares.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from workshops.templatetags.session_rows import esc, number

register = template.Library()


@register.simple_tag
def map_counties(m) -> str:
    """Each county of the map ``m`` (``portal.maps.CountyMap``), in drawing order."""
    map_id = esc(m.id)
    parts = []
    for county in m.counties:
        fill = f'd="{esc(county.d)}" fill="url(#{map_id}-{esc(county.band)})"/>'
        if county.url:
            current = ' aria-current="page"' if county.current else ""
            parts.append(
                f'<a href="{esc(county.url)}" class="county-map__county"{current}>'
                f"<title>{esc(county.label)}</title><path {fill}</a>\n      "
            )
        else:
            parts.append(
                f'<path class="county-map__county county-map__county--unlinked" {fill}\n      '
            )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def map_table_rows(m) -> str:
    """The ``<tr>`` of each county of the map ``m``'s table, by TERYT code."""
    rows = []
    for county in m.table_rows:
        name = esc(county.name)
        if county.url:
            name = f'<a href="{esc(county.url)}">{name}</a>'
        # Escaped once: "; " has nothing to escape, so this is each name escaped.
        programmes = esc("; ".join(county.programmes)) or "—"
        rows.append(
            f'\n        <tr>\n          <th scope="row">{name}</th>\n'
            f"          <td>{esc(capfirst(county.band_label))}</td>\n"
            f'          <td class="num">{number(county.cycles)}</td>\n'
            f'          <td lang="pl">{programmes}</td>\n'
            "        </tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped
