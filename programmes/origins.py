"""The copies of an origin's programme edition kept above this app.

A workshop cycle's or a programme event's edition is copied into rows that apps above
``programmes`` and ``workshops`` keep (the catalogue's facet rows of the ideas that came
from it, ``projects.facets``). Those apps may not be imported here (the apps depend one
way), so each registers, when it is ready, what recomputes its copies; the write paths
that change an origin's edition (``EditionCopiesAdminMixin``: the cycles' and the
events' admin) call ``origins_edition_changed`` in their transaction, which calls each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# Each takes ``cycle_ids`` and ``event_ids``, lists of ids, and recomputes its copies of
# those origins' editions in the caller's transaction.
EDITION_COPIES: list[Callable[..., None]] = []


def origins_edition_changed(*, cycle_ids: Iterable[int] = (), event_ids: Iterable[int] = ()):
    """The editions of these cycles and events changed: recompute every copy of them."""
    cycle_ids, event_ids = list(cycle_ids), list(event_ids)
    for refresh in EDITION_COPIES:
        refresh(cycle_ids=cycle_ids, event_ids=event_ids)
