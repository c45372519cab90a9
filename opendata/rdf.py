"""Just enough RDF to publish a catalogue: triples kept in the order they were added, written
as RDF/XML or JSON-LD, the same bytes for the same triples (so the same ``ETag``).

No blank nodes: every subject is an IRI. A subject's first ``rdf:type`` names its element
in RDF/XML (``<dcat:Dataset rdf:about="...">``); everything else is a property element,
with ``rdf:resource`` for an IRI, ``xml:lang`` or ``rdf:datatype`` for a literal. The
tests parse both serialisations with rdflib and compare them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 – writing only, never parsing
from dataclasses import dataclass

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFIXES = {"rdf": RDF, "rdfs": RDFS, "dcat": DCAT, "dct": DCT, "foaf": FOAF, "vcard": VCARD}
TYPE = RDF + "type"


@dataclass(frozen=True)
class Literal:
    value: str
    lang: str | None = None
    datatype: str | None = None


Object = str | Literal  # an IRI or a literal


class Graph:
    """Subjects in the order they were first named, each with its (predicate, object)s."""

    def __init__(self) -> None:
        self.subjects: dict[str, list[tuple[str, Object]]] = {}

    def add(self, triple: tuple[str, str, Object]) -> None:
        subject, predicate, obj = triple
        properties = self.subjects.setdefault(subject, [])
        if (predicate, obj) not in properties:
            properties.append((predicate, obj))


def _split(iri: str) -> tuple[str, str]:
    """(namespace, local name) for an IRI in one of ``PREFIXES``."""
    for namespace in PREFIXES.values():
        if iri.startswith(namespace):
            return namespace, iri[len(namespace) :]
    raise ValueError(f"{iri} is in no known namespace")


def _clark(iri: str) -> str:
    namespace, local = _split(iri)
    return f"{{{namespace}}}{local}"


def _property_element(parent: ET.Element, predicate: str, obj: Object) -> None:
    element = ET.SubElement(parent, _clark(predicate))
    if isinstance(obj, Literal):
        element.text = obj.value
        if obj.lang:
            element.set(XML_LANG, obj.lang)
        if obj.datatype:
            element.set(f"{{{RDF}}}datatype", obj.datatype)
    else:
        element.set(f"{{{RDF}}}resource", obj)


def to_rdf_xml(graph: Graph) -> bytes:
    for prefix, namespace in PREFIXES.items():
        ET.register_namespace(prefix, namespace)
    root = ET.Element(f"{{{RDF}}}RDF")
    for subject, properties in graph.subjects.items():
        types = [obj for predicate, obj in properties if predicate == TYPE]
        tag = _clark(types[0]) if types else f"{{{RDF}}}Description"
        node = ET.SubElement(root, tag, {f"{{{RDF}}}about": subject})
        for predicate, obj in properties:
            if not (predicate == TYPE and obj == types[0]):
                _property_element(node, predicate, obj)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _compact(iri: str) -> str:
    namespace, local = _split(iri)
    prefix = next(p for p, n in PREFIXES.items() if n == namespace)
    return f"{prefix}:{local}"


def _json_value(obj: Object) -> dict[str, str]:
    if not isinstance(obj, Literal):
        return {"@id": obj}
    value = {"@value": obj.value}
    if obj.lang:
        value["@language"] = obj.lang
    if obj.datatype:
        value["@type"] = obj.datatype
    return value


def to_json_ld(graph: Graph) -> bytes:
    nodes = []
    for subject, properties in graph.subjects.items():
        node: dict = {"@id": subject}
        for predicate, obj in properties:
            if predicate == TYPE:
                node.setdefault("@type", []).append(_compact(obj))
            else:
                node.setdefault(_compact(predicate), []).append(_json_value(obj))
        nodes.append(node)
    document = {"@context": PREFIXES, "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
