"""Template helpers of the report page: figures with their precision, percentages."""

from __future__ import annotations

from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts import scoping
from programmes.facts import Figure

register = template.Library()


@register.filter
def may_see_reports(user) -> bool:
    return scoping.may_see_reports(user)


@register.filter
def fig(figure: Figure):
    """A figure in a table cell: "—" with an explanation when unknown, marked when it
    is approximate or a lower bound."""
    if not figure.known:
        return format_html(
            '<span class="fig fig--unknown" title="{}">—<span class="visually-hidden"> {}'
            "</span></span>",
            _("not recorded"),
            _("not recorded"),
        )
    if figure.is_exact:
        return format_html('<span class="fig">{}</span>', str(figure))
    return format_html(
        '<span class="fig fig--inexact" title="{}">{}<sup aria-hidden="true">*</sup></span>',
        _("includes approximate or incomplete figures"),
        str(figure),
    )


@register.filter
def pct(value: float | None):
    if value is None:
        return format_html('<span class="fig fig--unknown" title="{}">—</span>', _("no data"))
    return f"{formats.number_format(value, 1)}%"


def _value(value) -> str:
    """A value as ``{{ value }}`` writes it: localised, escaped."""
    return conditional_escape(formats.localize(value))


def _measures_cells(m) -> str:
    """The ``<td>`` of the measures ``m``, in the order of ``reports/_measures_head.html``."""
    reported = fig(m.attendance_reported_figure)
    if m.cycles:
        known = _("known for %(known)s of %(total)s cycles") % {
            "known": _value(m.cycles_with_attendance),
            "total": _value(m.cycles),
        }
        reported = f'{reported} <span class="cell-note">{known}</span>'
    selected = _value(m.selected)
    if m.ideas:
        share = conditional_escape(pct(m.selected_share))
        selected = f'{selected} <span class="cell-note">({share})</span>'
    cells = (
        _value(m.cycles),
        fig(m.sessions_held_figure),
        reported,
        _value(m.registered_attendance),
        _value(m.participants),
        conditional_escape(pct(m.attendance_rate)),
        _value(m.certificates),
        _value(m.ideas),
        selected,
        _value(m.events),
        fig(m.invitations_figure),
        fig(m.attendance_share_figure),
    )
    return "".join(f"<td>{cell}</td>\n" for cell in cells)


@register.simple_tag
def measures_cells(m) -> str:
    """The cells of one row of the report's tables (an edition, the total)."""
    return mark_safe(_measures_cells(m))  # noqa: S308 - every value in it is escaped


@register.simple_tag
def county_rows(rows) -> str:
    """The ``<tr>`` of each county of the report (``report.by_county``), written in one
    pass, without a template per row (380 of them for a national coordinator);
    tests/reports/test_county_rows.py compares them with the template loop they replaced."""
    written = []
    for row in rows:
        code = f' <span class="cell-note">{_value(row.code)}</span>' if row.code else ""
        written.append(
            f'\n      <tr><th scope="row">{_value(row.label)}{code}</th>'
            f"{_measures_cells(row.measures)}</tr>\n      "
        )
    return mark_safe("".join(written))  # noqa: S308 - every value above is escaped
