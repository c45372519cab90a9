"""Check a running portal's open data the way a reuser's tools see it (``make
check-open-data``):

1. ``frictionless validate <portal>/otwarte-dane/datapackage.json``: the data package is
   valid against the live files (every resource, 0 errors);
2. the DCAT-AP catalogue (``katalog.rdf`` and ``katalog.jsonld``) parses with rdflib and
   holds a ``dcat:Catalog`` with a ``dcat:Dataset`` and ``dcat:Distribution`` for each
   dataset and format of the package;
3. a conditional GET of a download with its ``ETag`` (``If-None-Match``) or its
   ``Last-Modified`` (``If-Modified-Since``) is answered ``304 Not Modified``, with
   ``Access-Control-Allow-Origin: *``.

Usage: ``.venv/bin/python scripts/check_open_data.py http://127.0.0.1:8000`` (needs the dev
dependencies, frictionless and rdflib). Exit status 0 when every check passes, 1 when one
fails (each failure is printed).
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

import frictionless
import rdflib

OPEN_DATA = "/otwarte-dane/"
DCAT_COUNTS = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT (COUNT(DISTINCT ?d) AS ?datasets) (COUNT(DISTINCT ?x) AS ?distributions) WHERE {
    ?c a dcat:Catalog ; dcat:dataset ?d . ?d a dcat:Dataset ; dcat:distribution ?x .
    ?x a dcat:Distribution ; dcat:downloadURL ?u .
}
"""


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str]]:
    """The status and headers of a GET (a 304 is an answer, not an error)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not a web address: {url}")
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - checked above
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def check_package(base: str) -> list[str]:
    report = frictionless.validate(base + OPEN_DATA + "datapackage.json")
    print(f"data package: {len(report.tasks)} resources, {report.stats['errors']} errors")
    problems = [f"{task.name}: {e.message}" for task in report.tasks for e in task.errors]
    problems += [error.message for error in report.errors]
    if not report.tasks:
        problems.append("the data package has no resource")
    return problems


def check_catalogue(base: str, resources: int) -> list[str]:
    problems = []
    for name, parser in (("katalog.rdf", "xml"), ("katalog.jsonld", "json-ld")):
        graph = rdflib.Graph().parse(base + OPEN_DATA + name, format=parser)
        [row] = list(graph.query(DCAT_COUNTS))
        datasets, distributions = int(row.datasets), int(row.distributions)
        print(f"{name}: {len(graph)} triples, {datasets} datasets, {distributions} distributions")
        if distributions != resources or datasets == 0:
            problems.append(f"{name}: {distributions} distributions for {resources} resources")
    return problems


def check_conditional_get(base: str) -> list[str]:
    url = base + OPEN_DATA + "projekty.csv"
    status, headers = fetch(url)
    if status != 200 or "ETag" not in headers or "Last-Modified" not in headers:
        return [f"{url}: {status}, without ETag or Last-Modified"]
    problems = []
    for header, value in (
        ("If-None-Match", headers["ETag"]),
        ("If-Modified-Since", headers["Last-Modified"]),
    ):
        again, again_headers = fetch(url, **{header: value})
        print(f"conditional GET with {header}: {again}")
        if again != 304 or again_headers.get("Access-Control-Allow-Origin") != "*":
            problems.append(f"{url} with {header}: {again} instead of 304 with CORS")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    base = argv[1].rstrip("/")
    package = frictionless.Package(base + OPEN_DATA + "datapackage.json")
    problems = check_package(base)
    problems += check_catalogue(base, len(package.resources))
    problems += check_conditional_get(base)
    for problem in problems:
        print("FAILED:", problem)
    print("open data: all checks passed" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
