"""Personal data of attendees: export on request, erasure, and retention.

Erasure keeps what the programme's figures need — the attendee row (so counts stay
right), their sector, attendance marks and certificates (a certificate stays valid, its
holder's name is gone) — and removes everything that identifies the person, including
earlier versions kept by the audit trail.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnership.caching import public_data_changed

from .figures import cycle_figures_refresh
from .models import Attendee, WorkshopCycle

PERSONAL_FIELDS = ("full_name", "organisation_name", "email", "phone", "consent_note")


def attendee_personal_data(*, attendee: Attendee) -> dict:
    """Everything the portal holds about one person, for a subject-access request."""
    cycle = attendee.cycle
    return {
        "attendee": {
            "full_name": attendee.full_name,
            "organisation": attendee.organisation_name,
            "sector": attendee.get_sector_display() if attendee.sector else "",
            "email": attendee.email,
            "phone": attendee.phone,
            "consent_note": attendee.consent_note,
            "email_consent": attendee.email_consent,
            "registered_at": attendee.created_at.isoformat(),
            "updated_at": attendee.updated_at.isoformat(),
        },
        "cycle": {
            "title": cycle.title,
            "county": str(cycle.county),
            "period": str(cycle.dates),
        },
        "sessions_attended": [
            {"number": a.session.roman, "date": str(a.session.dates), "venue": a.session.venue}
            for a in attendee.attendances.select_related("session").order_by("session__ordinal")
        ],
        "certificates": [
            {
                "number": c.number,
                "issued_on": c.issued_on.isoformat(),
                "issued_by": c.issued_by,
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
                "emailed_at": [
                    d.sent_at.isoformat()
                    for d in c.deliveries.filter(sent_at__isnull=False).order_by("sent_at")
                ],
            }
            for c in attendee.certificates.order_by("number")
        ],
    }


def _scrub_history(attendee_ids) -> None:
    history = getattr(Attendee, "history", None)
    if history is None:
        return
    history.model.objects.filter(id__in=attendee_ids).update(
        **dict.fromkeys(PERSONAL_FIELDS, ""), email_consent=False
    )


@transaction.atomic
def attendee_anonymise(*, attendee: Attendee) -> Attendee:
    """Erase one person's identifying data, keeping counts and certificate validity.

    The certificate check shows the holder's name: cached pages are invalidated after the
    commit."""
    if attendee.anonymised_at:
        return attendee
    for field in PERSONAL_FIELDS:
        setattr(attendee, field, "")
    attendee.email_consent = False
    attendee.anonymised_at = timezone.now()
    attendee.save()
    _scrub_history([attendee.pk])
    cycle_figures_refresh(cycle_ids=[attendee.cycle_id])  # no longer eligible
    public_data_changed(register=attendee.cycle)
    return attendee


def retention_cutoff(years: int | None = None, *, today: datetime.date | None = None):
    years = settings.ATTENDEE_RETENTION_YEARS if years is None else years
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def attendees_past_retention(*, years: int | None = None, today: datetime.date | None = None):
    """Attendees of cycles that ended (as far as known) before the retention cutoff."""
    cutoff = retention_cutoff(years, today=today)
    cycles = WorkshopCycle.objects.filter(date_end__lt=cutoff)
    return Attendee.objects.active().filter(cycle__in=cycles)


@transaction.atomic
def attendees_anonymise_expired(*, years: int | None = None) -> int:
    """Anonymise, in bulk, every attendee past the retention period. Returns how many."""
    attendees = attendees_past_retention(years=years)
    ids = list(attendees.values_list("pk", flat=True))
    cycles = set(attendees.values_list("cycle_id", flat=True).distinct())
    if not ids:
        return 0
    now = timezone.now()
    Attendee.objects.filter(pk__in=ids).update(
        **dict.fromkeys(PERSONAL_FIELDS, ""),
        email_consent=False,
        anonymised_at=now,
        updated_at=now,
    )
    _scrub_history(ids)
    cycle_figures_refresh(cycle_ids=cycles)  # no longer eligible
    public_data_changed(everything=True)  # cycles of every county
    return len(ids)
