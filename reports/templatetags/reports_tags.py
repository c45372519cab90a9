"""Template helpers of the report page: figures with their precision, percentages."""

from __future__ import annotations

from django import template
from django.utils import formats
from django.utils.html import format_html
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
