"""The open datasets, column by column: one structure drives the downloads and the
documentation page, so the two cannot drift apart.

Conventions (documented on the page):
- every record carries a stable identifier: a TERYT code for administrative units, the
  slug for everything else; references to other records use the same identifiers;
- a date or period is three columns, ``*_start``, ``*_end`` and ``*_precision``
  (day/month/year), so a date known only to the month or year stays marked as such;
- a recorded figure is two columns, the value and its precision (exact, approx, ...);
- attendees are never exported, only counts of them.

A dataset's identifier (``Dataset.slug``) is a Polish word, the same in every language:
it names the download (``/otwarte-dane/projekty.csv``, ``/en/open-data/projekty.csv``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from portal.participation import counties_with_participation
from programmes.facts import DatePrecision, Precision
from programmes.models import (
    AgreementParty,
    County,
    Organisation,
    PartnershipAgreement,
    Programme,
    ProgrammeEvent,
    count_subquery,
)
from projects.models import ProjectIdea, StatusChange, Theme
from projects.models import Status as IdeaStatus
from workshops.models import Attendance, Attendee, Certificate, Session, WorkshopCycle


@dataclass(frozen=True)
class ColumnType:
    """A column's type: its name on the documentation page and its Table Schema type
    (``opendata.package``), so the page and the data package cannot disagree."""

    label: Promise | str
    schema_type: str  # a Frictionless Table Schema field type
    schema_format: str | None = None

    def __str__(self) -> str:
        return str(self.label)


# Column types, as the documentation names them. A list is one CSV cell with its items
# separated by ";" (Table Schema type "list"), a JSON array in JSON.
TEXT = ColumnType(_("text"), "string")
IDENTIFIER = ColumnType(_("identifier"), "string")
CODE = ColumnType(_("code"), "string")
INTEGER = ColumnType(_("integer"), "integer")
BOOLEAN = ColumnType(_("true or false"), "boolean")
DATE = ColumnType(_("date (YYYY-MM-DD)"), "date")
LIST = ColumnType(_("list of identifiers (in CSV separated by “;”)"), "list")
NAMES = ColumnType(_("list of names (in CSV separated by “;”)"), "list")
URL = ColumnType(_("web address"), "string", "uri")


@dataclass(frozen=True)
class Column:
    name: str
    description: Promise | str
    type: ColumnType
    example: str
    value: Callable[[Any], Any]
    codes: type[models.TextChoices] | None = None


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise | str
    description: Promise | str
    queryset: Callable[[], models.QuerySet]
    columns: tuple[Column, ...] = field(default_factory=tuple)
    # Keys and rules, published in the dataset's Table Schema (``opendata.package``):
    # the columns that identify a record, those never empty, and references to the
    # records of another dataset ("column": "dataset.column").
    primary_key: tuple[str, ...] = ("id",)
    required: tuple[str, ...] = ()
    foreign_keys: dict[str, str] = field(default_factory=dict)
    # Where the dataset's rows come from (``opendata.provenance``): the models whose
    # rows it shows or counts, for its date of last change, and the models whose
    # ``sources`` are cited for it.
    changed_by: tuple[type[models.Model], ...] = ()
    sourced_by: tuple[type[models.Model], ...] = ()

    def rows(self) -> Iterator[dict[str, Any]]:
        """One dict per record, column name -> Python value (str, int, bool, date,
        list or None)."""
        for obj in self.queryset():
            yield {column.name: column.value(obj) for column in self.columns}


# -- building blocks -----------------------------------------------------------------


def _interpolate(template, **values) -> str:
    return str(template) % {name: str(value) for name, value in values.items()}


# Translated when used, in the language of the request (not at import time).
interpolate_lazy = lazy(_interpolate, str)


def attr(path: str) -> Callable[[Any], Any]:
    """``obj.a.b`` for ``"a.b"``; None as soon as a step is None."""

    def get(obj):
        for part in path.split("."):
            obj = getattr(obj, part)
            if obj is None:
                return None
        return obj

    return get


def text(path: str) -> Callable[[Any], str | None]:
    """A text field; empty text is exported as empty (None)."""
    get = attr(path)
    return lambda obj: get(obj) or None


def identifiers(relation: str, key: str = "slug") -> Callable[[Any], list[str]]:
    """The identifiers of the (prefetched) related records, in their order."""
    return lambda obj: [getattr(related, key) for related in getattr(obj, relation).all()]


def date_columns(prefix: str, what: Promise | str, get_dates, example: tuple) -> list[Column]:
    """``prefix_start``, ``prefix_end``, ``prefix_precision`` for a FuzzyDate."""

    def part(name):
        def value(obj):
            dates = get_dates(obj)
            if dates is None or not dates.known:
                return None
            return {"start": dates.start, "end": dates.end, "precision": dates.precision}[name]

        return value

    return [
        Column(
            f"{prefix}_start",
            interpolate_lazy(_("%(what)s: the earliest date the sources allow."), what=what),
            DATE,
            example[0],
            part("start"),
        ),
        Column(
            f"{prefix}_end",
            interpolate_lazy(
                _("%(what)s: the latest date the sources allow; empty when not recorded."),
                what=what,
            ),
            DATE,
            example[1],
            part("end"),
        ),
        Column(
            f"{prefix}_precision",
            _("How exactly the date is known (day, month or year); empty when it is unknown."),
            CODE,
            example[2],
            part("precision"),
            codes=DatePrecision,
        ),
    ]


def figure_columns(name: str, what: Promise | str, get_figure, example: tuple) -> list[Column]:
    """``name`` and ``name_precision`` for a Figure."""

    def value(obj):
        return get_figure(obj).value

    def precision(obj):
        figure = get_figure(obj)
        return figure.precision if figure.known else None

    return [
        Column(
            name,
            interpolate_lazy(_("%(what)s, as recorded; empty when unknown."), what=what),
            INTEGER,
            example[0],
            value,
        ),
        Column(
            f"{name}_precision",
            _("Whether the number is exact or approximate; empty when it is unknown."),
            CODE,
            example[1],
            precision,
            codes=Precision,
        ),
    ]


def county_columns(path: str = "county") -> list[Column]:
    return [
        Column(
            "county_teryt",
            _("TERYT code of the county (powiat)."),
            IDENTIFIER,
            "1419",
            attr(f"{path}.code"),
        ),
        Column("county_name", _("Name of the county."), TEXT, "płocki", attr(f"{path}.name")),
    ]


# -- querysets -----------------------------------------------------------------------


def projects_queryset():
    return (
        ProjectIdea.objects.select_related(
            "county", "cycle__programme", "session", "event__programme"
        )
        .prefetch_related(
            "themes",
            "voivodeships",
            "municipalities",
            "partners",
            models.Prefetch(
                "status_history",
                queryset=StatusChange.objects.order_by(
                    models.F("date_start").asc(nulls_last=True), "id"
                ),
            ),
        )
        .order_by("slug")
    )


def cycles_queryset():
    return (
        WorkshopCycle.objects.select_related("programme", "county").with_counts().order_by("slug")
    )


def sessions_queryset():
    return (
        Session.objects.select_related("cycle__county")
        .annotate(register_count=count_subquery(Attendance.objects.all(), "session"))
        .order_by("cycle__slug", "ordinal")
    )


def events_queryset():
    return (
        ProgrammeEvent.objects.select_related("programme", "county", "organiser")
        .prefetch_related("voivodeships", "municipalities")
        .order_by("slug")
    )


def agreements_queryset():
    return (
        PartnershipAgreement.objects.select_related("programme", "county")
        .prefetch_related("parties__organisation", "cycles")
        .order_by("slug")
    )


def counties_queryset():
    return counties_with_participation(County.objects.select_related("voivodeship")).order_by(
        "code"
    )


def programmes_queryset():
    return Programme.objects.select_related("operator", "implementing_institution").order_by("slug")


# -- values derived from several fields ------------------------------------------------


def idea_origin_dates(idea):
    if idea.cycle is not None:
        return idea.cycle.dates
    if idea.event is not None:
        return idea.event.dates
    return None


def idea_status_dates(idea):
    """The dates of the history entry that recorded the current status."""
    for change in reversed(idea.status_history.all()):
        if change.status == idea.status:
            return change.dates
    return None


def idea_programme(idea):
    if idea.cycle is not None:
        return idea.cycle.programme.slug
    if idea.event is not None and idea.event.programme is not None:
        return idea.event.programme.slug
    return None


# -- the datasets ----------------------------------------------------------------------

PROJECTS = Dataset(
    slug="projekty",
    title=_("Project ideas"),
    description=_(
        "Every project idea the records mention, with its origin, themes, partners and "
        "current status. The catalogue shows the same ideas."
    ),
    queryset=projects_queryset,
    required=("id", "title", "status"),
    foreign_keys={
        "county_teryt": "powiaty.teryt",
        "programme": "edycje.id",
        "cycle": "cykle.id",
        "event": "wydarzenia.id",
    },
    changed_by=(
        ProjectIdea,
        StatusChange,
        Theme,
        Organisation,
        WorkshopCycle,
        Session,
        ProgrammeEvent,
        Programme,
    ),
    sourced_by=(ProjectIdea, StatusChange),
    columns=(
        Column(
            "id",
            _("Identifier of the project idea."),
            IDENTIFIER,
            "dojrzali-wspaniali",
            attr("slug"),
        ),
        Column(
            "title",
            _("Title of the idea."),
            TEXT,
            "Dojrzali wspaniali – międzypokoleniowe działania lokalne",
            attr("title"),
        ),
        Column(
            "goals",
            _("Goals, as the sources state them."),
            TEXT,
            "Wyposażenie oraz uruchomienie Klubu Seniora…",
            text("goals"),
        ),
        Column("description", _("Further description."), TEXT, "", text("description")),
        Column("status", _("Current status."), CODE, "selected", attr("status"), codes=IdeaStatus),
        *date_columns(
            "status_date",
            _("Date of the current status"),
            idea_status_dates,
            ("2017-12-07", "2017-12-07", "day"),
        ),
        *county_columns(),
        Column(
            "voivodeships_teryt",
            _("TERYT codes of the voivodeships, for ideas that span several."),
            LIST,
            "14;10;20",
            identifiers("voivodeships", "code"),
        ),
        Column(
            "municipalities_teryt",
            _("TERYT codes of the municipalities (gminy)."),
            LIST,
            "1419012",
            identifiers("municipalities", "code"),
        ),
        Column(
            "programme",
            _("Identifier of the programme edition."),
            IDENTIFIER,
            "wlosg-2017",
            idea_programme,
        ),
        Column(
            "cycle",
            _("Identifier of the originating workshop cycle."),
            IDENTIFIER,
            "wlosg-2017-plocki",
            attr("cycle.slug"),
        ),
        Column(
            "session_number",
            _("Number of the session in which the idea came up, when recorded."),
            INTEGER,
            "5",
            attr("session.ordinal"),
        ),
        Column(
            "event",
            _("Identifier of the originating programme event."),
            IDENTIFIER,
            "2005-05-17-spotkanie-w-serpelicach",
            attr("event.slug"),
        ),
        *date_columns(
            "period",
            _("Period of the originating cycle or event"),
            idea_origin_dates,
            ("2017-05-25", "2017-12-07", "day"),
        ),
        Column(
            "themes",
            _("Identifiers of the themes."),
            LIST,
            "seniorzy;kultura",
            identifiers("themes"),
        ),
        Column(
            "partners",
            _("Identifiers of the partner organisations."),
            LIST,
            "pup-w-plocku",
            identifiers("partners"),
        ),
    ),
)

CYCLES = Dataset(
    slug="cykle",
    title=_("Workshop cycles"),
    description=_(
        "The cycles of workshops and conferences held in the counties, with counts of "
        "sessions, registered attendees, valid certificates and project ideas."
    ),
    queryset=cycles_queryset,
    required=(
        "id",
        "title",
        "title_is_descriptive",
        "programme",
        "county_teryt",
        "county_name",
        "status",
        "sessions_recorded",
        "attendees_registered",
        "certificates_valid",
        "project_ideas",
    ),
    foreign_keys={"programme": "edycje.id", "county_teryt": "powiaty.teryt"},
    changed_by=(WorkshopCycle, Programme, Session, Attendee, Certificate, ProjectIdea),
    sourced_by=(WorkshopCycle,),
    columns=(
        Column("id", _("Identifier of the cycle."), IDENTIFIER, "wlosg-2017-plocki", attr("slug")),
        Column(
            "title",
            _("Title of the cycle."),
            TEXT,
            "Warsztaty Lokalnego Ożywienia Społeczno-Gospodarczego",
            attr("title"),
        ),
        Column(
            "title_is_descriptive",
            _("True when the sources give no title and this one describes the cycle."),
            BOOLEAN,
            "false",
            attr("title_is_descriptive"),
        ),
        Column(
            "programme",
            _("Identifier of the programme edition."),
            IDENTIFIER,
            "wlosg-2017",
            attr("programme.slug"),
        ),
        *county_columns(),
        Column(
            "status",
            _("Status of the cycle."),
            CODE,
            "completed",
            attr("status"),
            codes=WorkshopCycle.Status,
        ),
        *date_columns(
            "period", _("Period of the cycle"), attr("dates"), ("2003-01-01", "2010-12-31", "year")
        ),
        Column(
            "sessions_planned",
            _("Number of sessions planned."),
            INTEGER,
            "5",
            attr("sessions_planned"),
        ),
        Column(
            "sessions_held",
            _("Number of sessions held; empty when not recorded."),
            INTEGER,
            "5",
            attr("sessions_held"),
        ),
        Column(
            "sessions_recorded",
            _("Number of sessions recorded in the sessions dataset."),
            INTEGER,
            "5",
            attr("session_count"),
        ),
        Column(
            "attendees_registered",
            _("Number of attendees registered (a count only)."),
            INTEGER,
            "24",
            attr("attendee_count"),
        ),
        Column(
            "certificates_valid",
            _("Number of valid certificates issued."),
            INTEGER,
            "18",
            attr("certificate_count"),
        ),
        Column(
            "certificate_min_sessions",
            _("Sessions an attendee needs to attend for a certificate."),
            INTEGER,
            "4",
            attr("certificate_min_sessions"),
        ),
        Column(
            "project_ideas",
            _("Number of project ideas from the cycle."),
            INTEGER,
            "7",
            attr("project_idea_count"),
        ),
        Column("audience", _("Who the cycle was for."), TEXT, "", text("audience")),
        Column("description", _("Description."), TEXT, "", text("description")),
        Column("video_url", _("Address of a promotional video."), URL, "", text("video_url")),
    ),
)

SESSIONS = Dataset(
    slug="sesje",
    title=_("Sessions"),
    description=_(
        "The workshops and conferences of each cycle. A session is identified by its "
        "cycle and its number."
    ),
    queryset=sessions_queryset,
    primary_key=("cycle", "number"),
    required=("cycle", "number", "county_teryt", "county_name", "kind", "attendance_registered"),
    foreign_keys={"cycle": "cykle.id", "county_teryt": "powiaty.teryt"},
    changed_by=(Session, WorkshopCycle, Attendance),
    sourced_by=(Session,),
    columns=(
        Column(
            "cycle",
            _("Identifier of the cycle."),
            IDENTIFIER,
            "wlosg-2017-plocki",
            attr("cycle.slug"),
        ),
        Column(
            "number",
            _("Number of the session within the cycle (1, 2, …)."),
            INTEGER,
            "1",
            attr("ordinal"),
        ),
        *county_columns("cycle.county"),
        Column("kind", _("Kind of session."), CODE, "workshop", attr("kind"), codes=Session.Kind),
        *date_columns(
            "date", _("Date of the session"), attr("dates"), ("2017-05-25", "2017-05-25", "day")
        ),
        Column("venue", _("Venue."), TEXT, "", text("venue")),
        Column("topic", _("Topic."), TEXT, "", text("topic")),
        *figure_columns(
            "attendance_reported",
            _("Attendance reported by the sources"),
            attr("attendance_figure"),
            ("100", "approx"),
        ),
        Column(
            "attendance_registered",
            _("Number of attendances entered in the register (a count only)."),
            INTEGER,
            "21",
            attr("register_count"),
        ),
    ),
)

EVENTS = Dataset(
    slug="wydarzenia",
    title=_("Programme events"),
    description=_(
        "Presentations, promotional meetings, training and meetings held outside the "
        "workshop cycles."
    ),
    queryset=events_queryset,
    required=("id", "kind", "title"),
    foreign_keys={"programme": "edycje.id", "county_teryt": "powiaty.teryt"},
    changed_by=(ProgrammeEvent, Programme, Organisation),
    sourced_by=(ProgrammeEvent,),
    columns=(
        Column(
            "id",
            _("Identifier of the event."),
            IDENTIFIER,
            "2005-02-16-prezentacja-programu-w-plocku",
            attr("slug"),
        ),
        Column(
            "kind",
            _("Kind of event."),
            CODE,
            "presentation",
            attr("kind"),
            codes=ProgrammeEvent.Kind,
        ),
        Column(
            "title",
            _("Title."),
            TEXT,
            "Prezentacja Programu Partnerstwa Lokalnego w Starostwie Powiatowym w Płocku",
            attr("title"),
        ),
        Column(
            "programme",
            _("Identifier of the programme edition."),
            IDENTIFIER,
            "wlog-2003-2010",
            attr("programme.slug"),
        ),
        *county_columns(),
        Column(
            "voivodeships_teryt",
            _("TERYT codes of the participating voivodeships."),
            LIST,
            "14;10;20",
            identifiers("voivodeships", "code"),
        ),
        Column(
            "municipalities_teryt",
            _("TERYT codes of the municipalities (gminy)."),
            LIST,
            "1419012;1419023",
            identifiers("municipalities", "code"),
        ),
        Column("place", _("Place."), TEXT, "Starostwo Powiatowe w Płocku", text("place")),
        *date_columns(
            "date", _("Date of the event"), attr("dates"), ("2005-02-16", "2005-02-16", "day")
        ),
        Column(
            "organiser",
            _("Identifier of the organising organisation."),
            IDENTIFIER,
            "pup-w-plocku",
            attr("organiser.slug"),
        ),
        Column(
            "organiser_name",
            _("Name of the organising organisation."),
            TEXT,
            "Powiatowy Urząd Pracy w Płocku",
            attr("organiser.name"),
        ),
        Column("audience", _("Who the event was for."), TEXT, "", text("audience")),
        *figure_columns(
            "invitations_sent", _("Invitations sent"), attr("invitations"), ("1000", "more_than")
        ),
        *figure_columns(
            "attendance", _("Attendance"), attr("attendance_figure"), ("100", "approx")
        ),
        *figure_columns(
            "attendance_share_percent",
            _("Attendance as a percentage of invitations"),
            attr("attendance_share_figure"),
            ("30", "approx"),
        ),
        Column("description", _("Description."), TEXT, "", text("description")),
        Column("outcomes", _("Outcomes and initiatives."), TEXT, "", text("outcomes")),
    ),
)

AGREEMENTS = Dataset(
    slug="porozumienia",
    title=_("Partnership agreements"),
    description=_("The partnership agreements signed in the counties, with their parties."),
    queryset=agreements_queryset,
    required=("id", "title", "programme", "county_teryt", "county_name"),
    foreign_keys={"programme": "edycje.id", "county_teryt": "powiaty.teryt"},
    changed_by=(PartnershipAgreement, AgreementParty, Organisation, Programme, WorkshopCycle),
    sourced_by=(PartnershipAgreement,),
    columns=(
        Column(
            "id",
            _("Identifier of the agreement."),
            IDENTIFIER,
            "2003-11-18-porozumienie-powiat-plocki",
            attr("slug"),
        ),
        Column(
            "title",
            _("Title."),
            TEXT,
            "Porozumienie w zakresie Wdrażania Modelu Partnerstwa Lokalnego",
            attr("title"),
        ),
        Column(
            "programme",
            _("Identifier of the programme edition."),
            IDENTIFIER,
            "wlog-2003-2010",
            attr("programme.slug"),
        ),
        *county_columns(),
        Column(
            "cycle",
            _("Identifiers of the workshop cycles in which it was concluded."),
            LIST,
            "wlosg-2017-losicki",
            lambda a: [cycle.slug for cycle in a.cycles.all()],
        ),
        Column("place", _("Place of signing."), TEXT, "Warszawa", text("place")),
        *date_columns(
            "signed", _("Date of signing"), attr("dates"), ("2003-11-18", "2003-11-18", "day")
        ),
        *figure_columns(
            "partner_count",
            _("Number of partners, when the sources give only the number"),
            attr("partners"),
            ("40", "approx"),
        ),
        Column(
            "parties",
            _("Identifiers of the organisations party to the agreement."),
            LIST,
            "wojewodztwo-mazowieckie;powiat-plocki",
            lambda a: [party.organisation.slug for party in a.parties.all()],
        ),
        Column(
            "party_names",
            _("Names of the parties, in the same order."),
            NAMES,
            "Województwo Mazowieckie;Powiat Płocki",
            lambda a: [party.organisation.name for party in a.parties.all()],
        ),
        Column("description", _("Description."), TEXT, "", text("description")),
    ),
)

COUNTIES = Dataset(
    slug="powiaty",
    title=_("Counties"),
    description=_(
        "The counties (powiaty) by their TERYT codes, with how many cycles, agreements, "
        "events and project ideas the records hold for each."
    ),
    queryset=counties_queryset,
    primary_key=("teryt",),
    required=(
        "teryt",
        "name",
        "kind",
        "slug",
        "voivodeship_teryt",
        "cycles",
        "agreements",
        "events",
        "project_ideas",
        "project_ideas_adopted",
    ),
    # The counties themselves are reference data (TERYT), not dated; their counts change
    # with the records counted, whose sources are cited.
    changed_by=(PartnershipAgreement, WorkshopCycle, ProgrammeEvent, ProjectIdea),
    sourced_by=(PartnershipAgreement, WorkshopCycle, ProgrammeEvent, ProjectIdea),
    columns=(
        Column(
            "teryt", _("TERYT code of the county (four digits)."), IDENTIFIER, "1419", attr("code")
        ),
        Column("name", _("Name, as in the TERC register."), TEXT, "płocki", attr("name")),
        Column(
            "kind",
            _("Land county or city with county rights."),
            CODE,
            "land",
            attr("kind"),
            codes=County.Kind,
        ),
        Column(
            "slug",
            _("Identifier used in the portal's addresses."),
            IDENTIFIER,
            "plocki",
            attr("slug"),
        ),
        Column(
            "voivodeship_teryt",
            _("TERYT code of the voivodeship."),
            IDENTIFIER,
            "14",
            attr("voivodeship.code"),
        ),
        Column("cycles", _("Number of workshop cycles."), INTEGER, "2", attr("cycle_count")),
        Column(
            "agreements",
            _("Number of partnership agreements."),
            INTEGER,
            "2",
            attr("agreement_count"),
        ),
        Column("events", _("Number of programme events."), INTEGER, "4", attr("event_count")),
        Column(
            "project_ideas", _("Number of project ideas."), INTEGER, "7", attr("project_idea_count")
        ),
        Column(
            "project_ideas_adopted",
            _("Number of project ideas selected for implementation (or further on)."),
            INTEGER,
            "7",
            attr("adopted_count"),
        ),
    ),
)

PROGRAMMES = Dataset(
    slug="edycje",
    title=_("Programme editions"),
    description=_("The editions of the programme, which the other datasets refer to."),
    queryset=programmes_queryset,
    required=("id", "name"),
    changed_by=(Programme, Organisation),
    sourced_by=(Programme,),
    columns=(
        Column("id", _("Identifier of the edition."), IDENTIFIER, "wlosg-2017", attr("slug")),
        Column(
            "name",
            _("Name."),
            TEXT,
            "Warsztaty Lokalnego Ożywienia Społeczno-Gospodarczego",
            attr("name"),
        ),
        *date_columns(
            "period",
            _("Period of the edition"),
            attr("dates"),
            ("2017-01-01", "2017-12-31", "year"),
        ),
        Column(
            "operator",
            _("Identifier of the operating organisation."),
            IDENTIFIER,
            "wojewodzki-urzad-pracy-w-warszawie",
            attr("operator.slug"),
        ),
        Column(
            "implementing_institution",
            _("Identifier of the implementing institution."),
            IDENTIFIER,
            "instytut-wspolpracy-i-partnerstwa-lokalnego",
            attr("implementing_institution.slug"),
        ),
        Column(
            "sessions_per_cycle",
            _("Standard number of sessions in a cycle."),
            INTEGER,
            "5",
            attr("sessions_per_cycle"),
        ),
        Column("goal", _("Main goal."), TEXT, "", text("goal")),
    ),
)

DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in (PROJECTS, CYCLES, SESSIONS, EVENTS, AGREEMENTS, COUNTIES, PROGRAMMES)
}

FORMATS = ("csv", "json")

# Python types the exports may hold (checked by the tests).
EXPORT_TYPES = (str, int, bool, datetime.date, list, type(None))
