"""The figures' rules written out in Python, one record at a time: what the database's
aggregates and annotations are checked against."""

from __future__ import annotations

from programmes.facts import Figure, Precision
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
