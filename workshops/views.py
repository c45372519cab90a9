"""Public pages of workshop cycles: the list of cycles and one cycle with its sessions.

Attendees are personal data: these pages show how many registered and how many valid
certificates were issued, never who.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from partnership.caching import public_cache
from programmes.models import PartnershipAgreement
from programmes.views import cycle_sessions_figure
from projects.models import ProjectIdea

from .certificates import certificate_for_verification
from .models import CycleRole, WorkshopCycle


@require_safe
@public_cache
def cycle_list(request):
    cycles = list(WorkshopCycle.objects.for_display().with_counts())
    for cycle in cycles:
        cycle.sessions_figure = cycle_sessions_figure(cycle)
    context = {
        "trail": [(reverse("workshops:cycle_list"), _("Workshop cycles"))],
        "cycles": cycles,
    }
    return render(request, "workshops/cycle_list.html", context)


@require_safe
@public_cache
def cycle_detail(request, slug):
    cycle = get_object_or_404(
        WorkshopCycle.objects.for_display()
        .with_counts()
        .with_sessions()
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=CycleRole.objects.select_related("person", "organisation", "session"),
            ),
        ),
        slug=slug,
    )
    cycle.sessions_figure = cycle_sessions_figure(cycle)
    context = {
        "trail": [
            (reverse("workshops:cycle_list"), _("Workshop cycles")),
            (request.path, cycle.title),
        ],
        "cycle": cycle,
        "sessions": list(cycle.sessions.all()),
        "roles": list(cycle.roles.all()),
        "agreements": list(PartnershipAgreement.objects.filter(cycle=cycle).for_display()),
        "ideas": list(
            ProjectIdea.objects.filter(cycle=cycle).select_related("session").order_by("title")
        ),
    }
    return render(request, "workshops/cycle_detail.html", context)


@never_cache
def certificate_verify(request, code):
    """Public check of a certificate: valid or revoked, holder, cycle, date — nothing else."""
    certificate = certificate_for_verification(code)
    if certificate is None:
        response = render(
            request, "workshops/certificate_verify.html", {"certificate": None, "code": code[:64]}
        )
        response.status_code = 404
        return response
    return render(request, "workshops/certificate_verify.html", {"certificate": certificate})


def certificate_lookup(request):
    """A form where a code read from a paper certificate can be typed in."""
    code = (request.GET.get("code") or "").strip().replace("\x00", "")
    if code:
        if len(code) <= 64 and code.replace("-", "").replace("_", "").isalnum():
            return redirect("workshops:certificate_verify", code=code)
        return render(
            request,
            "workshops/certificate_lookup.html",
            {"error": _("A verification code has letters, digits, “-” and “_” only.")},
            status=400,
        )
    return render(request, "workshops/certificate_lookup.html", {})
