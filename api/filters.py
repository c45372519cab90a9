"""The lists' filters. Every value is checked by a form field before it reaches the database
(a slug is a slug, a TERYT code four digits, a year a year between 1990 and 2100), so a
hostile query string ends as a 400 answer, never a database error.

The project ideas' filters are the catalogue's (``projects.filters.ProjectIdeaFilter``),
with the same names and meaning, through the same queryset methods (``search``,
``in_programme``, ``in_year``, ``adopted``); two differences: the API lists every idea unless
``scope=adopted`` (the catalogue page starts with the ideas selected for implementation),
and a county is named by its TERYT code or its slug.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override

from portal.participation import participating_counties
from programmes.models import County, PartnershipAgreement, ProgrammeEvent
from projects.models import ProjectIdea, Status
from workshops.models import Session, WorkshopCycle

# As the catalogue: the programme ran 2003–2017; a little room either side.
YEAR_MIN = 1990
YEAR_MAX = 2100

SCOPE_ADOPTED = "adopted"
SCOPE_ALL = "all"

# The catalogue's orderings (the same names, the same order): ties are broken by title
# and the primary key, so that pages never overlap.
PROJECT_ORDERINGS = {
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
    "year": (F("period_start").asc(nulls_last=True), "title", "pk"),
    "-year": (F("period_start").desc(nulls_last=True), "title", "pk"),
    "county": (F("county__code").asc(nulls_last=True), "title", "pk"),
}
DEFAULT_PROJECT_ORDERING = "title"

SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
COUNTY_PATTERN = "^([0-9]{4}|[-a-zA-Z0-9_]+)$"
slug_validator = RegexValidator(
    SLUG_PATTERN.replace("$", r"\Z"), _("Enter an identifier (a slug).")
)
county_validator = RegexValidator(
    COUNTY_PATTERN.replace("$", r"\Z"), _("Enter a TERYT code (four digits) or a county's slug.")
)


def describe(filter_, schema: dict) -> None:
    """Give the filter's parameter this schema (with its label as the description) in the
    OpenAPI description, so that its form field's limits are documented."""
    set_override(filter_, "field", {**schema, "description": filter_.label})


class SlugFilter(django_filters.CharFilter):
    """An identifier: letters, digits, hyphens and underscores, at most 160 of them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 160)
        kwargs.setdefault("validators", [slug_validator])
        super().__init__(*args, **kwargs)
        describe(self, {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 160})


class CountyFilter(django_filters.CharFilter):
    """A county by its TERYT code (``1419``) or its slug (``plocki``)."""

    def __init__(self, *args, path: str = "county", **kwargs):
        self.path = path
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("validators", [county_validator])
        kwargs.setdefault("label", _("County: its TERYT code (four digits) or its slug."))
        super().__init__(*args, **kwargs)
        describe(self, {"type": "string", "pattern": COUNTY_PATTERN, "maxLength": 60})

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        key = "code" if value.isdigit() else "slug"
        return qs.filter(**{f"{self.path}__{key}": value})


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)
        describe(self, {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})


def in_year(queryset, year: int, prefix: str = ""):
    """Records whose date or period includes ``year``; an unrecorded end counts as the
    start (as the cycle list does)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return queryset.filter(
        Q(**{f"{prefix}date_start__lte": last, f"{prefix}date_end__gte": first})
        | Q(
            **{
                f"{prefix}date_start__gte": first,
                f"{prefix}date_start__lte": last,
                f"{prefix}date_end__isnull": True,
            }
        )
    )


def programme_filter(path: str = "programme"):
    return SlugFilter(field_name=f"{path}__slug", label=_("Identifier of the programme edition."))


def dated_year_filter(prefix: str = ""):
    return YearFilter(
        label=_("Records whose date or period includes this year."),
        method=lambda queryset, name, value: in_year(queryset, value, prefix),
    )


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search in titles and goals"), method="filter_search", max_length=200
    )
    describe(q, {"type": "string", "maxLength": 200})
    scope = django_filters.ChoiceFilter(
        label=_("adopted: only the ideas selected for implementation (or further on)."),
        choices=[
            (SCOPE_ADOPTED, _("ideas selected for implementation")),
            (SCOPE_ALL, _("all project ideas")),
        ],
        method="filter_scope",
    )
    county = CountyFilter()
    programme = SlugFilter(
        label=_("Identifier of the programme edition."), method="filter_programme"
    )
    year = YearFilter(
        label=_("Ideas from cycles or events whose period includes this year."),
        method="filter_year",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="status", choices=Status.choices
    )
    theme = SlugFilter(label=_("Identifier of the theme."), field_name="themes__slug")
    cycle = SlugFilter(
        label=_("Identifier of the originating workshop cycle."), field_name="cycle__slug"
    )
    event = SlugFilter(
        label=_("Identifier of the originating programme event."), field_name="event__slug"
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
    )

    class Meta:
        model = ProjectIdea
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_scope(self, queryset, name, value):
        return queryset.adopted() if value == SCOPE_ADOPTED else queryset

    def filter_programme(self, queryset, name, value):
        return queryset.in_programme(value)

    def filter_year(self, queryset, name, value):
        return queryset.in_year(value)

    def filter_ordering(self, queryset, name, value):
        return queryset  # applied in filter_queryset(), also when left out

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        ordering = self.form.cleaned_data.get("ordering") or DEFAULT_PROJECT_ORDERING
        return queryset.with_period().order_by(*PROJECT_ORDERINGS[ordering])


class CycleFilter(django_filters.FilterSet):
    county = CountyFilter()
    programme = programme_filter()
    year = dated_year_filter()
    status = django_filters.ChoiceFilter(
        label=_("Status of the cycle."), choices=WorkshopCycle.Status.choices
    )

    class Meta:
        model = WorkshopCycle
        fields: list[str] = []


class SessionFilter(django_filters.FilterSet):
    cycle = SlugFilter(label=_("Identifier of the cycle."), field_name="cycle__slug")
    county = CountyFilter(path="cycle__county")
    programme = programme_filter("cycle__programme")
    year = dated_year_filter()

    class Meta:
        model = Session
        fields: list[str] = []


class EventFilter(django_filters.FilterSet):
    county = CountyFilter()
    programme = programme_filter()
    kind = django_filters.ChoiceFilter(
        label=_("Kind of event."), choices=ProgrammeEvent.Kind.choices
    )
    year = dated_year_filter()

    class Meta:
        model = ProgrammeEvent
        fields: list[str] = []


class AgreementFilter(django_filters.FilterSet):
    county = CountyFilter()
    programme = programme_filter()
    year = dated_year_filter()

    class Meta:
        model = PartnershipAgreement
        fields: list[str] = []


class CountyListFilter(django_filters.FilterSet):
    voivodeship = django_filters.CharFilter(
        label=_("TERYT code of the voivodeship."),
        field_name="voivodeship__code",
        max_length=2,
        validators=[RegexValidator(r"^[0-9]{2}\Z", _("Enter two digits."))],
    )
    describe(voivodeship, {"type": "string", "pattern": "^[0-9]{2}$"})
    took_part = django_filters.BooleanFilter(
        label=_("true: only the counties named by an agreement, a cycle, an event or an idea."),
        method="filter_took_part",
    )

    class Meta:
        model = County
        fields: list[str] = []

    def filter_took_part(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return participating_counties(queryset)
        return queryset.exclude(pk__in=participating_counties().values("pk"))
