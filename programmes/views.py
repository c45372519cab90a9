"""Public pages: home, counties, programme editions, events and sources.

Every page is for anonymous visitors, cached by ``public_cache`` and built in a fixed
number of queries whatever the number of records. No page reads attendees' personal
data: cycles show counts only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from partnership.caching import public_cache
from projects.models import ADOPTED_STATUSES, ProjectIdea, StatusChange
from workshops.models import Session, WorkshopCycle

from .facts import Figure, FuzzyDate, held_sessions_figure, sum_figures
from .models import (
    County,
    Organisation,
    PartnershipAgreement,
    Programme,
    ProgrammeEvent,
    Source,
)
from .sitemaps import SITEMAPS

MAZOVIA = "14"
HIGHLIGHTED_PROJECTS = 6


# --------------------------------------------------------------------------------------
# Home
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # "agreement", "event" or "cycle"
    kind_label: str
    title: str
    dates: FuzzyDate
    url: str
    county: County | None = None
    descriptive_title: bool = False


def _timeline_sort_key(item: TimelineItem):
    # A stable sort: items of one kind on one date keep their querysets' order.
    start = item.dates.start
    return (
        start is None,
        start.toordinal() if start else 0,
        ("agreement", "event", "cycle").index(item.kind),
    )


def build_timeline(*, agreements, events, cycles) -> list[TimelineItem]:
    """One list of agreements, events and cycles by start date; unknown dates last."""
    items = [
        TimelineItem(
            kind="agreement",
            kind_label=_("Agreement"),
            title=agreement.title,
            dates=agreement.dates,
            url=county_url(agreement.county) + f"#agreement-{agreement.slug}",
            county=agreement.county,
        )
        for agreement in agreements
    ]
    items += [
        TimelineItem(
            kind="event",
            kind_label=event.get_kind_display(),
            title=event.title,
            dates=event.dates,
            url=reverse("programmes:event_detail", kwargs={"slug": event.slug}),
            county=event.county,
        )
        for event in events
    ]
    items += [
        TimelineItem(
            kind="cycle",
            kind_label=_("Workshop cycle"),
            title=cycle.title,
            dates=cycle.dates,
            url=cycle.get_absolute_url(),
            county=cycle.county,
            descriptive_title=cycle.title_is_descriptive,
        )
        for cycle in cycles
    ]
    return sorted(items, key=_timeline_sort_key)


def cycle_sessions_figure(cycle) -> Figure:
    """Sessions a cycle held (needs ``session_count`` from ``with_counts()``)."""
    return held_sessions_figure(
        held=cycle.sessions_held,
        recorded=cycle.session_count,
        planned=cycle.status == WorkshopCycle.Status.PLANNED,
    )


def headline_figures(*, cycles, sessions) -> dict:
    """Totals for the home page, honest about approximate and unknown parts.

    ``cycles`` carry ``with_counts()`` annotations and ``sessions`` are every session on
    record. Sessions held: a cycle whose number is not recorded makes the total a lower
    bound ("at least"). Participants as reported: the attendance reported for each
    session on record (a person who came to several sessions counts at each), with how
    many cycles it covers.
    """
    reported_cycles = {session.cycle_id for session in sessions if session.attendance_figure.known}
    return {
        "sessions": sum_figures(cycle_sessions_figure(cycle) for cycle in cycles),
        "participants": sum_figures(session.attendance_figure for session in sessions),
        "cycles_with_attendance": len(reported_cycles),
    }


@require_safe
@public_cache
def home(request):
    cycles = list(WorkshopCycle.objects.with_counts().select_related("county"))
    events = list(ProgrammeEvent.objects.select_related("county"))
    agreements = list(PartnershipAgreement.objects.select_related("county"))
    sessions = list(
        Session.objects.order_by().only("cycle_id", "attendance", "attendance_precision")
    )
    ideas = ProjectIdea.objects.aggregate(
        total=Count("pk"), adopted=Count("pk", filter=Q(status__in=ADOPTED_STATUSES))
    )
    figures = headline_figures(cycles=cycles, sessions=sessions)
    # Those carried furthest first: completed, then in progress, then selected.
    furthest = Case(
        *(When(status=status, then=Value(i)) for i, status in enumerate(ADOPTED_STATUSES)),
        output_field=IntegerField(),
    )
    highlighted = list(
        ProjectIdea.objects.adopted()
        .select_related("county", "cycle", "event")
        .order_by(furthest.desc(), "title")[:HIGHLIGHTED_PROJECTS]
    )
    context = {
        "counties": County.objects.participating().count(),
        "cycles": len(cycles),
        "sessions": figures["sessions"],
        "participants": figures["participants"],
        "cycles_with_attendance": figures["cycles_with_attendance"],
        "ideas": ideas["total"],
        "adopted": ideas["adopted"],
        "timeline": build_timeline(agreements=agreements, events=events, cycles=cycles),
        "highlighted": highlighted,
        "programmes": Programme.objects.all(),
    }
    return render(request, "programmes/home.html", context)


def county_url(county) -> str:
    return reverse("programmes:county_detail", kwargs={"slug": county.slug})


# --------------------------------------------------------------------------------------
# Counties
# --------------------------------------------------------------------------------------


@require_safe
@public_cache
def county_list(request):
    only_participating = request.GET.get("took_part") == "1"
    counties = County.objects.in_voivodeship(MAZOVIA).with_participation()
    if only_participating:
        counties = counties.participating()
    counties = list(counties)
    programme_names = _programme_names_by_county()
    for county in counties:
        county.programme_names = programme_names.get(county.pk, [])
    context = {
        "trail": [(reverse("programmes:county_list"), _("Counties"))],
        "counties": counties,
        "only_participating": only_participating,
        "participating_count": sum(
            1
            for c in counties
            if c.agreement_count or c.cycle_count or c.event_count or c.project_idea_count
        ),
    }
    return render(request, "programmes/county_list.html", context)


def _programme_names_by_county() -> dict[int, list[str]]:
    programmes = Programme.objects.all()
    names = {programme.pk: programme.name for programme in programmes}
    covered = programmes.county_ids_by_programme()
    by_county: dict[int, list[str]] = {}
    for programme_id in names:  # in the editions' order
        for county_id in covered.get(programme_id, ()):
            by_county.setdefault(county_id, []).append(names[programme_id])
    return by_county


@require_safe
@public_cache
def county_detail(request, slug):
    county = get_object_or_404(County.objects.select_related("voivodeship"), slug=slug)
    cycles = list(
        WorkshopCycle.objects.in_county(county).for_display().with_counts().with_sessions()
    )
    for cycle in cycles:
        cycle.sessions_figure = cycle_sessions_figure(cycle)
    ideas = list(
        ProjectIdea.objects.in_county(county)
        .select_related("cycle", "event", "session")
        .order_by("title")
    )
    context = {
        "trail": [
            (reverse("programmes:county_list"), _("Counties")),
            (county_url(county), str(county)),
        ],
        "county": county,
        "agreements": list(PartnershipAgreement.objects.in_county(county).for_display()),
        "cycles": cycles,
        "events": list(ProgrammeEvent.objects.in_county(county).for_display()),
        "ideas": ideas,
        "adopted_count": sum(1 for idea in ideas if idea.is_adopted),
    }
    return render(request, "programmes/county_detail.html", context)


# --------------------------------------------------------------------------------------
# Programme editions
# --------------------------------------------------------------------------------------


@require_safe
@public_cache
def programme_list(request):
    programmes = Programme.objects.with_counts().select_related(
        "operator", "implementing_institution"
    )
    covered = programmes.county_ids_by_programme()
    programmes = list(programmes)
    for programme in programmes:
        programme.county_count = len(covered.get(programme.pk, ()))
    context = {
        "trail": [(reverse("programmes:programme_list"), _("Programme editions"))],
        "programmes": programmes,
    }
    return render(request, "programmes/programme_list.html", context)


@require_safe
@public_cache
def programme_detail(request, slug):
    programme = get_object_or_404(
        Programme.objects.select_related("operator", "implementing_institution").prefetch_related(
            "sources"
        ),
        slug=slug,
    )
    cycles = list(WorkshopCycle.objects.filter(programme=programme).for_display().with_counts())
    for cycle in cycles:
        cycle.sessions_figure = cycle_sessions_figure(cycle)
    from_programme = Q(cycle__programme=programme) | Q(event__programme=programme)
    ideas = ProjectIdea.objects.filter(from_programme).aggregate(
        total=Count("pk", distinct=True),
        adopted=Count("pk", distinct=True, filter=Q(status__in=ADOPTED_STATUSES)),
    )
    context = {
        "trail": [
            (reverse("programmes:programme_list"), _("Programme editions")),
            (request.path, programme.name),
        ],
        "programme": programme,
        "counties": list(County.objects.covered_by(programme)),
        "cycles": cycles,
        "events": list(ProgrammeEvent.objects.filter(programme=programme).for_display()),
        "agreements": list(
            PartnershipAgreement.objects.filter(programme=programme).select_related("county")
        ),
        "idea_count": ideas["total"],
        "adopted_count": ideas["adopted"],
    }
    return render(request, "programmes/programme_detail.html", context)


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
    trail = [(reverse("programmes:programme_list"), _("Programme editions"))]
    if event.programme:
        trail.append(
            (
                reverse("programmes:programme_detail", kwargs={"slug": event.programme.slug}),
                event.programme.name,
            )
        )
    context = {
        "trail": [*trail, (request.path, event.title)],
        "event": event,
        "ideas": list(event.project_ideas.select_related("county").order_by("title")),
    }
    return render(request, "programmes/event_detail.html", context)


# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------


@require_safe
@public_cache
def source_list(request):
    context = {
        "trail": [(reverse("programmes:source_list"), _("Sources"))],
        "sources": Source.objects.all(),
    }
    return render(request, "programmes/source_list.html", context)


@require_safe
@public_cache
def source_detail(request, slug):
    source = get_object_or_404(Source, slug=slug)
    context = {
        "trail": [
            (reverse("programmes:source_list"), _("Sources")),
            (request.path, source.title),
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
    return render(request, "programmes/source_detail.html", context)


# --------------------------------------------------------------------------------------
# Sitemap and robots.txt (the error pages are in partnership/errors.py)
# --------------------------------------------------------------------------------------


@require_safe
@public_cache
def sitemap(request):
    return sitemap_view(request, sitemaps=SITEMAPS, template_name="programmes/sitemap.xml")


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

