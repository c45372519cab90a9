"""A new workshop cycle with its sessions, in one step (the guided "New cycle" form).

``cycle_create`` is the one write path: the cycle and every session are saved in one
transaction, or nothing is; the audit trail records each row with the user; cached
public pages are invalidated once it commits.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scoping import may_use_county
from partnership.caching import public_data_changed
from partnership.downloads import ascii_slug
from programmes.models import County, Programme

from .figures import cycle_figures_refresh
from .models import Session, WorkshopCycle

#: The most sessions a cycle created by the form may have (the editions plan 5 or 6).
MAX_SESSIONS = 12
_SLUG_MAX = WorkshopCycle._meta.get_field("slug").max_length


@dataclass(frozen=True)
class PlannedSession:
    """A session as the form gives it: number, kind, day (may be unknown), venue, topic."""

    number: int
    kind: str = Session.Kind.WORKSHOP
    date: datetime.date | None = None
    venue: str = ""
    topic: str = ""


def cycle_slug(title: str, *, year: int | None = None) -> str:
    """A unique identifier made from the title ("Warsztaty w Łosicach" →
    ``2026-warsztaty-w-losicach``), with ``-2``, ``-3`` … when taken."""
    base = ascii_slug(f"{year or ''} {title}").strip("-")[: _SLUG_MAX - 4].strip("-") or "cykl"
    taken = set(WorkshopCycle.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def edition_mismatch(
    programme: Programme, date_start: datetime.date, date_end: datetime.date | None
) -> str | None:
    """Why a cycle of these dates does not belong to the edition, or None when it does."""
    last = date_end or date_start
    starts_early = programme.date_start is not None and date_start < programme.date_start
    ends_late = programme.date_end is not None and last > programme.date_end
    if not (starts_early or ends_late):
        return None
    return _(
        "The cycle's period (%(period)s) lies outside the edition “%(edition)s” "
        "(%(edition_period)s). Choose the edition the cycle belongs to; if the current "
        "edition is missing, a coordinator adds it under Programme editions."
    ) % {
        "period": f"{date_start:%d.%m.%Y} – {last:%d.%m.%Y}",
        "edition": programme.name,
        "edition_period": programme.dates,
    }


def _checked(
    *, county, programme, title, date_start, date_end, certificate_min_sessions, sessions
) -> None:
    errors = []
    if date_end is not None and date_end < date_start:
        errors.append(_("The cycle cannot end before it starts."))
    elif (mismatch := edition_mismatch(programme, date_start, date_end)) is not None:
        errors.append(mismatch)
    if not 1 <= len(sessions) <= MAX_SESSIONS:
        errors.append(
            _("A cycle has from 1 to %(max)s sessions; %(count)s were given.")
            % {"max": MAX_SESSIONS, "count": len(sessions)}
        )
    numbers = [session.number for session in sessions]
    if len(set(numbers)) != len(numbers) or min(numbers, default=1) < 1:
        errors.append(_("Each session needs its own number, from 1."))
    for session in sessions:
        if session.date and (session.date < date_start or (date_end and session.date > date_end)):
            errors.append(
                _("Session %(number)s is dated outside the cycle's period.")
                % {"number": session.number}
            )
    if certificate_min_sessions is not None and not (
        1 <= certificate_min_sessions <= len(sessions)
    ):
        errors.append(_("A certificate cannot need more sessions than the cycle has."))
    if WorkshopCycle.objects.filter(county=county, programme=programme, title=title).exists():
        errors.append(_("This county already has a cycle with this title in this edition."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_create(
    *,
    user,
    county: County,
    programme: Programme,
    title: str,
    date_start: datetime.date,
    date_end: datetime.date | None,
    certificate_min_sessions: int | None,
    sessions: list[PlannedSession],
) -> WorkshopCycle:
    """Create a planned cycle and its sessions (each one day, or undated).

    Refused with ``PermissionDenied`` for a county the user does not work for, and with
    ``ValidationError`` (every reason at once) for dates out of order or outside the
    edition, too many sessions, a certificate rule the sessions cannot meet, or a title
    the county already uses in the edition."""
    if not may_use_county(user, county):
        raise PermissionDenied
    title = title.strip()
    _checked(
        county=county,
        programme=programme,
        title=title,
        date_start=date_start,
        date_end=date_end,
        certificate_min_sessions=certificate_min_sessions,
        sessions=sessions,
    )
    cycle = WorkshopCycle(
        slug=cycle_slug(title, year=date_start.year),
        programme=programme,
        county=county,
        title=title,
        status=WorkshopCycle.Status.PLANNED,
        date_start=date_start,
        date_end=date_end,
        sessions_planned=len(sessions),
        certificate_min_sessions=certificate_min_sessions,
    )
    cycle._history_user = user  # the audit trail names who created it
    cycle.full_clean()
    cycle.save()
    _sessions_create(cycle, sessions, user=user)
    cycle_figures_refresh(cycle_ids=[cycle.pk])
    # A new cycle shows on its county's and edition's pages and in every list of cycles.
    public_data_changed(everything=True)
    return cycle


def _sessions_create(cycle: WorkshopCycle, sessions: list[PlannedSession], *, user) -> None:
    """The new cycle's sessions, in their order, each one day (or undated)."""
    for planned in sorted(sessions, key=lambda s: s.number):
        session = Session(
            cycle=cycle,
            ordinal=planned.number,
            kind=planned.kind,
            date_start=planned.date,
            venue=planned.venue.strip(),
            topic=planned.topic.strip(),
        )
        session._history_user = user
        session.full_clean()
        session.save()
