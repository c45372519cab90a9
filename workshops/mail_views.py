"""E-mailing certificates from the cycle's Certificates screen (``mailing.py`` does it).

Both views take POSTs only (a GET goes back to the screen) and need
``workshops.email_certificate`` (county staff and administrators); the cycle or the
certificate is found through ``for_user``, so another county's is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from .mailing import certificate_mail, certificates_mail, deliveries_retry
from .models import Certificate, CertificateDelivery, WorkshopCycle

PERMISSION = "workshops.email_certificate"


def _screen(admin_site, cycle_id: int, anchor: str = "mailing") -> str:
    url = reverse(f"{admin_site.name}:workshops_workshopcycle_certificates", args=[cycle_id])
    return f"{url}#{anchor}"


def _retried_message(request, count: int) -> None:
    if count:
        messages.success(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("Nothing to retry: no e-mail has failed."))


@never_cache
def certificates_email(request, pk, *, admin_site):
    """``action=all``: e-mail every certificate not e-mailed yet; ``action=retry``: queue
    every failed e-mail of the cycle again."""
    cycle = get_object_or_404(WorkshopCycle.objects.for_user(request.user), pk=pk)
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(_screen(admin_site, cycle.pk))
    if request.POST.get("action") == "retry":
        count = deliveries_retry(
            deliveries=CertificateDelivery.objects.filter(certificate__cycle=cycle)
        )
        _retried_message(request, count)
        return redirect(_screen(admin_site, cycle.pk))
    try:
        mailing = certificates_mail(cycle=cycle, requested_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        count = mailing.deliveries.count()
        messages.success(
            request,
            ngettext(
                "%(count)d certificate queued for e-mail; it is sent in the background.",
                "%(count)d certificates queued for e-mail; they are sent in the background.",
                count,
            )
            % {"count": count},
        )
    return redirect(_screen(admin_site, cycle.pk))


@never_cache
def certificate_email(request, pk, *, admin_site):
    """``action=send``: e-mail this certificate (again); ``action=retry``: queue its
    failed e-mail again."""
    certificate = get_object_or_404(
        Certificate.objects.for_user(request.user).select_related("attendee"), pk=pk
    )
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    back = _screen(admin_site, certificate.cycle_id, f"mail-{certificate.pk}")
    if request.method != "POST":
        return redirect(back)
    if request.POST.get("action") == "retry":
        _retried_message(request, deliveries_retry(deliveries=certificate.deliveries.all()))
        return redirect(back)
    try:
        certificate_mail(certificate=certificate, requested_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Certificate %(number)s queued for e-mail to its holder.")
            % {"number": certificate.number},
        )
    return redirect(back)
