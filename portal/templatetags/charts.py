"""The catalogue's charts, drawn from the counts its filter form already has."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from portal.charts import status_chart, theme_chart

register = template.Library()


@register.inclusion_tag("includes/_idea_charts.html")
def idea_charts(filterset) -> dict:
    """Ideas by status and by theme among those the catalogue's filters list, from the
    facet counts of ``ProjectIdeaFilter.add_counts`` (no query of their own). Each count
    leaves out its own filter, as the numbers next to the choices of the form do."""
    counts = getattr(filterset, "counts", None)
    if not counts:
        return {"charts": []}
    themes = dict(filterset.filters["theme"].extra["choices"])
    note = _(
        "Counted among the ideas the other filters list, as the numbers next to the "
        "choices of the form."
    )
    charts = [
        status_chart(counts["status"], chart_id="catalogue-status", note=note, all_statuses=False),
        theme_chart(counts["theme"], themes, chart_id="catalogue-themes"),
    ]
    return {"charts": [chart for chart in charts if chart]}
