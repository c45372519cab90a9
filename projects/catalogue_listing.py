"""The catalogue's page of ideas and their themes, with SQL compiled once per process for
each shape of the filters.

The page's statement (the ideas of the page's ids, a subquery of the filtered ideas in
the chosen order, sliced) is built by the ORM as ``projects.views`` built it, but for
stand-in values (``STAND_INS``): which filters are in use, the ordering, the scope and
the number of words searched make its shape; the chosen values are put in place of the
stand-ins at each request (as ``partnership.fixed_queries.FixedQuery`` does for one
shape), and the page's slice written as the ORM writes it (``LIMIT 20 OFFSET 40``), so
that the statement is the ORM's, and so is its plan. Building and compiling the
queryset was about a tenth of the page's Python (3 December 2026, scale 1.0). The
database answers at every request; only SQL text is kept, a few hundred shapes at most.
"""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Callable

from django.core.validators import EMPTY_VALUES
from django.db import connections

from partnership.fixed_queries import STAND_IN, FixedQuery

from .filters import filter_ideas
from .models import ProjectIdea, Theme

# What each filter's value is compiled as (never a real value: ids no row has, a status
# and words no form accepts, the year 1, which no form accepts, as the bounds of its days).
STAND_INS = {
    "county": STAND_IN,
    "programme": STAND_IN - 1,
    "theme": STAND_IN - 2,
    "status": "\x01status",
    "year": 1,
}
WORD = "\x01word{}\x02"
# The page's slice it is compiled with, then written for the page asked.
LIMIT, OFFSET = 7_310, 7_310_419
SLICE = f"LIMIT {LIMIT} OFFSET {OFFSET}"
# Kept shapes: beyond this many, those kept are forgotten (compiled again when asked).
MAX_SHAPES = 512

# The columns read of each idea: its own (in the model's order, as ``from_db`` takes
# them) and those ``for_listing`` adds (the dates of its cycle and event, its period).
OWN = ["id", "slug", "title", "goals", "cycle_id", "event_id", "county_id", "status"]
DATED = [
    f"{origin}_{field}"
    for origin in ("cycle", "event")
    for field in ("date_start", "date_end", "date_precision")
] + ["period_start", "period_end"]


def _listed(chosen: dict, low: int, high: int):
    """The page's ideas, ``for_listing``, in the chosen order: as the view built them."""
    ideas = filter_ideas(ProjectIdea.objects.all(), chosen)
    listed = ProjectIdea.objects.filter(pk__in=ideas[low:high].values("pk")).for_listing()
    if ideas.query.order_by:
        listed = listed.order_by(*ideas.query.order_by)
    own = [name.removesuffix("_id") if name != "id" else "pk" for name in OWN]
    return listed.values_list(*own, *DATED)


def _shape(chosen: dict) -> tuple:
    """What makes the statement's SQL: the filters in use, and the ordering, the scope and
    the number of words searched (their values)."""
    shape = []
    for name, value in chosen.items():
        if value in EMPTY_VALUES:
            continue
        if name in ("ordering", "scope"):
            shape.append((name, value))
        elif name == "q":
            shape.append((name, len(value.split())))
        else:
            shape.append((name, None))
    return tuple(shape)


class _Compiled:
    """The SQL of one shape, and for each of its parameters how to get it from the
    chosen values (``slots``)."""

    def __init__(self, shape: tuple, alias: str):
        connection = connections[alias]
        stand_ins: dict = {}
        chosen = {}
        for name, value in shape:
            if name in ("ordering", "scope"):
                chosen[name] = value
            elif name == "q":
                chosen[name] = " ".join(WORD.format(i) for i in range(value))
            else:
                chosen[name] = STAND_INS[name]
        queryset = _listed(chosen, OFFSET, OFFSET + LIMIT)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        adapt = connection.ops.adapt_datefield_value
        if "year" in chosen:
            stand_ins[adapt(datetime.date(1, 1, 1))] = ("year_start", None)
            stand_ins[adapt(datetime.date(1, 12, 31))] = ("year_end", None)
        for name in ("county", "programme", "theme", "status"):
            if name in chosen:
                stand_ins[chosen[name]] = (name, None)
        self.slots: list[tuple[str, object]] = []
        for param in params:
            slot = _slot(param, stand_ins, chosen.get("q"))
            self.slots.append(slot)
        used = {name for name, _arg in self.slots}
        wanted = {name for name, _arg in stand_ins.values()}
        if not wanted <= used or sql.count(SLICE) != 1:
            raise ValueError(f"The catalogue's statement does not take every value: {shape}")
        self.before, self.after = sql.split(SLICE)
        self.compiler = compiler
        fields = [select[0] for select in compiler.select[: compiler.col_count]]
        self.col_count = compiler.col_count if compiler.has_extra_select else None
        self.converters = compiler.get_converters(fields)
        self.like = connection.ops.prep_for_like_query

    def sql(self, connection, low: int, high: int) -> str:
        """The statement, for the page ``[low:high]`` (as the ORM writes the slice)."""
        return f"{self.before}{connection.ops.limit_offset_sql(low, high)}{self.after}"

    def params(self, chosen: dict) -> list:
        year = chosen.get("year")
        words = chosen["q"].split() if chosen.get("q") else []
        values: dict[str, Callable[[object], object]] = {
            "const": lambda value: value,
            "year_start": lambda _arg: datetime.date(year, 1, 1),
            "year_end": lambda _arg: datetime.date(year, 12, 31),
            "word": lambda arg: arg[0].replace(arg[1], self.like(words[arg[2]])),
        }
        params = []
        for name, arg in self.slots:
            if name in values:
                params.append(values[name](arg))
            else:
                params.append(chosen[name])
        return params


def _slot(param, stand_ins: dict, words: str | None) -> tuple[str, object]:
    """How to get a parameter compiled as ``param``: a stand-in's value, a word searched
    (in its ``LIKE`` pattern) or the parameter itself."""
    if isinstance(param, int | str | datetime.date) and param in stand_ins:
        return stand_ins[param]
    if words and isinstance(param, str):
        for i, word in enumerate(words.split()):
            if word in param:
                return ("word", (param, word, i))
    return ("const", param)


# Per database connection (as FixedQuery: the converters are the connection's), each
# shape's statement.
_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def page_of_ideas(chosen: dict, low: int, high: int, *, using: str) -> list[ProjectIdea]:
    """The ideas ``[low:high]`` of those the filters list (``chosen``: ``ProjectIdeaFilter
    .chosen``), in the chosen order, as ``for_listing`` gives them; no query for none."""
    if high <= low:
        return []
    connection = connections[using]
    kept = _COMPILED.setdefault(connection, {})
    shape = _shape(chosen)
    compiled = kept.get(shape)
    if compiled is None:
        if len(kept) >= MAX_SHAPES:
            kept.clear()
        compiled = kept[shape] = _Compiled(shape, using)
    adapt = connection.ops.adapt_datefield_value
    params = [adapt(p) if type(p) is datetime.date else p for p in compiled.params(chosen)]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql(connection, low, high), params)
        rows = cursor.fetchall()
    if compiled.col_count is not None:
        rows = [row[: compiled.col_count] for row in rows]
    if compiled.converters:
        rows = compiled.compiler.apply_converters(rows, compiled.converters)
    ideas = []
    own = len(OWN)
    for row in rows:
        idea = ProjectIdea.from_db(using, OWN, row[:own])
        for name, value in zip(DATED, row[own:], strict=True):
            setattr(idea, name, value)
        ideas.append(idea)
    return ideas


def _theme_links(count: int, name_field: str) -> FixedQuery:
    stand_ins = tuple(STAND_IN - i for i in range(count))
    return FixedQuery(
        Theme,
        lambda *ids: (
            ProjectIdea.themes.through.objects.filter(projectidea_id__in=ids)
            .order_by("theme__name_pl", "theme_id")
            .values_list("projectidea_id", f"theme__{name_field}")
        ),
        stand_in=stand_ins,
    )


# (number of ideas, the names' column) -> the ideas' (id, theme's name) rows.
THEME_LINKS: dict[tuple[int, str], FixedQuery] = {}


def theme_names(ids: list[int], *, using: str) -> list[tuple[int, str]]:
    """``(idea id, theme's name in the active language)`` of each of the ideas' themes,
    by the themes' Polish names, as ``prepare_cards`` read them."""
    if not ids:
        return []
    key = (len(ids), Theme.name_field())
    query = THEME_LINKS.get(key)
    if query is None:
        query = THEME_LINKS[key] = _theme_links(*key)
    return query.rows(*ids, using=using)
