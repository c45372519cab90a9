"""What a county page shows, read as rows: the county, its cycles with their sources and
sessions (with theirs), its project ideas.

The county with the most cycles at national scale (scale 1.0) has 22 cycles, ~130
sessions, ~80 project ideas and the sources of each: as model instances with their
prefetched relations the page built ~360 objects (every column of every row, the ideas'
descriptions included), a manager and a queryset per prefetched relation, and compiled
the SQL of 8 queries anew at each request. Here they are read with ``values_list()`` into
the small rows below, which have the names a model instance has for what the templates
and ``{% cycle_articles %}``, ``{% sessions_table %}`` and ``{% idea_rows %}`` read (so
the same code writes both), by ``FixedQuery`` (``partnership.fixed_queries``: the SQL made
once per process). Nothing is kept between requests: every figure is read at each
request; a figure's definition stays where it was (``with_counts(kept=True)``,
``WorkshopCycle.sessions_figure``, ``DatedRecord.dates``), which the rows' properties
repeat in one line each.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import router
from django.db.models import Exists, OuterRef
from django.http import Http404

from partnership.fixed_queries import FixedQuery
from programmes.facts import Figure, FuzzyDate
from programmes.models import County, PartnershipAgreement, ProgrammeEvent, Voivodeship
from projects.models import ProjectIdea
from workshops.models import Session, WorkshopCycle, to_roman


@dataclass(slots=True, frozen=True)
class SourceRow:
    slug: str
    title: str
    title_is_descriptive: bool = False


@dataclass(slots=True)
class SessionRow:
    """A session as ``includes/_sessions_table.html`` shows it."""

    ordinal: int
    kind: str
    date_start: datetime.date | None
    date_end: datetime.date | None
    date_precision: str
    venue: str
    topic: str
    attendance: int | None
    attendance_precision: str
    source_list: list[SourceRow] = field(default_factory=list)

    @property
    def dates(self) -> FuzzyDate:  # as DatedRecord.dates
        return FuzzyDate(self.date_start, self.date_end, self.date_precision)

    @property
    def attendance_figure(self) -> Figure:  # as Session.attendance_figure
        return Figure(self.attendance, self.attendance_precision)

    @property
    def roman(self) -> str:
        return to_roman(self.ordinal)


@dataclass(slots=True, frozen=True)
class Link:
    """A record an idea came from: its ``slug`` and ``title``."""

    slug: str
    title: str


@dataclass(slots=True, frozen=True)
class SessionRef:
    ordinal: int

    @property
    def roman(self) -> str:
        return to_roman(self.ordinal)


@dataclass(slots=True, frozen=True)
class IdeaRow:
    """A project idea as ``includes/_ideas_table.html`` shows it."""

    slug: str
    title: str
    status: str
    cycle: Link | None
    session: SessionRef | None
    event: Link | None


@dataclass(slots=True, frozen=True)
class ProgrammeRef:
    slug: str
    name: str


@dataclass(slots=True)
class CycleRow:
    """A cycle as ``{% cycle_articles %}`` shows it, with its counts (kept per cycle:
    ``WorkshopCycleQuerySet.with_counts(kept=True)``)."""

    pk: int
    slug: str
    title: str
    title_is_descriptive: bool
    status: str
    sessions_planned: int | None
    date_start: datetime.date | None
    date_end: datetime.date | None
    date_precision: str
    programme: ProgrammeRef
    sessions_figure_value: int | None
    sessions_figure_precision: str
    project_idea_count: int
    source_list: list[SourceRow] = field(default_factory=list)
    session_list: list[SessionRow] = field(default_factory=list)

    @property
    def dates(self) -> FuzzyDate:  # as DatedRecord.dates
        return FuzzyDate(self.date_start, self.date_end, self.date_precision)

    @property
    def sessions_figure(self) -> Figure:  # as WorkshopCycle.sessions_figure
        if self.sessions_figure_value is None:
            return Figure(None)
        return Figure(self.sessions_figure_value, self.sessions_figure_precision)


CYCLES = FixedQuery(
    WorkshopCycle,
    lambda county_id: (
        WorkshopCycle.objects.filter(county_id=county_id)
        .with_counts(kept=True)
        .values_list(
            *("pk", "slug", "title", "title_is_descriptive", "status", "sessions_planned"),
            *("date_start", "date_end", "date_precision", "programme__slug", "programme__name"),
            *("sessions_figure_value", "sessions_figure_precision", "project_idea_count"),
        )
    ),
)
CYCLE_SOURCES = FixedQuery(
    WorkshopCycle.sources.through,
    lambda county_id: (
        WorkshopCycle.sources.through.objects.filter(workshopcycle__county_id=county_id)
        .order_by("source__slug")  # the order of Source.Meta.ordering
        .values_list(
            "workshopcycle_id", "source__slug", "source__title", "source__title_is_descriptive"
        )
    ),
)
# One row per session and source (a session without a source: one row, no source).
SESSIONS = FixedQuery(
    Session,
    lambda county_id: (
        Session.objects.filter(cycle__county_id=county_id)
        .order_by("cycle_id", "ordinal", "sources__slug")
        .values_list(
            *("cycle_id", "id", "ordinal", "kind", "date_start", "date_end", "date_precision"),
            *("venue", "topic", "attendance", "attendance_precision"),
            *("sources__slug", "sources__title"),
        )
    ),
)


COUNTY = FixedQuery(
    County,
    lambda slug: (
        County.objects.filter(slug=slug)
        .annotate(
            has_agreements=Exists(PartnershipAgreement.objects.filter(county=OuterRef("pk"))),
            has_events=Exists(ProgrammeEvent.objects.filter(county=OuterRef("pk"))),
        )
        .values_list(
            *("id", "code", "voivodeship_id", "name", "kind", "slug"),
            *("voivodeship__code", "voivodeship__name", "voivodeship__slug"),
            *("has_agreements", "has_events"),
        )
    ),
    stand_in="stand-in-no-county-7310419",
)


def county_for_page(slug: str) -> County:
    """The county with this slug (or a 404), its voivodeship, and whether any agreement
    (``has_agreements``) or event (``has_events``) names it: at national scale most
    counties have neither, and asking in this query spares the page two queries. The
    county and its voivodeship are made as a queryset makes them (``Model.from_db``)."""
    rows = COUNTY.rows(slug)
    if not rows:
        raise Http404("No county has this identifier.")
    *county, voivodeship_code, voivodeship_name, voivodeship_slug, agreements, events = rows[0]
    using = router.db_for_read(County)
    result = County.from_db(using, ["id", "code", "voivodeship_id", "name", "kind", "slug"], county)
    result.voivodeship = Voivodeship.from_db(
        using,
        ["id", "code", "name", "slug"],
        (county[2], voivodeship_code, voivodeship_name, voivodeship_slug),
    )
    result.has_agreements, result.has_events = agreements, events
    return result


def county_agreements(county) -> list[PartnershipAgreement]:
    """The agreements of a county from ``county_for_page``, as its page shows them."""
    if not county.has_agreements:
        return []
    return list(PartnershipAgreement.objects.in_county(county).for_display())


def county_events(county) -> list[ProgrammeEvent]:
    """The events of a county from ``county_for_page``, as its page shows them."""
    if not county.has_events:
        return []
    return list(ProgrammeEvent.objects.in_county(county).for_display())


def county_cycles(county) -> list[CycleRow]:
    """The county's cycles in their order, with their counts, each with
    ``source_list`` and ``session_list`` (by ordinal, each with its ``source_list``):
    three queries, whatever the number of cycles."""
    cycles = []
    for *values, programme_slug, programme_name, figure, precision, ideas in CYCLES.rows(county.pk):
        programme = ProgrammeRef(programme_slug, programme_name)
        cycles.append(CycleRow(*values, programme, figure, precision, ideas))
    if not cycles:
        return cycles
    by_id = {cycle.pk: cycle for cycle in cycles}
    for cycle_id, *source in CYCLE_SOURCES.rows(county.pk):
        by_id[cycle_id].source_list.append(SourceRow(*source))
    session = last = None
    for cycle_id, pk, *values, source_slug, source_title in SESSIONS.rows(county.pk):
        if pk != last:
            session, last = SessionRow(*values), pk
            by_id[cycle_id].session_list.append(session)
        if source_slug is not None:
            session.source_list.append(SourceRow(source_slug, source_title))
    return cycles


IDEAS = FixedQuery(
    ProjectIdea,
    lambda county_id: (
        ProjectIdea.objects.filter(county_id=county_id)
        .order_by("title", "pk")
        .values_list(
            *("slug", "title", "status", "cycle__slug", "cycle__title", "session__ordinal"),
            *("event__slug", "event__title"),
        )
    ),
)


def county_ideas(county) -> list[IdeaRow]:
    """The county's project ideas by title, each with the cycle (and session) or the
    event it came from: one query."""
    return [
        IdeaRow(
            slug=slug,
            title=title,
            status=status,
            cycle=Link(cycle_slug, cycle_title) if cycle_slug is not None else None,
            session=SessionRef(ordinal) if ordinal is not None else None,
            event=Link(event_slug, event_title) if event_slug is not None else None,
        )
        for slug, title, status, cycle_slug, cycle_title, ordinal, event_slug, event_title in (
            IDEAS.rows(county.pk)
        )
    ]
