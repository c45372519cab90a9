"""Certificates e-mailed to their holders, in the background.

A staff request (the cycle's Certificates screen) records a ``CertificateMailing`` with
one ``CertificateDelivery`` per certificate, and queues one task per delivery
(``workshops.tasks.certificate_delivery_send``, run by ``manage.py db_worker``); the
request itself sends nothing. The task draws the PDF, e-mails it, and records the outcome
on the delivery, where the screen shows it.

Who gets one: the holder of a valid certificate whose personal data has not been erased,
who gave an e-mail address and agreed to receive e-mail (``Attendee.email_consent``). The
task checks this again when it runs, so a certificate revoked or a holder erased while
the e-mail waited in the queue is not sent.

Once sent, never again by accident: a task sends only a delivery it moves from *queued*
to *sending* itself (one conditional update, so two workers never both send it), and a
retry re-queues only a *failed* delivery. Sending a certificate again is a new delivery,
asked for explicitly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partnership.downloads import ascii_slug
from partnership.mail import portal_url

from .models import Certificate, CertificateDelivery, CertificateMailing, WorkshopCycle

Status = CertificateDelivery.Status
#: States in which a certificate is not e-mailed again by "send to all".
HANDLED = (Status.QUEUED, Status.SENDING, Status.SENT, Status.FAILED)
#: A delivery still "sending" after this long was interrupted (the worker stopped).
INTERRUPTED_AFTER = datetime.timedelta(minutes=15)


# -- Who can get one ----------------------------------------------------------------------


def mail_refusal(certificate: Certificate) -> str | None:
    """Why this certificate cannot be e-mailed now, or None when it can."""
    attendee = certificate.attendee
    if not certificate.is_valid:
        return _("The certificate has been revoked.")
    if attendee.anonymised_at:
        return _("The holder's personal data has been erased.")
    if not attendee.email:
        return _("The holder gave no e-mail address.")
    if not attendee.email_consent:
        return _("The holder has not agreed to receive e-mail.")
    return None


def mailable_certificates(*, cycle: WorkshopCycle) -> QuerySet[Certificate]:
    """The cycle's certificates that may be e-mailed to their holders."""
    return (
        Certificate.objects.valid()
        .filter(
            cycle=cycle,
            attendee__anonymised_at__isnull=True,
            attendee__email_consent=True,
        )
        .exclude(attendee__email="")
    )


# -- Services -----------------------------------------------------------------------------


def _queue(deliveries) -> None:
    """Queue a task for each delivery. Inside the caller's transaction: with the database
    backend the task rows are committed with the deliveries, or not at all."""
    from .tasks import certificate_delivery_send

    for delivery in deliveries:
        certificate_delivery_send.enqueue(delivery_id=delivery.pk)


@transaction.atomic
def certificates_mail(*, cycle: WorkshopCycle, requested_by) -> CertificateMailing:
    """E-mail every certificate of the cycle that may be e-mailed and has not been yet
    (nor is queued, nor failed: failures are retried with ``deliveries_retry``)."""
    # One request at a time per cycle, so a double click queues nothing twice.
    WorkshopCycle.objects.select_for_update().filter(pk=cycle.pk).first()
    handled = CertificateDelivery.objects.filter(
        certificate__cycle=cycle, status__in=HANDLED
    ).values("certificate_id")
    certificates = list(mailable_certificates(cycle=cycle).exclude(pk__in=handled))
    if not certificates:
        raise ValidationError(
            _(
                "No certificate is waiting to be e-mailed: every holder who agreed to e-mail "
                "has been sent theirs or is queued."
            )
        )
    mailing = CertificateMailing.objects.create(
        cycle=cycle, requested_by=requested_by, whole_cycle=True
    )
    deliveries = CertificateDelivery.objects.bulk_create(
        CertificateDelivery(mailing=mailing, certificate=certificate)
        for certificate in certificates
    )
    _queue(deliveries)
    return mailing


@transaction.atomic
def certificate_mail(*, certificate: Certificate, requested_by) -> CertificateDelivery:
    """E-mail one certificate to its holder (again, if it was sent before)."""
    certificate = (
        Certificate.objects.select_for_update().select_related("attendee").get(pk=certificate.pk)
    )
    refusal = mail_refusal(certificate)
    if refusal:
        raise ValidationError(refusal)
    if certificate.deliveries.filter(status__in=(Status.QUEUED, Status.SENDING)).exists():
        raise ValidationError(
            _("Certificate %(number)s is already waiting to be e-mailed.")
            % {"number": certificate.number}
        )
    mailing = CertificateMailing.objects.create(
        cycle_id=certificate.cycle_id, requested_by=requested_by, whole_cycle=False
    )
    delivery = CertificateDelivery.objects.create(mailing=mailing, certificate=certificate)
    _queue([delivery])
    return delivery


def retryable(queryset: QuerySet[CertificateDelivery]) -> QuerySet[CertificateDelivery]:
    """Deliveries that failed, or were interrupted while sending."""
    interrupted = Q(status=Status.SENDING, updated_at__lt=timezone.now() - INTERRUPTED_AFTER)
    return queryset.filter(Q(status=Status.FAILED) | interrupted)


@transaction.atomic
def deliveries_retry(*, deliveries: QuerySet[CertificateDelivery]) -> int:
    """Queue failed (or interrupted) deliveries again; returns how many."""
    again = list(retryable(deliveries).select_for_update(of=("self",)))
    for delivery in again:
        delivery.status = Status.QUEUED
        delivery.error = ""
        delivery.updated_at = timezone.now()
    CertificateDelivery.objects.bulk_update(again, ["status", "error", "updated_at"])
    _queue(again)
    return len(again)


# -- The e-mail ---------------------------------------------------------------------------


def certificate_filename(certificate: Certificate) -> str:
    """``certyfikat-1419-2017-001.pdf``, as the staff download names it."""
    return f"certyfikat-{ascii_slug(certificate.number.replace('/', '-'))}.pdf"


def _verify_url(certificate: Certificate) -> str:
    return portal_url(
        reverse("workshops:certificate_verify", kwargs={"code": certificate.verification_code})
    )


def certificate_message(certificate: Certificate) -> EmailMessage:
    """The e-mail to the holder, in Polish, with the certificate as a PDF attachment."""
    from .certificates import certificates_pdf

    with translation.override("pl"):
        cycle = certificate.cycle
        verify_url = _verify_url(certificate)
        subject = _("Certificate %(number)s: %(cycle)s") % {
            "number": certificate.number,
            "cycle": cycle.title,
        }
        body = _(
            "Good morning,\n\n"
            "attached is your certificate no. %(number)s of taking part in the workshop "
            "cycle “%(cycle)s” (%(county)s).\n\n"
            "Anyone can check that the certificate is genuine at:\n%(url)s\n\n"
            "You receive this e-mail because you agreed to receive e-mail from the county "
            "labour office. Please do not reply to it; if anything is wrong with the "
            "certificate, contact the office that held the cycle.\n\n"
            "Local Partnership Portal\n%(portal)s\n"
        ) % {
            "number": certificate.number,
            "cycle": cycle.title,
            "county": str(cycle.county),
            "url": verify_url,
            "portal": portal_url("/"),
        }
        pdf = certificates_pdf([certificate], verify_url_for=_verify_url, language="pl")
    message = EmailMessage(
        subject=" ".join(subject.split())[:200],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[certificate.attendee.email],
    )
    message.attach(certificate_filename(certificate), pdf, "application/pdf")
    return message


# -- What the Certificates screen shows -----------------------------------------------------


@dataclass(frozen=True)
class MailingState:
    """The e-mailing of a cycle's certificates, for the Certificates screen."""

    rows: list[Certificate]  # valid certificates, each with ``latest_delivery`` (or None)
    counts: dict[str, int]  # per delivery status of the latest deliveries, and "waiting"
    unreachable: int  # valid certificates whose holder gave no address or no consent
    failures: list[CertificateDelivery]
    last_mailing: CertificateMailing | None

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> int:
        return self.counts.get(Status.SENT, 0) + self.counts.get(Status.SKIPPED, 0)

    @property
    def in_progress(self) -> bool:
        return bool(self.counts.get(Status.QUEUED, 0) + self.counts.get(Status.SENDING, 0))


def mailing_state(*, cycle: WorkshopCycle) -> MailingState:
    """Each mailable certificate of the cycle with its latest delivery, and the counts
    (four queries, whatever the number of certificates)."""
    latest = CertificateDelivery.objects.order_by("certificate_id", "-created_at", "-pk")
    rows = list(
        mailable_certificates(cycle=cycle)
        .select_related("attendee")
        .prefetch_related(Prefetch("deliveries", queryset=latest, to_attr="delivery_list"))
        .order_by("number")
    )
    counts: dict[str, int] = {}
    failures = []
    stale = timezone.now() - INTERRUPTED_AFTER
    for certificate in rows:
        delivery = certificate.delivery_list[0] if certificate.delivery_list else None
        certificate.latest_delivery = delivery
        key = delivery.status if delivery else "waiting"
        counts[key] = counts.get(key, 0) + 1
        if delivery and (
            delivery.status == Status.FAILED
            or (delivery.status == Status.SENDING and delivery.updated_at < stale)
        ):
            failures.append(delivery)
    unreachable = (
        Certificate.objects.valid()
        .filter(cycle=cycle, attendee__anonymised_at__isnull=True)
        .aggregate(n=Count("pk", filter=Q(attendee__email="") | Q(attendee__email_consent=False)))[
            "n"
        ]
    )
    return MailingState(
        rows=rows,
        counts=counts,
        unreachable=unreachable,
        failures=failures,
        last_mailing=CertificateMailing.objects.filter(cycle=cycle, whole_cycle=True)
        .select_related("requested_by")
        .first(),
    )
