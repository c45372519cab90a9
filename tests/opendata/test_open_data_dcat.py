"""The DCAT-AP catalogue parses as RDF (RDF/XML and JSON-LD, the same graph) and says
what a harvester needs: catalogue, datasets, distributions, licence, dates, publisher."""

from __future__ import annotations

import pytest
import rdflib
from django.urls import reverse
from django.utils import translation
from rdflib.compare import isomorphic

from opendata.datasets import DATASETS, FORMATS
from opendata.provenance import last_changes

pytestmark = pytest.mark.django_db

PREFIXES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
EU = "http://publications.europa.eu/resource/authority/"


def catalogue(client, fmt="rdf", lang="pl"):
    with translation.override(lang):
        response = client.get(reverse("opendata:catalogue", kwargs={"format": fmt}))
    assert response.status_code == 200
    parser = {"rdf": "xml", "jsonld": "json-ld"}[fmt]
    return response, rdflib.Graph().parse(data=response.content, format=parser)


def select(graph, query, **bindings):
    initial = {name: rdflib.URIRef(value) for name, value in bindings.items()}
    return list(graph.query(PREFIXES + query, initBindings=initial))


def test_both_serialisations_parse_to_the_same_graph_in_both_languages(client):
    _response, rdf_xml = catalogue(client, "rdf")
    _response, json_ld = catalogue(client, "jsonld")
    assert len(rdf_xml) > 300
    assert isomorphic(rdf_xml, json_ld)
    polish, _graph = catalogue(client, "rdf", "pl")
    english, _graph = catalogue(client, "rdf", "en")
    assert polish.content == english.content


def test_one_catalogue_with_a_dataset_per_dataset(client):
    _response, graph = catalogue(client)
    [(catalog, homepage)] = select(
        graph, "SELECT ?c ?home WHERE { ?c a dcat:Catalog ; foaf:homepage ?home }"
    )
    assert str(catalog) == "http://testserver/otwarte-dane/katalog.rdf"
    assert str(homepage) == "http://testserver/otwarte-dane/"
    rows = select(
        graph,
        "SELECT ?id WHERE { ?c dcat:dataset ?d . ?d a dcat:Dataset ; dct:identifier ?id }",
        c=str(catalog),
    )
    assert sorted(str(row.id) for row in rows) == sorted(DATASETS)
    titles = select(
        graph,
        "SELECT ?title WHERE { ?c dct:title ?title }",
        c=str(catalog),
    )
    assert {row.title.language for row in titles} == {"pl", "en"}


def test_each_dataset_in_both_languages_with_licence_date_publisher_and_coverage(client):
    _response, graph = catalogue(client)
    changes = last_changes()
    rows = select(
        graph,
        """SELECT ?id ?title_pl ?title_en ?description ?modified ?licence ?publisher WHERE {
            ?d a dcat:Dataset ; dct:identifier ?id ; dct:title ?title_pl, ?title_en ;
               dct:description ?description ; dct:modified ?modified ;
               dct:publisher ?publisher ; dcat:distribution ?dist .
            ?dist dct:license ?licence .
            FILTER(lang(?title_pl) = "pl" && lang(?title_en) = "en")
            FILTER(lang(?description) = "en")
        }""",
    )
    by_id = {str(row.id): row for row in rows}
    assert set(by_id) == set(DATASETS)
    projects = by_id["projekty"]
    titles = (str(projects.title_pl), str(projects.title_en))
    assert titles == ("Pomysły projektów", "Project ideas")
    for slug, row in by_id.items():
        assert row.modified.datatype == rdflib.XSD.dateTime
        assert row.modified.toPython() == changes[slug]
        assert str(row.licence) == EU + "licence/CC_BY_4_0"
    for predicate, expected in (
        ("dct:spatial", {EU + "country/POL", "http://data.europa.eu/nuts/code/PL9"}),
        ("dcat:theme", {EU + "data-theme/GOVE", EU + "data-theme/SOCI"}),
        ("dct:language", {EU + "language/POL", EU + "language/ENG"}),
    ):
        values = select(graph, f"SELECT DISTINCT ?v WHERE {{ ?d a dcat:Dataset ; {predicate} ?v }}")
        assert {str(row.v) for row in values} == expected, predicate
    keywords = select(graph, "SELECT ?k WHERE { ?d dct:identifier 'sesje' ; dcat:keyword ?k }")
    assert {k.k.language for k in keywords} == {"pl", "en"}


def test_every_dataset_has_a_distribution_per_format_with_download_url_and_media_type(client):
    _response, graph = catalogue(client)
    rows = select(
        graph,
        """SELECT ?id ?url ?access ?media ?format WHERE {
            ?d dct:identifier ?id ; dcat:distribution ?dist .
            ?dist a dcat:Distribution ; dcat:downloadURL ?url ; dcat:accessURL ?access ;
                  dcat:mediaType ?media ; dct:format ?format .
        }""",
    )
    assert len(rows) == len(DATASETS) * len(FORMATS)
    for row in rows:
        fmt = str(row.url).rsplit(".", 1)[1]
        assert str(row.url) == f"http://testserver/otwarte-dane/{row.id}.{fmt}"
        assert row.access == row.url
        media = {"csv": "text/csv", "json": "application/json"}[fmt]
        assert str(row.media) == f"https://www.iana.org/assignments/media-types/{media}"
        assert str(row.format) == EU + f"file-type/{fmt.upper()}"


def test_the_downloads_it_names_exist(client):
    _response, graph = catalogue(client)
    for (url,) in select(graph, "SELECT ?u WHERE { ?x dcat:downloadURL ?u }"):
        path = str(url).removeprefix("http://testserver")
        assert client.get(path).status_code == 200, path


def test_publisher_and_licence_come_from_the_settings(client, settings):
    settings.OPERATOR_NAME = "Wojewódzki Urząd Pracy w Warszawie"
    settings.OPERATOR_EMAIL = "dane@example.org"
    settings.OPERATOR_URL = "https://wup.example.org/"
    settings.OPEN_DATA_LICENCE = "CC0-1.0"
    _response, graph = catalogue(client, "jsonld")
    [row] = select(
        graph,
        """SELECT ?name ?mbox ?email WHERE {
            ?c a dcat:Catalog ; dct:publisher ?p .
            ?p a foaf:Organization ; foaf:name ?name ; foaf:mbox ?mbox .
            ?d a dcat:Dataset ; dct:identifier 'powiaty' ; dct:publisher ?p ;
               dcat:contactPoint ?contact .
            ?contact vcard:hasEmail ?email .
        }""",
    )
    assert str(row.name) == "Wojewódzki Urząd Pracy w Warszawie"
    assert str(row.mbox) == str(row.email) == "mailto:dane@example.org"
    licences = select(graph, "SELECT DISTINCT ?l WHERE { ?x dct:license ?l }")
    assert [str(row.l) for row in licences] == [EU + "licence/CC0"]


def test_each_dataset_cites_the_documents_of_its_records(client):
    _response, graph = catalogue(client)
    rows = select(
        graph,
        "SELECT ?s ?t WHERE { ?d dct:identifier 'sesje' ; dct:source ?s . ?s dct:title ?t }",
    )
    assert {str(row.s).rstrip("/").rsplit("/", 1)[1] for row in rows} == {
        "001-da457f450f78d650",
        "002-00598d97bf5542ff",
    }
    assert all(row.t.language == "pl" for row in rows)


def test_temporal_coverage_is_the_programme_s_years(client):
    _response, graph = catalogue(client)
    rows = select(
        graph,
        """SELECT DISTINCT ?start ?end WHERE {
            ?d a dcat:Dataset ; dct:temporal ?t . ?t dcat:startDate ?start ; dcat:endDate ?end
        }""",
    )
    assert [(str(r.start), str(r.end)) for r in rows] == [("2003-01-01", "2017-12-31")]
