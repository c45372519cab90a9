"""The attendee list of a cycle, for the county's own records: CSV or XLSX.

Personal data (name, organisation, sector, e-mail, phone) with the sessions each person
attended and the number of their valid certificate, in Polish alphabetical order. Staff
screens only, for users who may see the cycle's attendees; erased attendees are left out.

The CSV is written as the attendee import's template is (UTF-8 with a BOM, semicolons),
so Excel in Polish opens it as columns. A text cell that a spreadsheet would read as a
formula (starting with = + - @, or a tab or carriage return) gets a leading apostrophe in
the CSV; in the XLSX such a cell is stored as text, which no spreadsheet evaluates.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from django.db.models import Count
from django.utils.translation import gettext as _

from partnership.downloads import neutralise_cell

from .models import Attendance, Attendee, Certificate, WorkshopCycle, to_roman

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class AttendeeList:
    headings: list[str]
    rows: list[list[str | int]]  # text, and the number of sessions attended


def attendee_list(*, cycle: WorkshopCycle) -> AttendeeList:
    """The cycle's active attendees, alphabetically, in four queries whatever their number."""
    attendees = list(
        Attendee.objects.active()
        .filter(cycle=cycle)
        .annotate(attended=Count("attendances"))
        .alphabetical()
    )
    sessions: dict[int, list[int]] = defaultdict(list)
    for attendee_id, ordinal in (
        Attendance.objects.filter(session__cycle=cycle)
        .order_by("session__ordinal")
        .values_list("attendee_id", "session__ordinal")
    ):
        sessions[attendee_id].append(ordinal)
    numbers = dict(
        Certificate.objects.valid().filter(cycle=cycle).values_list("attendee_id", "number")
    )
    headings = [
        _("Full name"),
        _("Organisation"),
        _("Sector"),
        _("E-mail"),
        _("Phone"),
        _("Sessions attended"),
        _("Sessions (numbers)"),
        _("Certificate number"),
    ]
    rows = [
        [
            attendee.full_name,
            attendee.organisation_name,
            str(attendee.get_sector_display()) if attendee.sector else "",
            attendee.email,
            attendee.phone,
            attendee.attended,
            ", ".join(to_roman(n) for n in sessions[attendee.pk]),
            numbers.get(attendee.pk, ""),
        ]
        for attendee in attendees
    ]
    return AttendeeList(headings=headings, rows=rows)


def attendee_list_file(*, cycle: WorkshopCycle, format: Literal["csv", "xlsx"]) -> bytes:
    if format not in FORMATS:
        raise ValueError(f"Unknown format: {format!r}")
    data = attendee_list(cycle=cycle)
    return _csv(data) if format == "csv" else _xlsx(data, title=_("Attendees"))


def _csv(data: AttendeeList) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise_cell(heading) for heading in data.headings])
    for row in data.rows:
        writer.writerow([neutralise_cell(c) if isinstance(c, str) else c for c in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(data: AttendeeList, *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    for row in [data.headings, *data.rows]:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                # Stored as text: "=1+2" stays those four characters, never a formula.
                cell.data_type = TYPE_STRING
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGH", (32, 36, 18, 30, 16, 10, 16, 18), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
