"""Participants and sessions per year, for the public charts: for every cycle one query
of the totals kept per period (none when the caller has read them already: the home
page, ``portal.views.home_figures``), for an edition's or a county's two.

The definitions are those of the staff report (``reports.services``) and of the home
page's headline figures, so that the figures agree (tests/reports/test_charts.py checks it):

- a record counts in a year only when its date window lies within that year; otherwise
  in a bucket for its range of years, or "date unknown" — never spread over years;
- participants as reported: the attendance reported for each session on record, in the
  period of the session (a session without a date of its own has its cycle's); a
  period with cycles but no session on record has unknown attendance, not 0; the total
  of a period is as exact as its parts (``sum_figures``: "approx.", "at least");
- sessions held: in the period of their cycle; the number a cycle's sources give, else
  the sessions on record (a lower bound unless the cycle is only planned), else unknown.

Neither query reads the sessions: the sessions held come from the cycles and the counts
kept per cycle (``WorkshopCycleQuerySet.sessions_held_totals``), the reported attendance
from the rows kept per cycle and period of its sessions (``SessionPeriodFigures``,
refreshed with the other kept counts by ``workshops.figures.cycle_figures_refresh``;
``tests/workshops/test_figures.py`` compares them with the sessions after random writes).
At national scale that is 8,000 rows instead of 48,000 sessions joined to their cycles:
the home page's database time 89.7 → 33.6 ms a request (3 December 2026, loaded machine,
``docs/benchmarks.md``). For every cycle, those rows are kept added up per period
(``PeriodTotals``, ``workshops.figures.period_totals``: about fifteen rows). Each period
keeps the parts of its figures (``Parts``), which say how exact a total is without the
individual figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from programmes.facts import PARTS_PRECISIONS, Figure, Parts
from workshops.figures import period_totals
from workshops.models import SessionPeriodFigures, WorkshopCycle, Year


@dataclass
class Period:
    """A calendar year (``first_year == last_year``) or a bucket of imprecise dates."""

    first_year: int | None
    last_year: int | None  # None with a first year: the end is not recorded
    cycles: int = 0
    # Sessions held, from the cycles of the period: the parts of their figures (one a
    # cycle, ``WorkshopCycleQuerySet.sessions_held_totals``).
    held: Parts = field(default_factory=Parts)
    # Attendance as reported, from the sessions of the period: their figures' parts.
    sessions: int = 0
    attendance: Parts = field(default_factory=Parts)

    @property
    def is_year(self) -> bool:
        return self.first_year is not None and self.first_year == self.last_year

    @property
    def sort_key(self) -> tuple:
        if self.is_year:
            return (0, self.first_year, 0)
        if self.first_year is not None:
            return (1, self.first_year, self.last_year is None, self.last_year or 0)
        return (2,)

    @property
    def label(self) -> str:
        if self.is_year:
            return str(self.first_year)
        if self.first_year is None:
            return pgettext("date", "date unknown")
        if self.last_year is None:
            return _("from %(start)s, end not recorded") % {"start": self.first_year}
        return _("%(start)s–%(end)s, year not known precisely") % {
            "start": self.first_year,
            "end": self.last_year,
        }

    @property
    def sessions_held(self) -> Figure:
        return self.held.figure

    @property
    def participants(self) -> Figure:
        """Attendance as reported; unknown for cycles without a session on record."""
        if not self.sessions:
            return Figure(None) if self.cycles else Figure(0)
        return self.attendance.figure


@dataclass(frozen=True)
class YearlyFigures:
    cycle_periods: list[Period]  # the periods of the cycles (sessions held)
    session_periods: list[Period]  # the periods of the sessions, and of cycles without


def figures_by_year(*, programme=None, county=None, totals=None) -> YearlyFigures:
    """Participants and sessions per period for every cycle, or those of one edition or
    one county, in two grouped queries whatever the number of cycles and sessions.

    For every cycle (the home page, the charts of the whole programme) they are read
    from the totals kept per period (``workshops.figures.period_totals``: about fifteen
    rows, one query), or taken from ``totals`` when the caller has read them already
    (the home page's ``home_figures``, which counts the cycles per period from the
    same rows): no query then."""
    scope = {}
    if programme is not None:
        scope["programme"] = programme
    if county is not None:
        scope["county"] = county
    if scope:
        held, sessions = _held_by_period(scope), _sessions_by_period(scope)
    else:
        rows = period_totals() if totals is None else totals
        held = [_parts(row, "held") for row in rows if row["cycles"]]
        sessions = [_parts(row, "attendance") for row in rows if row["sessions"]]
    periods: dict[tuple, Period] = {}

    def period(y_start, y_end) -> Period:
        key = (y_start, y_end) if y_start is not None else (None, None)
        if key not in periods:
            periods[key] = Period(*key)
        return periods[key]

    for y_start, y_end, parts in held:
        target = period(y_start, y_end)
        target.cycles += parts.parts
        target.held.add(parts)
    for y_start, y_end, parts in sessions:
        target = period(y_start, y_end)
        target.sessions += parts.parts
        target.attendance.add(parts)
    ordered = sorted(periods.values(), key=lambda p: p.sort_key)
    return YearlyFigures(
        cycle_periods=[p for p in ordered if p.cycles],
        session_periods=[p for p in ordered if p.sessions or p.cycles],
    )


def _parts(row: dict, name: str) -> tuple:
    """(first year, last year, ``Parts``) of a row of ``period_totals``."""
    return (row["first_year"], row["last_year"], Parts.from_row(row, name))


def _held_by_period(scope: dict) -> list[tuple]:
    """The sessions held per period of the cycles (first year, last year, ``Parts``:
    ``parts`` are the cycles), the sessions on record from the kept counts."""
    rows = WorkshopCycle.objects.filter(**scope).sessions_held_totals(
        y_start=Year("date_start"), y_end=Year("date_end"), kept=True
    )
    return [(row["y_start"], row["y_end"], Parts.from_row(row, "held")) for row in rows]


def kept_attendance_sums(name: str = "attendance") -> dict:
    """Sums over ``SessionPeriodFigures`` rows of the attendance reported for their
    sessions, for ``Parts.from_row(row, name)`` (its ``parts`` are the sessions): what
    ``attendance_reported_aggregates`` gives over the sessions themselves."""
    return {
        f"{name}_total": Sum("reported_total"),
        f"{name}_parts": Sum("sessions"),
        f"{name}_unknown": Sum("reported_unknown"),
        **{f"{name}_{part}": Sum(f"reported_{part}") for part in PARTS_PRECISIONS},
    }


def _sessions_by_period(scope: dict) -> list[tuple]:
    """The sessions and their reported attendance per period of the session (first
    year, last year, ``Parts``: ``parts`` are the sessions), ``_session_rows``'."""
    return [
        (row["s_start"], row["s_end"], Parts.from_row(row, "attendance"))
        for row in _session_rows(scope)
    ]


def _session_rows(scope: dict):
    """Sessions and their reported attendance per period of the session (its own dates,
    or its cycle's), as the staff report groups them: the parts of their attendance
    (``kept_attendance_sums``; ``attendance_parts`` are the sessions), for the cycles
    of an edition or a county (those of every cycle are kept added up per period).

    Read from the figures kept per cycle and period of its sessions
    (``SessionPeriodFigures``, ``workshops.figures``): one query, a ``UNION ALL`` of the
    rows of the sessions with their own dates (nearly all) grouped on their own table,
    and those without, through their cycle. It adds up one row a cycle (8,000 at
    national scale) where it grouped the 48,000 sessions, joined to their cycles,
    by year and precision: 45 of the home page's 95 ms in the database (3 December
    2026), then, grouping the sessions on their own table, still 22 ms of 53."""
    rows = SessionPeriodFigures.objects.filter(
        **{f"cycle__{name}": value for name, value in scope.items()}
    ).order_by()
    figures = kept_attendance_sums()
    dated = rows.filter(first_year__isnull=False).values(
        s_start=F("first_year"), s_end=F("last_year")
    )
    undated = rows.filter(first_year__isnull=True).values(
        s_start=Year("cycle__date_start"), s_end=Year("cycle__date_end")
    )
    return dated.annotate(**figures).union(undated.annotate(**figures), all=True).order_by()
