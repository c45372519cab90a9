"""Who took part in what: the counts behind the county and edition pages and open data.

Each of them brings together records of every domain app (agreements and events of
``programmes``, cycles of ``workshops``, project ideas of ``projects``), so they live
here, above those apps, and not on ``County`` or ``Programme``, whose app knows nothing
of cycles and ideas. Pages, sitemaps and open data use these functions, so a change of
definition is made once. Each is one query (or, for ``county_ids_by_programme``, three)
whatever the number of records: the counts are correlated subqueries, which do not
multiply each other as joins would.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from programmes.models import (
    County,
    PartnershipAgreement,
    Programme,
    ProgrammeEvent,
    count_subquery,
)
from projects.models import ProjectIdea
from workshops.models import WorkshopCycle


def counties_with_participation(counties: QuerySet[County]) -> QuerySet[County]:
    """Annotate how many agreements, cycles, events and project ideas name each county:
    ``agreement_count``, ``cycle_count``, ``event_count``, ``project_idea_count`` and
    ``adopted_count`` (ideas selected for implementation or further)."""
    return counties.annotate(
        agreement_count=count_subquery(PartnershipAgreement.objects.all(), "county"),
        cycle_count=count_subquery(WorkshopCycle.objects.all(), "county"),
        event_count=count_subquery(ProgrammeEvent.objects.all(), "county"),
        project_idea_count=count_subquery(ProjectIdea.objects.all(), "county"),
        adopted_count=count_subquery(ProjectIdea.objects.adopted(), "county"),
    )


def took_part(county) -> bool:
    """For a county from ``counties_with_participation``: is it named by any record?
    (A row of the map's counties, ``maps.CountyRow``, says whether a record other than
    a cycle names it.)"""
    named_elsewhere = getattr(county, "named_elsewhere", None)
    if named_elsewhere is not None:
        return bool(county.cycle_count or named_elsewhere)
    return bool(
        county.agreement_count
        or county.cycle_count
        or county.event_count
        or county.project_idea_count
    )


# The records that make a county one that took part, those most counties have first.
PARTICIPATION = (WorkshopCycle, ProjectIdea, ProgrammeEvent, PartnershipAgreement)


def participating_counties(counties: QuerySet[County] | None = None) -> QuerySet[County]:
    """The counties named by an agreement, a workshop cycle, an event or a project idea.

    Each record's test is a scalar subquery (``LIMIT 1``) probed county by county
    through the index on ``county_id``: written as ``EXISTS``, PostgreSQL hashed every
    cycle's county at each query (the home's count of them 1.1 → 0.3 ms; 380 counties,
    8,000 cycles, 24,000 ideas)."""
    counties = County.objects.all() if counties is None else counties
    names = [f"has_{model._meta.model_name}" for model in PARTICIPATION]
    probes = {
        name: Subquery(model.objects.filter(county=OuterRef("pk")).order_by().values("pk")[:1])
        for name, model in zip(names, PARTICIPATION, strict=True)
    }
    named = Q(*(Q(**{f"{name}__isnull": False}) for name in names), _connector=Q.OR)
    return counties.alias(**probes).filter(named)


def counties_covered_by(programme: Programme) -> QuerySet[County]:
    """The counties with an agreement, a workshop cycle or an event of the edition."""
    return County.objects.filter(
        Exists(WorkshopCycle.objects.filter(county=OuterRef("pk"), programme=programme))
        | Exists(PartnershipAgreement.objects.filter(county=OuterRef("pk"), programme=programme))
        | Exists(ProgrammeEvent.objects.filter(county=OuterRef("pk"), programme=programme))
    )


def programmes_with_counts(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    """Annotate ``cycle_count``, ``event_count`` and ``agreement_count``."""
    return programmes.annotate(
        cycle_count=count_subquery(WorkshopCycle.objects.all(), "programme"),
        event_count=count_subquery(ProgrammeEvent.objects.all(), "programme"),
        agreement_count=count_subquery(PartnershipAgreement.objects.all(), "programme"),
    )


# The records through which a county takes part in an edition.
EDITION_LINKS = (WorkshopCycle, PartnershipAgreement, ProgrammeEvent)


def programme_names_by_county() -> dict[int, list[str]]:
    """For each county, the names of the editions it took part in (through its cycles,
    agreements and events), in the editions' order, in two queries."""
    pairs = [
        model.objects.filter(county__isnull=False)
        .order_by()
        .values_list("county_id", "programme_id")
        for model in EDITION_LINKS
    ]
    return programme_names_of(
        pairs[0].union(*pairs[1:]), Programme.objects.values_list("pk", "name")
    )


def programme_names_of(pairs, programmes) -> dict[int, list[str]]:
    """The editions' names by county from ``(county id, edition id)`` pairs (repeats
    allowed) and the editions' ``(id, name)`` in their order."""
    covered: dict[int, set[int]] = {}
    for county_id, programme_id in pairs:
        covered.setdefault(county_id, set()).add(programme_id)
    editions = list(programmes)  # each edition's place in the order, and its name
    place = {programme_id: i for i, (programme_id, _name) in enumerate(editions)}
    by_county: dict[int, list[str]] = {}
    for county_id, programme_ids in covered.items():
        places = sorted(place[pk] for pk in programme_ids if pk in place)
        if places:
            by_county[county_id] = [editions[i][1] for i in places]
    return by_county


def county_ids_by_programme(programmes: QuerySet[Programme]) -> dict[int, set[int]]:
    """For each edition, the ids of the counties it covered (through its cycles,
    agreements and events), in three queries."""
    covered: dict[int, set[int]] = {}
    for model in (WorkshopCycle, PartnershipAgreement, ProgrammeEvent):
        rows = (
            model.objects.filter(programme__in=programmes.values("pk"), county__isnull=False)
            .order_by()
            .values_list("programme_id", "county_id")
            .distinct()
        )
        for programme_id, county_id in rows:
            covered.setdefault(programme_id, set()).add(county_id)
    return covered
