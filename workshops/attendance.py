"""The attendance register of a cycle: who came to which session.

The register screen shows the cycle's attendees a page at a time, one checkbox per
attendee and session. Each form carries, for every row it shows, the sessions that were
ticked *when the page was drawn*; saving compares that with what is ticked now and
changes only the cells the user changed. So:

- a register opened before another clerk's import or save never undoes their marks: the
  cells the user did not touch are not written, whatever the database holds by then;
- an empty or partial form changes nothing it did not carry;
- when two clerks change the same cell, both wanted the same value (a cell has two
  states), so nothing is lost; the one who saves second is told that their change had
  already been made;
- a page holds few enough rows that its form stays under Django's
  ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` whatever the size of the cycle.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partnership.caching import public_data_changed

from .figures import cycle_figures_refresh
from .models import Attendance, Attendee, Session, WorkshopCycle

Cell = tuple[int, int]  # (attendee id, session id)

# Fields a register page may post: below Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000),
# with room for the token, the page and the search.
FIELDS_PER_PAGE = 900
MAX_ROWS_PER_PAGE = 100


def rows_per_page(session_count: int) -> int:
    """As many rows as fit the field budget: each row posts its attendee id, the sessions
    ticked when it was shown, and up to one checkbox per session."""
    return max(1, min(MAX_ROWS_PER_PAGE, FIELDS_PER_PAGE // (session_count + 2)))


@dataclass(frozen=True)
class RegisterChange:
    added: int  # marks created
    removed: int  # marks deleted
    already: int  # changes the user made that someone else had already saved
    others: int  # cells shown unchanged that someone else changed meanwhile (kept)
    gone: int  # changes for attendees or sessions deleted or erased meanwhile (skipped)


@dataclass
class RegisterPage:
    """One page of the register, read in a fixed number of queries."""

    sessions: list[Session]
    page: Page  # of Attendee
    marks: set[Cell]  # the marks of the page's attendees
    per_session: dict[int, int]  # session id -> marks in the whole cycle
    total_marks: int
    attendee_count: int

    @property
    def session_counts(self) -> list[int]:
        return [self.per_session[session.pk] for session in self.sessions]

    def rows(self) -> list[dict]:
        rows = []
        for attendee in self.page:
            ticked = [s.pk for s in self.sessions if (attendee.pk, s.pk) in self.marks]
            rows.append(
                {
                    "attendee": attendee,
                    "cells": [{"session": s, "checked": s.pk in ticked} for s in self.sessions],
                    "was": " ".join(map(str, ticked)),
                    "count": len(ticked),
                }
            )
        return rows


def register_page(*, cycle: WorkshopCycle, page: str | int | None = 1, search: str = ""):
    sessions = list(cycle.sessions.order_by("ordinal"))
    attendees = Attendee.objects.active().filter(cycle=cycle)
    if search:
        attendees = attendees.filter(full_name__icontains=search)
    paginator = Paginator(attendees.alphabetical(), rows_per_page(len(sessions)))
    current = paginator.get_page(page)
    current.object_list = list(current.object_list)
    marks = set(
        Attendance.objects.filter(attendee__in=[a.pk for a in current]).values_list(
            "attendee_id", "session_id"
        )
    )
    per_session = dict(
        Attendance.objects.filter(session__cycle=cycle, attendee__anonymised_at__isnull=True)
        .values_list("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    return RegisterPage(
        sessions=sessions,
        page=current,
        marks=marks,
        per_session={s.pk: per_session.get(s.pk, 0) for s in sessions},
        total_marks=sum(per_session.values()),
        attendee_count=paginator.count,
    )


def _check_cells(cycle: WorkshopCycle, cells: Collection[Cell]) -> tuple[set[int], set[int]]:
    """The ids among ``cells`` that still exist in the cycle (active attendees, sessions).

    An id of another cycle's attendee or session means a tampered form: refused, nothing
    saved. An id that no longer exists, or an attendee erased since, is only skipped."""
    attendee_ids = {a for a, _s in cells}
    session_ids = {s for _a, s in cells}
    attendees = dict(Attendee.objects.filter(pk__in=attendee_ids).values_list("pk", "cycle_id"))
    sessions = dict(Session.objects.filter(pk__in=session_ids).values_list("pk", "cycle_id"))
    if any(c != cycle.pk for c in (*attendees.values(), *sessions.values())):
        raise ValidationError(
            _("The register refers to attendees or sessions outside this cycle; nothing was saved.")
        )
    active = set(
        Attendee.objects.active().filter(pk__in=attendees.keys()).values_list("pk", flat=True)
    )
    return active, set(sessions)


@transaction.atomic
def attendance_register_save(
    *, cycle: WorkshopCycle, shown: Mapping[Cell, bool], ticked: Collection[Cell]
) -> RegisterChange:
    """Apply the cells the user changed on a register page, and nothing else.

    ``shown`` holds every cell the page displayed, with whether it was ticked then;
    ``ticked`` the cells ticked when the form was sent (all of them among ``shown``).
    Side effects: an audit-trail row for every mark created or deleted; the cycle's kept
    figures recomputed (``workshops.figures``); cached pages and reports invalidated after
    the commit.
    """
    ticked = set(ticked)
    if not ticked <= shown.keys():
        raise ValidationError(_("The register form was damaged; nothing was saved."))
    # One writer per cycle at a time: the import takes the same lock.
    WorkshopCycle.objects.select_for_update().filter(pk=cycle.pk).exists()
    active, sessions = _check_cells(cycle, shown.keys())
    wanted = {cell: cell in ticked for cell, was in shown.items() if (cell in ticked) != was}
    current = {
        (a, s): pk
        for pk, a, s in Attendance.objects.filter(
            attendee_id__in={a for a, _s in shown}, session_id__in={s for _a, s in shown}
        ).values_list("pk", "attendee_id", "session_id")
    }
    live = {cell for cell in wanted if cell[0] in active and cell[1] in sessions}
    to_add = sorted(cell for cell in live if wanted[cell] and cell not in current)
    to_remove = [current[cell] for cell in live if not wanted[cell] and cell in current]
    # A queryset delete sends the signals the audit trail records deletions with.
    Attendance.objects.filter(pk__in=to_remove).delete()
    bulk_create_with_history(
        [Attendance(attendee_id=a, session_id=s) for a, s in to_add], Attendance, batch_size=500
    )
    if to_add or to_remove:
        cycle_figures_refresh(cycle_ids=[cycle.pk])
        public_data_changed(register=cycle)
    return RegisterChange(
        added=len(to_add),
        removed=len(to_remove),
        already=len(live) - len(to_add) - len(to_remove),
        others=sum(
            (cell in current) != was
            for cell, was in shown.items()
            if cell not in wanted and cell[0] in active
        ),
        gone=len(wanted) - len(live),
    )
