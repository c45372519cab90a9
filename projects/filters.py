"""The project catalogue's filters, with the number of ideas behind each choice.

Every choice list is built from a single query (no per-choice lookups) and every filter
is validated by a form field before it reaches the database, so a hostile query string
ends as a form error, never as a database error.
"""

from __future__ import annotations

import unicodedata
from html import escape as html_escape

import django_filters
from django import forms
from django.conf import settings
from django.db import connection
from django.db.models import CharField, Count, Exists, F, OuterRef, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import formats
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from programmes.models import County, Programme

from .models import ProjectIdea, Status, Theme

SCOPE_ADOPTED = "adopted"
SCOPE_ALL = "all"

# The programme ran 2003–2017; a little room either side, but no absurd numbers.
YEAR_MIN = 1990
YEAR_MAX = 2100

# Ordering parameter -> order_by() arguments. Ties are broken by title and pk so that
# pages never overlap.
ORDERINGS = {
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
    "year": (F("period_start").asc(nulls_last=True), "title", "pk"),
    "-year": (F("period_start").desc(nulls_last=True), "title", "pk"),
    "county": (F("county__code").asc(nulls_last=True), "title", "pk"),
}

# The facets: filter name -> what the ideas are counted by: a column of the ideas' own
# table or of a table joined one-to-one, or the themes' link table, so no extra join is
# needed. Ids are turned into the choices' slugs with the choice lists.
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


def collation_key(text: str) -> tuple[str, str]:
    """Sort key that puts Polish letters next to their base letters (ł by l, ś by s)."""
    base = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l"))
    return ("".join(c for c in base if not unicodedata.combining(c)), text)


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


class ProjectIdeaFilter(django_filters.FilterSet):
    """Filters for ``ProjectIdea.objects.with_period()``.

    Without a ``scope`` only ideas selected for implementation are listed.
    """

    q = django_filters.CharFilter(
        label=_("Search in titles and goals"),
        method="filter_search",
        max_length=200,
        widget=forms.SearchInput,
    )
    scope = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[
            (SCOPE_ADOPTED, _("ideas selected for implementation")),
            (SCOPE_ALL, _("all project ideas")),
        ],
        method="filter_scope",
        empty_label=None,
        widget=forms.RadioSelect,
    )
    county = django_filters.ChoiceFilter(
        label=_("County"),
        field_name="county__slug",
        empty_label=_("all counties"),
        widget=FastSelect,
    )
    programme = django_filters.ChoiceFilter(
        label=_("Programme edition"),
        method="filter_programme",
        empty_label=_("all editions"),
        widget=FastSelect,
    )
    year = YearFilter(
        label=_("Year"),
        method="filter_year",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        help_text=_("Ideas from cycles or events whose period includes this year."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        field_name="status",
        choices=Status.choices,
        empty_label=_("any status"),
        widget=FastSelect,
    )
    theme = django_filters.ChoiceFilter(
        label=_("Theme"), field_name="themes__slug", empty_label=_("all themes"), widget=FastSelect
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[
            ("title", _("title, A to Z")),
            ("-title", _("title, Z to A")),
            ("year", _("year, oldest first")),
            ("-year", _("year, newest first")),
            ("county", _("county")),
        ],
        method="filter_ordering",
        empty_label=None,
        widget=FastSelect,
    )

    class Meta:
        model = ProjectIdea
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("scope"):
            data = data.copy()
            data["scope"] = SCOPE_ADOPTED
        super().__init__(data, *args, **kwargs)
        programmes = Programme.objects.only(
            "slug", "name", "date_start", "date_end", "date_precision"
        )
        themes = Theme.objects.only("slug", "name_pl", "name_en")
        # Facet counts come keyed by id (see FACETS): id -> the choice's value.
        self.facet_values = {"county": {}, "programme": {}, "theme": {}}
        for name, objects in (("programme", programmes), ("theme", themes)):
            choices = []
            for obj in objects:
                choices.append((obj.slug, str(obj)))
                self.facet_values[name][obj.pk] = obj.slug
            self.filters[name].extra["choices"] = choices
        self.filters["theme"].extra["choices"].sort(key=lambda c: collation_key(c[1]))
        # Every county with ideas (380 nationally): read as plain rows and set on the
        # form's field, so that the form does not copy them (it deep-copies its fields).
        self.filters["county"].extra["choices"] = []
        label = county_labeller()
        county_choices = []
        for pk, slug, name, kind in County.objects.filter(
            Exists(ProjectIdea.objects.filter(county=OuterRef("pk")))
        ).values_list("pk", "slug", "name", "kind"):
            county_choices.append((slug, label(name, kind)))
            self.facet_values["county"][pk] = slug
        self.form.fields["county"].choices = Choices(county_choices)

    # -- filters ---------------------------------------------------------------------

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_scope(self, queryset, name, value):
        # Applied in filter_queryset(), so that it also applies when left out.
        return queryset

    def filter_programme(self, queryset, name, value):
        return queryset.in_programme(value)

    def filter_year(self, queryset, name, value):
        return queryset.in_year(value)

    def filter_ordering(self, queryset, name, value):
        return queryset.with_period().order_by(*ORDERINGS[value])

    def filter_queryset(self, queryset, exclude: str | None = None):
        """Apply the valid filters, except the one named ``exclude`` (for its facet)."""
        if self.form.cleaned_data.get("scope") != SCOPE_ALL:
            queryset = queryset.adopted()
        for name, value in self.form.cleaned_data.items():
            if name != exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    # -- facets ----------------------------------------------------------------------

    def add_counts(self) -> None:
        """Append to each county, edition, status and theme choice the number of ideas
        it would list, given the other filters, and set ``total``, the number of ideas
        the filters list: all four facets in one query (``facet_counts``)."""
        counts = self.counts = self.facet_counts()
        for name in FACETS:
            field = self.form.fields[name]
            field.choices = Choices(
                [
                    (value, f"{label} ({count_text(counts[name].get(value, 0))})")
                    for value, label in field.choices
                    if value != ""  # the empty choice is added back by the field
                ]
            )
        # Every idea has one status, so the status facet, which leaves out the status
        # filter, adds up to the ideas listed (or gives them, for the chosen status).
        status = self.form.cleaned_data.get("status")
        self.total = counts["status"].get(status, 0) if status else sum(counts["status"].values())

    def facet_counts(self) -> dict[str, dict]:
        """For each facet, how many ideas each of its values has among those the other
        filters list, in one query (two on SQLite).

        The facets whose own filter is not in use all count the ideas every filter lists,
        so those of them read from the ideas' row (county, edition, status) are counted
        in one pass over those ideas: ``GROUPING SETS`` on PostgreSQL, one ``GROUP BY``
        per facet over the same subquery elsewhere. A facet whose filter is in use, and
        the themes (a table with a row per idea and theme), get a grouped query each;
        all are sent as one ``UNION ALL``.

        A plain ``COUNT`` (no ``DISTINCT``, which makes the database sort): no filter
        joins a table with several rows per idea except the theme filter, which matches
        at most one (theme slugs are unique), so each idea is one row, or one per theme
        in the theme facet, which leaves out its own filter. Values travel as text (the
        parts of a union need one type) and come back as the choices' values.
        """
        data = self.form.cleaned_data
        together = [name for name in FACETS if name != "theme" and data.get(name) in (None, "")]
        parts = [
            self.filter_queryset(self.queryset.all(), exclude=name)
            .order_by()
            .annotate(facet_name=Value(name), facet=Cast(key, CharField()))
            .values_list("facet_name", "facet")
            .annotate(n=Count("pk"))
            for name, key in FACETS.items()
            if name not in together
        ]
        sql, params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
        statements = []
        if together:
            statements.append(self.shared_facets_sql(together))
        if connection.vendor == "postgresql" and statements:
            shared_sql, shared_params = statements.pop()
            if len(parts) == 1:
                sql = f"({sql})"
            statements.append((f"({shared_sql}) UNION ALL {sql}", (*shared_params, *params)))
        else:
            statements.append((sql, params))
        counts: dict[str, dict] = {name: {} for name in FACETS}
        with connection.cursor() as cursor:
            for statement, statement_params in statements:
                cursor.execute(statement, statement_params)
                for name, value, n in cursor.fetchall():
                    values = self.facet_values.get(name)
                    if values is not None:
                        value = values.get(int(value)) if value is not None else None
                    counts[name][value] = counts[name].get(value, 0) + n
        return counts

    def shared_facets_sql(self, names: list[str]) -> tuple[str, tuple]:
        """SQL giving ``(facet name, value as text, ideas)`` rows for the ``names``
        facets over the ideas every filter lists (see ``facet_counts``)."""
        quote = connection.ops.quote_name
        keys = {
            f"facet_{name}": F(key) if isinstance(key := FACETS[name], str) else key
            for name in names
        }
        ideas, params = (
            self.filter_queryset(self.queryset.all())
            .order_by()
            .annotate(**keys)
            .values_list(*keys)
            .query.sql_with_params()
        )
        columns = [quote(key) for key in keys]
        text = [f"CAST({column} AS varchar)" for column in columns]
        if connection.vendor == "postgresql":
            # GROUPING(...) has a 0 bit for the column a row is grouped by (the first
            # column is the highest bit); the others are NULL in that row.
            cases = " ".join(
                f"WHEN {(1 << len(names)) - 1 - (1 << (len(names) - 1 - i))} THEN '{name}'"
                for i, name in enumerate(names)
            )
            value = f"COALESCE({', '.join(text)})" if len(text) > 1 else text[0]
            sets = ", ".join(f"({column})" for column in columns)
            # Only FACETS' names and quoted aliases are written into the SQL; every value
            # from the request is a parameter of the ideas' subquery.
            return (
                f"SELECT CASE GROUPING({', '.join(columns)}) {cases} END, {value}, COUNT(*) "  # noqa: S608
                f"FROM ({ideas}) AS ideas GROUP BY GROUPING SETS ({sets})",
                params,
            )
        return (
            " UNION ALL ".join(
                f"SELECT '{name}', {text[i]}, COUNT(*) "  # noqa: S608 - as above
                f"FROM ({ideas}) AS ideas GROUP BY {columns[i]}"
                for i, name in enumerate(names)
            ),
            params * len(names),
        )

    def canonical_query(self) -> dict[str, str]:
        """The valid, non-default filter values, in a stable order (for links)."""
        params = {}
        for name, value in self.form.cleaned_data.items():
            if value in (None, "") or (name == "scope" and value == SCOPE_ADOPTED):
                continue
            params[name] = str(value)
        return params
