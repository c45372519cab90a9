"""Participants and sessions per year, for the public charts, in two queries.

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
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from programmes.facts import Figure, Precision, sum_figures
from workshops.models import Session, WorkshopCycle


@dataclass
class Period:
    """A calendar year (``first_year == last_year``) or a bucket of imprecise dates."""

    first_year: int | None
    last_year: int | None  # None with a first year: the end is not recorded
    cycles: int = 0
    # Sessions held, from the cycles of the period.
    held: int = 0
    held_cycles: int = 0
    planned_unrecorded: int = 0
    planned_recorded: int = 0
    lower_cycles: int = 0
    lower_recorded: int = 0
    unknown_cycles: int = 0
    # Attendance as reported, from the sessions of the period.
    sessions: int = 0
    attendance: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reported: dict[str, int] = field(default_factory=lambda: defaultdict(int))

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
        parts = []
        if self.held_cycles or self.planned_unrecorded:
            parts.append(Figure(self.held + self.planned_recorded))
        if self.lower_cycles:
            parts.append(Figure(self.lower_recorded, Precision.AT_LEAST))
        if self.unknown_cycles:
            parts.append(Figure(None))
        return sum_figures(parts)

    @property
    def participants(self) -> Figure:
        """Attendance as reported; unknown for cycles without a session on record."""
        if not self.sessions:
            return Figure(None) if self.cycles else Figure(0)
        parts = [
            Figure(self.attendance[precision], precision)
            for precision in Precision.values
            if self.reported[precision]
        ]
        if self.sessions > sum(self.reported.values()):
            parts.append(Figure(None))
        return sum_figures(parts)


@dataclass(frozen=True)
class YearlyFigures:
    cycle_periods: list[Period]  # the periods of the cycles (sessions held)
    session_periods: list[Period]  # the periods of the sessions, and of cycles without


def figures_by_year(*, programme=None, county=None) -> YearlyFigures:
    """Participants and sessions per period for every cycle, or those of one edition or
    one county, in two grouped queries whatever the number of cycles and sessions."""
    scope = {}
    if programme is not None:
        scope["programme"] = programme
    if county is not None:
        scope["county"] = county
    periods: dict[tuple, Period] = {}

    def period(y_start, y_end) -> Period:
        key = (y_start, y_end) if y_start is not None else (None, None)
        if key not in periods:
            periods[key] = Period(*key)
        return periods[key]

    for row in _cycle_rows(scope):
        target = period(row.pop("y_start"), row.pop("y_end"))
        for name, value in row.items():
            setattr(target, name, getattr(target, name) + value)
    for row in _session_rows(scope):
        target = period(row["s_start"], row["s_end"])
        target.sessions += row["n"]
        for precision in Precision.values:  # every precision, so that each has its key
            same = row["precision"] == precision
            target.attendance[precision] += (row["att"] or 0) if same else 0
            target.reported[precision] += row["rep"] if same else 0
    ordered = sorted(periods.values(), key=lambda p: p.sort_key)
    return YearlyFigures(
        cycle_periods=[p for p in ordered if p.cycles],
        session_periods=[p for p in ordered if p.sessions or p.cycles],
    )


def _cycle_rows(scope: dict):
    planned = Q(status=WorkshopCycle.Status.PLANNED)
    unrecorded = Q(sessions_held__isnull=True)
    # The sessions on record from the counts kept per cycle (``workshops.figures``): one
    # join instead of a correlated count of the sessions for each cycle.
    recorded = Coalesce(F("figures__sessions"), 0)
    has_sessions = Q(figures__sessions__gt=0)
    return (
        WorkshopCycle.objects.filter(**scope)
        .order_by()
        .values(y_start=ExtractYear("date_start"), y_end=ExtractYear("date_end"))
        .annotate(
            cycles=Count("pk"),
            held=Coalesce(Sum("sessions_held"), 0),
            held_cycles=Count("sessions_held"),
            planned_unrecorded=Count("pk", filter=unrecorded & planned),
            planned_recorded=Coalesce(Sum(recorded, filter=unrecorded & planned), 0),
            lower_cycles=Count("pk", filter=unrecorded & ~planned & has_sessions),
            lower_recorded=Coalesce(Sum(recorded, filter=unrecorded & ~planned), 0),
            unknown_cycles=Count("pk", filter=unrecorded & ~planned & ~has_sessions),
        )
    )


def _session_rows(scope: dict):
    """Sessions and their reported attendance per period of the session (its own dates,
    or its cycle's), as the staff report groups them, and per precision of the figure:
    ``n`` sessions, ``att`` their attendance added up and ``rep`` the sessions with one.

    One query, a ``UNION ALL`` of two grouped parts: the sessions with their own dates
    (nearly all) grouped on their own table, and those without, through their cycle. A
    single grouping by "the session's date or else its cycle's", with a filtered sum and
    count per precision, joined every session to its cycle, sorted all 48,000 of them
    (on disk) and computed eight filtered aggregates a row: 45 of the home page's 95 ms
    in the database at national scale (3 December 2026). ``figures_by_year`` adds up
    the rows of a period."""
    sessions = Session.objects.filter(
        **{f"cycle__{name}": value for name, value in scope.items()}
    ).order_by()
    figures = {"n": Count("pk"), "att": Sum("attendance"), "rep": Count("attendance")}
    dated = sessions.filter(date_start__isnull=False).values(
        s_start=ExtractYear("date_start"),
        s_end=ExtractYear("date_end"),
        precision=F("attendance_precision"),
    )
    undated = sessions.filter(date_start__isnull=True).values(
        s_start=ExtractYear("cycle__date_start"),
        s_end=ExtractYear("cycle__date_end"),
        precision=F("attendance_precision"),
    )
    return dated.annotate(**figures).union(undated.annotate(**figures), all=True).order_by()
