"""The report's tables as rows for CSV and XLSX downloads.

Every table has a header row in the active language. A figure takes two columns: the
number (empty when unknown) and its precision ("exact", "approximately (ok.)", "at
least", "unknown"), so a spreadsheet never mistakes an approximate total or an unknown
value for an exact one. Text cells are neutralised against formula injection with the
open-data helper.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from partnership.csvfiles import csv_bytes
from partnership.downloads import neutralise_cell
from programmes.facts import Figure, Precision

from .services import Measures, Report

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    header: Callable[[], str]
    value: Callable[[Any], Any]
    figure: bool = False


def precision_label(figure: Figure) -> str:
    if not figure.known:
        return pgettext("precision", "unknown")
    return str(Precision(figure.precision).label)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def measure_columns() -> list[Column]:
    """The measures shared by the edition and county tables."""
    m: Callable[[Any], Measures] = lambda row: row.measures  # noqa: E731
    return [
        Column(lambda: _("Workshop cycles"), lambda r: m(r).cycles),
        Column(lambda: _("Sessions held"), lambda r: m(r).sessions_held_figure, figure=True),
        Column(lambda: _("Sessions on record"), lambda r: m(r).sessions_recorded),
        Column(
            lambda: _("Attendance as reported"),
            lambda r: m(r).attendance_reported_figure,
            figure=True,
        ),
        Column(lambda: _("Cycles with reported attendance"), lambda r: m(r).cycles_with_attendance),
        Column(lambda: _("Registered attendance"), lambda r: m(r).registered_attendance),
        Column(lambda: _("Registered attendees"), lambda r: m(r).attendees),
        Column(lambda: _("Unique participants"), lambda r: m(r).participants),
        Column(lambda: _("Attendance rate (%)"), lambda r: _percent(m(r).attendance_rate)),
        Column(lambda: _("Valid certificates"), lambda r: m(r).certificates),
        Column(lambda: _("Project ideas"), lambda r: m(r).ideas),
        Column(lambda: _("Selected for implementation"), lambda r: m(r).selected),
        Column(lambda: _("Share selected (%)"), lambda r: _percent(m(r).selected_share)),
        Column(lambda: _("Programme events"), lambda r: m(r).events),
        Column(lambda: _("Invitations sent"), lambda r: m(r).invitations_figure, figure=True),
        Column(lambda: _("Event attendance"), lambda r: m(r).event_attendance_figure, figure=True),
        Column(
            lambda: _("Event attendance share (%)"),
            lambda r: m(r).attendance_share_figure,
            figure=True,
        ),
    ]


@dataclass(frozen=True)
class _Total:
    measures: Measures


def _with_total(columns: list[Column], total: _Total) -> list[Column]:
    """Measure columns that read the report's total on the closing row (``None``)."""
    return [
        Column(c.header, (lambda col: lambda r: col.value(r or total))(c), c.figure)
        for c in columns
    ]


def _summary(report: Report):
    columns = [
        Column(lambda: _("Programme edition"), lambda r: r.name if r else _("Total")),
        Column(lambda: _("Period"), lambda r: str(r.dates) if r else ""),
        *_with_total(measure_columns(), _Total(report.total)),
    ]
    return columns, [*report.by_programme, None]


def _counties(report: Report):
    columns = [
        Column(lambda: _("TERYT code"), lambda r: r.code if r else ""),
        Column(lambda: _("County"), lambda r: r.label if r else _("Total")),
        *_with_total(measure_columns(), _Total(report.total)),
    ]
    return columns, [*report.by_county, None]


def _years(report: Report):
    return [
        Column(lambda: _("Year"), lambda r: r.label),
        Column(lambda: _("Year known"), lambda r: _("yes") if not r.is_bucket else _("no")),
        Column(lambda: _("Workshop cycles"), lambda r: r.cycles),
        Column(lambda: _("Sessions on record"), lambda r: r.sessions),
        Column(
            lambda: _("Attendance as reported"),
            lambda r: r.attendance_reported_figure,
            figure=True,
        ),
        Column(lambda: _("Project ideas"), lambda r: r.ideas),
        Column(lambda: _("Programme events"), lambda r: r.events),
    ], report.by_year


def _sectors(report: Report):
    return [
        Column(lambda: _("Sector"), lambda r: r.label),
        Column(lambda: _("Registered attendees"), lambda r: r.attendees),
        Column(lambda: _("Participants (present at least once)"), lambda r: r.participants),
    ], report.sectors


def _rates(report: Report):
    return [
        Column(lambda: _("Attendance rate"), lambda r: r.label),
        Column(lambda: _("Sessions"), lambda r: r.sessions),
    ], report.rate_bands


def _statuses(report: Report):
    return [
        Column(lambda: _("Status"), lambda r: r.label),
        Column(
            lambda: _("Counts as selected for implementation"),
            lambda r: _("yes") if r.selected else _("no"),
        ),
        Column(lambda: _("Project ideas"), lambda r: r.ideas),
        Column(lambda: _("Share (%)"), lambda r: _percent(r.share)),
    ], report.statuses


TABLES = {
    "summary": _summary,
    "counties": _counties,
    "years": _years,
    "sectors": _sectors,
    "rates": _rates,
    "statuses": _statuses,
}


def table_rows(report: Report, table: str) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of one table: plain numbers and neutralised text."""
    columns, rows = TABLES[table](report)
    header: list[str] = []
    for column in columns:
        header.append(neutralise_cell(str(column.header())))
        if column.figure:
            header.append(
                neutralise_cell(_("%(column)s – precision") % {"column": column.header()})
            )
    body = []
    for row in rows:
        cells: list[Any] = []
        for column in columns:
            value = column.value(row)
            if column.figure:
                cells.append(value.value)
                cells.append(precision_label(value))
            elif isinstance(value, str):
                cells.append(neutralise_cell(value))
            else:
                cells.append(value)
        body.append(cells)
    return header, body


def render_csv(header: list[str], body: list[list[Any]], *, dialect: str) -> bytes:
    """In one of the portal's CSV dialects (``partnership.csvfiles``): ``excel-pl`` for
    Excel in Polish (semicolons, a decimal comma), ``rfc4180`` for programs; both UTF-8
    with a byte-order mark, so that Excel reads the Polish letters."""
    rows = (["" if cell is None else cell for cell in row] for row in body)
    return csv_bytes(itertools.chain([header], rows), dialect=dialect)


def render_xlsx(header: list[str], body: list[list[Any]], *, title: str) -> bytes:
    dataset = tablib.Dataset(headers=header, title=title[:31])
    for row in body:
        dataset.append(row)
    return dataset.export("xlsx")
