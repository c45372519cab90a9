"""Background tasks of the workshops (django-tasks; run by ``manage.py db_worker``).

Their arguments are record ids only: no address, name or link waits in the task table.
"""

from __future__ import annotations

import logging

from django.db.models import F
from django.utils import timezone
from django_tasks import task

from partnership.mail import delivery_error

from .models import CertificateDelivery

logger = logging.getLogger(__name__)
Status = CertificateDelivery.Status


def _finish(delivery_id: int, status: str, *, error: str = "") -> None:
    now = timezone.now()
    CertificateDelivery.objects.filter(pk=delivery_id).update(
        status=status,
        error=error,
        sent_at=now if status == Status.SENT else None,
        updated_at=now,
    )


@task()
def certificate_delivery_send(delivery_id: int) -> str:
    """E-mail one certificate (a ``CertificateDelivery``) to its holder, once.

    Returns what happened (``sent``, ``failed``, ``skipped``, or ``not queued`` when the
    delivery was sent, is being sent, or is gone); a failure to send is recorded on the
    delivery for staff to see and retry, not raised."""
    from .mailing import certificate_message, mail_refusal

    # Claim it: only the task that moves it from "queued" to "sending" sends it.
    claimed = CertificateDelivery.objects.filter(pk=delivery_id, status=Status.QUEUED).update(
        status=Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not claimed:
        return "not queued"
    delivery = CertificateDelivery.objects.select_related(
        "certificate__attendee", "certificate__cycle__county", "certificate__cycle__programme"
    ).get(pk=delivery_id)
    certificate = delivery.certificate
    refusal = mail_refusal(certificate)
    if refusal:
        _finish(delivery_id, Status.SKIPPED, error=refusal)
        return "skipped"
    try:
        certificate_message(certificate).send()
    except Exception as error:  # noqa: BLE001 - any failure is the delivery's, told to staff
        _finish(
            delivery_id,
            Status.FAILED,
            error=delivery_error(error, address=certificate.attendee.email),
        )
        # The log names the delivery only, never the address.
        logger.warning("certificate e-mail failed: delivery=%s", delivery_id)
        return "failed"
    _finish(delivery_id, Status.SENT)
    return "sent"


@task()
def cycle_completed_notify(cycle_id: int) -> int:
    """E-mail the coordinators that a cycle was completed; returns how many were sent.
    A failure is raised, so the task is recorded as failed (the admin's task list)."""
    from django.core.mail import get_connection

    from .models import WorkshopCycle
    from .notifications import cycle_completion_messages

    cycle = WorkshopCycle.objects.select_related("county", "programme").filter(pk=cycle_id).first()
    if cycle is None:
        return 0
    messages = cycle_completion_messages(cycle)
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception as error:
        # Without the server's answer, which may name an address.
        logger.warning("cycle completion e-mail failed: cycle=%s", cycle_id)
        raise RuntimeError(f"sending failed: {type(error).__name__}") from None
