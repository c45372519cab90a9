"""What the home page shows besides its figures, read as rows: the earliest agreements and
events of the timeline, the highlighted project ideas, the videos, the programme editions,
how many counties took part, and the map's counties.

Each request built and compiled the SQL of these queries anew (about 5 ms of the page's
17 ms of Python, scale 1.0, 3 December 2026), and made model instances with every column
where the page shows a few. Here each is a ``FixedQuery`` (``partnership.fixed_queries``:
the SQL made once per process) reading the columns the page shows into small rows, all
in one round trip where the connection allows it (``rows_together``). Nothing is kept
between requests: every row is read at each request. The figures (cycles per period,
per-year figures, ideas per status) are read elsewhere (``portal.views.home_figures``,
``portal.idea_counts``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import (
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Value,
    When,
)
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext, ngettext

from partnership.fixed_queries import FixedQuery, rows_together
from partnership.urlfill import slug_url
from programmes.facts import FuzzyDate
from programmes.models import County, PartnershipAgreement, Programme, ProgrammeEvent
from projects.models import ADOPTED_STATUSES, ProjectIdea, Status
from workshops.models import CYCLE_YEAR_UNKNOWN, WorkshopCycle

from . import maps
from .participation import participating_counties

# The timeline lists at most this many agreements and this many events (the earliest);
# every one of them is on its county's or its programme edition's page.
TIMELINE_LIMIT = 60
HIGHLIGHTED_PROJECTS = 6
HOME_VIDEOS = 4


@dataclass(frozen=True, slots=True)
class TimelineItem:
    kind: str  # "agreement", "event" or "cycles"
    kind_label: str
    title: str
    dates: FuzzyDate
    url: str
    county: str | None = None  # the county's name as shown (``str(County)``)
    county_count: int | None = None  # "cycles": in how many counties they ran


@dataclass(frozen=True, slots=True)
class IdeaCard:
    """A highlighted idea as its card shows it."""

    slug: str
    title: str
    status_label: str
    goals: str
    county: str | None  # the county's name as shown, if the idea has one


@dataclass(frozen=True, slots=True)
class VideoCycle:
    """A cycle as ``includes/_video_card.html`` reads it."""

    slug: str
    title: str
    video_url: str
    county: str
    dates: FuzzyDate


@dataclass(frozen=True, slots=True)
class Edition:
    """A programme edition as the home page's list reads it."""

    pk: int
    slug: str
    name: str
    dates: FuzzyDate


def _by_date(model, *fields: str):
    """The first ``TIMELINE_LIMIT`` + 1 rows by date (unknown dates last)."""
    return model.objects.order_by(F("date_start").asc(nulls_last=True), "pk").values_list(
        "title", "date_start", "date_end", "date_precision", "slug", *fields
    )[: TIMELINE_LIMIT + 1]


AGREEMENTS = FixedQuery(
    PartnershipAgreement,
    lambda: _by_date(PartnershipAgreement, "county__slug", "county__name", "county__kind"),
    stand_in=None,
)
EVENTS = FixedQuery(
    ProgrammeEvent,
    lambda: _by_date(ProgrammeEvent, "kind", "county__name", "county__kind"),
    stand_in=None,
)

# What a highlighted idea's card shows: its link, title, status, county and goals.
HIGHLIGHTED_FIELDS = ("slug", "title", "status", "goals", "county__name", "county__kind")


def _highlighted_union():
    """The first few of each status from a ``UNION ALL`` of three short index scans on
    the title instead of sorting every idea selected for implementation (PostgreSQL)."""
    firsts = [
        ProjectIdea.objects.filter(status=status)
        .annotate(furthest=Value(rank, output_field=IntegerField()))
        .order_by("title")
        .values_list(*HIGHLIGHTED_FIELDS, "furthest")[:HIGHLIGHTED_PROJECTS]
        for rank, status in enumerate(reversed(ADOPTED_STATUSES))
    ]
    combined = firsts[0].union(*firsts[1:], all=True)
    return combined.order_by("furthest", "title")[:HIGHLIGHTED_PROJECTS]


def _highlighted_sorted():
    furthest = Case(
        *(When(status=status, then=Value(i)) for i, status in enumerate(ADOPTED_STATUSES)),
        output_field=IntegerField(),
    )
    return (
        ProjectIdea.objects.adopted()
        .order_by(furthest.desc(), "title")
        .values_list(*HIGHLIGHTED_FIELDS)[:HIGHLIGHTED_PROJECTS]
    )


HIGHLIGHTED_UNION = FixedQuery(ProjectIdea, _highlighted_union, stand_in=None)
HIGHLIGHTED_SORTED = FixedQuery(ProjectIdea, _highlighted_sorted, stand_in=None)


def _participating_count():
    """``participating_counties().count()`` (``portal.participation``) as rows."""
    return (
        participating_counties()
        .order_by()
        .values_list(Func(F("pk"), function="COUNT", output_field=IntegerField()))
    )


PARTICIPATING_COUNT = FixedQuery(County, _participating_count, stand_in=None)

# '' written into the SQL, not a parameter: the plan the database keeps for the prepared
# statement then reads the index of the cycles with a video (its condition is
# ``video_url <> ''``); with a parameter it planned the statement again at each request.
NO_TEXT = Func(template="''", output_field=CharField())
VIDEOS = FixedQuery(
    WorkshopCycle,
    lambda: (
        WorkshopCycle.objects.exclude(video_url=NO_TEXT)
        .order_by("date_start", "slug")
        .values_list(
            *("slug", "title", "video_url", "county__name", "county__kind"),
            *("date_start", "date_end", "date_precision"),
        )[:HOME_VIDEOS]
    ),
    stand_in=None,
)
EDITIONS = FixedQuery(
    Programme,
    lambda: Programme.objects.values_list(
        "pk", "slug", "name", "date_start", "date_end", "date_precision"
    ),
    stand_in=None,
)


@dataclass(frozen=True)
class HomeRecords:
    agreements: list[TimelineItem]
    more_agreements: bool
    events: list[TimelineItem]
    more_events: bool
    highlighted: list[IdeaCard]
    videos: list[VideoCycle]
    editions: list[Edition]
    participating: int
    map_counties: list  # ``maps.CountyRow``s of the map's voivodeship


def home_records(*, voivodeship: str) -> HomeRecords:
    """Every row of the home page but its figures, in one round trip where the
    connection allows it."""
    alias = router.db_for_read(ProjectIdea)
    if connections[alias].features.supports_slicing_ordering_in_compound:
        highlighted = HIGHLIGHTED_UNION
    else:
        highlighted = HIGHLIGHTED_SORTED
    calls = [
        (AGREEMENTS, ()),
        (EVENTS, ()),
        (highlighted, ()),
        (PARTICIPATING_COUNT, ()),
        (VIDEOS, ()),
        (EDITIONS, ()),
        *maps.map_queries(voivodeship),
    ]
    agreements, events, ideas, participating, videos, editions, *map_rows = rows_together(
        calls, using=alias
    )
    name = maps.county_namer()
    return HomeRecords(
        agreements=_agreement_items(agreements[:TIMELINE_LIMIT], name),
        more_agreements=len(agreements) > TIMELINE_LIMIT,
        events=_event_items(events[:TIMELINE_LIMIT], name),
        more_events=len(events) > TIMELINE_LIMIT,
        highlighted=_idea_cards(ideas, name),
        videos=[
            VideoCycle(slug, title, url, name(county, kind), FuzzyDate(start, end, precision))
            for slug, title, url, county, kind, start, end, precision in videos
        ],
        editions=[Edition(row[0], row[1], row[2], FuzzyDate(*row[3:])) for row in editions],
        participating=participating[0][0],
        map_counties=maps.county_rows(*map_rows, [(row[0], row[2]) for row in editions]),
    )


def _agreement_items(rows, name) -> list[TimelineItem]:
    label = gettext("Agreement")
    county_url = slug_url("portal:county_detail")
    return [
        TimelineItem(
            kind="agreement",
            kind_label=label,
            title=title,
            dates=FuzzyDate(start, end, precision),
            url=f"{county_url(county_slug)}#agreement-{slug}",
            county=name(county, kind),
        )
        for title, start, end, precision, slug, county_slug, county, kind in rows
    ]


def _event_items(rows, name) -> list[TimelineItem]:
    kinds = {value: str(label) for value, label in ProgrammeEvent.Kind.choices}
    event_url = slug_url("portal:event_detail")
    return [
        TimelineItem(
            kind="event",
            kind_label=kinds.get(event_kind, event_kind),
            title=title,
            dates=FuzzyDate(start, end, precision),
            url=event_url(slug),
            county=name(county, kind),
        )
        for title, start, end, precision, slug, event_kind, county, kind in rows
    ]


def _idea_cards(rows, name) -> list[IdeaCard]:
    labels = {value: str(label) for value, label in Status.choices}
    return [
        IdeaCard(slug, title, labels.get(status, status), goals, name(county, kind))
        for slug, title, status, goals, county, kind, *_furthest in rows
    ]


def period_items(periods) -> list[TimelineItem]:
    """The workshop cycles counted per period (``portal.views.CyclePeriod``), each
    leading to the list of the cycles of its first year."""
    label = gettext("Workshop cycles")
    cycle_list = reverse("workshops:cycle_list")
    items = []
    for period in periods:
        # A year, or "unknown": nothing to quote (as urlencode({"year": year}) writes it).
        year = CYCLE_YEAR_UNKNOWN if period.first_year is None else period.first_year
        count = (
            str(period.cycles)  # what number_format writes below 1,000
            if 0 <= period.cycles < 1000
            else formats.number_format(period.cycles, force_grouping=period.cycles >= 10000)
        )
        items.append(
            TimelineItem(
                kind="cycles",
                kind_label=label,
                title=ngettext(
                    "%(count)s workshop cycle", "%(count)s workshop cycles", period.cycles
                )
                % {"count": count},
                dates=period.dates,
                url=f"{cycle_list}?year={year}",
                county_count=period.counties,
            )
        )
    return items


def _timeline_sort_key(item: TimelineItem):
    # A stable sort: items of one kind on one date keep their queries' order.
    start: datetime.date | None = item.dates.start
    return (
        start is None,
        start.toordinal() if start else 0,
        ("cycles", "agreement", "event").index(item.kind),
    )


def build_timeline(*, agreements, events, periods) -> list[TimelineItem]:
    """Agreements, events and the workshop cycles counted per period, by start date;
    unknown dates last. It grows with the agreements and events, not with the cycles."""
    return sorted([*agreements, *events, *period_items(periods)], key=_timeline_sort_key)
