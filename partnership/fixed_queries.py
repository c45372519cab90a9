"""Queries of a fixed shape, their SQL made once per process and connection.

Building a queryset and compiling it to SQL is Python work that does not depend on the
rows: for the county page's four row queries it was about a third of the page's CPU time
(the cycles' query, with the figures' ``Case``/``Coalesce`` annotations and the ideas'
count, ~2 ms alone), and with a project idea's eight lists more than a third of its page's
Python. ``FixedQuery`` compiles its queryset once with stand-in values (``STAND_IN``: an
id no row has) in place of those that change, remembers the SQL, the parameters and the
converters of the result's columns, and at each call runs the same SQL with the values
put in place of the stand-ins. The database answers at every call (nothing of the rows
is kept), the SQL and the converters are Django's own, and the queries go through the
connection's cursor (counted as any query is).

``rows_together`` runs several in one round trip on PostgreSQL with Django's client-side
binding (the default): one implicit transaction, each result read with ``nextset()``; the
database's time per statement was most of the project page's. Elsewhere (SQLite,
``PG_PREPARE_THRESHOLD``'s server-side binding) they run one by one.

Used by the county page (``portal.county_page``), the map (``portal.maps``) and the project
idea's page (``projects.idea_page``); ``tests/portal/test_fixed_queries.py`` and the pages'
own tests compare each with its queryset.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

from django.db import connections, router
from django.db.models import QuerySet

STAND_IN = -7_310_419  # an id no row has: negative, and never reused by a sequence


class _Compiled:
    def __init__(self, queryset: QuerySet, connection, stand_ins: tuple):
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        # (position in the parameters, which of the stand-ins goes there)
        self.positions = [
            (i, stand_ins.index(value))
            for i, value in enumerate(self.params)
            if isinstance(value, int | str) and value in stand_ins
        ]
        if {which for _i, which in self.positions} != set(range(len(stand_ins))):
            raise ValueError("The query does not use every value it is made for.")
        fields = [select[0] for select in compiler.select[: compiler.col_count]]
        self.col_count = compiler.col_count if compiler.has_extra_select else None
        self.converters = compiler.get_converters(fields)
        self.compiler = compiler


class FixedQuery:
    """``FixedQuery(Model, lambda value: Model.objects.filter(x=value).values_list(...))``:
    ``rows(value)`` gives ``list(build(value))``'s rows as tuples, with the SQL compiled
    once per database connection, read from the database the routers choose for
    ``Model`` (as the queryset would be). ``build`` must give a ``values_list()``
    queryset (not flat, not named) whose only changing parameters are its arguments.

    ``stand_in``: what ``build`` is compiled with: an id no row has (the default), a
    string for a query by slug or code (one no row has), a tuple of such for a query of
    several values (``build(*stand_in)``, ``rows(*values)``), or None for none."""

    def __init__(self, model, build: Callable[..., QuerySet], *, stand_in=STAND_IN):
        self.model = model
        self.build = build
        if stand_in is None:
            self.stand_ins: tuple = ()
        else:
            self.stand_ins = stand_in if isinstance(stand_in, tuple) else (stand_in,)
        self.compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _compiled(self, alias: str) -> _Compiled:
        connection = connections[alias]
        compiled = self.compiled.get(connection)
        if compiled is None:
            compiled = self.compiled[connection] = _Compiled(
                self.build(*self.stand_ins), connection, self.stand_ins
            )
        return compiled

    def statement(self, alias: str, values: Sequence) -> tuple[str, list]:
        """The SQL and its parameters for ``values`` (one for each stand-in)."""
        compiled = self._compiled(alias)
        params = list(compiled.params)
        for position, which in compiled.positions:
            params[position] = values[which]
        return compiled.sql, params

    def converted(self, alias: str, rows: list[tuple]) -> list[tuple]:
        """``rows`` as the queryset would give them (its columns, converted)."""
        compiled = self._compiled(alias)
        if compiled.col_count is not None:
            rows = [row[: compiled.col_count] for row in rows]
        if compiled.converters:
            rows = map(tuple, compiled.compiler.apply_converters(rows, compiled.converters))
        return list(rows)

    def rows(self, *values, using: str | None = None) -> list[tuple]:
        using = using or router.db_for_read(self.model)
        return rows_together([(self, values)], using=using)[0]


def rows_together(calls: Sequence[tuple[FixedQuery, Sequence]], *, using: str) -> list:
    """The rows of each ``(query, values)`` in ``calls``, in one round trip where the
    connection allows it (the module's docstring)."""
    connection = connections[using]
    statements = [query.statement(using, values) for query, values in calls]
    batched = (
        len(statements) > 1
        and connection.vendor == "postgresql"
        and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
    )
    with connection.cursor() as cursor:
        if batched:
            sql = ";\n".join(sql for sql, _params in statements)
            cursor.execute(sql, [param for _sql, params in statements for param in params])
            results = [cursor.fetchall()]
            while cursor.nextset():
                results.append(cursor.fetchall())
        else:
            results = []
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
    return [
        query.converted(using, rows) for (query, _values), rows in zip(calls, results, strict=True)
    ]
