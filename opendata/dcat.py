"""Catalogue metadata for harvesting: the open data in DCAT-AP (the profile dane.gov.pl
harvests as DCAT-AP PL), as RDF/XML (``katalog.rdf``) or JSON-LD (``katalog.jsonld``).

- one ``dcat:Catalog``, identified by the address of ``katalog.rdf``: title and
  description in Polish and English, publisher, licence, languages, spatial coverage,
  date of last change, its datasets;
- a ``dcat:Dataset`` per dataset (``<open-data page>#dataset-<slug>``, the anchor of its
  section on the page): title, description and keywords in Polish and English, licence,
  date of last change (from the data), publisher and contact point (``OPERATOR_*``),
  spatial coverage Poland and NUTS PL9 (the Mazowieckie macroregion), temporal coverage
  2003–2017, themes, languages, the source documents of its records;
- a ``dcat:Distribution`` per format, identified by its download address: access and
  download URL, media type (IANA), format, licence, date of last change.

Controlled values come from the EU vocabularies DCAT-AP expects (data themes, file types,
languages, licences, frequency, countries). The addresses are the Polish ones, and the
document is the same at ``/en/open-data/katalog.rdf``.
"""

from __future__ import annotations

import datetime

from programmes.models import Source

from .datasets import DATASETS, FORMATS, Dataset
from .licence import open_data_licence
from .metadata import (
    DESCRIPTION,
    PERIOD,
    TITLE,
    absolute_url,
    in_languages,
    iso_datetime,
    keywords,
    operator,
)
from .package import MEDIA_TYPES
from .provenance import dataset_sources, last_changes
from .rdf import DCAT, DCT, FOAF, RDF, RDFS, VCARD, XSD, Graph, Literal, to_json_ld, to_rdf_xml

EU = "http://publications.europa.eu/resource/authority/"
THEMES = (EU + "data-theme/GOVE", EU + "data-theme/SOCI")
FILE_TYPES = {"csv": EU + "file-type/CSV", "json": EU + "file-type/JSON"}
LANGUAGES = (EU + "language/POL", EU + "language/ENG")
SPATIAL = (EU + "country/POL", "http://data.europa.eu/nuts/code/PL9")
FREQUENCY = EU + "frequency/IRREG"
IANA = "https://www.iana.org/assignments/media-types/"
TYPE = RDF + "type"
SERIALISATIONS = {
    "rdf": (to_rdf_xml, "application/rdf+xml; charset=utf-8"),
    "jsonld": (to_json_ld, "application/ld+json; charset=utf-8"),
}


def _texts(graph: Graph, subject: str, predicate: str, text) -> None:
    for language, value in in_languages(text).items():
        graph.add((subject, predicate, Literal(value, lang=language)))


def _modified(graph: Graph, subject: str, changed: datetime.datetime | None) -> None:
    if changed is not None:
        stamp = Literal(iso_datetime(changed), datatype=XSD + "dateTime")
        graph.add((subject, DCT + "modified", stamp))


def _publisher(graph: Graph, page: str) -> tuple[str, str]:
    """The operator as a ``foaf:Organization`` and as a contact point (vCard)."""
    publisher = operator()
    agent, contact, mailbox = publisher.url, page + "#contact", f"mailto:{publisher.email}"
    graph.add((agent, TYPE, FOAF + "Organization"))
    graph.add((agent, FOAF + "name", Literal(publisher.name)))
    graph.add((agent, FOAF + "mbox", mailbox))
    graph.add((agent, FOAF + "homepage", agent))
    graph.add((contact, TYPE, VCARD + "Organization"))
    graph.add((contact, VCARD + "fn", Literal(publisher.name)))
    graph.add((contact, VCARD + "hasEmail", mailbox))
    return agent, contact


def _licence(graph: Graph) -> str:
    licence = open_data_licence()
    graph.add((licence.eu_uri, TYPE, DCT + "LicenseDocument"))
    graph.add((licence.eu_uri, RDFS + "label", Literal(licence.title)))
    graph.add((licence.eu_uri, RDFS + "seeAlso", licence.url))
    return licence.eu_uri


def _period(graph: Graph, page: str) -> str:
    period = page + "#period"
    graph.add((period, TYPE, DCT + "PeriodOfTime"))
    graph.add((period, DCAT + "startDate", Literal(PERIOD[0].isoformat(), datatype=XSD + "date")))
    graph.add((period, DCAT + "endDate", Literal(PERIOD[1].isoformat(), datatype=XSD + "date")))
    return period


def _source(graph: Graph, request, source: Source) -> str:
    node = absolute_url(request, "portal:source_detail", slug=source.slug)
    graph.add((node, TYPE, FOAF + "Document"))
    graph.add((node, DCT + "title", Literal(source.title, lang="pl")))
    return node


def _distribution(graph: Graph, request, dataset: Dataset, fmt: str, context: dict) -> str:
    url = absolute_url(request, "opendata:download", dataset=dataset.slug, format=fmt)
    graph.add((url, TYPE, DCAT + "Distribution"))
    for language, title in in_languages(dataset.title).items():
        graph.add((url, DCT + "title", Literal(f"{title} ({fmt.upper()})", lang=language)))
    graph.add((url, DCAT + "accessURL", url))
    graph.add((url, DCAT + "downloadURL", url))
    graph.add((url, DCAT + "mediaType", IANA + MEDIA_TYPES[fmt]))
    graph.add((url, DCT + "format", FILE_TYPES[fmt]))
    graph.add((url, DCT + "license", context["licence"]))
    _modified(graph, url, context["changes"][dataset.slug])
    return url


def _dataset(graph: Graph, request, dataset: Dataset, context: dict) -> str:
    node = f"{context['page']}#dataset-{dataset.slug}"
    graph.add((node, TYPE, DCAT + "Dataset"))
    graph.add((node, DCT + "identifier", Literal(dataset.slug)))
    _texts(graph, node, DCT + "title", dataset.title)
    _texts(graph, node, DCT + "description", dataset.description)
    for language, words in context["keywords"].items():
        for word in words:
            graph.add((node, DCAT + "keyword", Literal(word, lang=language)))
    for predicate, objects in context["shared"].items():
        for value in objects:
            graph.add((node, predicate, value))
    _modified(graph, node, context["changes"][dataset.slug])
    for source in context["sources"][dataset.slug]:
        graph.add((node, DCT + "source", _source(graph, request, source)))
    for fmt in FORMATS:
        graph.add(
            (node, DCAT + "distribution", _distribution(graph, request, dataset, fmt, context))
        )
    return node


def _catalogue(graph: Graph, catalog: str, context: dict) -> None:
    _texts(graph, catalog, DCT + "title", TITLE)
    _texts(graph, catalog, DCT + "description", DESCRIPTION)
    graph.add((catalog, FOAF + "homepage", context["page"]))
    graph.add((catalog, DCT + "publisher", context["shared"][DCT + "publisher"][0]))
    graph.add((catalog, DCT + "license", context["licence"]))
    graph.add((catalog, DCAT + "themeTaxonomy", EU + "data-theme"))
    for value in LANGUAGES:
        graph.add((catalog, DCT + "language", value))
    for value in SPATIAL:
        graph.add((catalog, DCT + "spatial", value))
    _modified(graph, catalog, max(filter(None, context["changes"].values()), default=None))


def _context(graph: Graph, request) -> dict:
    """What every dataset shares, and the data's dates and sources (two queries)."""
    page = absolute_url(request, "opendata:index")
    publisher, contact = _publisher(graph, page)
    return {
        "page": page,
        "changes": last_changes(),
        "sources": dataset_sources(),
        "keywords": keywords(),
        "licence": _licence(graph),
        "shared": {
            DCT + "publisher": [publisher],
            DCAT + "contactPoint": [contact],
            DCAT + "theme": THEMES,
            DCT + "language": LANGUAGES,
            DCT + "spatial": SPATIAL,
            DCT + "temporal": [_period(graph, page)],
            DCT + "accrualPeriodicity": [FREQUENCY],
            DCAT + "landingPage": [page],
        },
    }


def catalogue_graph(request) -> Graph:
    """The whole catalogue, the catalogue first."""
    graph = Graph()
    catalog = absolute_url(request, "opendata:catalogue", format="rdf")
    graph.add((catalog, TYPE, DCAT + "Catalog"))
    context = _context(graph, request)
    _catalogue(graph, catalog, context)
    for dataset in DATASETS.values():
        graph.add((catalog, DCAT + "dataset", _dataset(graph, request, dataset, context)))
    return graph


def render_catalogue(graph: Graph, fmt: str) -> bytes:
    write, _content_type = SERIALISATIONS[fmt]
    return write(graph)
