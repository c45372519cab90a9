"""Coordinators told, by e-mail, when a county closes a workshop cycle.

``cycle_completion_notify`` is called by the write path that completes a cycle (the
cycle's admin form, ``WorkshopCycleAdmin.save_model``), inside its transaction; the
e-mails are sent by a background task (``workshops.tasks.cycle_completed_notify``), one
to each coordinator that ``accounts.scoping.coordinators_to_notify`` names.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.scoping import coordinators_to_notify
from partnership.mail import portal_url

from .models import Attendee, Certificate, WorkshopCycle


def cycle_completion_notify(*, cycle: WorkshopCycle) -> None:
    """Queue the e-mail to the coordinators about a cycle just completed."""
    from .tasks import cycle_completed_notify

    cycle_completed_notify.enqueue(cycle_id=cycle.pk)


def cycle_completion_messages(cycle: WorkshopCycle) -> list[EmailMessage]:
    """One e-mail to each coordinator to notify (in Polish, the staff's language)."""
    recipients = list(coordinators_to_notify(county=cycle.county).values_list("email", flat=True))
    if not recipients:
        return []
    with translation.override("pl"):
        values = {
            "county": str(cycle.county),
            "cycle": cycle.title,
            "period": str(cycle.dates),
            "attendees": Attendee.objects.filter(cycle=cycle).count(),
            "certificates": Certificate.objects.valid().filter(cycle=cycle).count(),
            "url": portal_url(reverse("admin:workshops_workshopcycle_change", args=[cycle.pk])),
        }
        subject = _("%(county)s closed the cycle “%(cycle)s”") % values
        body = (
            _(
                "%(county)s has marked the workshop cycle “%(cycle)s” (%(period)s) as "
                "completed.\n\n"
                "Registered attendees: %(attendees)s. Valid certificates: %(certificates)s.\n\n"
                "The cycle in the portal's admin:\n%(url)s\n\n"
                "Local Partnership Portal\n"
            )
            % values
        )
    subject = " ".join(subject.split())[:200]
    return [
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
        for to in recipients
    ]
