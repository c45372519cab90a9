"""The programme-wide report page and its CSV/XLSX downloads (staff only).

Who sees what is decided by ``accounts.scoping`` (``counties_for_user``): superusers and
administrators see every county and the records without one, voivodeship coordinators
their voivodeships' counties, county staff their own counties, anyone else nothing
(anonymous users are sent to the admin login, other users get a 403). A county the user
may not see is a form error, and the figures, charts and exports cover only the counties
passed to ``reports.services``.
"""

from __future__ import annotations

import functools
import hashlib

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.scoping import counties_for_user, may_see_reports, sees_all_counties
from partnership.csvfiles import DIALECTS, EXCEL_PL
from partnership.downloads import as_download

from .exports import CONTENT_TYPES, FORMATS, TABLES, render_csv, render_xlsx, table_rows
from .forms import ReportFilterForm
from .services import CACHE_TIMEOUT, Report, ReportFilters, cache_key, cached_report

TABLE_TITLES = {
    "summary": lambda: _("Summary by programme edition"),
    "counties": lambda: _("Counties compared"),
    "years": lambda: _("By year"),
    "sectors": lambda: _("Participants by sector"),
    "rates": lambda: _("Attendance rate of sessions"),
    "statuses": lambda: _("Project ideas by status"),
}


def staff_report_view(view):
    """Anonymous users go to the admin login; users without a staff role get a 403; the
    response is never stored by a shared cache or the browser."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not may_see_reports(request.user):
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response

    return wrapped


def _viewer_counties(request) -> tuple[int, ...] | None:
    """The ids of the counties the user may see (``accounts.scoping``), or None for every
    county and the records without one; read once a request."""
    if not hasattr(request, "_report_counties"):
        user = request.user
        request._report_counties = (
            None
            if sees_all_counties(user)
            else tuple(sorted(counties_for_user(user).values_list("pk", flat=True)))
        )
    return request._report_counties


def _scope_for(request) -> tuple[ReportFilterForm, ReportFilters | None, tuple[int, ...] | None]:
    """The filter form bound to the query string and, when it is valid, the filters and
    the counties to report on (None: every county, and records without one)."""
    choices = counties_for_user(request.user)
    form = ReportFilterForm(request.GET or None, counties=choices)
    if request.GET and not form.is_valid():
        return form, None, None
    if request.GET:
        filters, selected = form.filters(), form.selected_county_ids()
    else:
        form = ReportFilterForm(counties=choices)
        filters, selected = ReportFilters(), ()
    return form, filters, selected or _viewer_counties(request)


def _report_for(request) -> tuple[ReportFilterForm, Report | None]:
    """The filter form bound to the query string and, when it is valid, the report."""
    form, filters, counties = _scope_for(request)
    if filters is None:
        return form, None
    return form, cached_report(filters=filters, counties=counties)


def _chart(kind: str, labels, datasets, *, note: str = "") -> dict:
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "datasets": datasets,
        "note": note,
    }


def _dataset(label: str, figures_or_numbers) -> dict:
    """A chart series; a figure that is not exact is flagged so the chart can draw it
    lighter and say so; unknown values are gaps (null), never 0."""
    data, inexact = [], []
    for item in figures_or_numbers:
        value = getattr(item, "value", item)
        data.append(value)
        inexact.append(hasattr(item, "is_exact") and not item.is_exact)
    return {"label": str(label), "data": data, "inexact": inexact}


def chart_data(report: Report) -> dict:
    """The data of the report's charts, one per table."""
    return {
        "summary": _summary_chart(report.by_programme),
        "counties": _counties_chart(report.by_county),
        "years": _years_chart(report.by_year),
        "sectors": _sectors_chart(report.sectors),
        "rates": _rates_chart(report.rate_bands),
        "statuses": _statuses_chart(report.statuses),
    }


def _summary_chart(programmes) -> dict:
    return _chart(
        "bar",
        [row.name for row in programmes],
        [
            _dataset(
                _("Attendance as reported"),
                [row.measures.attendance_reported_figure for row in programmes],
            ),
            _dataset(
                _("Registered attendance"),
                [row.measures.registered_attendance for row in programmes],
            ),
        ],
        note=_("Lighter bars include approximate or incomplete figures."),
    )


def _counties_chart(counties) -> dict:
    return _chart(
        "bar",
        [row.label for row in counties],
        [
            _dataset(_("Workshop cycles"), [row.measures.cycles for row in counties]),
            _dataset(_("Project ideas"), [row.measures.ideas for row in counties]),
            _dataset(_("Selected for implementation"), [row.measures.selected for row in counties]),
        ],
    )


def _years_chart(years) -> dict:
    return _chart(
        "bar",
        [row.label for row in years],
        [
            _dataset(_("Workshop cycles"), [row.cycles for row in years]),
            _dataset(_("Sessions on record"), [row.sessions for row in years]),
            _dataset(_("Project ideas"), [row.ideas for row in years]),
            _dataset(_("Programme events"), [row.events for row in years]),
        ],
        note=_("Records whose year is not known precisely are shown in separate buckets."),
    )


def _sectors_chart(sectors) -> dict:
    return _chart(
        "bar",
        [row.label for row in sectors],
        [
            _dataset(_("Registered attendees"), [row.attendees for row in sectors]),
            _dataset(
                _("Participants (present at least once)"), [row.participants for row in sectors]
            ),
        ],
    )


def _rates_chart(bands) -> dict:
    return _chart(
        "bar",
        [row.label for row in bands],
        [_dataset(_("Sessions"), [row.sessions for row in bands])],
    )


def _statuses_chart(statuses) -> dict:
    return _chart(
        "bar",
        [row.label for row in statuses],
        [_dataset(_("Project ideas"), [row.ideas for row in statuses])],
    )


def _export_links(request) -> dict:
    query = request.GET.urlencode()
    links = {}
    for table in TABLES:
        links[table] = [
            (
                fmt.upper(),
                reverse("reports:export", kwargs={"table": table, "fmt": fmt})
                + (f"?{query}" if query else ""),
            )
            for fmt in FORMATS
        ]
    return links


def _viewer_scope(request) -> str:
    """Whose county choices the filter form offers: part of the rendered body's key."""
    counties = _viewer_counties(request)
    return "all" if counties is None else ",".join(str(pk) for pk in counties)


def _render_body(request, form: ReportFilterForm, report: Report | None) -> str:
    context = {
        "form": form,
        "report": report,
        "sees_all": sees_all_counties(request.user),
        "no_counties": _viewer_counties(request) == (),
        "export_links": _export_links(request),
    }
    if report is not None:
        context["charts"] = chart_data(report)
        context["selected_programmes"] = form.cleaned_data.get("programme") if form.is_bound else []
        context["selected_counties"] = form.cleaned_data.get("county") if form.is_bound else []
    return render_to_string("reports/_body.html", context, request=request)


def _report_body(request) -> tuple[str, bool]:
    """The filters, tables and chart data as HTML, and whether the filters were valid.

    A valid report's body is rendered once and kept in the cache beside the report (at
    national scale its 380 county rows take longer to render than the report takes to
    read from the cache); a cached body is served without reading the report at all.
    The key holds the report's key (data version, language, scope, filters), the query
    string the export links repeat and the county choices the form offers this user.
    The body holds no CSRF token or other per-user secret: the filter form is a GET form.
    """
    form, filters, counties = _scope_for(request)
    if filters is None:
        return _render_body(request, form, None), False
    query = request.GET.urlencode()
    digest = hashlib.sha256(f"{query}|{_viewer_scope(request)}".encode()).hexdigest()
    key = f"{cache_key(filters=filters, counties=counties)}:body:{digest}"
    body = cache.get(key)
    if body is None:
        report = cached_report(filters=filters, counties=counties)
        body = _render_body(request, form, report)
        cache.set(key, body, CACHE_TIMEOUT)
    return body, True


@require_safe
@staff_report_view
def overview(request):
    body, valid = _report_body(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Programme reports"),
        "body": mark_safe(body),  # noqa: S308 - rendered from our own template
        "printed_at": timezone.now(),
    }
    return render(request, "reports/overview.html", context, status=200 if valid else 400)


@require_safe
@staff_report_view
def export(request, table: str, fmt: str):
    if table not in TABLES or fmt not in FORMATS:
        raise Http404
    form, report = _report_for(request)
    if report is None:
        errors = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    dialect = request.GET.get("dialect", EXCEL_PL)
    if fmt == "csv" and dialect not in DIALECTS:
        message = _("Unknown CSV dialect; choose one of: %(dialects)s.") % {
            "dialects": ", ".join(DIALECTS)
        }
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    header, body = table_rows(report, table)
    if fmt == "csv":
        content = render_csv(header, body, dialect=dialect)
    else:
        content = render_xlsx(header, body, title=TABLE_TITLES[table]())
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    stamp = report.generated_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d")
    return as_download(response, f"partnerstwo-lokalne-raport-{table}-{stamp}.{fmt}")
