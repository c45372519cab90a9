"""Queries of a fixed shape, their SQL made once per process and connection.

Building a queryset and compiling it to SQL is Python work that does not depend on the
rows: for the county page's four row queries it was about a third of the page's CPU time
(the cycles' query, with the figures' ``Case``/``Coalesce`` annotations and the ideas'
count, ~2 ms alone). ``FixedQuery`` compiles its queryset once with a stand-in value
(``STAND_IN``: an id no row has) in place of the one that changes, remembers the SQL,
the parameters and the converters of the result's columns, and at each request runs the
same SQL with the value put in place of the stand-in. The database answers at every
request (nothing of the rows is kept), the SQL and the converters are Django's own, and
the query goes through the connection's cursor (counted as any query is).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from django.db import connections, router
from django.db.models import QuerySet

STAND_IN = -7_310_419  # an id no row has: negative, and never reused by a sequence


class _Compiled:
    def __init__(self, queryset: QuerySet, connection, stand_in):
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.positions = [i for i, value in enumerate(self.params) if value == stand_in]
        if stand_in is not None and not self.positions:
            raise ValueError("The query does not use the value it is made for.")
        fields = [select[0] for select in compiler.select[: compiler.col_count]]
        self.col_count = compiler.col_count if compiler.has_extra_select else None
        self.converters = compiler.get_converters(fields)
        self.compiler = compiler


class FixedQuery:
    """``FixedQuery(Model, lambda value: Model.objects.filter(x=value).values_list(...))``:
    ``rows(value)`` gives ``list(build(value))``'s rows as tuples, with the SQL compiled
    once per database connection, read from the database the routers choose for
    ``Model`` (as the queryset would be). ``build`` must give a ``values_list()``
    queryset (not flat, not named) whose only changing parameter is ``value``."""

    def __init__(self, model, build: Callable[[int | str], QuerySet], *, stand_in=STAND_IN):
        self.model = model
        self.build = build
        # A string for a query by slug or code (one no row has); None: no parameter.
        self.stand_in = stand_in
        self.compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _compiled(self, alias: str) -> _Compiled:
        connection = connections[alias]
        compiled = self.compiled.get(connection)
        if compiled is None:
            compiled = self.compiled[connection] = _Compiled(
                self.build(self.stand_in), connection, self.stand_in
            )
        return compiled

    def rows(self, value: int | str | None = None) -> list[tuple]:
        using = router.db_for_read(self.model)
        compiled = self._compiled(using)
        params = list(compiled.params)
        for position in compiled.positions:
            params[position] = value
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.col_count is not None:
            rows = [row[: compiled.col_count] for row in rows]
        if compiled.converters:
            rows = map(tuple, compiled.compiler.apply_converters(rows, compiled.converters))
        return list(rows)
