"""The project catalogue's speed tricks, and what each buys.

Measured on 2 December 2026 at national scale (``generate_synthetic_data --scale 1.0``:
380 counties with ideas, 23,900 ideas), PostgreSQL 15, the catalogue uncached
(``CACHE_BACKEND=dummy``), through Django's test client: CPU per request of the Python
process and of its PostgreSQL backend, medians of 20–30 batches, variants interleaved
(``benchmarks/catalogue_speed.py`` measures the first two tricks so). The machine was
shared (2 cores, load average 3–10), so the times are 2–3 × those of the README's quiet
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

Issue 15 (3 December 2026) asks for the page uncached at 5 % of ``/ping``: about 12 ms
of Python and database CPU a request on the quiet machine, where it took 31.8 + 9.0.
Profiled in process against the scale-1.0 data (``?status=completed&theme=edukacja&
page=2``, DEBUG off, ``gc.freeze()`` as under gunicorn; minimum of 7–8 batches on the
loaded machine; 129,000 → 67,000 Python function calls a request in all), each step:

3. ``Choices``: the filters' choices shared by every form built and read as they are.
   django-filter builds a form class per request and Django deep-copies every choice
   list into each form (the 380 counties twice) and normalises it at each reading
   (validation, counts, rendering). With ``county_labeller`` (the two phrasings of a
   county's name translated once, not 380 times) and counts under 1,000 written as
   they are (``number_formatter``), the filter set's work before rendering fell from
   9.8 to 7.5 ms, its validation from 1.7 to 0.7 ms.
4. ``{% idea_cards %}`` (``templatetags/catalogue.py``) writes the 20 result cards in
   one pass: the template's loop took 5.0 ms, the tag 1.3 ms. The cards' theme names
   are read as plain rows (not ``Theme`` instances through a prefetch): preparing
   the cards 5.8 → 1.4 ms; then the cycles' and events' dates as columns of the ideas'
   rows (``for_listing``) and the counties' names from the filter form's labels (40
   model instances and 20 translations fewer a page).
5. ``{% filter_field %}`` writes each of the seven labelled controls that
   ``projects/_field.html`` wrote, included once per field: 2.3–3.3 → 1.1 ms.
   ``FastInputMixin`` writes the search, year and scope inputs without Django's
   ``input.html`` and ``attrs.html`` (two templates per input, 0.4–0.9 ms), and
   ``fast_escape`` escapes as ``conditional_escape`` without its lazy wrappers (twice
   per option, 840 times a page).
6. Indexes (migration ``projects`` 0004): the ideas by status and county with the
   columns the facets group by (``INCLUDE``, PostgreSQL), and the themes' links by
   theme, so that the facets read indexes only; the county, edition and theme filters
   test the chosen slug's id, without joining the named table. PostgreSQL CPU of the
   facet statement's parts, 40 runs each: county and edition pass 3.2 → 1.75 ms,
   status 3.4 → 1.75 ms, themes 4.2 → 3.75 ms.
7. ``rows_with_grouping_sets`` compiles one ORM subquery of the ideas (the filters
   other than the four facets') and writes the facet filters in use as conditions on
   its columns, the subquery once as a CTE that PostgreSQL inlines into each part:
   three ORM compilations a page become one (the counts 2.7 → 1.7 ms), the plan is
   the same.

Then (issue 15, second pass, 3 December; in process, CPU per request, best of 5
batches of 30 requests, the machine loaded): Python 15.5–17 ms, PostgreSQL
12.7–13 ms. Of the database's 13 ms, the facet statement takes about 7 (its theme part
3: every link of the 3,594 ideas listed is hashed; grouping by the id before casting it
to text, or a nested loop of index probes instead of the hash, measured the same), the
page's statement 1–1.3, the county choices 1, and planning the rest.

8. (Not kept.) A card's period written from the locale's date format split once
   (20 cards' periods 0.42 → 0.14 ms): the periods' words are now remembered per language
   (``programmes.facts._text``, from the county page's work the same day), which makes it
   moot after a page's first request.
9. Index ``projectidea_status_title_idx`` (migration ``projects`` 0005): a page filtered by
   status sorts the ideas it lists by title from the index alone, instead of visiting the
   rows of the 3,594 completed ideas: the page statement 1.0–1.3 → 0.6–0.7 ms.
   ``PG_PREPARE_THRESHOLD=2`` (the default since 3 December 2026) takes the database's 13 ms to
   9.7 (planning the statements); the biggest part left is the theme facet, which only a
   kept per-idea list of themes (refreshed by every write of themes) would shorten.
10. Kept facet rows (``IdeaFacetRow``, ``projects.facets``, migrations ``projects``
   0006–0007): a row per idea and one per idea and theme, with the idea's status, county
   and editions copied, refreshed by every write path. When the filters in use are the
   facets' own and the scope, ``rows_from_kept`` counts each facet from a range of one
   index of these rows, read from the index alone, with no join (a search or a year
   still goes through the ideas, ``rows_with_grouping_sets``). The facet statement of
   ``?status=completed&theme=edukacja&page=2`` (``EXPLAIN ANALYZE``, best of 5, the
   machine loaded): 10.1 → 1.6 ms, the page's statements 12.4 → 4.0 ms; the benchmark's
   database time per request (``--only-uncached``, a spread of filters, before and after
   on the same data minutes apart) 8.1 → 3.0 ms, and Python 12.6–13.3 → 10.5–12.4 ms in
   process (no ORM subquery to compile). Then the themes' counts of one status (its
   5,400 rows, 1 ms) from the kept totals per status and theme (``IdeaThemeTotal``,
   migrations 0010–0011, when no county or edition is chosen): the facet statement
   1.6 → 0.5 ms, the page's statements 2.9 ms, the benchmark's database time 2.2 ms a
   request. The pages' HTML is byte for byte the same (38 addresses, national and
   Mazovian data).

Then (issue 15, third pass, 3 December; in process, the same page, CPU per request, the
machine loaded; byte-identical pages, compared on 310 addresses over the Mazovian records
on SQLite and PostgreSQL and over the national data): the view's Python 11.5 → 5.9 ms,
gunicorn's CPU in ``web_benchmark.py --only-uncached`` 13.1 → 7.5 ms, in these steps:

10. The themes', editions' and counties' choices as plain rows with SQL compiled once
    per process (``filters.THEME_ROWS`` ..., ``FixedQuery``): the filter set 3.0 → 0.8 ms.
11. The page of ideas and the cards' theme names with SQL compiled once per shape of the
    filters (``catalogue_listing``): 1.5 → 0.4 ms; what each filter does is a function
    of its value (``filters.FILTERS``), so that a statement can be built for stand-ins.
12. The filter form of the filters' fields without Django's deep copy of each
    (``filters.FilterForm``), the filters copied with their own ``extra`` only, every
    choice list a ``Choices``, the counties' labels from each phrasing cut once around
    the name (``filters.county_labels``): validation 0.45 → 0.25 ms.
13. Rendering 3.4 → 1.8 ms: the filter form, the charts' section and the pagination
    written by tags (``filter_form``, ``idea_charts``, ``pagination``; the tests keep the
    templates they replace and compare), a select's values and labels escaped in one
    call each (``fast_escape_all``), as are the cards' texts; ``{% bar_chart %}`` writes
    plain strings and small numbers without ``localize``/``conditional_escape`` and
    ``portal.charts`` does not wrap a label that fits on a line.

Replaced by the plain way on 2 December, as none was worth 5 % of the view's CPU alone
(measured alone, the trick against the plain way, per request): county labels from a
marker put through ``County.__str__`` (now ``county_labeller``, which formats the
phrasings ``County.display_name`` gives); the county choices set on the built form so
that it does not deep-copy them (now ``Choices``, which every choice list uses); counts
as ``str(n)`` unless a thousands separator is configured (now under 1,000 only, which
no separator touches); card addresses by replacing a slug in one reversed URL and theme
names read as rows (both back in 4). Together they were worth 6–9 ms of Python per
request, and the 5 % target needs every one of them.
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

from .models import ADOPTED_STATUSES, IdeaFacetRow, IdeaThemeTotal, ProjectIdea

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
    """A filter's choices, ``(value, label)`` pairs (strings read for one request, or
    fixed ones with translated labels): Django deep-copies a form's choices for every
    form it builds and normalises them each time they are iterated (validation, counts,
    rendering); these it shares and iterates as they are."""

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
        options, labels = zip(*self.choices, strict=True) if self.choices else ((), ())
        options = list(map(str, options))
        values, labels = fast_escape_all(options), fast_escape_all(labels)
        # Every option with the language mark, then those without it (the empty
        # value) or selected written again: a few, found by value.
        written = [
            f'<option value="{value}"{lang}>{label}</option>'
            for value, label in zip(values, labels, strict=True)
        ]
        for option in {"", *selected}:
            mark = (" selected" if option in selected else "") + (lang if option else "")
            for i in positions(options, option):
                written[i] = f'<option value="{values[i]}"{mark}>{labels[i]}</option>'
        html += written
        html.append("</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


# Django's templates of a plain <input> (radio_option.html without its label): written
# by FastInputMixin as they write it.
PLAIN_INPUTS = {
    "django/forms/widgets/input.html",
    "django/forms/widgets/number.html",
    "django/forms/widgets/search.html",
    "django/forms/widgets/radio_option.html",
}


class FastInputMixin:
    """An ``<input>`` written as Django's ``input.html`` and ``attrs.html`` write it, in
    one pass instead of two templates per input (the catalogue's search, year and the
    two radio buttons of its scope)."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        if template_name not in PLAIN_INPUTS or widget.get("wrap_label"):
            return super()._render(template_name, context, renderer)
        html = [f'<input type="{fast_escape(widget["type"])}" name="{fast_escape(widget["name"])}"']
        if widget["value"] is not None:
            html.append(f' value="{fast_escape(widget["value"])}"')
        # As attrs.html: in order, True as a bare name, False left out.
        for key, attr in widget["attrs"].items():
            if attr is True:
                html.append(f" {fast_escape(key)}")
            elif attr is not False:
                html.append(f' {fast_escape(key)}="{fast_escape(attr)}"')
        html.append(">")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


class FastSearchInput(FastInputMixin, forms.SearchInput):
    pass


class FastNumberInput(FastInputMixin, forms.NumberInput):
    pass


class FastRadioSelect(FastInputMixin, forms.RadioSelect):
    """Its buttons (``{{ radio.tag }}``) written in one pass; the whole widget with its
    labels (``{{ field }}``) as Django writes it."""


def fast_escape(text) -> str:
    """``conditional_escape(text)``, without the lazy wrappers Django's calls go through
    (once per option of a select, 420 a page, and a dozen times per result card)."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html_escape(str(text))


# Written between texts escaped together (``fast_escape_all``): no escaping changes it.
SEPARATOR = "\x00"


def fast_escape_all(texts) -> list[str]:
    """``[fast_escape(text) for text in texts]``, plain strings escaped in one call (a
    select's values or labels, 430 a page): joined, escaped, split again. Unless one is
    a safe string or holds the separator: then each as ``fast_escape`` does."""
    texts = list(map(str, texts))  # as fast_escape, but a safe string stays one
    if set(map(type, texts)) <= {str}:
        joined = SEPARATOR.join(texts)
        if joined.count(SEPARATOR) == len(texts) - 1:
            return html_escape(joined).split(SEPARATOR) if texts else []
    return list(map(fast_escape, texts))


def positions(items: list, item) -> list[int]:
    """The indexes of ``item`` in ``items``."""
    found, i = [], -1
    while True:
        try:
            i = items.index(item, i + 1)
        except ValueError:
            return found
        found.append(i)


def facet_counts(filterset, *, grouping_sets: bool | None = None) -> dict[str, dict]:
    """For each facet, how many ideas each of its values has among those the filters
    other than its own list: ``{facet name: {choice value: ideas}}``, in one query.

    ``filterset`` is a ``ProjectIdeaFilter``, valid. ``grouping_sets`` (PostgreSQL
    only) defaults to whether the database is PostgreSQL; each facet is otherwise a
    grouped query of its own, all sent as one ``UNION ALL``.

    When the only filters in use are the facets' own and the scope, the counts are read
    from the kept rows (``rows_from_kept``); a search or a year is tested on the ideas.

    A plain ``COUNT`` (no ``DISTINCT``, which makes the database sort): no filter joins
    a table with several rows per idea except the theme filter, which matches at most
    one (theme slugs are unique), so each idea is one row, or one per theme in the
    theme facet, which leaves out its own filter. Values travel as text (the parts of
    a union need one type) and come back as the choices' values.
    """
    if grouping_sets is None:
        grouping_sets = connection.vendor == "postgresql"
    if kept_rows_answer(filterset):
        rows = rows_from_kept(filterset, grouping_sets=grouping_sets)
    elif grouping_sets:
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


# The facet filters written as conditions on the columns of the ideas' subquery (see
# ``rows_with_grouping_sets``), each the same test as the filter's own: the county, the
# edition of the idea's cycle or event, the status, one of the idea's themes.
COLUMNS = {
    "facet_id": F("pk"),
    "facet_county": F("county_id"),
    "facet_programme": FACETS["programme"],
    "facet_cycle_programme": F("cycle__programme_id"),
    "facet_event_programme": F("event__programme_id"),
    "facet_status": F("status"),
}
CONDITIONS = {
    "county": "ideas.facet_county = %s",
    "programme": "(ideas.facet_cycle_programme = %s OR ideas.facet_event_programme = %s)",
    "status": "ideas.facet_status = %s",
    "theme": "EXISTS (SELECT 1 FROM {links} AS chosen WHERE chosen.{idea} = ideas.facet_id "
    "AND chosen.{theme} = %s)",
}


def rows_with_grouping_sets(filterset) -> list[tuple]:
    """``facet_query`` rows of every facet, in one PostgreSQL statement built around
    one compiled subquery, ``ideas``: the ideas the filters other than the four facets'
    list, with the columns the facets group by; each facet filter in use is a condition
    on those columns (``CONDITIONS``). The facets whose filter is not in use (the
    themes aside: a row per idea and theme) are grouped together by ``GROUPING SETS``,
    the others one by one; the subquery is written once (a CTE the planner inlines)."""
    data = filterset.form.cleaned_data
    used = {name: data[name] for name in FACETS if data.get(name) not in (None, "")}
    ideas, ideas_params = (
        filterset.filter_queryset(filterset.queryset.all(), exclude=FACETS)
        .order_by()
        .annotate(**COLUMNS)
        .values_list(*COLUMNS)
        .query.sql_with_params()
    )
    parts, params = [], []
    shared = [name for name in FACETS if name != "theme" and name not in used]
    if shared:
        where, where_params = facet_where(filterset, used, exclude=None)
        parts.append(grouping_sets_sql({n: f"ideas.facet_{n}" for n in shared}, "ideas", where))
        params += where_params
    for name in FACETS:
        if name in used or name == "theme":
            where, where_params = facet_where(filterset, used, exclude=name)
            parts.append(facet_sql(name, where))
            params += where_params
    sql = f"WITH ideas AS NOT MATERIALIZED ({ideas}) " + " UNION ALL ".join(
        f"({part})" for part in parts
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*ideas_params, *params))
        return cursor.fetchall()


def link_table() -> dict[str, str]:
    """The ideas' themes' link table and its two columns, quoted."""
    through = ProjectIdea.themes.through._meta
    quote = connection.ops.quote_name
    return {
        "links": quote(through.db_table),
        "idea": quote(through.get_field("projectidea").column),
        "theme": quote(through.get_field("theme").column),
    }


def facet_where(filterset, used: dict, *, exclude: str | None) -> tuple[str, list]:
    """A ``WHERE`` clause with the conditions of the facet filters in ``used`` but
    ``exclude``, and its parameters: the chosen values' ids (or the status)."""
    links = link_table()
    templates = {name: condition.format(**links) for name, condition in CONDITIONS.items()}
    conditions, params = used_conditions(filterset, used, templates, exclude=exclude)
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), params


def used_conditions(filterset, used: dict, templates: dict[str, str], *, exclude: str | None):
    """The conditions (``templates``: facet -> SQL with ``%s``) of the facet filters in
    ``used`` but ``exclude``, and their parameters: the chosen values' ids (or the
    status), once per ``%s``."""
    conditions, params = [], []
    for name, value in used.items():
        if name == exclude:
            continue
        conditions.append(templates[name])
        chosen = value if name == "status" else filterset.facet_ids[name][value]
        params += [chosen] * templates[name].count("%s")
    return conditions, params


def facet_sql(name: str, where: str) -> str:
    """``(facet name, value as text, ideas)`` rows of one facet: the themes through
    their link table (an idea without a theme counts under none)."""
    if name == "theme":
        links = link_table()
        return (
            f"SELECT 'theme', CAST(links.{links['theme']} AS varchar), COUNT(*) "  # noqa: S608
            f"FROM ideas LEFT JOIN {links['links']} AS links "
            f"ON links.{links['idea']} = ideas.facet_id{where} GROUP BY 2"
        )
    return f"SELECT '{name}', CAST(ideas.facet_{name} AS varchar), COUNT(*) FROM ideas{where} GROUP BY 2"  # noqa: S608,E501


def grouping_sets_sql(columns: dict[str, str], source: str, where: str) -> str:
    """``(facet name, value as text, ideas)`` rows for the facets ``columns`` names
    (facet -> the column it groups by) over the rows of ``source`` (the ideas'
    subquery, or the kept rows) ``where`` lets through, in one pass: ``GROUP BY
    GROUPING SETS``."""
    names, columns = list(columns), list(columns.values())
    # GROUPING(...) has a 0 bit for the column a row is grouped by (the first column is
    # the highest bit); the others are NULL in that row, hence the COALESCE.
    last = len(names) - 1
    cases = " ".join(
        f"WHEN {(1 << len(names)) - 1 - (1 << (last - i))} THEN '{name}'"
        for i, name in enumerate(names)
    )
    value = f"COALESCE({', '.join(f'CAST({column} AS varchar)' for column in columns)})"
    sets = ", ".join(f"({column})" for column in columns)
    # Only FACETS' names and column names are written into the SQL; every value from
    # the request is a parameter.
    return (
        f"SELECT CASE GROUPING({', '.join(columns)}) {cases} END, {value}, COUNT(*) "  # noqa: S608
        f"FROM {source}{where} GROUP BY GROUPING SETS ({sets})"
    )


# The filters the kept facet rows answer, besides the facets' own (``IdeaFacetRow``):
# the scope, and the order, which lists the same ideas.
KEPT_FILTERS = {"scope", "ordering"}

# The facet filters as conditions on the kept rows' columns (``IdeaFacetRow``), and
# the columns each facet groups by.
KEPT_CONDITIONS = {
    "county": "county_id = %s",
    "programme": "(cycle_programme_id = %s OR event_programme_id = %s)",
    "status": "status = %s",
    "theme": "theme_id = %s",
}
KEPT_GROUPS = {
    "county": "county_id",
    "programme": "programme_id",
    "status": "status",
    "theme": "theme_id",
}


def kept_rows_answer(filterset) -> bool:
    """Can the kept rows count this filter set's facets: are its only filters in use the
    facets' own and those of ``KEPT_FILTERS``, over every idea?"""
    if filterset.queryset.query.where:
        return False
    return all(
        value in (None, "") or name in FACETS or name in KEPT_FILTERS
        for name, value in filterset.form.cleaned_data.items()
    )


def rows_from_kept(filterset, *, grouping_sets: bool) -> list[tuple]:
    """``facet_query`` rows of every facet, from the kept rows (``IdeaFacetRow``) alone:
    each facet counts the rows of one kind, the ideas' own (``by_theme`` false) or
    those per theme when it is the theme facet or a theme is chosen, under the
    conditions of the other facet filters in use and the scope. With
    ``grouping_sets`` (PostgreSQL) the facets whose filter is not in use (the themes
    aside) are counted in one pass, ``GROUP BY GROUPING SETS``; each facet is
    otherwise a grouped query of its own. One statement: a ``UNION ALL``.

    The row kind is written into the SQL, not passed as a parameter, and leads every
    index (``IdeaFacetRow.Meta.indexes``): each part is a range of an index."""
    data = filterset.form.cleaned_data
    used = {name: data[name] for name in FACETS if data.get(name) not in (None, "")}
    # filters.SCOPE_ALL (that module imports this one)
    scope = [] if data.get("scope") == "all" else [str(status) for status in ADOPTED_STATUSES]
    parts, params = [], []
    shared = [name for name in FACETS if name != "theme" and name not in used]
    if shared and grouping_sets:
        where, where_params = kept_where(filterset, used, scope, exclude=None)
        columns = {name: KEPT_GROUPS[name] for name in shared}
        parts.append(grouping_sets_sql(columns, IdeaFacetRow._meta.db_table, where))
        params += where_params
        shared = []
    for name in FACETS:
        if name in used or name in shared or name == "theme":
            totals = theme_totals_sql(filterset, used, scope, name)
            if totals is not None:
                parts += totals[0]
                params += totals[1]
                continue
            where, where_params = kept_where(filterset, used, scope, exclude=name)
            group = KEPT_GROUPS[name]
            parts.append(
                f"SELECT '{name}', CAST({group} AS varchar), COUNT(*) "  # noqa: S608
                f"FROM {IdeaFacetRow._meta.db_table}{where} GROUP BY {group}"
            )
            params += where_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


def theme_totals_sql(filterset, used: dict, scope: list[str], name: str):
    """The parts (and their parameters) that count the theme facet, or the status facet
    of a chosen theme, from the kept totals per status and theme (``IdeaThemeTotal``),
    when neither a county nor an edition is chosen; otherwise ``None``. The ideas
    without a theme are counted from their facet rows (a few), under no theme."""
    if "county" in used or "programme" in used or name not in ("theme", "status"):
        return None
    if name == "status" and "theme" not in used:
        return None
    conditions, params = [], []
    if scope:
        conditions.append(f"status IN ({', '.join(['%s'] * len(scope))})")
        params += scope
    if name == "theme" and "status" in used:
        conditions.append("status = %s")
        params.append(used["status"])
    if name == "status":
        conditions.append("theme_id = %s")
        params.append(filterset.facet_ids["theme"][used["theme"]])
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    group = KEPT_GROUPS[name]
    parts = [
        f"SELECT '{name}', CAST({group} AS varchar), SUM(ideas) "  # noqa: S608
        f"FROM {IdeaThemeTotal._meta.db_table}{where} GROUP BY {group} HAVING SUM(ideas) > 0"
    ]
    if name == "theme":
        unthemed = " AND ".join(["by_theme", "theme_id IS NULL", *conditions])
        parts.append(
            f"SELECT 'theme', CAST(theme_id AS varchar), COUNT(*) "  # noqa: S608
            f"FROM {IdeaFacetRow._meta.db_table} WHERE {unthemed} GROUP BY theme_id"
        )
        params = params * 2
    return parts, params


def kept_where(filterset, used: dict, scope: list[str], *, exclude: str | None):
    """The ``WHERE`` clause over the kept rows for a facet (``exclude``, whose own filter
    is left out; ``None``: every facet whose filter is not in use), and its parameters."""
    by_theme = exclude == "theme" or "theme" in used  # the themes' rows, else the ideas'
    conditions = ["by_theme" if by_theme else "NOT by_theme"]
    params: list = []
    if scope:
        conditions.append(f"status IN ({', '.join(['%s'] * len(scope))})")
        params += scope
    used_sql, used_params = used_conditions(filterset, used, KEPT_CONDITIONS, exclude=exclude)
    return f" WHERE {' AND '.join(conditions + used_sql)}", params + used_params
