"""Public pages: home, counties, programme editions, events and sources.

Every page is for anonymous visitors, cached by ``public_cache`` and built in a fixed
number of queries whatever the number of records. No page reads attendees' personal
data: cycles show counts only.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sitemaps.views import index as sitemap_index_view
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from partnership.caching import public_cache
from programmes.facts import DatePrecision, FuzzyDate, Parts, PolishText
from programmes.models import (
    County,
    Organisation,
    PartnershipAgreement,
    Programme,
    ProgrammeEvent,
    Source,
)
from projects.models import ADOPTED_STATUSES, ProjectIdea, StatusChange
from workshops.figures import kept_periods, period_totals
from workshops.models import (
    CYCLE_YEAR_UNKNOWN,
    Session,
    WorkshopCycle,
)

from .charts import status_chart, year_charts
from .county_page import (
    county_agreements,
    county_cycles,
    county_events,
    county_for_page,
    county_ideas,
)
from .home_page import TIMELINE_LIMIT, build_timeline, home_records
from .idea_counts import idea_status_counts
from .legal import Operator
from .maps import county_map
from .participation import (
    counties_covered_by,
    counties_with_participation,
    county_ids_by_programme,
    programme_names_by_county,
    programmes_with_counts,
    took_part,
)
from .sitemaps import SITEMAPS
from .yearly import YearlyFigures, figures_by_year

MAZOVIA = "14"
# A county's tables of events and ideas longer than this are folded (<details>) below
# the summary (figures, map, chart); shorter ones stay open.
FOLD_ROWS = 8
PROGRAMME_CYCLES_SHOWN = 50


# --------------------------------------------------------------------------------------
# Home
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CyclePeriod:
    """The workshop cycles whose period starts in ``first_year`` and ends in
    ``last_year`` (``None``: the date, or its end, is not recorded), counted in the
    database, with the parts of the total of the sessions they held."""

    first_year: int | None
    last_year: int | None
    cycles: int
    counties: int
    sessions_held: Parts
    with_attendance: int  # the cycles with attendance reported for a session or more

    @property
    def dates(self) -> FuzzyDate:
        if self.first_year is None:
            return FuzzyDate(None, None)
        end = datetime.date(self.last_year, 12, 31) if self.last_year is not None else None
        return FuzzyDate(datetime.date(self.first_year, 1, 1), end, DatePrecision.YEAR)

    @property
    def url(self) -> str:
        """The list of the cycles of the first year (it includes these)."""
        year = CYCLE_YEAR_UNKNOWN if self.first_year is None else self.first_year
        return reverse("workshops:cycle_list") + "?" + urlencode({"year": year})


def cycle_periods(totals: list[dict] | None = None) -> list[CyclePeriod]:
    """Every workshop cycle counted once, per period, from the totals kept per period
    (``workshops.figures.kept_periods``: about fifteen rows), or ``totals`` already read
    (``period_totals``)."""
    return [
        CyclePeriod(
            first_year=row["first_year"],
            last_year=row["last_year"],
            cycles=row["cycles"],
            counties=row["counties"],
            sessions_held=Parts.from_row(row, "held"),
            with_attendance=row["with_attendance"],
        )
        for row in kept_periods(totals)
    ]


def headline_figures(*, periods: list[CyclePeriod], yearly: YearlyFigures) -> dict:
    """Totals for the home page from ``cycle_periods`` and the per-year figures of
    ``figures_by_year`` (no query of their own), as honest as if every cycle's and
    session's figure were added up one by one:

    - sessions held: each cycle's ``sessions_figure`` (see
      ``WorkshopCycleQuerySet.with_sessions_figure``);
    - participants as reported: the attendance reported for each session on record (a
      person who came to several sessions counts at each), the parts of every period's
      added up, with how many cycles it covers.
    """
    sessions_held, participants = Parts(), Parts()
    for period in periods:
        sessions_held.add(period.sessions_held)
    for period in yearly.session_periods:
        participants.add(period.attendance)
    return {
        "cycles": sum(p.cycles for p in periods),
        "sessions": sessions_held.figure,
        "participants": participants.figure,
        "cycles_with_attendance": sum(p.with_attendance for p in periods),
    }


def home_figures() -> tuple[list[CyclePeriod], YearlyFigures, dict]:
    """The cycles per period (the timeline's), the per-year figures (the charts') and
    the headline figures, in one query of the totals kept per period."""
    totals = period_totals()
    periods = cycle_periods(totals)
    yearly = figures_by_year(totals=totals)
    return periods, yearly, headline_figures(periods=periods, yearly=yearly)


@require_safe
@public_cache
def home(request):
    """The programme in figures, on the map, in charts and on a timeline, in a fixed
    number of queries whatever the number of cycles, sessions and ideas: every total is
    counted by the database or read from the counts kept per cycle (``home_figures``),
    and the cycles appear on the timeline counted per period. The other rows are read
    with SQL made once per process, in one round trip where the connection allows it
    (``portal.home_page``)."""
    periods, yearly, figures = home_figures()
    records = home_records(voivodeship=MAZOVIA)
    # Every idea has a status: the totals are the status counts (the chart's) added up.
    status_counts = idea_status_counts()  # ProjectIdea.objects.status_counts(), faster
    context = {
        "counties": records.participating,
        **figures,
        "ideas": sum(status_counts.values()),
        "adopted": sum(status_counts.get(status, 0) for status in ADOPTED_STATUSES),
        "timeline": build_timeline(
            agreements=records.agreements, events=records.events, periods=periods
        ),
        "timeline_limit": TIMELINE_LIMIT,
        "more_agreements": records.more_agreements,
        "more_events": records.more_events,
        "highlighted": records.highlighted,
        "programmes": records.editions,
        "county_map": county_map(voivodeship=MAZOVIA, counties=records.map_counties),
        **year_charts(yearly),
        "status_chart": status_chart(status_counts),
        "videos": records.videos,
    }
    return render(request, "portal/home.html", context)


def county_url(county) -> str:
    return reverse("portal:county_detail", kwargs={"slug": county.slug})


# --------------------------------------------------------------------------------------
# Counties
# --------------------------------------------------------------------------------------


@require_safe
@public_cache
def county_list(request):
    only_participating = request.GET.get("took_part") == "1"
    every_county = list(
        counties_with_participation(County.objects.in_voivodeship(MAZOVIA).alphabetical())
    )
    programme_names = programme_names_by_county()
    for county in every_county:
        county.programme_names = programme_names.get(county.pk, [])
    # The map shows every county; the table those the filter keeps.
    counties = [c for c in every_county if took_part(c)] if only_participating else every_county
    context = {
        "trail": [(reverse("portal:county_list"), _("Counties"))],
        "counties": counties,
        "only_participating": only_participating,
        "participating_count": sum(1 for county in counties if took_part(county)),
        "county_map": county_map(voivodeship=MAZOVIA, counties=every_county, table="below"),
    }
    return render(request, "portal/county_list.html", context)


@require_safe
@public_cache(scope="county")
def county_detail(request, slug):
    county = county_for_page(slug)  # with whether it has agreements and events
    # Rows rather than model instances with prefetched relations (portal.county_page).
    cycles = county_cycles(county)  # the counts kept per cycle (workshops.figures)
    ideas = county_ideas(county)
    context = {
        "trail": [
            (reverse("portal:county_list"), _("Counties")),
            (county_url(county), str(county)),
        ],
        "county": county,
        "agreements": county_agreements(county),
        "cycles": cycles,
        "events": county_events(county),
        "ideas": ideas,
        "adopted_count": sum(1 for idea in ideas if idea.status in ADOPTED_STATUSES),
        "county_map": county_map(
            voivodeship=county.voivodeship.code, current=county, table="elsewhere"
        ),
        # Counted from the ideas already read: no query of its own.
        "status_chart": status_chart(
            Counter(idea.status for idea in ideas), chart_id="county-status", all_statuses=False
        ),
        "FOLD_ROWS": FOLD_ROWS,
    }
    return render(request, "portal/county_detail.html", context)


# --------------------------------------------------------------------------------------
# Programme editions
# --------------------------------------------------------------------------------------


@require_safe
@public_cache
def programme_list(request):
    programmes = programmes_with_counts(Programme.objects.all()).select_related(
        "operator", "implementing_institution"
    )
    covered = county_ids_by_programme(programmes)
    programmes = list(programmes)
    for programme in programmes:
        programme.county_count = len(covered.get(programme.pk, ()))
    context = {
        "trail": [(reverse("portal:programme_list"), _("Programme editions"))],
        "programmes": programmes,
    }
    return render(request, "portal/programme_list.html", context)


@require_safe
@public_cache(scope="programme")
def programme_detail(request, slug):
    programme = get_object_or_404(
        Programme.objects.select_related("operator", "implementing_institution").prefetch_related(
            "sources"
        ),
        slug=slug,
    )
    # An edition of the national-scale synthetic data has ~530 cycles: the page shows
    # the first ones and links to the paginated cycle list of this edition. One more
    # than shown is read to know whether they need counting.
    programme_cycles = WorkshopCycle.objects.filter(programme=programme)
    cycles = list(
        programme_cycles.for_display().with_counts(kept=True)[: PROGRAMME_CYCLES_SHOWN + 1]
    )
    if len(cycles) > PROGRAMME_CYCLES_SHOWN:
        cycles = cycles[:PROGRAMME_CYCLES_SHOWN]
        cycle_count = programme_cycles.count()
    else:
        cycle_count = len(cycles)
    from_programme = Q(cycle__programme=programme) | Q(event__programme=programme)
    ideas = ProjectIdea.objects.filter(from_programme).aggregate(
        total=Count("pk", distinct=True),
        adopted=Count("pk", distinct=True, filter=Q(status__in=ADOPTED_STATUSES)),
    )
    context = {
        "trail": [
            (reverse("portal:programme_list"), _("Programme editions")),
            (request.path, PolishText(programme.name)),
        ],
        "programme": programme,
        "counties": list(counties_covered_by(programme)),
        "cycles": cycles,
        "cycle_count": cycle_count,
        "all_cycles_url": (
            reverse("workshops:cycle_list") + "?" + urlencode({"programme": programme.slug})
        ),
        "events": list(ProgrammeEvent.objects.filter(programme=programme).for_display()),
        "agreements": list(
            PartnershipAgreement.objects.filter(programme=programme).select_related("county")
        ),
        "idea_count": ideas["total"],
        "adopted_count": ideas["adopted"],
        **year_charts(figures_by_year(programme=programme)),
    }
    return render(request, "portal/programme_detail.html", context)


# --------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------


@require_safe
@public_cache
def event_detail(request, slug):
    event = get_object_or_404(
        ProgrammeEvent.objects.for_display().prefetch_related(
            "municipalities", "voivodeships", "speakers__person", "speakers__organisation"
        ),
        slug=slug,
    )
    trail = [(reverse("portal:programme_list"), _("Programme editions"))]
    if event.programme:
        trail.append(
            (
                reverse("portal:programme_detail", kwargs={"slug": event.programme.slug}),
                PolishText(event.programme.name),
            )
        )
    context = {
        "trail": [*trail, (request.path, PolishText(event.title))],
        "event": event,
        "ideas": list(event.project_ideas.select_related("county").order_by("title")),
    }
    return render(request, "portal/event_detail.html", context)


# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------


@require_safe
@public_cache
def source_list(request):
    context = {
        "trail": [(reverse("portal:source_list"), _("Sources"))],
        "sources": Source.objects.all(),
    }
    return render(request, "portal/source_list.html", context)


@require_safe
@public_cache
def source_detail(request, slug):
    source = get_object_or_404(Source, slug=slug)
    context = {
        "trail": [
            (reverse("portal:source_list"), _("Sources")),
            (request.path, PolishText(source.title)),
        ],
        "source": source,
        "programmes": list(Programme.objects.filter(sources=source)),
        "agreements": list(
            PartnershipAgreement.objects.filter(sources=source).select_related("county")
        ),
        "events": list(ProgrammeEvent.objects.filter(sources=source)),
        "cycles": list(WorkshopCycle.objects.filter(sources=source).select_related("county")),
        "sessions": list(
            Session.objects.filter(sources=source)
            .select_related("cycle")
            .order_by("cycle__date_start", "cycle__title", "ordinal")
        ),
        "ideas": list(ProjectIdea.objects.filter(sources=source).order_by("title")),
        "status_changes": list(
            StatusChange.objects.filter(sources=source)
            .select_related("project")
            .order_by("project__title", "date_start")
        ),
        "organisations": list(Organisation.objects.filter(sources=source)),
    }
    return render(request, "portal/source_detail.html", context)


# --------------------------------------------------------------------------------------
# Sitemap and robots.txt (the error pages are in partnership/errors.py)
# --------------------------------------------------------------------------------------


@require_safe
@public_cache
# --------------------------------------------------------------------------------------
# The pages a public body's site must have: accessibility, privacy, contact
# --------------------------------------------------------------------------------------


def _about_page(request, template: str, title, **extra):
    context = {
        "trail": [(request.path, title)],
        "operator": Operator.from_settings(),
        **extra,
    }
    return render(request, template, context)


@require_safe
@public_cache
def accessibility(request):
    """Deklaracja dostępności, in the structure of the statutory template (the element
    ids are those of the template, for the monitoring that reads them)."""
    return _about_page(
        request,
        "portal/accessibility.html",
        _("Accessibility declaration"),
        portal_url=request.build_absolute_uri(reverse("portal:home")),
    )


@require_safe
@public_cache
def privacy(request):
    """The privacy notice (RODO art. 13 and 14) for attendees and for visitors."""
    return _about_page(
        request,
        "portal/privacy.html",
        _("Privacy notice"),
        retention_years=settings.ATTENDEE_RETENTION_YEARS,
    )


@require_safe
@public_cache
def contact(request):
    return _about_page(request, "portal/contact.html", _("Contact"))


@require_safe
@public_cache
def sitemap(request):
    """The sitemap index: each section's sitemap, page by page."""
    return sitemap_index_view(
        request,
        sitemaps=SITEMAPS,
        template_name="portal/sitemap_index.xml",
        sitemap_url_name="sitemap_section",
    )


@require_safe
@public_cache
def sitemap_section(request, section):
    return sitemap_view(
        request, sitemaps=SITEMAPS, section=section, template_name="portal/sitemap.xml"
    )


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /en/admin/",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
