"""The project catalogue's two speed tricks, and what each buys.

Measured on 2 December 2026 at national scale (``generate_synthetic_data --scale 1.0``:
380 counties with ideas, 23,900 ideas), PostgreSQL 15, the catalogue uncached
(``CACHE_BACKEND=dummy``), through Django's test client: CPU per request of the Python
process and of its PostgreSQL backend, medians of 20–30 batches, variants interleaved
(``benchmarks/catalogue_speed.py`` measures the two tricks so). The machine was shared
(2 cores, load average 3–10), so the times are 2–3 × those of the README's quiet
benchmark; the ratios count.

1. ``FastSelect`` writes a ``<select>`` in one pass; Django's ``Select`` renders a
   template per option, and the county filter offers every county with ideas. With
   Django's widget on the five selects the view took 22–25 ms more Python per request,
   33–43 % of its CPU (the county select alone 15 ms instead of 1 ms).

2. ``facet_counts`` counts on PostgreSQL, with ``GROUPING SETS``, the facets whose own
   filter is not in use (county, edition, status) in one pass over the ideas every
   filter lists, instead of one grouped query over those ideas per facet. Without it
   the facet statement took 101 instead of 68 ms unfiltered, 104 instead of 89 ms with
   "all project ideas", 151 instead of 77 ms with a search, 105 instead of 84 ms
   filtered by status and theme (server time, ``EXPLAIN ANALYZE``); the view's
   database CPU grew by 21 ms unfiltered (36 % of the view) and 7.5 ms filtered (13 %).
   Other databases count each facet with its own grouped query: on SQLite that is
   faster than the same GROUP BYs over one shared subquery (164 against 241 ms
   unfiltered).

Replaced by the plain way, as none was worth 5 % of the view's CPU alone (measured
alone, the trick against the plain way, per request; the tricks are in the history of
this file and of ``filters.py``): a ``BaseChoiceIterator`` so that choices are not
normalised (0.002 ms); county labels from a marker put through ``County.__str__`` (0.1
against 1 ms with ``County.display_name``, which reads plain rows; a model instance per
county would cost 3.5–4 ms); the county choices set on the built form so that it does
not deep-copy them (1.3 ms); counts as ``str(n)`` unless a thousands separator is
configured (1.7 ms against ``number_format``); ``html.escape`` instead of Django's
``escape`` in ``FastSelect`` (1 ms); card addresses by replacing a slug in one reversed
URL (0.3–1 ms for 20 cards against ``get_absolute_url``) and theme names read as rows
after a marker ``Theme`` told which language (1–1.5 ms against a prefetch). Together
they were worth 6–9 ms of Python per request (8–16 % of the view's CPU).
"""

from __future__ import annotations

from html import escape as html_escape

from django import forms
from django.db import connection
from django.db.models import CharField, Count, F, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import mark_safe

# The facets: filter name -> what the ideas are counted by: a column of the ideas' own
# table or of a table joined one-to-one, or the themes' link table, so no extra join is
# needed. Ids are turned into the choices' values by the filter set's ``facet_values``.
FACETS = {
    "county": "county_id",
    "programme": Coalesce("cycle__programme_id", "event__programme_id"),
    "status": "status",
    "theme": "themes",
}


class Choices(BaseChoiceIterator):
    """A filter's choices, ``(value, label)`` pairs of strings read for one request:
    Django deep-copies a form's choices for every form it builds and normalises them
    each time they are iterated (validation, counts, rendering); these it shares and
    iterates as they are."""

    def __init__(self, pairs):
        self.pairs = tuple(pairs)

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)

    def __deepcopy__(self, memo):
        return self


class FastSelect(forms.Select):
    """Django's ``<select>`` markup, written in one pass instead of a template per
    option; without the line breaks between options. Same attributes, same escaping.
    ``option_lang`` marks the language of every choice but the empty one (the names of
    records, in Polish on the English pages too)."""

    def __init__(self, attrs=None, choices=(), *, option_lang: str = ""):
        super().__init__(attrs, choices)
        self.option_lang = option_lang

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
        lang = f' lang="{html_escape(self.option_lang)}"' if self.option_lang else ""
        for option, label in self.choices:
            option = str(option)
            mark = " selected" if option in selected else ""
            if option:
                mark += lang
            html.append(
                f'<option value="{html_escape(option)}"{mark}>{fast_escape(label)}</option>'
            )
        html.append("</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


def fast_escape(text) -> str:
    """``conditional_escape(text)``, without the lazy wrappers Django's calls go through
    (once per option of a select, 420 a page, and a dozen times per result card)."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html_escape(str(text))


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
