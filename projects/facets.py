"""The rows the catalogue's facets count (``IdeaFacetRow``), kept by the write paths.

The catalogue counts, for each facet (county, edition, status, theme), the ideas each of
its values would list given the other filters (``catalogue_speed.facet_counts``). At
national scale (23,900 ideas, 35,885 links to themes) counting them from the ideas
joined to their cycles, events and themes' links took 9.5 ms of the database a request;
from these rows each facet is a range of an index, read from the index alone.

A row carries what the facets test and group by, copied from the idea, its cycle and
its event: the status, the county, the edition the catalogue shows (the cycle's, else
the event's) and the two the edition filter tests. Each idea has one row with
``by_theme`` false (the county, edition and status facets when no theme is chosen),
and one row per theme with ``by_theme`` true (the theme facet, and the other facets
when a theme is chosen), or one with no theme when it has none.

They are kept exact by the write paths, never by model signals: each path that changes
an idea's status, county, cycle, event or themes, a cycle's or an event's edition, or
deletes a theme calls ``idea_facets_refresh(idea_ids=...)`` in its transaction, which
recomputes those ideas' rows from the base tables, and recounts the kept totals of the
statuses they had and have (``IdeaStatusTotal``, the home page's ideas per status) and of
their statuses and themes (``IdeaThemeTotal``, the theme facet): ``idea_totals_refresh``.
An idea deleted takes its rows with it (``on_delete=CASCADE``); the path that deletes it
recounts its totals (``idea_totals_of`` read before). The write paths:

- ``projects.services.project_idea_sync_status`` (so ``project_idea_set_status``): a
  changed status;
- the ideas' admin (``ProjectIdeaAdmin``: a save with its themes and status history, a
  history revert; ideas deleted, one or many: the totals), the status history's admin
  (through ``project_idea_sync_status``), the themes' admin (a theme deleted, one or
  many);
- the cycles' admin and the events' admin (``WorkshopCycleAdmin``,
  ``ProgrammeEventAdmin``): a saved cycle or event, its edition perhaps changed, its
  ideas' rows (a cycle, an event, a county or an edition with ideas cannot be deleted:
  ``PROTECT``);
- ``generate_synthetic_data`` and ``loadrecords`` (fixtures): every idea
  (``idea_ids=None``); ``synthetic_data_delete`` deletes the rows of the ideas it
  deletes, with them, and recounts every total.

``tests/projects/test_facet_rows.py`` makes random writes through these paths and
compares the kept rows, the facet counts read from them and the totals per status with
a fresh computation, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q

from .models import IdeaFacetRow, IdeaStatusTotal, IdeaThemeTotal, ProjectIdea

CHUNK = 500  # idea ids per statement

COLUMNS = (
    "idea_id",
    "by_theme",
    "theme_id",
    "status",
    "county_id",
    "programme_id",
    "cycle_programme_id",
    "event_programme_id",
)


def facet_rows_sql(where: str) -> str:
    """``INSERT … SELECT`` of the ideas' facet rows; ``where`` limits the ideas (a
    condition on ``i.id``) or is empty for every idea. Table and column names only."""
    idea = ProjectIdea._meta
    links = ProjectIdea.themes.through._meta
    origin = idea.get_field("cycle").related_model._meta
    event = idea.get_field("event").related_model._meta
    condition = f"WHERE {where}" if where else ""
    parts = []
    for by_theme, theme, join in (
        ("FALSE", "NULL", ""),
        (
            "TRUE",
            "l.theme_id",
            f"LEFT JOIN {links.db_table} l ON l.projectidea_id = i.id",
        ),
    ):
        parts.append(
            f"SELECT i.id, {by_theme}, {theme}, i.status, i.county_id, "  # noqa: S608
            "COALESCE(c.programme_id, e.programme_id), c.programme_id, e.programme_id "
            f"FROM {idea.db_table} i "
            f"LEFT JOIN {origin.db_table} c ON c.id = i.cycle_id "
            f"LEFT JOIN {event.db_table} e ON e.id = i.event_id {join} {condition}"
        )
    table = IdeaFacetRow._meta.db_table
    return f"INSERT INTO {table} ({', '.join(COLUMNS)}) " + " UNION ALL ".join(parts)


def idea_facets_refresh(*, idea_ids: Iterable[int | None] | None) -> None:
    """Recompute the facet rows of these ideas (``None``: of every idea) from the base
    tables, in the caller's transaction (a transaction of its own when called outside
    one). Ideas that no longer exist lose theirs.

    The ideas' rows are locked first (in the order of their ids), so that two refreshes
    of an idea at once (two clerks, one changing its status, the other its cycle's
    edition) run one after the other, the second reading what the first committed:
    otherwise the second's DELETE, waiting for the first's, would miss the rows the
    first then inserted, and the idea would be counted twice."""
    with transaction.atomic(savepoint=False):
        if idea_ids is None:
            list(ProjectIdea.objects.select_for_update().order_by("pk").values_list("pk"))
            IdeaFacetRow.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute(facet_rows_sql(""))
            idea_totals_refresh(statuses=None, pairs=None)
            return
        ids = sorted({pk for pk in idea_ids if pk is not None})
        statuses: set[str] = set()
        pairs: set[tuple[str, int]] = set()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            locked = ProjectIdea.objects.select_for_update().filter(pk__in=chunk)
            statuses.update(locked.order_by("pk").values_list("status", flat=True))
            kept = IdeaFacetRow.objects.filter(idea_id__in=chunk)
            statuses.update(kept.filter(by_theme=False).values_list("status", flat=True))
            pairs.update(_pairs(kept))
            kept.delete()
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cursor:
                cursor.execute(facet_rows_sql(f"i.id IN ({marks})"), chunk * 2)
            pairs.update(_pairs(kept))
        idea_totals_refresh(statuses=statuses, pairs=pairs)


def idea_totals_of(ideas) -> dict[str, set]:
    """The kept totals the ideas (a queryset) count in, as ``idea_totals_refresh``'s
    arguments: read before a path deletes them (their facet rows go with them)."""
    rows = IdeaFacetRow.objects.filter(idea__in=ideas.values("pk"))
    statuses = set(rows.filter(by_theme=False).values_list("status", flat=True))
    return {"statuses": statuses, "pairs": _pairs(rows)}


def idea_totals_refresh(*, statuses: Iterable[str] | None, pairs) -> None:
    """Recount the kept totals of these statuses and (status, theme) pairs (``None``:
    all of them), in the caller's transaction."""
    idea_status_totals_refresh(statuses=statuses)
    idea_theme_totals_refresh(pairs=pairs)


def _pairs(rows) -> set[tuple[str, int]]:
    """The (status, theme) pairs of these facet rows (those of a theme)."""
    themed = rows.filter(by_theme=True, theme__isnull=False)
    return set(themed.values_list("status", "theme_id"))


def idea_theme_totals_refresh(*, pairs: Iterable[tuple[str, int]] | None) -> None:
    """Recount the ideas of these (status, theme id) pairs (``None``: of every pair) into
    their kept totals (``IdeaThemeTotal``) from the ideas and their themes' links, in
    the caller's transaction, as ``idea_status_totals_refresh`` does for the statuses:
    each pair's row created when missing, locked, then recounted by a statement of its
    own. A theme deleted takes its rows with it (``CASCADE``)."""
    table = IdeaThemeTotal._meta.db_table
    ideas = ProjectIdea._meta.db_table
    links = ProjectIdea.themes.through._meta.db_table
    count = (
        f"SELECT COUNT(*) FROM {links} l INNER JOIN {ideas} i ON i.id = l.projectidea_id "  # noqa: S608
        f"WHERE l.theme_id = {table}.theme_id AND i.status = {table}.status"
    )
    with transaction.atomic(savepoint=False):
        if pairs is None:
            list(IdeaThemeTotal.objects.select_for_update().values_list("pk"))
            IdeaThemeTotal.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (status, theme_id, ideas) "  # noqa: S608
                    f"SELECT i.status, l.theme_id, COUNT(*) FROM {links} l "
                    f"INNER JOIN {ideas} i ON i.id = l.projectidea_id GROUP BY i.status, l.theme_id"
                )
            return
        wanted = sorted(set(pairs))
        if not wanted:
            return
        IdeaThemeTotal.objects.bulk_create(
            [IdeaThemeTotal(status=status, theme_id=theme) for status, theme in wanted],
            ignore_conflicts=True,
        )
        chosen = Q()
        for status, theme in wanted:
            chosen |= Q(status=status, theme_id=theme)
        locked = IdeaThemeTotal.objects.select_for_update().filter(chosen)
        rows = list(locked.order_by("status", "theme_id").values_list("pk", flat=True))
        marks = ", ".join(["%s"] * len(rows))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET ideas = ({count}) WHERE id IN ({marks})",  # noqa: S608
                rows,
            )


def idea_status_totals_refresh(*, statuses: Iterable[str] | None) -> None:
    """Recount the ideas of these statuses (``None``: of every status) into their kept
    totals (``IdeaStatusTotal``), in the caller's transaction. ``idea_facets_refresh``
    calls it with the statuses its ideas had and have; a path that deletes ideas calls it
    with theirs.

    Each status's row is created when missing, then locked (in the order of the
    statuses), then recounted by a statement of its own: a second clerk's recount of a
    status waits for the first's commit and then counts what it committed."""
    table = IdeaStatusTotal._meta.db_table
    ideas = ProjectIdea._meta.db_table
    with transaction.atomic(savepoint=False):
        if statuses is None:
            list(IdeaStatusTotal.objects.select_for_update().values_list("pk"))
            IdeaStatusTotal.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (status, ideas) "  # noqa: S608
                    f"SELECT status, COUNT(*) FROM {ideas} GROUP BY status"
                )
            return
        wanted = sorted(set(statuses))
        if not wanted:
            return
        IdeaStatusTotal.objects.bulk_create(
            [IdeaStatusTotal(status=status) for status in wanted], ignore_conflicts=True
        )
        locked = IdeaStatusTotal.objects.select_for_update().filter(status__in=wanted)
        list(locked.order_by("pk").values_list("pk"))
        marks = ", ".join(["%s"] * len(wanted))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET ideas = (SELECT COUNT(*) FROM {ideas} i "  # noqa: S608
                f"WHERE i.status = {table}.status) WHERE status IN ({marks})",
                wanted,
            )


def idea_status_totals() -> dict[str, int]:
    """How many ideas have each status (those with none left out), from the kept totals:
    what ``ProjectIdea.objects.status_counts()`` gives."""
    return dict(IdeaStatusTotal.objects.filter(ideas__gt=0).values_list("status", "ideas"))


def origins_facets_refresh(*, cycle_ids: list[int], event_ids: list[int]) -> None:
    """Recompute the facet rows of the ideas from these cycles and events (their editions
    changed: ``programmes.origins``)."""
    ideas = ProjectIdea.objects.filter(Q(cycle_id__in=cycle_ids) | Q(event_id__in=event_ids))
    idea_facets_refresh(idea_ids=ideas.values_list("pk", flat=True))
