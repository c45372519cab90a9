"""The counts kept per workshop cycle (``CycleFigures``, ``CycleSectorFigures``,
``SessionPeriodFigures``), and their totals kept per period (``PeriodTotals``).

Reports and pages that add up attendees, attendance marks, sessions (and the attendance
reported for them, ``reported_*``) and certificates over many cycles read these rows
(``WorkshopCycle.objects.with_figures()``, ``figure_totals``) instead of aggregating the
attendance (a million rows at national scale). They are kept exact by the write paths,
never by model signals (bulk inserts, updates and deletes send none): every service that
changes a cycle's sessions, attendees, attendance or certificates calls
``cycle_figures_refresh(cycle_ids=...)`` inside its own transaction, which recomputes
the rows of those cycles from the base tables in three ``INSERT … SELECT`` statements
(a cycle's rows are small: tens of attendees, a few hundred marks).

``SessionPeriodFigures`` holds a cycle's sessions and their reported attendance per
period of the sessions' own dates (one row a cycle at national scale): the per-year
charts and the home page's headline figures add up 8,000 of these rows instead of
48,000 sessions (``portal.yearly``). ``CycleFigures`` also keeps a copy of the cycle's
own figures (``CYCLE_FIELDS``: the years of its dates, its county, its sessions held),
so that the home page counts the cycles per period from these rows alone
(``kept_periods``): every path that creates a cycle or edits its dates, status,
sessions held or county (``cycle_create``, the cycles' admin) refreshes them.

``PeriodTotals`` adds those rows up per period (about fifteen rows at national scale):
the cycles of each period (how many, in how many counties, their sessions held, those
with attendance reported) and its sessions with their reported attendance, which the
home page reads instead of grouping 8,000 rows of each kind at every request
(``period_totals``; programme-wide charts too). The same refresh recounts the periods
its cycles were in before and are in after (a cycle whose dates change moves), under a
lock of those periods' rows (``period_totals_refresh``).

The write paths that refresh the kept rows (and so the totals per period):

- ``attendance_register_save``, ``attendees_import``, ``certificates_issue``,
  ``certificate_revoke``, ``certificate_reissue``, ``attendee_anonymise``,
  ``attendees_anonymise_expired``, ``cycle_create``;
- the admin of cycles, sessions, attendees, attendance and certificates
  (``workshops.admin.CycleFiguresAdminMixin``: saves with their inlines, deletes one or
  many, the cycles a record moved from and to);
- ``generate_synthetic_data``, ``loadrecords`` (fixtures): every cycle
  (``cycle_ids=None``).

A cycle deleted other than by these paths (a bulk ``delete()``) leaves the totals per
period stale until the next refresh that names it (its kept rows cascade away with it).

``tests/workshops/test_figures.py`` makes random sequences of writes through these
services and compares every kept count, and the totals per period, with a fresh
aggregate, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Sum

from partnership.fixed_queries import FixedQuery
from programmes.facts import PARTS_PRECISIONS

from .models import (
    CYCLE_FIELDS,
    FIGURE_FIELDS,
    RATE_BANDS,
    REPORTED_FIELDS,
    CycleFigures,
    CycleSectorFigures,
    PeriodTotals,
    SessionPeriodFigures,
    WorkshopCycle,
    period_key,
)

CHUNK = 500  # cycle ids per statement (SQLite's limit on parameters is far above)


def _band(band: int) -> str:
    """Is a session (``q.present`` of ``q.registered``) in ``band``? The report's rule:
    present ÷ registered ≥ band ÷ 10 ⇔ present × 10 ≥ band × registered."""
    low = f"q.present * {RATE_BANDS} >= q.registered * {band}"
    high = f"q.present * {RATE_BANDS} < q.registered * {band + 1}"
    condition = low if band == RATE_BANDS - 1 else f"{low} AND {high}"
    return f"SUM(CASE WHEN q.registered > 0 AND {condition} THEN 1 ELSE 0 END) AS band_{band}"


def _reported() -> str:
    """The attendance reported for the sessions (``q.attendance``), as the parts of
    ``attendance_reported_aggregates``: the sum of the known figures, the sessions
    without one, and those known with each inexact precision."""
    parts = [
        "SUM(COALESCE(q.attendance, 0)) AS reported_total",
        "SUM(CASE WHEN q.attendance IS NULL THEN 1 ELSE 0 END) AS reported_unknown",
    ]
    for part, kind in PARTS_PRECISIONS.items():
        parts.append(
            f"SUM(CASE WHEN q.attendance IS NOT NULL AND q.attendance_precision = "
            f"'{kind.value}' THEN 1 ELSE 0 END) AS reported_{part}"
        )
    return ",\n".join(parts)


def figures_sql(where: str) -> str:
    """``INSERT … SELECT`` of the cycles' figures; ``where`` limits the cycles (a
    condition on ``{column}``, formatted for each table), or is empty for every cycle.
    The SQL holds column names and integers only, never input."""

    def only(column: str) -> str:
        return f"WHERE {where.format(column=column)}" if where else ""

    bands = ",\n".join(_band(band) for band in range(RATE_BANDS))
    band_columns = ", ".join(f"COALESCE(se.band_{b}, 0)" for b in range(RATE_BANDS))
    reported_columns = ", ".join(f"COALESCE(se.{name}, 0)" for name in REPORTED_FIELDS)
    return f"""
INSERT INTO workshops_cyclefigures ({", ".join(("cycle_id", *FIGURE_FIELDS, *CYCLE_FIELDS))})
SELECT c.id, COALESCE(se.sessions, 0), COALESCE(ar.attendees, 0),
  COALESCE(ar.participants, 0), COALESCE(se.marks, 0), COALESCE(ce.valid, 0),
  COALESCE(ce.revoked, 0), COALESCE(ar.eligible, 0), {band_columns},
  {reported_columns},
  {_cycle_columns()}
FROM workshops_workshopcycle c
LEFT JOIN (
{_attendees_sql(only("a.cycle_id"))}
) ar ON ar.cycle_id = c.id
LEFT JOIN (
  SELECT q.cycle_id, COUNT(*) AS sessions, SUM(q.present) AS marks,
  {bands},
  {_reported()}
  FROM (
    SELECT s.cycle_id, s.attendance, s.attendance_precision,
      (SELECT COUNT(*) FROM workshops_attendance m WHERE m.session_id = s.id) AS present,
      (SELECT COUNT(*) FROM workshops_attendee a WHERE a.cycle_id = s.cycle_id) AS registered
    FROM workshops_session s {only("s.cycle_id")}
  ) q GROUP BY q.cycle_id
) se ON se.cycle_id = c.id
LEFT JOIN (
  SELECT k.cycle_id,
    SUM(CASE WHEN k.revoked_at IS NULL THEN 1 ELSE 0 END) AS valid,
    SUM(CASE WHEN k.revoked_at IS NULL THEN 0 ELSE 1 END) AS revoked
  FROM workshops_certificate k {only("k.cycle_id")} GROUP BY k.cycle_id
) ce ON ce.cycle_id = c.id
{only("c.id")}
"""  # noqa: S608


def _cycle_columns() -> str:
    """The cycle's own figures (``CYCLE_FIELDS``) from its row ``c`` and its sessions on
    record ``se.sessions``: the years of its dates, its county, its sessions held as
    ``WorkshopCycleQuerySet.with_sessions_figure`` defines them (the number the sources
    give; else, for a planned cycle, the sessions on record; else those, as a lower
    bound, or unknown when there is none)."""
    planned = f"c.status = '{WorkshopCycle.Status.PLANNED.value}'"
    recorded = "COALESCE(se.sessions, 0)"
    return f"""{_year("c.date_start")}, {_year("c.date_end")}, c.county_id,
  CASE WHEN c.sessions_held IS NOT NULL THEN c.sessions_held
    WHEN {planned} THEN {recorded} ELSE NULLIF({recorded}, 0) END,
  (c.sessions_held IS NULL AND NOT {planned})"""


def _attendees_sql(where: str) -> str:
    """Per cycle: its attendees, participants (one mark or more) and those eligible for a
    certificate (not erased, none held, enough marks); ``where`` limits the attendees."""
    return f"""
  SELECT p.cycle_id, COUNT(*) AS attendees,
    SUM(CASE WHEN p.marks > 0 THEN 1 ELSE 0 END) AS participants,
    SUM(CASE WHEN p.active = 1 AND p.certified = 0 AND p.marks >= p.minimum
      THEN 1 ELSE 0 END) AS eligible
  FROM (
    SELECT a.cycle_id,
      CASE WHEN a.anonymised_at IS NULL THEN 1 ELSE 0 END AS active,
      (SELECT COUNT(*) FROM workshops_attendance m WHERE m.attendee_id = a.id) AS marks,
      CASE WHEN EXISTS (SELECT 1 FROM workshops_certificate k
        WHERE k.attendee_id = a.id AND k.revoked_at IS NULL) THEN 1 ELSE 0 END AS certified,
      y.certificate_min_sessions AS minimum
    FROM workshops_attendee a INNER JOIN workshops_workshopcycle y ON y.id = a.cycle_id
    {where}
  ) p GROUP BY p.cycle_id
"""  # noqa: S608


def sector_figures_sql(where: str) -> str:
    """``INSERT … SELECT`` of the cycles' attendees and participants by sector."""
    condition = f"WHERE {where.format(column='a.cycle_id')}" if where else ""
    return f"""
INSERT INTO workshops_cyclesectorfigures (cycle_id, sector, attendees, participants)
SELECT a.cycle_id, a.sector, COUNT(*),
  SUM(CASE WHEN EXISTS (SELECT 1 FROM workshops_attendance m WHERE m.attendee_id = a.id)
    THEN 1 ELSE 0 END)
FROM workshops_attendee a {condition}
GROUP BY a.cycle_id, a.sector
"""  # noqa: S608


def _year(column: str) -> str:
    """The year of a date column as an integer (NULL stays NULL), in this database's SQL."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
    # SQLite keeps a date as text, "YYYY-MM-DD"; no "%" in the SQL, which has parameters.
    return f"CAST(substr({column}, 1, 4) AS INTEGER)"


def session_period_figures_sql(where: str) -> str:
    """``INSERT … SELECT`` of the cycles' sessions and their reported attendance per
    period of the sessions' own dates (``SessionPeriodFigures``); a session without a
    date of its own has no years (its cycle's period is read with the rows)."""
    condition = f"WHERE {where.format(column='s.cycle_id')}" if where else ""
    columns = ", ".join(("cycle_id", "first_year", "last_year", "sessions", *REPORTED_FIELDS))
    return f"""
INSERT INTO workshops_sessionperiodfigures ({columns})
SELECT q.cycle_id, q.first_year, q.last_year, COUNT(*),
  {_reported()}
FROM (
  SELECT s.cycle_id, s.attendance, s.attendance_precision,
    {_year("s.date_start")} AS first_year,
    CASE WHEN s.date_start IS NULL THEN NULL ELSE {_year("s.date_end")} END AS last_year
  FROM workshops_session s {condition}
) q GROUP BY q.cycle_id, q.first_year, q.last_year
"""  # noqa: S608


def cycle_figures_refresh(*, cycle_ids: Iterable[int | None] | None) -> None:
    """Recompute the kept figures of these cycles (``None``: of every cycle) from the
    base tables, in the caller's transaction (no savepoint of its own; a transaction
    when called outside one). Cycles that no longer exist lose theirs. Then the totals
    of the periods they were in before and are in now (``period_totals_refresh``; of
    every period when one of the cycles is gone: its period went with its rows).

    The cycles' rows are locked first (in the order of their ids), so two refreshes of a
    cycle at once (two clerks saving in the same cycle) run one after the other: without
    it, the second's first DELETE, waiting for the first's, did not see the rows the first
    then inserted, and a cycle's rows per period were kept twice."""
    with transaction.atomic(savepoint=False):
        if cycle_ids is None:
            list(WorkshopCycle.objects.select_for_update().order_by("pk").values_list("pk"))
            SessionPeriodFigures.objects.all().delete()
            CycleSectorFigures.objects.all().delete()
            CycleFigures.objects.all().delete()
            _insert("", [])
            period_totals_refresh(periods=None)
            return
        ids = sorted({pk for pk in cycle_ids if pk is not None})
        periods: set[tuple] | None = set()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            locked = WorkshopCycle.objects.select_for_update().filter(pk__in=chunk)
            gone = len(list(locked.order_by("pk").values_list("pk"))) < len(chunk)
            moved = _replace(chunk)
            periods = None if gone or periods is None else periods | moved
        if periods is None or periods:
            period_totals_refresh(periods=periods)


def _replace(chunk: list[int]) -> set[tuple]:
    """Delete the kept rows of these cycles and insert them anew; the periods they
    counted in and count in now (their own, their dated sessions'), from the rows each
    statement deleted or inserted (``RETURNING``: no query of their own)."""
    marks = ", ".join(["%s"] * len(chunk))
    returning = "RETURNING first_year, last_year"
    periods: set[tuple] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM workshops_sessionperiodfigures WHERE cycle_id IN ({marks}) {returning}",  # noqa: S608
            chunk,
        )
        periods.update(years for years in cursor.fetchall() if years[0] is not None)
        CycleSectorFigures.objects.filter(cycle_id__in=chunk).delete()
        cursor.execute(
            f"DELETE FROM workshops_cyclefigures WHERE cycle_id IN ({marks}) {returning}",  # noqa: S608
            chunk,
        )
        periods.update(cursor.fetchall())
        return periods | _insert(f"{{column}} IN ({marks})", chunk, returning=returning)


def _insert(where: str, ids: list[int], *, returning: str = "") -> set[tuple]:
    """Insert the kept rows of the cycles ``where`` limits (every cycle: empty); with
    ``returning``, the periods of the inserted rows (as ``_replace``)."""
    tables = 4 if where else 0  # the statements ``figures_sql`` filters
    periods: set[tuple] = set()
    with connection.cursor() as cursor:
        cursor.execute(f"{figures_sql(where)} {returning}", ids * tables)
        if returning:
            periods.update(cursor.fetchall())
        cursor.execute(sector_figures_sql(where), ids if where else [])
        cursor.execute(f"{session_period_figures_sql(where)} {returning}", ids if where else [])
        if returning:
            periods.update(years for years in cursor.fetchall() if years[0] is not None)
    return periods


def figure_totals(cycles) -> dict[str, int]:
    """The kept figures summed over a queryset of cycles (zeros when there is none)."""
    sums = CycleFigures.objects.filter(cycle__in=cycles.order_by().values("pk")).aggregate(
        **{name: Sum(name) for name in FIGURE_FIELDS}
    )
    return {name: sums[name] or 0 for name in FIGURE_FIELDS}


# -- The totals per period (``PeriodTotals``) ------------------------------------------------

# The columns ``period_totals_sql`` fills beside the period, in this order.
PERIOD_COUNTS = (
    "cycles",
    "counties",
    "with_attendance",
    "held_total",
    "held_unknown",
    "held_at_least",
    "sessions",
    *REPORTED_FIELDS,
)


def _period_sql(alias: str) -> str:
    """``PeriodTotals.period`` (``period_key``) of the years of ``alias``, in SQL."""
    return f"COALESCE({alias}.first_year, 0) * 10000 + COALESCE({alias}.last_year, 0)"


def period_totals_sql(where: str) -> str:
    """``INSERT … SELECT`` of the totals of periods from the rows kept per cycle: the
    cycles by the years of their dates (as ``kept_periods`` counted them), their
    sessions by their own dates, or by their cycle's when they have none (as
    ``portal.yearly`` adds them up). ``where`` limits the periods (a condition on
    ``{alias}.first_year`` and ``{alias}.last_year``, formatted for each of the three
    parts), or is empty for every period."""

    def only(alias: str, *conditions: str) -> str:
        conditions = (*conditions, where.format(alias=alias)) if where else conditions
        return f"WHERE {' AND '.join(conditions)}" if conditions else ""

    reported = ", ".join(f"s.{name}" for name in REPORTED_FIELDS)
    no_sessions = ", ".join(f"0 AS {name}" for name in ("sessions", *REPORTED_FIELDS))
    no_cycles = "0, NULL, 0, 0, 0, 0"
    sums = ", ".join(
        f"COUNT(DISTINCT q.{name})" if name == "counties" else f"SUM(q.{name})"
        for name in PERIOD_COUNTS
    )
    undated = "s.first_year IS NULL"
    return f"""
INSERT INTO workshops_periodtotals (period, first_year, last_year, {", ".join(PERIOD_COUNTS)})
SELECT {_period_sql("q")}, q.first_year, q.last_year, {sums}
FROM (
  SELECT f.first_year, f.last_year, 1 AS cycles, f.cycle_county AS counties,
    CASE WHEN f.sessions > f.reported_unknown THEN 1 ELSE 0 END AS with_attendance,
    COALESCE(f.held, 0) AS held_total,
    CASE WHEN f.held IS NULL THEN 1 ELSE 0 END AS held_unknown,
    CASE WHEN f.held IS NOT NULL AND f.held_lower_bound THEN 1 ELSE 0 END AS held_at_least,
    {no_sessions}
  FROM workshops_cyclefigures f {only("f")}
  UNION ALL
  SELECT s.first_year, s.last_year, {no_cycles}, s.sessions, {reported}
  FROM workshops_sessionperiodfigures s {only("s", "s.first_year IS NOT NULL")}
  UNION ALL
  SELECT f.first_year, f.last_year, {no_cycles}, s.sessions, {reported}
  FROM workshops_sessionperiodfigures s
  INNER JOIN workshops_cyclefigures f ON f.cycle_id = s.cycle_id {only("f", undated)}
) q GROUP BY q.first_year, q.last_year
"""  # noqa: S608


def _every_period(cursor) -> set[tuple]:
    cursor.execute(
        """SELECT first_year, last_year FROM workshops_periodtotals
        UNION SELECT first_year, last_year FROM workshops_cyclefigures
        UNION SELECT first_year, last_year FROM workshops_sessionperiodfigures
        WHERE first_year IS NOT NULL"""
    )
    return set(cursor.fetchall())


def _in_periods(periods: list[tuple]) -> tuple[str, list]:
    """A condition on ``{alias}``'s years: one of these periods; and its parameters."""
    conditions, params = [], []
    for years in periods:
        parts = []
        for column, year in zip(("first_year", "last_year"), years, strict=True):
            if year is None:
                parts.append(f"{{alias}}.{column} IS NULL")
            else:
                parts.append(f"{{alias}}.{column} = %s")
                params.append(year)
        conditions.append(f"({' AND '.join(parts)})")
    return f"({' OR '.join(conditions)})", params


def period_totals_refresh(*, periods: set[tuple] | None) -> None:
    """Recount the totals of these periods ((first year, last year) pairs; ``None``:
    of every period) from the rows kept per cycle, in the caller's transaction, after
    the cycles' rows are refreshed (``cycle_figures_refresh``).

    The periods' rows are locked first, in the order of their keys: an ``INSERT … ON
    CONFLICT DO UPDATE`` that changes nothing creates a period's row or locks the one
    there, and waits for a refresh that holds it to end. Then they are deleted and
    recounted by a statement of their own, which sees what that refresh committed: two
    clerks saving cycles of the same period at once (in different counties) are
    counted one after the other, where the second would have counted the period without
    the first's cycle, or failed on the period's unique key
    (``tests/workshops/test_figures.py``)."""
    with connection.cursor() as cursor:
        if periods is None:
            periods = _every_period(cursor)
        if not periods:
            return
        ordered = sorted(periods, key=lambda years: period_key(*years))
        keys = [period_key(*years) for years in ordered]
        zeros = ", ".join(["0"] * len(PERIOD_COUNTS))
        rows = ", ".join([f"(%s, %s, %s, {zeros})"] * len(ordered))
        cursor.execute(
            f"""INSERT INTO workshops_periodtotals
            (period, first_year, last_year, {", ".join(PERIOD_COUNTS)}) VALUES {rows}
            ON CONFLICT (period) DO UPDATE SET cycles = workshops_periodtotals.cycles""",  # noqa: S608
            [value for key, years in zip(keys, ordered, strict=True) for value in (key, *years)],
        )
        marks = ", ".join(["%s"] * len(keys))
        cursor.execute(f"DELETE FROM workshops_periodtotals WHERE period IN ({marks})", keys)  # noqa: S608
        where, params = _in_periods(ordered)
        cursor.execute(period_totals_sql(where), params * 3)


PERIOD_COLUMNS = ("first_year", "last_year", *PERIOD_COUNTS)
PERIOD_ROWS = FixedQuery(
    PeriodTotals,
    lambda: PeriodTotals.objects.order_by("first_year", "last_year").values_list(*PERIOD_COLUMNS),
    stand_in=None,
)


def period_totals() -> list[dict]:
    """The totals of every period, by first year then last year (unknown ones where
    the database sorts NULL, as a ``GROUP BY`` of the years did), in one query of
    about fifteen rows (its SQL made once per process): each row a period's cycles
    (``cycles``, ``counties``, ``with_attendance``, their sessions held as
    ``Parts.from_row(row, "held")``: ``held_parts`` are the cycles) and its sessions
    (``sessions``, the attendance reported for them as ``Parts.from_row(row,
    "attendance")``: ``attendance_parts`` are the sessions). A period may have
    sessions and no cycle (sessions dated outside their cycle's years), or cycles and
    no session."""
    rows = []
    for values in PERIOD_ROWS.rows():
        row = dict(zip(PERIOD_COLUMNS, values, strict=True))
        row["held_parts"] = row["cycles"]
        row["held_approx"] = row["held_more_than"] = 0  # a lower bound is its only kind
        row["attendance_parts"] = row["sessions"]
        for name in REPORTED_FIELDS:
            row[name.replace("reported", "attendance", 1)] = row[name]
        rows.append(row)
    return rows


# What ``kept_periods`` gives of a period.
KEPT_PERIOD_FIELDS = (
    "first_year",
    "last_year",
    "cycles",
    "counties",
    "with_attendance",
    *(f"held_{part}" for part in ("total", "parts", "unknown", *PARTS_PRECISIONS)),
)


def kept_periods(totals: list[dict] | None = None) -> list[dict]:
    """``WorkshopCycleQuerySet.periods`` with ``with_attendance`` (the cycles with
    attendance reported for a session or more), from the totals kept per period
    (``period_totals``, or ``totals`` already read): the periods with cycles. The home
    page's cycles per period: 9.4 ms of its database time at national scale through
    the cycles and their counts, 3.1 from the rows kept per cycle (medians, 3 December
    2026), then 3.6 ms (loaded machine) grouping those 8,000 rows, now about fifteen."""
    rows = period_totals() if totals is None else totals
    return [{name: row[name] for name in KEPT_PERIOD_FIELDS} for row in rows if row["cycles"]]
