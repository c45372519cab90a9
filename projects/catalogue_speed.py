"""The project catalogue's speed tricks, in one place.

- ``FastSelect`` writes a ``<select>`` in one pass: Django's ``Select`` renders a template
  per option, and the county filter offers every county with ideas (380 nationally).
- ``Choices``, ``county_labeller`` and ``count_text`` build those 380 choices without
  per-choice checks, model instances or format lookups.
- ``facet_counts`` counts the facets in one statement: on PostgreSQL, those whose own
  filter is not in use (county, edition, status) in one pass with ``GROUPING SETS``.
"""

from __future__ import annotations

from html import escape as html_escape

from django import forms
from django.conf import settings
from django.db import connection
from django.db.models import CharField, Count, F, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import formats
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape
from django.utils.safestring import mark_safe

from programmes.models import County

# The facets: filter name -> what the ideas are counted by: a column of the ideas' own
# table or of a table joined one-to-one, or the themes' link table, so no extra join is
# needed. Ids are turned into the choices' values by the filter set's ``facet_values``.
FACETS = {
    "county": "county_id",
    "programme": Coalesce("cycle__programme_id", "event__programme_id"),
    "status": "status",
    "theme": "themes",
}


class FastSelect(forms.Select):
    """A ``<select>`` written in one pass instead of a template per option: the county
    filter offers every county with ideas (380 nationally), which Django's widget
    templates take tens of milliseconds to render. Same markup, same attributes."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        selected = set(self.format_value(value))
        # As Django's attrs.html: in order, True as a bare name, False left out.
        html = ["<select"]
        for key, attr in attrs.items():
            if attr is True:
                html.append(f" {escape(key)}")
            elif attr is not False:
                html.append(f' {escape(key)}="{escape(attr)}"')
        html.append(">")
        # html.escape is what Django's escape() calls, without its lazy-string wrapper,
        # which costs more than the escaping for hundreds of options.
        for option, label in self.choices:
            option = str(option)
            mark = " selected" if option in selected else ""
            label = label.__html__() if hasattr(label, "__html__") else html_escape(str(label))
            html.append(f'<option value="{html_escape(option)}"{mark}>{label}</option>')
        html.append("</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


class Choices(BaseChoiceIterator):
    """A list of ``(value, label)`` pairs that Django takes as it is: a plain list is
    checked pair by pair each time it is set on a field, which for 380 counties costs
    more than writing them out."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)


def county_labeller():
    """A function giving ``str(county)`` from a county's name and kind, without a model
    instance per county: ``County.__str__`` is asked once per kind, around a marker."""
    marker = "\x00"
    around = {}
    for kind in County.Kind.values:
        parts = str(County(name=marker, kind=kind)).split(marker)
        if len(parts) != 2:  # the name is not simply inserted: ask for every county
            return lambda name, kind: str(County(name=name, kind=kind))
        around[kind] = parts
    return lambda name, kind: f"{around[kind][0]}{name}{around[kind][1]}"


def count_text(n: int) -> str:
    """``formats.number_format(n)`` for a count, without its lookups when no
    thousands separator is configured (an integer then prints as it is)."""
    return formats.number_format(n) if settings.USE_THOUSAND_SEPARATOR else str(n)


def facet_counts(filterset, *, grouping_sets: bool | None = None) -> dict[str, dict]:
    """For each facet, how many ideas each of its values has among those the filters
    other than its own list: ``{facet name: {choice value: ideas}}``, in one query.

    ``filterset`` is a ``ProjectIdeaFilter``, valid. ``grouping_sets`` (PostgreSQL
    only) defaults to whether the database is PostgreSQL; each facet is otherwise a
    grouped query of its own, all sent as one ``UNION ALL``.

    A plain ``COUNT`` (no ``DISTINCT``, which makes the database sort): no filter joins
    a table with several rows per idea except the theme filter, which matches at most
    one (theme slugs are unique), so each idea is one row, or one per theme in the
    theme facet, which leaves out its own filter. Values travel as text (the parts of
    a union need one type) and come back as the choices' values.
    """
    if grouping_sets is None:
        grouping_sets = connection.vendor == "postgresql"
    if grouping_sets:
        rows = rows_with_grouping_sets(filterset)
    else:
        queries = [facet_query(filterset, name) for name in FACETS]
        rows = queries[0].union(*queries[1:], all=True)
    counts: dict[str, dict] = {name: {} for name in FACETS}
    for name, value, n in rows:
        values = filterset.facet_values.get(name)
        if values is not None:  # an id: the choice's value
            value = values.get(int(value)) if value is not None else None
        counts[name][value] = counts[name].get(value, 0) + n
    return counts


def facet_query(filterset, name: str):
    """``(facet name, value as text, ideas)`` rows: the ideas the filters other than
    the facet's own list, grouped by the facet's value."""
    return (
        filterset.filter_queryset(filterset.queryset.all(), exclude=name)
        .order_by()
        .annotate(facet_name=Value(name), facet=Cast(FACETS[name], CharField()))
        .values_list("facet_name", "facet")
        .annotate(n=Count("pk"))
    )


def rows_with_grouping_sets(filterset) -> list[tuple]:
    """``facet_query`` rows of every facet, in one PostgreSQL statement: those whose
    filter is not in use (the themes aside: a row per idea and theme) grouped together
    by ``GROUPING SETS``, the others by a query each."""
    data = filterset.form.cleaned_data
    shared = [name for name in FACETS if name != "theme" and data.get(name) in (None, "")]
    queries = [facet_query(filterset, name) for name in FACETS if name not in shared]
    sql, params = queries[0].union(*queries[1:], all=True).query.sql_with_params()
    if shared:
        shared_sql, shared_params = grouping_sets_sql(filterset, shared)
        sql, params = f"({shared_sql}) UNION ALL ({sql})", (*shared_params, *params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def grouping_sets_sql(filterset, names: list[str]) -> tuple[str, tuple]:
    """SQL giving ``(facet name, value as text, ideas)`` rows for the ``names`` facets
    over the ideas every filter lists, in one pass: ``GROUP BY GROUPING SETS``."""
    quote = connection.ops.quote_name
    keys = {
        f"facet_{name}": F(key) if isinstance(key := FACETS[name], str) else key for name in names
    }
    ideas, params = (
        filterset.filter_queryset(filterset.queryset.all())
        .order_by()
        .annotate(**keys)
        .values_list(*keys)
        .query.sql_with_params()
    )
    columns = [quote(key) for key in keys]
    # GROUPING(...) has a 0 bit for the column a row is grouped by (the first column is
    # the highest bit); the others are NULL in that row, hence the COALESCE.
    last = len(names) - 1
    cases = " ".join(
        f"WHEN {(1 << len(names)) - 1 - (1 << (last - i))} THEN '{name}'"
        for i, name in enumerate(names)
    )
    value = f"COALESCE({', '.join(f'CAST({column} AS varchar)' for column in columns)})"
    sets = ", ".join(f"({column})" for column in columns)
    # Only FACETS' names and quoted aliases are written into the SQL; every value from
    # the request is a parameter of the ideas' subquery.
    return (
        f"SELECT CASE GROUPING({', '.join(columns)}) {cases} END, {value}, COUNT(*) "  # noqa: S608
        f"FROM ({ideas}) AS ideas GROUP BY GROUPING SETS ({sets})",
        params,
    )
