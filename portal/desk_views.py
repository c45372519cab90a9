"""The staff start page (``/admin/desk/``): where a login lands.

County staff see their counties' cycles with what is left to do and links to each
cycle's screens; coordinators (their voivodeships' counties) and administrators (every
county) see the counties they oversee, or are told that none is assigned to them yet. The
admin stays for reference data and rare edits. Reads: ``portal.desk``.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.scoping import is_coordinator, is_county_staff, may_see_reports, sees_all_counties
from workshops.cycle_views import CREATE_PERMISSIONS

from . import desk


@never_cache
def home(request):
    user = request.user
    today = timezone.localdate()
    context = {
        **admin.site.each_context(request),
        "title": _("Start page"),
        "today": today,
        "may_create_cycle": all(user.has_perm(p) for p in CREATE_PERMISSIONS),
        "may_see_reports": may_see_reports(user),
        "stale_months": desk.stale_idea_months(),
    }
    if sees_all_counties(user) or is_coordinator(user):
        context["counties"] = _with_last_activity(desk.coordinator_counties(user, today=today))
    elif is_county_staff(user):
        context["cycles"] = list(desk.county_cycles(user, today=today))
        stale = desk.stale_ideas(user, today=today)
        context["stale_count"] = stale.count()
        context["stale_ideas"] = list(stale[: desk.STALE_IDEAS_LISTED])
    return TemplateResponse(request, "staff/desk.html", context)


def _with_last_activity(counties) -> list:
    rows = list(counties)
    for county in rows:
        moments = [m for m in (county.last_cycle_change, county.last_attendance) if m]
        county.last_activity = max(moments) if moments else None
    return rows


def land_on_start_page(site: admin.AdminSite) -> None:
    """Make the admin's login land on the start page, unless it was given a ``next``."""
    login = site.login

    def login_to_start_page(request, extra_context=None):
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            extra_context = {**(extra_context or {}), REDIRECT_FIELD_NAME: reverse("desk:home")}
        return login(request, extra_context)

    site.login = login_to_start_page
