"""Public pages: the project catalogue and a project idea's page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import router
from django.db.models import prefetch_related_objects
from django.http import QueryDict
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from partnership.caching import public_cache
from programmes.facts import FuzzyDate
from programmes.models import County

from . import idea_page
from .catalogue_listing import page_of_ideas, theme_names
from .filters import ProjectIdeaFilter, county_labeller
from .models import ProjectIdea

PER_PAGE = 20


def query_without_nul(query: QueryDict) -> QueryDict:
    """A copy of ``query`` with NUL characters removed from every key and value.

    PostgreSQL refuses NUL in text parameters; removing them here means no hostile
    query string can carry one as far as the database.
    """
    clean = QueryDict(mutable=True)
    for key, values in query.lists():
        clean.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    return clean


@public_cache(scope="ideas")
def project_list(request):
    data = query_without_nul(request.GET)
    filterset = ProjectIdeaFilter(data, queryset=ProjectIdea.objects.all())
    valid = filterset.is_valid()
    if valid:
        filterset.add_counts()
        params = filterset.canonical_query()
    else:
        # Hostile or mistyped input: show the form with its errors and no results.
        params = {}
    # Page through the ids in the chosen order (a narrow sort), then fetch what the
    # cards show for the page's ideas only, in the same order; the page's ids are a
    # subquery, so this is still one query (catalogue_listing). The ideas are counted
    # with the facets: no COUNT query.
    paginator = CountedPaginator(
        SimpleLazyObject(lambda: filterset.qs if valid else ProjectIdea.objects.none()),
        PER_PAGE,
        count=filterset.total if valid else 0,
    )
    page = paginator.get_page(data.get("page"))
    page.object_list = []
    if valid:
        low = (page.number - 1) * PER_PAGE
        page.object_list = page_of_ideas(
            filterset.chosen(),
            low,
            min(low + PER_PAGE, paginator.count),
            using=router.db_for_read(ProjectIdea),
        )
    prepare_cards(page.object_list, getattr(filterset, "county_labels", None))
    canonical_params = dict(params, page=page.number) if page.number > 1 else params
    canonical_url = request.build_absolute_uri(request.path)
    if canonical_params:
        canonical_url += "?" + urlencode(canonical_params)
    return render(
        request,
        "projects/projectidea_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page_obj": page,
            "ideas": page.object_list,
            "filter_query": urlencode(params),
            "is_filtered": bool(set(params) - {"ordering"}),
            "canonical_url": canonical_url,
        },
    )


class CountedPaginator(Paginator):
    """A paginator of ``count`` objects that does not read its object list: the view
    reads each page's objects itself (``page_of_ideas``), so a page comes without them;
    the list (the filtered ideas, a queryset built when read) is there for whoever
    reads it."""

    def __init__(self, object_list, per_page: int, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count

    def _check_object_list_is_ordered(self):
        """Ordered always: by the chosen ordering, else by the model's."""

    def page(self, number):
        return self._get_page([], self.validate_number(number), self)


def prepare_cards(ideas, county_labels: dict[int, str] | None = None) -> None:
    """Give a page of ideas (``for_listing()``) what their result cards show
    (``{% idea_cards %}``), in three queries at most: the names of the ideas' themes, as
    plain rows, the voivodeships of ideas recorded without a county, and the names of
    counties ``county_labels`` (id -> name as shown, the filter form's) does not have."""
    themes = {idea.pk: [] for idea in ideas}
    for pk, name in theme_names(list(themes), using=router.db_for_read(ProjectIdea)):
        themes[pk].append(name)
    labels = dict(county_labels or {})
    if missing := {idea.county_id for idea in ideas if idea.county_id not in labels} - {None}:
        label = county_labeller()
        counties = County.objects.filter(pk__in=missing).values_list("pk", "name", "kind")
        labels.update((pk, label(name, kind)) for pk, name, kind in counties)
    prefetch_related_objects([idea for idea in ideas if not idea.county_id], "voivodeships")
    for idea in ideas:
        idea.card_themes = themes[idea.pk]
        if idea.county_id:
            idea.card_area = labels[idea.county_id]
        else:
            idea.card_area = ", ".join(str(v) for v in idea.voivodeships.all())
        origin = "cycle" if idea.cycle_id else "event" if idea.event_id else None
        idea.card_period = origin and FuzzyDate(
            *(
                getattr(idea, f"{origin}_{field}")
                for field in ("date_start", "date_end", "date_precision")
            )
        )


@public_cache(scope="idea")
def project_detail(request, slug):
    idea = idea_page.read_idea(slug)
    related_ideas = idea_page.read_lists(idea)
    return render(
        request,
        "projects/projectidea_detail.html",
        {
            "idea": idea,
            "related_ideas": related_ideas,
            "sources": idea_sources(idea),
            "canonical_url": request.build_absolute_uri(idea.get_absolute_url()),
        },
    )


def idea_sources(idea):
    """The idea's documents and those its status history cites, each once, in order."""
    seen = {}
    for source in idea.sources.all():
        seen.setdefault(source.pk, source)
    for change in idea.status_history.all():
        for source in change.sources.all():
            seen.setdefault(source.pk, source)
    return list(seen.values())
