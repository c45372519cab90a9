"""The figures' rules written out in Python, one record at a time: what the database's
aggregates and annotations are checked against."""

from __future__ import annotations

from django.db.models import Count, F

from programmes.facts import Figure, Precision
from projects.catalogue_speed import FACETS
from projects.models import ProjectIdea
from workshops.models import WorkshopCycle


def held_sessions_rule(cycle) -> Figure:
    """A cycle's sessions held as the rule says, from the cycle's fields and its sessions
    on record (``session_count``, annotated by ``with_counts``): what the database's
    ``with_sessions_figure`` must agree with."""
    if cycle.sessions_held is not None:
        return Figure(cycle.sessions_held)
    if cycle.status == WorkshopCycle.Status.PLANNED:
        return Figure(cycle.session_count)
    if cycle.session_count:
        return Figure(cycle.session_count, Precision.AT_LEAST)
    return Figure(None)


def plain_facet_counts(filterset) -> dict[str, dict]:
    """The catalogue's facets of a valid ``ProjectIdeaFilter`` as a plain grouped count
    each over the ideas (the filters other than the facet's own, grouped by its value):
    what ``facet_counts`` must agree with, whichever way it counts."""
    expected = {}
    for name, key in FACETS.items():
        rows = (
            filterset.filter_queryset(ProjectIdea.objects.all(), exclude=name)
            .order_by()
            .annotate(facet=F(key) if isinstance(key, str) else key)
            .values_list("facet")
            .annotate(n=Count("pk"))
        )
        values = filterset.facet_values.get(name)
        expected[name] = {
            values.get(value) if values is not None and value is not None else value: n
            for value, n in rows
        }
    return expected
