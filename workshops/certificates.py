"""Certificates: eligibility, issuing, revoking and re-issuing, and the PDF documents.

Numbers read ``<county TERYT>/<year>/<sequence>`` (e.g. ``1419/2017/001``): the sequence
runs per county and year, which is per cycle when a county holds one cycle a year. A new
number is the highest one taken plus one, under a lock; since no certificate is ever
deleted (the model and database triggers refuse it) and erasing a holder's personal data
keeps the certificate, a number is never given twice — across cycles, after a revocation,
after an erasure.

What a certificate prints is fixed at issue, the template included: the certificate
records the stored names of its template's images (``_template_snapshot``; an upload is
stored under a new random name and never overwrites one) and the sessions its holder
attended (``_sessions_snapshot``). Its PDF is drawn from those, never from the template
or the register as they are later, so neither a new logo nor a corrected register
changes a certificate already issued; re-issuing takes the template and sessions of the
day. Certificates issued before templates existed record neither and print as before.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partnership.caching import public_data_changed
from programmes.models import County

from .figures import cycle_figures_refresh
from .models import (
    Attendance,
    Attendee,
    Certificate,
    CertificateTemplate,
    Session,
    WorkshopCycle,
    to_roman,
)

# -- Services --------------------------------------------------------------------------


def eligible_attendees(*, cycle: WorkshopCycle):
    """Attendees who came to enough sessions and hold no valid certificate yet."""
    if cycle.certificate_min_sessions is None:
        return Attendee.objects.none()
    return (
        Attendee.objects.active()
        .filter(cycle=cycle)
        .annotate(sessions_attended=Count("attendances", distinct=True))
        .filter(sessions_attended__gte=cycle.certificate_min_sessions)
        .exclude(pk__in=Certificate.objects.valid().values("attendee_id"))
        .alphabetical()
    )


def certificate_eligibility(*, cycle: WorkshopCycle):
    """Every attendee of the cycle (erased ones left out) with ``sessions_attended`` and
    ``holds_certificate`` (a valid one), in name order: who may get a certificate, who
    may not and why, before anything is issued. Two columns computed in one query."""
    return (
        Attendee.objects.active()
        .filter(cycle=cycle)
        .annotate(
            sessions_attended=Count("attendances", distinct=True),
            holds_certificate=Exists(
                Certificate.objects.valid().filter(attendee_id=OuterRef("pk"))
            ),
        )
        .order_by("full_name", "pk")
    )


SESSION_DAY = Coalesce("date_end", "date_start")


def certificate_default_issue_date(*, cycle: WorkshopCycle) -> datetime.date:
    """The date the Certificates screen proposes: the day of the cycle's last session (or
    the end of its period when no session is dated), never later than today."""
    last = cycle.sessions.aggregate(last=Max(SESSION_DAY))["last"] or cycle.date_end
    today = timezone.localdate()
    return min(last, today) if last else today


def _last_session_attended(attendees) -> datetime.date | None:
    return Session.objects.filter(attendances__attendee__in=attendees).aggregate(
        last=Max(SESSION_DAY)
    )["last"]


def _session_day(session: Session) -> str | None:
    day = session.date_end or session.date_start
    return day.isoformat() if day else None


def _sessions_snapshot(attendee: Attendee) -> list[dict]:
    """The sessions an attendee came to, as the certificate records them: number and day
    (ISO, or None when not recorded)."""
    return [
        {"ordinal": a.session.ordinal, "date": _session_day(a.session)}
        for a in attendee.attendances.all()
    ]


def _template_snapshot(cycle: WorkshopCycle) -> dict:
    """What a certificate keeps of the cycle's template at issue: its images' stored names
    (never overwritten nor deleted, see ``models.certificate_image_path``)."""
    template = CertificateTemplate.objects.for_cycle(cycle)
    return {
        "logo": template.logo.name if template and template.logo else "",
        "signature": template.signature.name if template and template.signature else "",
    }


def _with_sessions(attendees):
    return attendees.prefetch_related(
        Prefetch(
            "attendances",
            queryset=Attendance.objects.select_related("session").order_by("session__ordinal"),
        )
    )


def _number_prefix(cycle: WorkshopCycle, issued_on: datetime.date) -> str:
    year = cycle.date_start.year if cycle.date_start else issued_on.year
    return f"{cycle.county.code}/{year}/"


def _reserve_numbering(cycle: WorkshopCycle, issued_on: datetime.date) -> tuple[str, int]:
    """The number prefix and the first free sequence number, under a lock on the county
    (inside the caller's transaction), so two requests never take the same number."""
    County.objects.select_for_update().get(pk=cycle.county_id)
    prefix = _number_prefix(cycle, issued_on)
    numbers = Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    used = [int(n.removeprefix(prefix)) for n in numbers if n.removeprefix(prefix).isdigit()]
    return prefix, max(used, default=0) + 1


def _checked_text(value: str, *, field: str) -> str:
    """Free text typed for a certificate ``field``, stripped; refused when it is longer
    than the field holds or has NUL bytes (the database would refuse it: a server error)."""
    text = value.strip()
    if "\x00" in text:
        raise ValidationError(_("The text contains a NUL character; retype it."))
    max_length = Certificate._meta.get_field(field).max_length
    if len(text) > max_length:
        raise ValidationError(
            _("The text is too long: at most %(max)d characters, this one has %(length)d.")
            % {"max": max_length, "length": len(text)}
        )
    return text


def _checked_issue_date(
    cycle: WorkshopCycle,
    issued_on: datetime.date | None,
    *,
    attended_until: datetime.date | None = None,
) -> datetime.date:
    """The date of issue, the cycle's last session by default: never in the future, never
    before the cycle began (when its start is known), never before the last session the
    holders attended (``attended_until``): a certificate confirms what came before it."""
    today = timezone.localdate()
    issued_on = issued_on or certificate_default_issue_date(cycle=cycle)
    if issued_on > today:
        raise ValidationError(
            _("The date of issue (%(date)s) is in the future; a certificate is dated when issued.")
            % {"date": formats.date_format(issued_on, "DATE_FORMAT")}
        )
    if cycle.date_start and issued_on < cycle.date_start:
        raise ValidationError(
            _("The date of issue (%(date)s) is before the cycle began (%(start)s).")
            % {
                "date": formats.date_format(issued_on, "DATE_FORMAT"),
                "start": formats.date_format(cycle.date_start, "DATE_FORMAT"),
            }
        )
    if attended_until and issued_on < attended_until:
        raise ValidationError(
            _(
                "The date of issue (%(date)s) is before the last session attended "
                "(%(session)s); a certificate is dated on or after the last session it confirms."
            )
            % {
                "date": formats.date_format(issued_on, "DATE_FORMAT"),
                "session": formats.date_format(attended_until, "DATE_FORMAT"),
            }
        )
    return issued_on


@transaction.atomic
def certificates_issue(
    *, cycle: WorkshopCycle, issued_by: str, issued_on: datetime.date | None = None
) -> list[Certificate]:
    """Issue a certificate to every eligible attendee of the cycle who has none, dated
    ``issued_on`` (by default the cycle's last session), with the cycle's template as it
    is now and each holder's sessions (``_snapshot_fields``)."""
    if cycle.certificate_min_sessions is None:
        raise ValidationError(
            _("Set the number of sessions needed for a certificate on the cycle first.")
        )
    if not issued_by.strip():
        raise ValidationError(_("Say who issues the certificates."))
    issued_by = _checked_text(issued_by, field="issued_by")
    eligible = eligible_attendees(cycle=cycle)
    issued_on = _checked_issue_date(
        cycle, issued_on, attended_until=_last_session_attended(eligible.values("pk"))
    )
    prefix, sequence = _reserve_numbering(cycle, issued_on)
    template = _template_snapshot(cycle)
    certificates = [
        Certificate(
            attendee=attendee,
            cycle=cycle,
            number=f"{prefix}{sequence + offset:03d}",
            issued_on=issued_on,
            issued_by=issued_by,
            sessions_attended=_sessions_snapshot(attendee),
            **template,
        )
        for offset, attendee in enumerate(_with_sessions(eligible))
    ]
    # Recorded in the audit trail like any other change (the user comes from the request).
    created = bulk_create_with_history(certificates, Certificate)
    cycle_figures_refresh(cycle_ids=[cycle.pk])
    public_data_changed(register=cycle)  # the cycle's page counts valid certificates
    return created


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    if not certificate.is_valid:
        raise ValidationError(_("This certificate has already been revoked."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for revoking the certificate."))
    reason = _checked_text(reason, field="revocation_reason")
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    cycle_figures_refresh(cycle_ids=[certificate.cycle_id])
    public_data_changed(register=certificate.cycle)  # counts and the public check change
    return certificate


@transaction.atomic
def certificate_reissue(
    *,
    certificate: Certificate,
    reason: str,
    issued_by: str | None = None,
    issued_on: datetime.date | None = None,
) -> Certificate:
    """Revoke a certificate and issue its holder a new one with a new number and code."""
    if certificate.attendee.anonymised_at:
        raise ValidationError(
            _("The holder's data has been erased; a new certificate cannot be issued.")
        )
    cycle = certificate.cycle
    attendee = _with_sessions(Attendee.objects.filter(pk=certificate.attendee_id)).get()
    issued_on = _checked_issue_date(
        cycle,
        issued_on or timezone.localdate(),
        attended_until=_last_session_attended([attendee]),
    )
    issued_by = _checked_text((issued_by or "").strip() or certificate.issued_by, field="issued_by")
    certificate_revoke(certificate=certificate, reason=reason)
    prefix, sequence = _reserve_numbering(cycle, issued_on)
    created = Certificate.objects.create(
        attendee=attendee,
        cycle=cycle,
        number=f"{prefix}{sequence:03d}",
        issued_on=issued_on,
        issued_by=issued_by,
        sessions_attended=_sessions_snapshot(attendee),
        **_template_snapshot(cycle),
    )
    cycle_figures_refresh(cycle_ids=[cycle.pk])
    public_data_changed(register=cycle)
    return created


# The longest verification code looked up (issued codes have 22 characters).
VERIFICATION_CODE_MAX_LENGTH = 64


def is_verification_code(code: str) -> bool:
    """Whether ``code`` has the shape of a verification code: letters, digits, "-" and
    "_" only (as the lookup form says), at most ``VERIFICATION_CODE_MAX_LENGTH`` of
    them. Anything else, a NUL byte included (which PostgreSQL refuses in a query), is
    never looked up: the lookup form says so, the verification page answers 404."""
    return (
        bool(code)
        and len(code) <= VERIFICATION_CODE_MAX_LENGTH
        and code.replace("-", "").replace("_", "").isalnum()
    )


def certificate_for_verification(code: str) -> Certificate | None:
    """The certificate behind a public verification code, or None (also for anything
    that is not shaped like one, see ``is_verification_code``)."""
    if not is_verification_code(code):
        return None
    return (
        Certificate.objects.select_related("attendee", "cycle", "cycle__county")
        .filter(verification_code=code)
        .first()
    )


def certificates_for_pdf(*, cycle: WorkshopCycle):
    return (
        Certificate.objects.valid()
        .filter(cycle=cycle)
        .filter(Q(attendee__anonymised_at__isnull=True))
        .select_related("attendee", "cycle", "cycle__county", "cycle__programme")
        .order_by("number")
    )


def sessions_text(sessions: list[dict]) -> str:
    """The sessions a certificate records, as printed: "I (25.05.2017), II (…)"."""
    if not sessions:
        return ""
    parts = []
    for session in sessions:
        number = to_roman(session["ordinal"])
        day = session.get("date")
        if day:
            date = formats.date_format(datetime.date.fromisoformat(day), "SHORT_DATE_FORMAT")
            number = f"{number} ({date})"
        parts.append(number)
    return _("Sessions attended: %(sessions)s") % {"sessions": ", ".join(parts)}


# -- PDF ---------------------------------------------------------------------------------


def certificates_pdf(
    certificates: Iterable[Certificate], *, verify_url_for, language: str = "pl"
) -> bytes:
    """One A4 page per certificate, in one PDF. ``verify_url_for(cert)`` gives the QR URL.

    Drawn by ``certificate_pdf``, imported on first use (reportlab takes 150 ms to import).
    """
    from .certificate_pdf import render_certificates

    return render_certificates(certificates, verify_url_for=verify_url_for, language=language)
