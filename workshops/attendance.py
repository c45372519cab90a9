"""The attendance register of a cycle: who came to which session, saved in one go."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .models import Attendance, Attendee, Session, WorkshopCycle


@dataclass(frozen=True)
class RegisterChange:
    added: int
    removed: int


@dataclass
class AttendanceGrid:
    """Everything the register screen shows, read in a fixed number of queries."""

    sessions: list[Session]
    attendees: list[Attendee]
    marks: set[tuple[int, int]]  # (attendee_id, session_id)

    def per_session(self) -> dict[int, int]:
        counts = {session.pk: 0 for session in self.sessions}
        for _attendee, session in self.marks:
            counts[session] += 1
        return counts

    def per_attendee(self) -> dict[int, int]:
        counts = {attendee.pk: 0 for attendee in self.attendees}
        for attendee, _session in self.marks:
            counts[attendee] += 1
        return counts


def attendance_grid(*, cycle: WorkshopCycle) -> AttendanceGrid:
    sessions = list(cycle.sessions.order_by("ordinal"))
    attendees = list(Attendee.objects.active().filter(cycle=cycle).order_by("full_name", "pk"))
    marks = set(
        Attendance.objects.filter(
            session__cycle=cycle, attendee__anonymised_at__isnull=True
        ).values_list("attendee_id", "session_id")
    )
    return AttendanceGrid(sessions=sessions, attendees=attendees, marks=marks)


@transaction.atomic
def attendance_register_save(
    *, cycle: WorkshopCycle, marks: Mapping[int, set[int]]
) -> RegisterChange:
    """Make the cycle's attendance exactly ``marks`` ({attendee id: {session ids}}).

    Only the cycle's own, non-anonymised attendees and sessions may appear; anything else
    is refused and nothing is saved.
    """
    attendee_ids = set(Attendee.objects.active().filter(cycle=cycle).values_list("pk", flat=True))
    session_ids = set(cycle.sessions.values_list("pk", flat=True))
    unknown_attendees = set(marks) - attendee_ids
    unknown_sessions = set().union(*marks.values()) - session_ids if marks else set()
    if unknown_attendees or unknown_sessions:
        raise ValidationError(
            _("The register refers to attendees or sessions outside this cycle; nothing was saved.")
        )
    wanted = {(a, s) for a, sessions in marks.items() for s in sessions}
    existing = dict(
        ((a, s), pk)
        for pk, a, s in Attendance.objects.filter(
            session__cycle=cycle, attendee_id__in=attendee_ids
        ).values_list("pk", "attendee_id", "session_id")
    )
    to_add = wanted - existing.keys()
    to_remove = [pk for key, pk in existing.items() if key not in wanted]
    Attendance.objects.filter(pk__in=to_remove).delete()
    # Both go into the audit trail: deletes through signals, inserts explicitly.
    bulk_create_with_history(
        [Attendance(attendee_id=a, session_id=s) for a, s in sorted(to_add)],
        Attendance,
        batch_size=500,
    )
    return RegisterChange(added=len(to_add), removed=len(to_remove))
