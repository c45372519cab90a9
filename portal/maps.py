"""The map of a voivodeship's counties, coloured by their part in the programme.

Server-rendered inline SVG (``templates/includes/_county_map.html``): no script, no
tiles, no request elsewhere. The outlines are reference data (``programmes.boundaries``,
one file per voivodeship); this module joins them to the counties in the database and
to what each took part in, and puts each county in a band. Each band has a colour *and*
a pattern (hatching), and its name in the legend, so the map does not rely on colour;
each county is a link whose accessible name says its participation; a table gives the
same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnership.fixed_queries import FixedQuery
from partnership.urlfill import slug_url
from programmes.boundaries import Boundaries, boundaries
from programmes.models import (
    County,
    PartnershipAgreement,
    Programme,
    ProgrammeEvent,
    Voivodeship,
    count_subquery,
)
from projects.models import ProjectIdea
from workshops.models import WorkshopCycle

from .participation import EDITION_LINKS, programme_names_of, took_part

# The bands, from least to most: no record; named by an agreement, event or idea but no
# workshop cycle; one, two, three or more cycles. Each has its colour and hatching in
# css/charts.css and the map's <pattern>s.
BANDS = ("none", "other", "one", "two", "more")


def band_of(county) -> str:
    """The band of a county annotated by ``counties_with_participation``."""
    if county.cycle_count >= 3:
        return "more"
    if county.cycle_count == 2:
        return "two"
    if county.cycle_count == 1:
        return "one"
    return "other" if took_part(county) else "none"


def band_labels() -> dict[str, str]:
    return {
        "none": _("no record of taking part"),
        "other": _("agreements, events or ideas, no workshop cycle"),
        "one": _("1 workshop cycle"),
        "two": _("2 workshop cycles"),
        "more": _("3 or more workshop cycles"),
    }


@dataclass(frozen=True)
class MapCounty:
    code: str
    name: str
    url: str | None  # None: the outline has no county in the database
    d: str
    band: str
    band_label: str
    cycles: int
    programmes: tuple[str, ...]
    current: bool

    @property
    def label(self) -> str:
        """The link's accessible name: the county and its participation."""
        if self.cycles:
            text = ngettext(
                "%(county)s: %(count)s workshop cycle",
                "%(county)s: %(count)s workshop cycles",
                self.cycles,
            ) % {"county": self.name, "count": self.cycles}
        else:
            text = f"{self.name}: {self.band_label}"
        if self.programmes:
            text += " (" + "; ".join(self.programmes) + ")"
        return text


@dataclass(frozen=True)
class LegendItem:
    band: str
    label: str
    count: int


@dataclass(frozen=True)
class CountyMap:
    id: str
    title: str
    view_box: str
    width: int
    height: int
    counties: list[MapCounty]  # in drawing order: the current county last
    legend: list[LegendItem]
    attribution: str
    current: MapCounty | None
    table: str  # "details": a table folded under the map; "below": the page has one;
    # "elsewhere": a link to the counties' list

    @property
    def table_rows(self) -> list[MapCounty]:
        return sorted(self.counties, key=lambda c: c.code)


def county_map(
    *,
    voivodeship: str,
    counties: list | None = None,
    current: County | None = None,
    table: str = "details",
    map_id: str = "county-map",
) -> CountyMap | None:
    """The map of the voivodeship with this TERYT code, or None when the portal has no
    outlines for it.

    ``counties``: the voivodeship's counties annotated by ``counties_with_participation``
    with their ``programme_names`` (a page that already has them passes them); otherwise
    they are read here, in three queries. ``current``: the county to highlight.
    """
    shapes = boundaries(voivodeship)
    if shapes is None:
        return None
    if counties is None:
        counties = _counties(voivodeship)
    by_code = {county.code: county for county in counties}
    labels = band_labels()
    url = slug_url("portal:county_detail")  # reversed once (partnership.urlfill)
    name = county_namer()
    drawn = [
        _map_county(code, d, by_code.get(code), shapes, labels, current, (url, name))
        for code, d in shapes.shapes.items()
    ]
    # Land counties first, the cities inside them after, the highlighted county last so
    # that its outline is drawn over its neighbours'.
    drawn.sort(key=lambda c: (c.current, c.code))
    counts = {band: 0 for band in BANDS}
    for county in drawn:
        counts[county.band] += 1
    return CountyMap(
        id=map_id,
        title=_("%(voivodeship)s: the counties by their part in the programme")
        % {"voivodeship": Voivodeship(name=shapes.name)},
        view_box=" ".join(str(n) for n in shapes.view_box),
        width=shapes.width,
        height=shapes.height,
        counties=drawn,
        legend=[LegendItem(band, labels[band], counts[band]) for band in BANDS],
        attribution=shapes.attribution,
        current=next((c for c in drawn if c.current), None),
        table=table,
    )


@dataclass(slots=True)
class CountyRow:
    """A county as the map reads it: its cycles counted, whether an agreement, an event
    or a project idea names it (``took_part`` reads ``named_elsewhere``: the map needs
    no more than that of them), and the names of its editions."""

    pk: int
    code: str
    name: str
    kind: str
    slug: str
    cycle_count: int
    named_elsewhere: bool
    programme_names: list[str]

    def __str__(self) -> str:  # as County.__str__
        return County.display_name(name=self.name, kind=self.kind)


# The map's queries, their SQL made once per process (partnership.fixed_queries): the
# voivodeship's counties with their cycles counted and whether another record names
# them, the (county, edition) pairs of its cycles, agreements and events, and the
# editions in their order. A page drawing the map compiled about 6 ms of SQL a request
# (counts as correlated subqueries, a union). Whether an idea names a county is one
# probe of the index where counting them read each (0.59 → 0.3 ms, 42 counties with
# ~60 ideas each, 3 December 2026).
STAND_IN_CODE = "stand-in-no-voivodeship"


def _map_counties(code: str):
    named = [
        Exists(model.objects.filter(county=OuterRef("pk")))
        for model in (PartnershipAgreement, ProgrammeEvent, ProjectIdea)
    ]
    return (
        County.objects.in_voivodeship(code)
        .annotate(
            cycle_count=count_subquery(WorkshopCycle.objects.all(), "county"),
            named_elsewhere=ExpressionWrapper(
                Q(named[0]) | Q(named[1]) | Q(named[2]), output_field=BooleanField()
            ),
        )
        .values_list("pk", "code", "name", "kind", "slug", "cycle_count", "named_elsewhere")
    )


MAP_COUNTIES = FixedQuery(County, _map_counties, stand_in=STAND_IN_CODE)
MAP_EDITION_PAIRS = FixedQuery(
    County,
    lambda code: _edition_pairs(code)[0].union(*_edition_pairs(code)[1:]),
    stand_in=STAND_IN_CODE,
)


def _edition_pairs(code: str) -> list:
    return [
        model.objects.filter(county__voivodeship__code=code)
        .order_by()
        .values_list("county_id", "programme_id")
        for model in EDITION_LINKS
    ]


EDITIONS = FixedQuery(Programme, lambda: Programme.objects.values_list("pk", "name"), stand_in=None)


def _counties(voivodeship: str) -> list[CountyRow]:
    return county_rows(
        MAP_COUNTIES.rows(voivodeship), MAP_EDITION_PAIRS.rows(voivodeship), EDITIONS.rows()
    )


def map_queries(voivodeship: str) -> list[tuple[FixedQuery, tuple]]:
    """The voivodeship's counties and their (county, edition) pairs, for a page that
    reads them with its own rows (``rows_together``) and passes ``county_rows`` of them
    to ``county_map`` with the editions it read."""
    return [(MAP_COUNTIES, (voivodeship,)), (MAP_EDITION_PAIRS, (voivodeship,))]


def county_rows(counties: list, pairs: list, editions: list) -> list[CountyRow]:
    """The map's counties from the rows of ``map_queries`` and the editions' ``(id,
    name)`` in their order."""
    names = programme_names_of(pairs, editions)
    return [CountyRow(*row, names.get(row[0], [])) for row in counties]


def county_namer():
    """``County.display_name`` (a county's ``str``) for many counties, from their name
    and kind: its two phrasings translated once, not once per county."""
    land = County.display_name(name="%(name)s", kind=County.Kind.LAND)
    city = County.display_name(name="%(name)s", kind=County.Kind.CITY)

    def name(county: str | None, kind: str | None) -> str | None:
        if county is None:
            return None
        return (city if kind == County.Kind.CITY else land) % {"name": county}

    return name


def _map_county(
    code: str, d: str, county, shapes: Boundaries, labels: dict, current: County | None, writers
) -> MapCounty:
    url, name = writers  # the county's address and name from its slug, name and kind
    if county is None:  # an outline with no county on record: drawn, not a link
        return MapCounty(
            code=code,
            name=shapes.names.get(code, code),
            url=None,
            d=d,
            band="none",
            band_label=labels["none"],
            cycles=0,
            programmes=(),
            current=False,
        )
    band = band_of(county)
    return MapCounty(
        code=code,
        name=name(county.name, county.kind),
        url=url(county.slug),
        d=d,
        band=band,
        band_label=labels[band],
        cycles=county.cycle_count,
        programmes=tuple(getattr(county, "programme_names", ())),
        current=current is not None and current.code == code,
    )
