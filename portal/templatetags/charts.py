"""The catalogue's charts, drawn from the counts its filter form already has."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.charts import status_chart, theme_chart
from portal.templatetags.bar_chart import bar_chart

register = template.Library()


@register.simple_tag
def idea_charts(filterset) -> str:
    """Ideas by status and by theme among those the catalogue's filters list, from the
    facet counts of ``ProjectIdeaFilter.add_counts`` (no query of their own), in their
    section, as the template ``includes/_idea_charts.html`` wrote them (the test keeps it
    and compares). Each count leaves out its own filter, as the numbers next to the
    choices of the form do."""
    charts = [chart for chart in _charts(filterset) if chart]
    if not charts:
        return "\n"
    heading = conditional_escape(_("The ideas found, in charts"))
    figures = "".join(f"\n    {bar_chart(chart)}\n" for chart in charts)
    return mark_safe(  # noqa: S308 - every value escaped (bar_chart escapes its own)
        '\n<section aria-labelledby="idea-charts-heading">\n'
        f'  <h2 id="idea-charts-heading">{heading}</h2>\n'
        f'  <div class="charts">{figures}\n  </div>\n</section>\n\n'
    )


def _charts(filterset) -> list:
    counts = getattr(filterset, "counts", None)
    if not counts:
        return []
    themes = dict(filterset.filters["theme"].extra["choices"])
    note = _(
        "Counted among the ideas the other filters list, as the numbers next to the "
        "choices of the form."
    )
    return [
        status_chart(counts["status"], chart_id="catalogue-status", note=note, all_statuses=False),
        theme_chart(counts["theme"], themes, chart_id="catalogue-themes"),
    ]
