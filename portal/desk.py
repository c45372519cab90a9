"""What the staff start page shows: a county's work to do, a coordinator's overview.

Every read is scoped through ``accounts.scoping`` (``Model.objects.for_user``,
``counties_for_user``), and every figure is a correlated subquery annotated on one
queryset, so the page costs the same few queries for 1 cycle or 1,000.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import (
    Case,
    DateField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from accounts.scoping import counties_for_user
from programmes.models import count_subquery
from projects.models import ProjectIdea, StatusChange
from projects.models import Status as IdeaStatus
from workshops.models import Attendance, Attendee, Certificate, Session, WorkshopCycle

#: Ideas still open: a coordinator or the county should hear of them.
OPEN_IDEA_STATUSES = (IdeaStatus.PROPOSED, IdeaStatus.SELECTED, IdeaStatus.IN_PROGRESS)
#: How many of the stale ideas the start page lists (the count covers them all).
STALE_IDEAS_LISTED = 10


def overdue_sessions(today: datetime.date):
    """Sessions held before today for which no attendance has been entered."""
    return Session.objects.filter(date_start__lt=today).filter(
        ~Exists(Attendance.objects.filter(session=OuterRef("pk")))
    )


def _eligible_without_certificate():
    """Per cycle: active attendees who came to enough sessions and hold no valid
    certificate (``workshops.certificates.eligible_attendees``, counted)."""
    attended = count_subquery(Attendance.objects.all(), "attendee")
    eligible = (
        Attendee.objects.active()
        .annotate(attended=attended)
        .filter(attended__gte=OuterRef("certificate_min_sessions"))
        .exclude(Exists(Certificate.objects.valid().filter(attendee=OuterRef("pk"))))
    )
    return count_subquery(eligible, "cycle")


def county_cycles(user, *, today: datetime.date):
    """The user's counties' cycles, current first (in progress, planned, completed; the
    latest first within each), with what is left to do."""
    upcoming = (
        Session.objects.filter(cycle=OuterRef("pk"), date_start__gte=today)
        .order_by("date_start")
        .values("date_start")[:1]
    )
    current = Case(
        When(status=WorkshopCycle.Status.IN_PROGRESS, then=Value(0)),
        When(status=WorkshopCycle.Status.PLANNED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        WorkshopCycle.objects.for_user(user)
        .select_related("county", "programme")
        .annotate(
            current=current,
            next_session=Subquery(upcoming, output_field=DateField()),
            overdue_sessions=count_subquery(overdue_sessions(today), "cycle"),
            eligible_without_certificate=_eligible_without_certificate(),
            session_count=count_subquery(Session.objects.all(), "cycle"),
        )
        .order_by("current", "-date_start", "title")
    )


def stale_idea_months() -> int:
    return settings.DESK_STALE_IDEA_MONTHS


def stale_ideas(user, *, today: datetime.date):
    """Open ideas whose status has not changed for ``DESK_STALE_IDEA_MONTHS`` months
    (dated by their latest status change, or by when they were recorded), oldest first."""
    months = stale_idea_months()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    cutoff = today.replace(year=year, month=month + 1, day=min(today.day, 28))
    latest = (
        StatusChange.objects.filter(project=OuterRef("pk"), date_start__isnull=False)
        .order_by()
        .values("project")
        .annotate(last=Max("date_start"))
        .values("last")
    )
    return (
        ProjectIdea.objects.for_user(user)
        .filter(status__in=OPEN_IDEA_STATUSES)
        .annotate(last_change=Subquery(latest, output_field=DateField()))
        .filter(
            Q(last_change__lt=cutoff) | Q(last_change__isnull=True, created_at__date__lt=cutoff)
        )
        .select_related("county")
        .order_by("last_change", "title")
    )


def coordinator_counties(user, *, today: datetime.date):
    """The counties the user oversees, with their last activity, their cycles by status,
    sessions overdue for attendance and certificates issued this year."""
    cycles = WorkshopCycle.objects.all()
    status = WorkshopCycle.Status
    last_cycle = (
        cycles.filter(county=OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
    )
    last_mark = (
        Attendance.objects.filter(session__cycle__county=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    issued = Certificate.objects.valid().filter(issued_on__year=today.year)
    return (
        counties_for_user(user)
        .annotate(
            last_cycle_change=Subquery(last_cycle),
            last_attendance=Subquery(last_mark),
            cycles_planned=count_subquery(cycles.filter(status=status.PLANNED), "county"),
            cycles_in_progress=count_subquery(cycles.filter(status=status.IN_PROGRESS), "county"),
            cycles_completed=count_subquery(cycles.filter(status=status.COMPLETED), "county"),
            overdue_sessions=count_subquery(overdue_sessions(today), "cycle__county"),
            certificates_this_year=count_subquery(issued, "cycle__county"),
        )
        .order_by("name", "code")
    )
