"""The project catalogue's filters, with the number of ideas behind each choice.

Every choice list is built from a single query (no per-choice lookups) and every filter
is validated by a form field before it reaches the database, so a hostile query string
ends as a form error, never as a database error. The counts and the ``<select>``
widget come from ``catalogue_speed``, which says what their speed buys.
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Collection
from functools import partial

import django_filters
from django import forms
from django.core.validators import EMPTY_VALUES
from django.db import router
from django.db.models import Exists, F, OuterRef
from django.http import QueryDict
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partnership.fixed_queries import FixedQuery, rows_together
from programmes.facts import YEAR_MAX, YEAR_MIN, FuzzyDate
from programmes.models import County, Programme

from .catalogue_speed import (
    FACETS,
    Choices,
    FastNumberInput,
    FastRadioSelect,
    FastSearchInput,
    FastSelect,
    facet_counts,
)
from .models import ProjectIdea, Status, Theme

SCOPE_ADOPTED = "adopted"
SCOPE_ALL = "all"

# Ordering parameter -> order_by() arguments. Ties are broken by title and pk so that
# pages never overlap.
ORDERINGS = {
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
    "year": (F("period_start").asc(nulls_last=True), "title", "pk"),
    "-year": (F("period_start").desc(nulls_last=True), "title", "pk"),
    "county": (F("county__code").asc(nulls_last=True), "title", "pk"),
}


def collation_key(text: str) -> tuple[str, str]:
    """Sort key that puts Polish letters next to their base letters (ł by l, ś by s)."""
    base = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l"))
    return ("".join(c for c in base if not unicodedata.combining(c)), text)


def number_formatter():
    """``number_format`` for many counts in the active language: its separators and
    grouping read once, not three ``get_format`` lookups per number (the catalogue
    writes a count for each of ~420 choices), and a count under 1,000, which no
    separator touches, written as it is."""
    language = get_language()
    formatted = partial(
        numberformat.format,
        decimal_sep=get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        grouping=get_format("NUMBER_GROUPING", language, use_l10n=True),
        thousand_sep=get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
        use_l10n=True,
    )
    return lambda n: str(n) if 0 <= n < 1000 else formatted(n)


def county_labeller():
    """``County.display_name`` for many counties: its two phrasings translated once, not
    once per county (the catalogue labels every county with ideas, 380 nationally)."""
    land = County.display_name(name="%(name)s", kind=County.Kind.LAND)
    city = County.display_name(name="%(name)s", kind=County.Kind.CITY)
    return lambda name, kind: (city if kind == County.Kind.CITY else land) % {"name": name}


def county_labels(names: list[str], kinds: list[str]) -> list[str]:
    """``county_labeller()(name, kind)`` for each county: each phrasing cut around the
    name once, so that a label is three strings joined (380 counties a page)."""
    label = county_labeller()
    parts = {kind: label(NAME_MARK, kind).split(NAME_MARK) for kind in County.Kind.values}
    if any(len(cut) != 2 for cut in parts.values()):  # the name not once in a phrasing
        return [label(name, kind) for name, kind in zip(names, kinds, strict=True)]
    (land_before, land_after), (city_before, city_after) = (
        parts[County.Kind.LAND],
        parts[County.Kind.CITY],
    )
    city = str(County.Kind.CITY)
    return [
        f"{city_before}{name}{city_after}" if kind == city else f"{land_before}{name}{land_after}"
        for name, kind in zip(names, kinds, strict=True)
    ]


NAME_MARK = "\x00"  # where a county's name goes in its label (no name holds it)


# The rows of the choices, compiled once per process (``partnership.fixed_queries``) and
# read at every request: the themes, the programme editions and every county with ideas.
THEME_ROWS = FixedQuery(
    Theme, lambda: Theme.objects.values_list("pk", "slug", "name_pl", "name_en"), stand_in=None
)
PROGRAMME_ROWS = FixedQuery(
    Programme,
    lambda: Programme.objects.values_list(
        "pk", "slug", "name", "date_start", "date_end", "date_precision"
    ),
    stand_in=None,
)
COUNTY_ROWS = FixedQuery(
    County,
    lambda: (
        County.objects.filter(Exists(ProjectIdea.objects.filter(county=OuterRef("pk"))))
        .alphabetical()
        .values_list("pk", "slug", "name", "kind")
    ),
    stand_in=None,
)


# What each filter does to the ideas, given its value (``ProjectIdeaFilter.chosen``): the
# county, edition and theme by id, the ideas' own columns, no join to the named table.
FILTERS = {
    "q": lambda ideas, text: ideas.search(text),
    "scope": lambda ideas, scope: ideas,  # applied by filter_ideas, also when left out
    "county": lambda ideas, pk: ideas.filter(county_id=pk),
    "programme": lambda ideas, pk: ideas.in_programme(pk),
    "year": lambda ideas, year: ideas.in_year(year),
    "status": lambda ideas, status: ideas.filter(status=status),
    "theme": lambda ideas, pk: ideas.filter(themes=pk),
    "ordering": lambda ideas, ordering: ideas.with_period().order_by(*ORDERINGS[ordering]),
}


def filter_ideas(ideas, chosen: dict, exclude: str | Collection[str] = ()):
    """``ideas`` filtered by the values ``chosen`` (``ProjectIdeaFilter.chosen``, in the
    form's order), except the filter named ``exclude`` or those it names; only the ideas
    selected for implementation unless the scope is all of them. An empty value filters
    nothing."""
    excluded = {exclude} if isinstance(exclude, str) else set(exclude)
    if chosen.get("scope") != SCOPE_ALL:
        ideas = ideas.adopted()
    for name, value in chosen.items():
        if name not in excluded and value not in EMPTY_VALUES:
            ideas = FILTERS[name](ideas, value)
    return ideas


class FilterForm(forms.Form):
    """A form of the given fields, used as they are (Django deep-copies a form class's
    fields into each form: eight fields, with the choices' widgets, per request)."""

    def __init__(self, data=None, *, fields: dict, prefix: str | None = None):
        super().__init__(data, prefix=prefix)
        self.fields = fields


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


class ProjectIdeaFilter(django_filters.FilterSet):
    """Filters for ``ProjectIdea.objects.with_period()``.

    Without a ``scope`` only ideas selected for implementation are listed.
    """

    q = django_filters.CharFilter(
        label=_("Search in titles and goals"),
        max_length=200,
        widget=FastSearchInput,
    )
    scope = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=Choices(
            [
                (SCOPE_ADOPTED, _("ideas selected for implementation")),
                (SCOPE_ALL, _("all project ideas")),
            ]
        ),
        empty_label=None,
        widget=FastRadioSelect,
    )
    county = django_filters.ChoiceFilter(
        label=_("County"),
        empty_label=_("all counties"),
        widget=FastSelect,
    )
    programme = django_filters.ChoiceFilter(
        label=_("Programme edition"),
        empty_label=_("all editions"),
        widget=FastSelect(option_lang="pl"),
    )
    year = YearFilter(
        label=_("Year"),
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=FastNumberInput,
        help_text=_("Ideas from cycles or events whose period includes this year."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        field_name="status",
        choices=Choices(Status.choices),
        empty_label=_("any status"),
        widget=FastSelect,
    )
    theme = django_filters.ChoiceFilter(
        label=_("Theme"), empty_label=_("all themes"), widget=FastSelect
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=Choices(
            [
                ("title", _("title, A to Z")),
                ("-title", _("title, Z to A")),
                ("year", _("year, oldest first")),
                ("-year", _("year, newest first")),
                ("county", _("county")),
            ]
        ),
        empty_label=None,
        widget=FastSelect,
    )

    class Meta:
        model = ProjectIdea
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if data is not None and not data.get("scope"):
            data = copy.copy(data)  # its lists are not changed, only replaced
            data["scope"] = SCOPE_ADOPTED
        # As django-filter's, but each filter copied with its own ``extra`` (what a
        # filter set changes: the choices), not deep-copied: none has a method, and its
        # field is built from ``extra`` for this filter set.
        if queryset is None:
            queryset = ProjectIdea.objects.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = self.filters[name] = copy.copy(base)
            filter_.__dict__.pop("_field", None)
            filter_.extra = dict(base.extra)
            filter_.model = queryset.model
            filter_.parent = self
        self._set_choices()

    def _set_choices(self) -> None:
        """The edition, theme and county choices, from the database, and the ids of
        their values (``facet_values``, ``facet_ids``)."""
        themes, programmes, counties = rows_together(
            [(THEME_ROWS, ()), (PROGRAMME_ROWS, ()), (COUNTY_ROWS, ())],
            using=router.db_for_read(ProjectIdea),
        )
        # (id, slug, label) of each choice, the themes in their names' alphabetical order
        # in the active language (their str), the editions as their str.
        name = 3 if Theme.name_field() == "name_en" else 2
        themes = sorted(
            ((row[0], row[1], row[name]) for row in themes),
            key=lambda row: collation_key(row[2]),
        )
        programmes = [
            (pk, slug, f"{name} ({FuzzyDate(start, end, precision)})")
            for pk, slug, name, start, end, precision in programmes
        ]
        # Facet counts come keyed by id (see FACETS): id -> the choice's value.
        self.facet_values = {}
        for name, rows in (("programme", programmes), ("theme", themes)):
            self.filters[name].extra["choices"] = Choices((slug, label) for _, slug, label in rows)
            self.facet_values[name] = {pk: slug for pk, slug, _ in rows}
        # Every county with ideas (380 nationally), as plain rows: a model instance per
        # county cost 3.5–4 ms more per page (see catalogue_speed).
        pks, slugs, names, kinds = zip(*counties, strict=True) if counties else ([],) * 4
        labels = county_labels(names, kinds)
        self.county_labels = dict(zip(pks, labels, strict=True))
        self.filters["county"].extra["choices"] = Choices(zip(slugs, labels, strict=True))
        self.facet_values["county"] = dict(zip(pks, slugs, strict=True))
        self.facet_ids = {
            name: dict(zip(values.values(), values, strict=True))
            for name, values in self.facet_values.items()
        }

    @property
    def form(self):
        """The filters' form, as django-filter's (a form of the filters' fields), but of
        one class for all and without the copy of each field Django makes for each form:
        the fields are the filters', built for this filter set (``FilterForm``)."""
        if not hasattr(self, "_form"):
            self._form = FilterForm(
                self.data if self.is_bound else None,
                fields={name: filter_.field for name, filter_ in self.filters.items()},
                prefix=self.form_prefix,
            )
        return self._form

    # -- filters ---------------------------------------------------------------------

    def chosen(self) -> dict:
        """The valid filters' values (``cleaned_data``), the county, edition and theme as
        the ids of the slugs chosen (the form accepts only slugs of the choices)."""
        chosen = dict(self.form.cleaned_data)
        for name, ids in self.facet_ids.items():
            if chosen.get(name):
                chosen[name] = ids[chosen[name]]
        return chosen

    def filter_queryset(self, queryset, exclude: str | Collection[str] = ()):
        """Apply the valid filters, except the one named ``exclude`` (for its facet) or
        those it names (``filter_ideas``)."""
        return filter_ideas(queryset, self.chosen(), exclude)

    # -- facets ----------------------------------------------------------------------

    def add_counts(self) -> None:
        """Append to each county, edition, status and theme choice the number of ideas
        it would list, given the other filters, and set ``total``, the number of ideas
        the filters list: all four facets in one query (``facet_counts``)."""
        counts = self.counts = facet_counts(self)
        count_format = number_formatter()
        for name in FACETS:
            # The filter's choices, the field's without its empty one (which the field
            # adds back).
            count = counts[name].get
            self.form.fields[name].choices = Choices(
                [
                    (value, f"{label} ({count_format(count(value, 0))})")
                    for value, label in self.filters[name].extra["choices"]
                ]
            )
        # Every idea has one status, so the status facet, which leaves out the status
        # filter, adds up to the ideas listed (or gives them, for the chosen status).
        status = self.form.cleaned_data.get("status")
        self.total = counts["status"].get(status, 0) if status else sum(counts["status"].values())

    def canonical_query(self) -> dict[str, str]:
        """The valid, non-default filter values, in a stable order (for links)."""
        params = {}
        for name, value in self.form.cleaned_data.items():
            if value in (None, "") or (name == "scope" and value == SCOPE_ADOPTED):
                continue
            params[name] = str(value)
        return params
