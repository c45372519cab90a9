"""Programme-wide reports: every figure computed by database aggregation.

``compute_report(filters=..., counties=...)`` runs a small, fixed number of aggregate
queries (thirteen, fifteen with a year filter, whatever the number of rows) grouped
by programme edition and county, and rolls the aggregated rows up into the report's
tables. The register, attendees, sectors, rate bands and certificates are read from
the counts kept per cycle (``workshops.figures``: a row a cycle, maintained by the
write services) rather than aggregated from the attendance (a million rows at
national scale); ``cached_report`` keeps the result in Django's cache under a key that includes
the versions of the counties it covers (``partnership.caching``), so a change to their
records invalidates it.

Honesty about the historical records:

- a recorded figure has a precision; a total is built from the sum *and* the number of
  approximate, lower-bound and unknown parts, exactly as ``programmes.facts.sum_figures``
  would build it from the individual figures (``Parts.figure``);
- a record's date is a window; it counts in a year only when its window lies within that
  single year, otherwise in a bucket for its range of years (or "date unknown");
- the year filter takes records whose window lies within the chosen years; those whose
  window only overlaps them, or whose date is unknown, are counted in ``Report.notes``.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    F,
    Q,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from partnership.caching import ANY, scoped_version
from programmes.facts import (
    Figure,
    FuzzyDate,
    Parts,
    Precision,
    figure_aggregates,
)
from programmes.models import County, Programme, ProgrammeEvent, Sector
from projects.models import ADOPTED_STATUSES, ProjectIdea, Status
from workshops.models import (
    RATE_BANDS,
    CycleFigures,
    CycleSectorFigures,
    Session,
    WorkshopCycle,
    attendance_reported_aggregates,
)

CACHE_TIMEOUT = 60 * 60  # an hour; any data change invalidates sooner

# The counties a report covers: their ids, or None for every county and the records
# that have none (only for users who see every county).
Scope = tuple[int, ...] | None


# --------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    """What the report covers, apart from the counties (see ``compute_report``)."""

    programme_ids: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None

    @property
    def has_years(self) -> bool:
        return self.year_from is not None or self.year_to is not None

    def key(self) -> str:
        programmes = ",".join(str(pk) for pk in sorted(set(self.programme_ids)))
        return f"p={programmes};from={self.year_from};to={self.year_to}"


def _within(prefix: str, filters: ReportFilters) -> Q:
    """The record's date window lies within the chosen years."""
    q = Q()
    if filters.year_from is not None:
        q &= Q(**{f"{prefix}date_start__gte": datetime.date(filters.year_from, 1, 1)})
    if filters.year_to is not None:
        q &= Q(**{f"{prefix}date_end__isnull": False}) & Q(
            **{f"{prefix}date_end__lte": datetime.date(filters.year_to, 12, 31)}
        )
    return q


def _overlaps(prefix: str, filters: ReportFilters) -> Q:
    """The record's (known) window overlaps the chosen years."""
    q = Q(**{f"{prefix}date_start__isnull": False})
    if filters.year_to is not None:
        q &= Q(**{f"{prefix}date_start__lte": datetime.date(filters.year_to, 12, 31)})
    if filters.year_from is not None:
        q &= Q(**{f"{prefix}date_end__isnull": True}) | Q(
            **{f"{prefix}date_end__gte": datetime.date(filters.year_from, 1, 1)}
        )
    return q


def _scope(prefix: str, filters: ReportFilters, counties: Scope) -> Q:
    q = Q()
    if filters.programme_ids:
        q &= Q(**{f"{prefix}programme_id__in": filters.programme_ids})
    if counties is not None:
        q &= Q(**{f"{prefix}county_id__in": counties})
    return q


def cycle_q(prefix: str, filters: ReportFilters, counties: Scope) -> Q:
    """Workshop cycles in the report, seen from a model reaching them through ``prefix``."""
    return _scope(prefix, filters, counties) & _within(prefix, filters)


def event_q(filters: ReportFilters, counties: Scope) -> Q:
    return _scope("", filters, counties) & _within("", filters)


def idea_q(filters: ReportFilters, counties: Scope) -> Q:
    """Ideas in the report: the county is the idea's own; the edition and the dates are
    those of the originating cycle or, failing one, of the originating event."""
    q = Q()
    if counties is not None:
        q &= Q(county_id__in=counties)
    if filters.programme_ids:
        q &= Q(cycle__programme_id__in=filters.programme_ids) | Q(
            cycle__isnull=True, event__programme_id__in=filters.programme_ids
        )
    if filters.has_years:
        q &= (Q(cycle__isnull=False) & _within("cycle__", filters)) | (
            Q(cycle__isnull=True) & _within("event__", filters)
        )
    return q


# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------


@dataclass
class Measures:
    """The report's measures for one edition, county, or the whole selection."""

    cycles: int = 0
    sessions_held: Parts = field(default_factory=Parts)
    sessions_recorded: int = 0
    attendance_reported: Parts = field(default_factory=Parts)
    cycles_with_attendance: int = 0
    attendees: int = 0  # registered for a cycle
    participants: int = 0  # registered attendees present at least once
    registered_attendance: int = 0  # attendance rows (present at a session)
    register_places: int = 0  # for sessions with a register: attendees registered
    sessions_with_register: int = 0
    certificates: int = 0
    ideas: int = 0
    selected: int = 0
    events: int = 0
    invitations: Parts = field(default_factory=Parts)
    event_attendance: Parts = field(default_factory=Parts)
    share_weighted: int = 0  # sum of invitations × recorded share, for events with both
    share_invitations: int = 0
    share_events: int = 0
    share_inexact: int = 0

    def add(self, other: Measures) -> None:
        mine, theirs = self.__dict__, other.__dict__
        for name in _MEASURE_COUNTS:
            mine[name] += theirs[name]
        for name in _MEASURE_PARTS:
            mine[name].add(theirs[name])

    @property
    def sessions_held_figure(self) -> Figure:
        return self.sessions_held.figure

    @property
    def attendance_reported_figure(self) -> Figure:
        """The attendance reported for the sessions on record; unknown (not 0) when
        there are cycles but no session on record."""
        if self.cycles and not self.attendance_reported.parts:
            return Figure(None)
        return self.attendance_reported.figure

    @property
    def invitations_figure(self) -> Figure:
        return self.invitations.figure

    @property
    def event_attendance_figure(self) -> Figure:
        return self.event_attendance.figure

    @property
    def attendance_share_figure(self) -> Figure:
        """Recorded attendance shares of events, weighted by the invitations sent."""
        if not self.share_invitations:
            return Figure(None, suffix="%")
        value = round(self.share_weighted / self.share_invitations)
        exact = not self.share_inexact
        return Figure(value, Precision.EXACT if exact else Precision.APPROXIMATE, suffix="%")

    @property
    def selected_share(self) -> float | None:
        """Share of the ideas selected for implementation, in percent."""
        return 100 * self.selected / self.ideas if self.ideas else None

    @property
    def attendance_rate(self) -> float | None:
        """Present ÷ registered over the sessions with registered attendees, in percent."""
        if not self.register_places:
            return None
        return 100 * self.registered_attendance / self.register_places

    @property
    def has_activity(self) -> bool:
        return bool(self.cycles or self.events or self.ideas)

    @property
    def inexact(self) -> bool:
        """Does any figure of the row rest on approximate, lower-bound or unknown parts?"""
        figures = (
            self.sessions_held_figure,
            self.attendance_reported_figure,
            self.invitations_figure,
            self.event_attendance_figure,
        )
        return any(not figure.is_exact for figure in figures)


# The fields ``Measures.add`` adds up: whole numbers, and sums of figures (``Parts``).
_MEASURE_PARTS = tuple(name for name, value in vars(Measures()).items() if isinstance(value, Parts))
_MEASURE_COUNTS = tuple(name for name in vars(Measures()) if name not in _MEASURE_PARTS)


@dataclass
class ProgrammeRow:
    id: int
    name: str
    dates: FuzzyDate
    is_synthetic: bool
    measures: Measures


@dataclass
class CountyRow:
    id: int | None  # None: records without a county (inter-regional events)
    code: str
    label: str
    measures: Measures


@dataclass
class YearRow:
    """One year, or a bucket of records whose year is not known precisely."""

    label: str
    year: int | None  # the calendar year; None for a bucket
    first_year: int | None
    last_year: int | None  # None with a first year: the end is not recorded
    cycles: int = 0
    sessions: int = 0
    attendance_reported: Parts = field(default_factory=Parts)
    ideas: int = 0
    events: int = 0

    @property
    def attendance_reported_figure(self) -> Figure:
        if self.cycles and not self.attendance_reported.parts:
            return Figure(None)
        return self.attendance_reported.figure

    @property
    def is_bucket(self) -> bool:
        return self.year is None


@dataclass
class SectorRow:
    sector: str
    label: str
    attendees: int
    participants: int


@dataclass
class BandRow:
    low: int  # percent, inclusive
    high: int  # percent, exclusive except for the last band
    sessions: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}%"


@dataclass
class StatusRow:
    status: str
    label: str
    ideas: int
    selected: bool
    share: float | None


@dataclass
class Notes:
    """Records the year filter left out although they may belong to the chosen years."""

    cycles_overlapping: int = 0
    cycles_undated: int = 0
    events_overlapping: int = 0
    events_undated: int = 0

    @property
    def any(self) -> bool:
        return bool(
            self.cycles_overlapping
            or self.cycles_undated
            or self.events_overlapping
            or self.events_undated
        )


@dataclass
class Report:
    filters: ReportFilters
    counties: tuple[int, ...] | None
    language: str
    generated_at: datetime.datetime
    total: Measures
    by_programme: list[ProgrammeRow]
    by_county: list[CountyRow]
    by_year: list[YearRow]
    sectors: list[SectorRow]
    rate_bands: list[BandRow]
    statuses: list[StatusRow]
    notes: Notes

    @property
    def is_empty(self) -> bool:
        return not self.total.has_activity

    @property
    def has_unknown_years(self) -> bool:
        return any(row.is_bucket for row in self.by_year)


# --------------------------------------------------------------------------------------
# The queries
# --------------------------------------------------------------------------------------

Cells = dict[tuple[int | None, int | None], Measures]


def compute_report(*, filters: ReportFilters, counties: Scope) -> Report:
    """The whole report, uncached.

    ``counties`` are the ids of the counties covered (already limited to what the user
    may see), or None for every county including records that have none (only for
    users who see every county).
    """
    cells: Cells = defaultdict(Measures)
    _add_cycles(cells, filters, counties)
    status_counts = _add_ideas(cells, filters, counties)
    _add_events(cells, filters, counties)
    total, per_programme, per_county = _roll_up(cells)
    return Report(
        filters=filters,
        counties=counties,
        language=get_language() or "",
        generated_at=timezone.now(),
        total=total,
        by_programme=_programme_rows(per_programme),
        by_county=_county_rows(per_county),
        by_year=_by_year(filters, counties),
        sectors=_by_sector(filters, counties),
        rate_bands=_rate_bands(filters, counties),
        statuses=_status_rows(status_counts, total_ideas=total.ideas),
        notes=_notes(filters, counties),
    )


def _add_cycles(cells: Cells, filters: ReportFilters, counties: Scope) -> None:
    """Workshop cycles, in one query grouped by edition and county: how many, the
    sessions they held (each cycle's ``sessions_figure``, added up in SQL), and from the
    counts kept per cycle (``workshops.figures``, one row a cycle instead of 48,000
    sessions and a million attendance marks; a cycle without its row counts zeros):
    sessions on record with the attendance reported for them; present ÷ registered over
    the sessions with registered attendees (every session of a cycle has all of the
    cycle's attendees registered); attendees registered and present at least once (an
    attendee belongs to one cycle, so these add up across editions and counties); valid
    certificates."""
    rows = (
        WorkshopCycle.objects.filter(cycle_q("", filters, counties))
        .sessions_held_totals("programme_id", "county_id")
        .annotate(**_kept_aggregates())
    )
    for row in rows:
        cell = cells[row["programme_id"], row["county_id"]]
        cell.cycles += row["held_parts"]
        cell.sessions_held.add(Parts.from_row(row, "held"))
        cell.sessions_recorded += row["att_parts"]
        cell.attendance_reported.add(Parts.from_row(row, "att"))
        cell.cycles_with_attendance += row["cycles_reported"]
        cell.registered_attendance += row["present"]
        cell.register_places += row["places"]
        cell.sessions_with_register += row["with_register"]
        cell.attendees += row["attendees"]
        cell.participants += row["participants"]
        cell.certificates += row["certificates"]


REPORTED_PARTS = ("total", "unknown", "approx", "more_than", "at_least")


def _kept_aggregates() -> dict:
    """Sums of the cycles' ``CycleFigures`` (``figures__``), as the report adds them."""
    registered = Q(figures__attendees__gt=0)
    return {
        name: Coalesce(aggregate, 0)
        for name, aggregate in {
            "present": Sum("figures__attendance_marks", filter=registered),
            "places": Sum(F("figures__sessions") * F("figures__attendees")),
            "with_register": Sum("figures__sessions", filter=registered),
            "attendees": Sum("figures__attendees"),
            "participants": Sum("figures__participants"),
            "certificates": Sum("figures__certificates_valid"),
            # The sessions on record and the attendance reported for them, as the parts
            # ``attendance_reported_aggregates`` gives; cycles with a figure for a session.
            "att_parts": Sum("figures__sessions"),
            **{f"att_{part}": Sum(f"figures__reported_{part}") for part in REPORTED_PARTS},
            "cycles_reported": Count(
                "pk", filter=Q(figures__sessions__gt=F("figures__reported_unknown"))
            ),
        }.items()
    }


def _add_ideas(cells: Cells, filters: ReportFilters, counties: Scope) -> dict[str, int]:
    """Project ideas, and those selected for implementation; returns the number of
    ideas of each status (the table of statuses)."""
    idea_programme = Case(
        When(cycle__isnull=True, then=F("event__programme_id")),
        default=F("cycle__programme_id"),
    )
    rows = (
        ProjectIdea.objects.filter(idea_q(filters, counties))
        .order_by()
        .annotate(idea_programme=idea_programme)
        .values("idea_programme", "county_id", "status")
        .annotate(n=Count("pk"))
    )
    status_counts: dict[str, int] = defaultdict(int)
    for row in rows:
        cell = cells[row["idea_programme"], row["county_id"]]
        cell.ideas += row["n"]
        if row["status"] in ADOPTED_STATUSES:
            cell.selected += row["n"]
        status_counts[row["status"]] += row["n"]
    return status_counts


def _event_aggregates() -> dict:
    """Programme events: invitations, attendance, and the attendance share weighted by
    the invitations, for the events that record both."""
    both = Q(invitations_sent__isnull=False, attendance_share__isnull=False)
    inexact = ~Q(invitations_sent_precision=Precision.EXACT) | ~Q(
        attendance_share_precision=Precision.EXACT
    )
    return {
        "n": Count("pk"),
        **figure_aggregates("inv", "invitations_sent", "invitations_sent_precision"),
        **figure_aggregates("eatt", "attendance", "attendance_precision"),
        "share_weighted": Coalesce(
            Sum(F("invitations_sent") * F("attendance_share"), filter=both), 0
        ),
        "share_invitations": Coalesce(Sum("invitations_sent", filter=both), 0),
        "share_events": Count("pk", filter=both),
        "share_inexact": Count("pk", filter=both & inexact),
    }


def _add_events(cells: Cells, filters: ReportFilters, counties: Scope) -> None:
    rows = (
        ProgrammeEvent.objects.filter(event_q(filters, counties))
        .order_by()
        .values("programme_id", "county_id")
        .annotate(**_event_aggregates())
    )
    for row in rows:
        cell = cells[row["programme_id"], row["county_id"]]
        cell.events += row["n"]
        cell.invitations.add(Parts.from_row(row, "inv"))
        cell.event_attendance.add(Parts.from_row(row, "eatt"))
        cell.share_weighted += row["share_weighted"]
        cell.share_invitations += row["share_invitations"]
        cell.share_events += row["share_events"]
        cell.share_inexact += row["share_inexact"]


def _roll_up(cells: Cells) -> tuple[Measures, dict, dict]:
    """The whole selection, each edition and each county: loops over aggregated rows."""
    total = Measures()
    per_programme: dict[int | None, Measures] = defaultdict(Measures)
    per_county: dict[int | None, Measures] = defaultdict(Measures)
    for (programme_id, county_id), measures in cells.items():
        total.add(measures)
        per_programme[programme_id].add(measures)
        per_county[county_id].add(measures)
    return total, per_programme, per_county


def _programme_rows(per_programme: dict[int | None, Measures]) -> list[ProgrammeRow]:
    programmes = Programme.objects.filter(pk__in=[pk for pk in per_programme if pk]).order_by(
        "date_start", "name"
    )
    rows = [
        ProgrammeRow(
            id=programme.pk,
            name=programme.name,
            dates=programme.dates,
            is_synthetic=programme.is_synthetic,
            measures=per_programme[programme.pk],
        )
        for programme in programmes
    ]
    if None in per_programme:
        rows.append(
            ProgrammeRow(
                id=0,
                name=_("Not assigned to an edition"),
                dates=FuzzyDate(None, None),
                is_synthetic=False,
                measures=per_programme[None],
            )
        )
    return rows


def _county_rows(per_county: dict[int | None, Measures]) -> list[CountyRow]:
    counties = County.objects.filter(pk__in=[pk for pk in per_county if pk]).alphabetical()
    rows = [
        CountyRow(id=c.pk, code=c.code, label=str(c), measures=per_county[c.pk])
        for c in counties
        if per_county[c.pk].has_activity
    ]
    if None in per_county and per_county[None].has_activity:
        rows.append(
            CountyRow(
                id=None,
                code="",
                label=_("Without a county (inter-regional)"),
                measures=per_county[None],
            )
        )
    return rows


def _status_rows(status_counts: dict[str, int], *, total_ideas: int) -> list[StatusRow]:
    return [
        StatusRow(
            status=status.value,
            label=str(status.label),
            ideas=status_counts.get(status.value, 0),
            selected=status in ADOPTED_STATUSES,
            share=(100 * status_counts.get(status.value, 0) / total_ideas) if total_ideas else None,
        )
        for status in Status
    ]


# --------------------------------------------------------------------------------------
# By year
# --------------------------------------------------------------------------------------


def _years(start: str, end: str) -> dict:
    return {"y_start": ExtractYear(start), "y_end": ExtractYear(end)}


def _either(condition: Q, field: str, *, otherwise: str):
    """``field`` where ``condition`` holds, else ``otherwise``."""
    return Case(When(condition, then=F(field)), default=F(otherwise))


class _YearBuckets:
    """``YearRow``s by the first and the last year of the records' windows."""

    def __init__(self) -> None:
        self._rows: dict[tuple[int | None, int | None], YearRow] = {}

    def row(self, y_start: int | None, y_end: int | None) -> YearRow:
        key = (y_start, y_end)
        if key not in self._rows:
            self._rows[key] = _year_row(y_start, y_end)
        return self._rows[key]

    def rows(self) -> list[YearRow]:
        """Every calendar year between the first and the last one with records, so that
        a year without records shows as one (bounded by the years of the records); then
        the buckets of records spanning several years, then those with unknown dates."""
        years = [key[0] for key in self._rows if key[0] is not None and key[0] == key[1]]
        if years:
            for year in range(min(years), max(years) + 1):
                self.row(year, year)
        rows = self._rows.values()
        exact = sorted((row for row in rows if not row.is_bucket), key=lambda r: r.year)
        ranges = sorted(
            (row for row in rows if row.is_bucket and row.first_year is not None),
            key=lambda r: (r.first_year, r.last_year is None, r.last_year or 0),
        )
        unknown = [row for row in rows if row.is_bucket and row.first_year is None]
        return exact + ranges + unknown


def _by_year(filters: ReportFilters, counties: Scope) -> list[YearRow]:
    """Cycles, sessions, attendance as reported, ideas and events per calendar year, and
    buckets for records whose window spans several years or whose date is unknown.

    Each record counts once: in a year when its window lies within that single year
    (unlike the public cycle list's ``?year=``, ``WorkshopCycleQuerySet.in_year``, which
    lists every cycle whose period includes the year)."""
    buckets = _YearBuckets()
    _cycles_by_year(buckets, filters, counties)
    _sessions_by_year(buckets, filters, counties)
    _ideas_by_year(buckets, filters, counties)
    _events_by_year(buckets, filters, counties)
    return buckets.rows()


def _cycles_by_year(buckets: _YearBuckets, filters: ReportFilters, counties: Scope) -> None:
    rows = (
        WorkshopCycle.objects.filter(cycle_q("", filters, counties))
        .order_by()
        .values(**_years("date_start", "date_end"))
        .annotate(n=Count("pk"))
    )
    for row in rows:
        buckets.row(row["y_start"], row["y_end"]).cycles += row["n"]


def _sessions_by_year(buckets: _YearBuckets, filters: ReportFilters, counties: Scope) -> None:
    """A session without a date of its own is dated by its cycle's window."""
    own = Q(date_start__isnull=False)
    rows = (
        Session.objects.filter(cycle_q("cycle__", filters, counties))
        .order_by()
        .values(
            y_start=ExtractYear(_either(own, "date_start", otherwise="cycle__date_start")),
            y_end=ExtractYear(_either(own, "date_end", otherwise="cycle__date_end")),
        )
        .annotate(n=Count("pk"), **attendance_reported_aggregates("att"))
    )
    for row in rows:
        target = buckets.row(row["y_start"], row["y_end"])
        target.sessions += row["n"]
        target.attendance_reported.add(Parts.from_row(row, "att"))


def _ideas_by_year(buckets: _YearBuckets, filters: ReportFilters, counties: Scope) -> None:
    """An idea is dated by its originating cycle or, failing one, its event."""
    from_cycle = Q(cycle__isnull=False)
    rows = (
        ProjectIdea.objects.filter(idea_q(filters, counties))
        .order_by()
        .values(
            y_start=ExtractYear(
                _either(from_cycle, "cycle__date_start", otherwise="event__date_start")
            ),
            y_end=ExtractYear(_either(from_cycle, "cycle__date_end", otherwise="event__date_end")),
        )
        .annotate(n=Count("pk"))
    )
    for row in rows:
        buckets.row(row["y_start"], row["y_end"]).ideas += row["n"]


def _events_by_year(buckets: _YearBuckets, filters: ReportFilters, counties: Scope) -> None:
    rows = (
        ProgrammeEvent.objects.filter(event_q(filters, counties))
        .order_by()
        .values(**_years("date_start", "date_end"))
        .annotate(n=Count("pk"))
    )
    for row in rows:
        buckets.row(row["y_start"], row["y_end"]).events += row["n"]


def _year_row(y_start: int | None, y_end: int | None) -> YearRow:
    if y_start is not None and y_start == y_end:
        return YearRow(label=str(y_start), year=y_start, first_year=y_start, last_year=y_end)
    if y_start is None:
        label = _("Date unknown")
    elif y_end is None:
        label = _("Year not known precisely (from %(start)s, end not recorded)") % {
            "start": y_start
        }
    else:
        label = _("Year not known precisely (%(start)s–%(end)s)") % {
            "start": y_start,
            "end": y_end,
        }
    return YearRow(label=label, year=None, first_year=y_start, last_year=y_end)


def _by_sector(filters: ReportFilters, counties: Scope) -> list[SectorRow]:
    """Attendees and participants by sector, from the counts kept per cycle."""
    rows = (
        CycleSectorFigures.objects.filter(cycle_q("cycle__", filters, counties))
        .order_by()
        .values("sector")
        .annotate(n=Sum("attendees"), attended=Sum("participants"))
    )
    counts = {row["sector"]: row for row in rows}
    result = []
    for sector in Sector:
        row = counts.pop(sector.value, None)
        if row:
            result.append(SectorRow(sector.value, str(sector.label), row["n"], row["attended"]))
    # Blank, or a value no longer among the choices: "not recorded".
    rest_n = sum(row["n"] for row in counts.values())
    rest_attended = sum(row["attended"] for row in counts.values())
    if rest_n:
        result.append(SectorRow("", pgettext("sector", "not recorded"), rest_n, rest_attended))
    return result


def _rate_bands(filters: ReportFilters, counties: Scope) -> list[BandRow]:
    """Sessions with registered attendees by their attendance rate (present ÷ attendees
    registered for the cycle), in 10% bands; the last band includes 100%. Each cycle's
    sessions are counted per band as the register changes (``workshops.figures``)."""
    sums = CycleFigures.objects.filter(cycle_q("cycle__", filters, counties)).aggregate(
        **{f"band_{i}": Sum(f"band_{i}") for i in range(RATE_BANDS)}
    )
    step = 100 // RATE_BANDS
    return [
        BandRow(low=i * step, high=(i + 1) * step, sessions=sums[f"band_{i}"] or 0)
        for i in range(RATE_BANDS)
    ]


def _notes(filters: ReportFilters, counties: Scope) -> Notes:
    if not filters.has_years:
        return Notes()
    cycles = WorkshopCycle.objects.filter(_scope("", filters, counties)).aggregate(
        overlapping=Count("pk", filter=_overlaps("", filters) & ~_within("", filters)),
        undated=Count("pk", filter=Q(date_start__isnull=True)),
    )
    events = ProgrammeEvent.objects.filter(_scope("", filters, counties)).aggregate(
        overlapping=Count("pk", filter=_overlaps("", filters) & ~_within("", filters)),
        undated=Count("pk", filter=Q(date_start__isnull=True)),
    )
    return Notes(
        cycles_overlapping=cycles["overlapping"],
        cycles_undated=cycles["undated"],
        events_overlapping=events["overlapping"],
        events_undated=events["undated"],
    )


# --------------------------------------------------------------------------------------
# Caching
# --------------------------------------------------------------------------------------


#: Past this many counties a report's key depends on the ``any`` version (see ``cache_key``).
MANY_COUNTIES = 100


def cache_key(*, filters: ReportFilters, counties: Scope) -> str:
    """Keyed by the versions of the counties the report covers (``partnership.caching``):
    a write in another county leaves it cached; the report of every county depends on
    every write."""
    scope = "all" if counties is None else ",".join(str(pk) for pk in sorted(set(counties)))
    # A coordinator's report covers a voivodeship's counties, or all of them: past
    # ``MANY_COUNTIES`` it depends on ``any`` (replaced by every write) instead of reading
    # hundreds of versions; the versions go into the digest, so the key stays short.
    many = counties is None or len(set(counties)) > MANY_COUNTIES
    scopes = [ANY] if many else [f"county-id:{pk}" for pk in set(counties)]
    versions = scoped_version(scopes)
    digest = hashlib.sha256(f"{versions}|{scope}|{filters.key()}".encode()).hexdigest()
    return f"report:{get_language()}:{digest}"


def cached_report(*, filters: ReportFilters, counties: Scope) -> Report:
    """``compute_report`` through the cache; a change in a county it covers invalidates it."""
    key = cache_key(filters=filters, counties=counties)
    report = cache.get(key)
    if report is None:
        report = compute_report(filters=filters, counties=counties)
        cache.set(key, report, CACHE_TIMEOUT)
    return report
