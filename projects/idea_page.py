"""The lists on a project idea's page, read without building a query per request.

A project idea's page (``projects.views.project_detail``) shows eight lists beside the
idea's own row: its themes, municipalities, voivodeships, partners, sources, status
history, the sources its history cites, and the other ideas of its cycle or event.
Read through ``prefetch_related``, each list cost Django a queryset to build and compile
to SQL and a prefetch to match rows to their idea on every request: together more than
a third of the page's Python.

Here each list is an ordinary queryset (so its SQL, columns, ordering and value
conversion are Django's own), compiled once per process and connection with a marker id
in place of the idea's (``partnership.fixed_queries.FixedQuery``), then run with the
idea's id, the lists in one round trip on PostgreSQL (``rows_together``): the same
statements the prefetches ran, the rows turned into model instances by
``Model.from_db`` and put where a prefetch puts them, so ``idea.themes.all()`` and the
templates work as before.
``tests/projects/test_project_page.py`` renders every idea's page this way and through
the plain prefetches and compares the HTML and the number of queries.
"""

from __future__ import annotations

from typing import Any

from django.db import router
from django.db.models import F, Model, QuerySet
from django.http import Http404

from partnership.fixed_queries import FixedQuery, rows_together
from programmes.models import (
    County,
    Municipality,
    Organisation,
    Programme,
    ProgrammeEvent,
    Source,
    Voivodeship,
)
from workshops.models import Session, WorkshopCycle

from .models import ProjectIdea, StatusChange, Theme

# Markers no row has, replaced by the idea's id (and its cycle's or event's) and slug.
IDEA, ORIGIN, SLUG = -7_000_001, -7_000_002, "\x1fidea-page-slug\x1f"
DATED = ("date_start", "date_end", "date_precision")
SOURCE_FIELDS = ("id", "slug", "title", "author", "publisher", "url", *DATED)


# The idea's row and the rows it links to, as select_related would read them: (the
# path from the idea, its model, the columns the page reads), each after the one it
# hangs from.
ROW: tuple[tuple[str, type[Model], tuple[str, ...]], ...] = (
    (
        "",
        ProjectIdea,
        ("id", "slug", "title", "goals", "description")
        + ("cycle_id", "session_id", "event_id", "county_id", "status"),
    ),
    ("county", County, ("id", "code", "name", "kind", "slug")),
    ("cycle", WorkshopCycle, ("id", *DATED, "slug", "title", "programme_id")),
    ("cycle__programme", Programme, ("id", *DATED, "slug", "name")),
    ("session", Session, ("id", *DATED, "kind", "ordinal", "topic")),
    ("event", ProgrammeEvent, ("id", *DATED, "slug", "title", "programme_id", "place")),
    ("event__programme", Programme, ("id", *DATED, "slug", "name")),
)
# The idea's own lists, as named by its fields.
OWN_LISTS = ("themes", "municipalities", "voivodeships", "partners", "sources")
# name -> (the model of its rows, the columns it reads)
LISTS: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "themes": (Theme, ("id", "slug", "name_pl", "name_en")),
    "municipalities": (Municipality, ("id", "code", "county_id", "name", "kind")),
    "voivodeships": (Voivodeship, ("id", "code", "name", "slug")),
    "partners": (Organisation, ("id", "name", "sector", "seat")),
    "sources": (Source, SOURCE_FIELDS),
    "status_history": (StatusChange, ("id", *DATED, "project_id", "status", "note")),
    # The sources of each status change, after the change they belong to.
    "history_sources": (
        Source,
        ("statuschange_id", *(f"source__{field}" for field in SOURCE_FIELDS)),
    ),
    "related_cycle": (ProjectIdea, ("id", "slug", "title", "status")),
    "related_event": (ProjectIdea, ("id", "slug", "title", "status")),
}


def _list(name: str) -> QuerySet:
    """The list ``name`` for the marker ids, in the order the page shows it, with the
    columns the page reads."""
    related = ProjectIdea.objects.exclude(pk=IDEA).order_by("title")
    linked = {
        "themes": Theme.objects.filter(project_ideas=IDEA),
        "municipalities": Municipality.objects.filter(project_ideas=IDEA),
        "voivodeships": Voivodeship.objects.filter(project_ideas=IDEA),
        "partners": Organisation.objects.filter(project_ideas=IDEA),
        "sources": Source.objects.filter(
            pk__in=ProjectIdea.sources.through.objects.filter(projectidea_id=IDEA).values(
                "source_id"
            )
        ),
        "status_history": StatusChange.objects.filter(project_id=IDEA).order_by(
            F("date_start").asc(nulls_last=True), "id"
        ),
        "history_sources": StatusChange.sources.through.objects.filter(
            statuschange__project_id=IDEA
        ).order_by("source__slug"),
        "related_cycle": related.filter(cycle_id=ORIGIN),
        "related_event": related.filter(event_id=ORIGIN),
    }
    return linked[name].values_list(*LISTS[name][1])


# Compiled once per process and connection (partnership.fixed_queries); the lists of
# related ideas take the idea's id and its cycle's or event's, the others the idea's.
ROW_QUERY = FixedQuery(
    ProjectIdea,
    lambda slug: ProjectIdea.objects.filter(slug=slug).values_list(*_row_columns()),
    stand_in=SLUG,
)


def _list_query(name: str) -> FixedQuery:
    markers = (IDEA, ORIGIN) if name.startswith("related_") else IDEA
    return FixedQuery(LISTS[name][0], lambda *_markers: _list(name), stand_in=markers)


QUERIES = {name: _list_query(name) for name in LISTS}


def _instances(model: type[Model], alias: str, columns, rows) -> list[Any]:
    names = [column.removeprefix("source__") for column in columns]
    order = [f.attname for f in model._meta.concrete_fields if f.attname in names]
    positions = [names.index(attname) for attname in order]
    return [model.from_db(alias, order, [row[p] for p in positions]) for row in rows]


def _keep(instance: Model, name: str, objects: list) -> None:
    """Put ``objects`` where a prefetch of ``name`` would: ``instance.<name>.all()``."""
    queryset = getattr(instance, name).get_queryset()  # its filters, not run
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance._prefetched_objects_cache[name] = queryset


def _row_columns() -> list[str]:
    return [
        f"{path}__{column}" if path else column for path, _m, columns in ROW for column in columns
    ]


def read_idea(slug: str) -> ProjectIdea:
    """The idea with ``slug`` and what it links to, as ``for_page``'s ``select_related``
    would give them (only the columns the page reads); 404 when there is none."""
    alias = router.db_for_read(ProjectIdea)
    rows = ROW_QUERY.rows(slug, using=alias)
    if not rows:
        raise Http404("No project idea with that identifier.")
    values = dict(zip(_row_columns(), rows[0], strict=True))
    own = ROW[0][2]
    idea = _instances(ProjectIdea, alias, own, [[values[column] for column in own]])[0]
    found: dict[str, Model | None] = {"": idea}
    for path, model, columns in ROW[1:]:
        parent_path, _sep, name = path.rpartition("__")
        parent = found[parent_path]
        if parent is None:  # a cycle or event not recorded: nothing hangs from it
            found[path] = None
            continue
        row = [values[f"{path}__{column}"] for column in columns]
        linked = None if row[0] is None else _instances(model, alias, columns, [row])[0]
        type(parent)._meta.get_field(name).set_cached_value(parent, linked)
        found[path] = linked
    return idea


def read_lists(idea: ProjectIdea) -> list[ProjectIdea]:
    """Fill ``idea``'s lists (as ``for_page``'s prefetches would) and return the other
    ideas from its cycle or event (``ProjectIdeaQuerySet.from_same_origin``)."""
    alias = idea._state.db or "default"
    calls = {name: (idea.pk,) for name in [*OWN_LISTS, "status_history", "history_sources"]}
    if idea.cycle_id:
        calls["related_cycle"] = (idea.pk, idea.cycle_id)
    elif idea.event_id:
        calls["related_event"] = (idea.pk, idea.event_id)
    names = list(calls)
    found = rows_together([(QUERIES[name], calls[name]) for name in names], using=alias)
    rows = dict(zip(names, found, strict=True))
    if not hasattr(idea, "_prefetched_objects_cache"):
        idea._prefetched_objects_cache = {}
    for name in OWN_LISTS:
        model, columns = LISTS[name]
        _keep(idea, name, _instances(model, alias, columns, rows[name]))
    columns = LISTS["status_history"][1]
    history = _instances(StatusChange, alias, columns, rows["status_history"])
    _keep(idea, "status_history", history)
    columns = LISTS["history_sources"][1][1:]
    by_change: dict[int, list] = {change.pk: [] for change in history}
    for row in rows["history_sources"]:
        by_change[row[0]].extend(_instances(Source, alias, columns, [row[1:]]))
    for change in history:
        change._prefetched_objects_cache = {}
        _keep(change, "sources", by_change[change.pk])
    related = names[-1] if names[-1].startswith("related_") else None
    if related is None:
        return []
    return _instances(ProjectIdea, alias, LISTS[related][1], rows[related])
