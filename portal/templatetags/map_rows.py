"""``includes/_county_map.html`` written in one pass: ``{% county_map_figure m %}`` (the
whole ``<figure>``), with ``{% map_counties m %}`` (each county's outline, a link named
by its participation) and ``{% map_table_rows m %}`` (the rows of the map's table).

A voivodeship's map has ~40 counties, each an outline of several kilobytes, a link, an
accessible name and a band; the template engine resolved a dozen variables per county
(the home page's map writes the table too), then the figure around them took as long
again (its legend's plurals, two dozen variables; 0.35 ms of the home page's CPU). The
markup is the template's to the character: ``tests/portal/test_county_map.py`` keeps
the template and its loops and compares.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

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


PATTERNS = (
    '<pattern id="{id}-none" width="8" height="8" patternUnits="userSpaceOnUse">'
    '<rect class="map-fill--none" width="8" height="8"/></pattern>\n        '
    '<pattern id="{id}-other" width="7" height="7" patternUnits="userSpaceOnUse">'
    '<rect class="map-fill--other" width="7" height="7"/>'
    '<circle class="map-mark--other" cx="3.5" cy="3.5" r="1.1"/></pattern>\n        '
    '<pattern id="{id}-one" width="8" height="8" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)"><rect class="map-fill--one" width="8" height="8"/>'
    '<path class="map-mark--one" d="M0 0V8"/></pattern>\n        '
    '<pattern id="{id}-two" width="5" height="5" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)"><rect class="map-fill--two" width="5" height="5"/>'
    '<path class="map-mark--two" d="M0 0V5"/></pattern>\n        '
    '<pattern id="{id}-more" width="5" height="5" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)"><rect class="map-fill--more" width="5" height="5"/>'
    '<path class="map-mark--more" d="M0 0V5M0 0H5"/></pattern>'
)
SWATCH = (
    '<svg class="map-legend__swatch" width="28" height="18" aria-hidden="true" focusable="false">'
)


def _legend(m, map_id: str) -> str:
    items = [
        f"\n        <li>{SWATCH}"
        f'<rect x="1" y="1" width="26" height="16" fill="url(#{map_id}-{esc(item.band)})"/></svg>'
        f'\n          <span>{esc(capfirst(item.label))} <span class="note">('
        + ngettext("%(counter)s county", "%(counter)s counties", item.count)
        % {"counter": number(item.count)}
        + ")</span></span></li>"
        for item in m.legend
    ]
    if m.current:
        outline = gettext("Thick outline: %(county)s") % {"county": esc(m.current.name)}
        items.append(
            f'\n        <li>{SWATCH}<rect class="map-legend__current" x="2" y="2" width="24"'
            f' height="14" fill="url(#{map_id}-{esc(m.current.band)})"/></svg>'
            f"\n          <span>{outline}</span></li>"
        )
    return "".join(items)


def _note(m) -> str:
    note = esc(gettext("Every county on the map is a link to its page."))
    if m.table == "below":
        note += " " + esc(gettext("The table below gives the same figures."))
    elif m.table == "elsewhere":
        note += (
            f' <a href="{esc(reverse("portal:county_list"))}">'
            f"{esc(gettext('All counties in a table'))}</a>"
        )
    return note


def _table(m, map_id: str, title: str) -> str:
    if m.table != "details":
        return ""
    heads = "".join(
        f'\n        <th scope="col"{cls}>{esc(gettext(text))}</th>'
        for text, cls in (
            ("County", ""),
            ("Part in the programme", ""),
            ("Workshop cycles", ' class="num"'),
            ("Programme editions", ""),
        )
    )
    return (
        '\n  <details class="chart-data">\n'
        f"    <summary>{esc(gettext('The map as a table'))}</summary>\n"
        f'    <div class="table-wrap" role="region" aria-labelledby="{map_id}-caption"'
        ' tabindex="0">\n'
        "    <table>\n"
        f'      <caption id="{map_id}-caption">{title}</caption>\n'
        f"      <thead><tr>{heads}\n      </tr></thead>\n"
        f"      <tbody>{map_table_rows(m)}\n      </tbody>\n"
        "    </table>\n"
        "    </div>\n"
        "  </details>\n  "
    )


@register.simple_tag
def county_map_figure(m) -> str:
    """The ``<figure>`` of the map ``m`` (``portal.maps.CountyMap``): the outlines, the
    legend, and the table when ``m.table`` is "details"; preceded and followed by a
    line break."""
    map_id = esc(m.id)
    title = esc(capfirst(m.title))
    current = " county-map--current" if m.current else ""
    html = (
        f'\n<figure class="county-map{current}" aria-labelledby="{map_id}-title">\n'
        f'  <figcaption id="{map_id}-title" class="chart-title">{title}</figcaption>\n'
        '  <div class="county-map__layout">\n'
        f'    <svg class="county-map__svg" viewBox="{esc(m.view_box)}" role="group"'
        f' aria-labelledby="{map_id}-title" xmlns="http://www.w3.org/2000/svg">\n'
        "      <defs>\n"
        f"        {PATTERNS.format(id=map_id)}\n"
        "      </defs>\n"
        f"      {map_counties(m)}\n"
        "    </svg>\n"
        '    <div class="county-map__key">\n'
        f'      <p class="chart-legend__title" id="{map_id}-legend">{esc(gettext("Legend"))}</p>\n'
        f'      <ul class="map-legend" aria-labelledby="{map_id}-legend">{_legend(m, map_id)}\n'
        "      </ul>\n"
        f'      <p class="note">{_note(m)}</p>\n'
        f'      <p class="map-attribution" lang="pl">{esc(m.attribution)}</p>\n'
        "    </div>\n"
        "  </div>\n"
        f"  {_table(m, map_id, title)}\n"
        "</figure>\n"
    )
    return mark_safe(html)  # noqa: S308 - every value above is escaped
