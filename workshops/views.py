"""Public pages of workshop cycles: the list of cycles and one cycle with its sessions.

Attendees are personal data: these pages show how many registered and how many valid
certificates were issued, never who.
"""

from __future__ import annotations

import functools
import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.security import log_event
from partnership import ratelimits
from partnership.caching import public_cache
from programmes.facts import PolishText
from programmes.models import Programme

from .certificates import (
    VERIFICATION_CODE_MAX_LENGTH,
    certificate_for_verification,
    is_verification_code,
)
from .models import CYCLE_YEAR_UNKNOWN, CycleRole, WorkshopCycle

CYCLES_PER_PAGE = 50
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")


def _cycle_year(value: str | None) -> int | str | None:
    """The ``year`` of the cycle list: a year, ``CYCLE_YEAR_UNKNOWN``, or None (all)."""
    value = (value or "").strip()
    if value == CYCLE_YEAR_UNKNOWN:
        return value
    if value.isascii() and value.isdigit() and len(value) == 4 and value[0] != "0":
        return int(value)
    return None


def _programme_for(request) -> Programme | None:
    """The programme edition of ``?programme=`` (None when not given); 404 when it names
    none. Only a well-formed slug reaches the database (PostgreSQL refuses NUL bytes)."""
    slug = (request.GET.get("programme") or "").strip()
    if not slug:
        return None
    if len(slug) > 160 or not SLUG_RE.fullmatch(slug):
        raise Http404
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404
    return programme


def _cycles_of(*, programme: Programme | None, year: int | str | None):
    cycles = WorkshopCycle.objects.all()
    if programme is not None:
        cycles = cycles.filter(programme=programme)
    if year == CYCLE_YEAR_UNKNOWN:
        return cycles.undated()
    if year is not None:
        return cycles.in_year(year)
    return cycles


def _canonical_url(request, params: dict, page) -> str:
    canonical_params = dict(params, page=page.number) if page.number > 1 else params
    url = request.build_absolute_uri(request.path)
    return url + "?" + urlencode(canonical_params) if canonical_params else url


@require_safe
@public_cache
def cycle_list(request):
    """Every workshop cycle, 50 to a page, or those of one year (whose period includes
    it) or with an unknown date: the home page's timeline leads here. ``?programme=``
    narrows it to one programme edition (its page links here when it has many cycles)."""
    programme = _programme_for(request)
    year = _cycle_year(request.GET.get("year"))
    cycles = _cycles_of(programme=programme, year=year)
    # Page through the ids, then count sessions and ideas for the page's cycles only
    # (the page's ids are a subquery: still two queries).
    page = Paginator(cycles.values_list("pk", flat=True), CYCLES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(
        WorkshopCycle.objects.filter(pk__in=page.object_list)
        .select_related("programme", "county")
        .with_counts()
    )
    params = {"programme": programme.slug} if programme else {}
    if year is not None:
        params["year"] = year
    context = {
        "trail": [(reverse("workshops:cycle_list"), _("Workshop cycles"))],
        "cycles": page.object_list,
        "page_obj": page,
        "year": year,
        "year_unknown": year == CYCLE_YEAR_UNKNOWN,
        "programme": programme,
        "filter_query": urlencode(params),
        "canonical_url": _canonical_url(request, params, page),
    }
    return render(request, "workshops/cycle_list.html", context)


@require_safe
@public_cache(scope="cycle")
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
    context = {
        "trail": [
            (reverse("workshops:cycle_list"), _("Workshop cycles")),
            (request.path, PolishText(cycle.title)),
        ],
        "cycle": cycle,
        "sessions": cycle.session_list,
        "roles": list(cycle.roles.all()),
        "agreements": list(cycle.agreements.for_display()),
        "ideas": list(cycle.project_ideas.select_related("session").order_by("title")),
    }
    return render(request, "workshops/cycle_detail.html", context)


CERTIFICATE_CHECKS = "certificate-checks"


def _certificate_checks_over_limit(request, *, counting: bool) -> dict | None:
    """The usage when this address is over ``CERTIFICATE_VERIFY_RATE``, counting this
    request or only looking."""
    rate = settings.CERTIFICATE_VERIFY_RATE
    if not counting:
        return ratelimits.reached(request, group=CERTIFICATE_CHECKS, rate=rate)
    usage = ratelimits.count(request, group=CERTIFICATE_CHECKS, rate=rate)
    if usage is None or not usage["should_limit"]:
        return None
    if usage["count"] == usage["limit"] + 1:  # once a window, not for every refusal
        log_event("certificate_checks_limited", request, user_id="-", level=logging.WARNING)
    return usage


def limit_certificate_checks(view):
    """Refuse certificate checks over ``CERTIFICATE_VERIFY_RATE`` from one address: 429.

    The outermost decorator of both views, so that nothing answers over the limit, not
    even a cache. A check counts once: every request of the verification page counts; a
    lookup form submitted with a code is refused over the limit too, but counts only when
    it answers itself (400), as its redirect leads to the verification page, which counts.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        verifying = "code" in kwargs
        if not verifying and "code" not in request.GET:
            return view(request, *args, **kwargs)  # the empty form
        usage = _certificate_checks_over_limit(request, counting=verifying)
        if usage is not None:
            return ratelimits.too_many_requests(
                request,
                "workshops/certificate_checks_limited.html",
                {},
                seconds=ratelimits.retry_after(usage),
            )
        response = view(request, *args, **kwargs)
        if not verifying and response.status_code == 400:
            _certificate_checks_over_limit(request, counting=True)
        return response

    return wrapped


@limit_certificate_checks
@never_cache
def certificate_verify(request, code):
    """Public check of a certificate: valid or revoked, number, holder, cycle, date — nothing
    else."""
    certificate = certificate_for_verification(code)
    if certificate is None:
        response = render(
            request,
            "workshops/certificate_verify.html",
            {"certificate": None, "code": code[:VERIFICATION_CODE_MAX_LENGTH]},
        )
        response.status_code = 404
        return response
    return render(request, "workshops/certificate_verify.html", {"certificate": certificate})


@limit_certificate_checks
@never_cache
def certificate_lookup(request):
    """A form where a code read from a paper certificate can be typed in."""
    code = (request.GET.get("code") or "").strip().replace("\x00", "")
    if code:
        if is_verification_code(code):
            return redirect("workshops:certificate_verify", code=code)
        return render(
            request,
            "workshops/certificate_lookup.html",
            {"error": _("A verification code has letters, digits, “-” and “_” only.")},
            status=400,
        )
    return render(request, "workshops/certificate_lookup.html", {})
