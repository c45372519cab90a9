"""The "Open data" page, the dataset downloads, the data package (``datapackage.json``),
the ZIP of all files and the DCAT-AP catalogue.

Every file is public data (``opendata.http.public_data_response``): cached like the
pages, with ``ETag`` and ``Last-Modified`` (the data's last change), 304 to conditional
requests and ``Access-Control-Allow-Origin: *``. The files are the same in every
language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header

from partnership.caching import public_cache
from partnership.downloads import as_download
from programmes.models import Source

from . import dcat
from .datasets import DATASETS, FORMATS, Dataset
from .exports import render_csv, render_json, render_zip
from .http import public_data_response
from .licence import open_data_licence
from .package import data_package, render_package
from .provenance import dataset_sources, last_changes, latest_change

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "zip": "application/zip",
}
RENDERERS = {"csv": render_csv, "json": render_json}
ARCHIVE_NAME = "partnerstwo-lokalne-otwarte-dane.zip"


@dataclass(frozen=True)
class DatasetEntry:
    """A dataset as the page lists it, with its last change and its sources."""

    dataset: Dataset
    changed: datetime.datetime | None
    sources: list[Source]


@public_cache
def index(request):
    changes, sources = last_changes(), dataset_sources()
    entries = [
        DatasetEntry(dataset, changes[slug], sources[slug]) for slug, dataset in DATASETS.items()
    ]
    return render(
        request,
        "opendata/index.html",
        {
            "entries": entries,
            "formats": FORMATS,
            "licence": open_data_licence(),
            "catalogue_formats": tuple(dcat.SERIALISATIONS),
            "archive_name": ARCHIVE_NAME,
            "canonical_url": request.build_absolute_uri(request.path),
        },
    )


def _dataset_changed(request, dataset, format):
    return last_changes({dataset: DATASETS[dataset]})[dataset]


def _any_changed(request, **kwargs):
    return latest_change()


def _describe(request, response: HttpResponse) -> HttpResponse:
    """Name the licence and the data package in a ``Link`` header (RFC 8288)."""
    package = reverse("opendata:datapackage")
    response["Link"] = (
        f'<{open_data_licence().url}>; rel="license", '
        f'<{package}>; rel="describedby"; type="application/json"'
    )
    return response


@public_data_response(last_modified=_dataset_changed)
def download(request, dataset, format):
    if dataset not in DATASETS or format not in FORMATS:
        raise Http404
    body = RENDERERS[format](DATASETS[dataset])
    response = HttpResponse(body, content_type=CONTENT_TYPES[format])
    return _describe(request, as_download(response, f"partnerstwo-lokalne-{dataset}.{format}"))


def _inline(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@public_data_response(last_modified=_any_changed)
def datapackage(request):
    body = render_package(data_package(request))
    response = HttpResponse(body, content_type=CONTENT_TYPES["json"])
    return _describe(request, _inline(response, "datapackage.json"))


@public_data_response(last_modified=_any_changed)
def archive(request):
    """Every file of every dataset, with ``datapackage.json``, as one ZIP."""
    files = {"datapackage.json": render_package(data_package(request))}
    for slug, dataset in DATASETS.items():
        for fmt in FORMATS:
            files[f"{slug}.{fmt}"] = RENDERERS[fmt](dataset)
    body = render_zip(files, modified=latest_change())
    response = HttpResponse(body, content_type=CONTENT_TYPES["zip"])
    return _describe(request, as_download(response, ARCHIVE_NAME))


@public_data_response(last_modified=_any_changed)
def catalogue(request, format):
    if format not in dcat.SERIALISATIONS:
        raise Http404
    body = dcat.render_catalogue(dcat.catalogue_graph(request), format)
    _serialisation, content_type = dcat.SERIALISATIONS[format]
    return _inline(HttpResponse(body, content_type=content_type), f"katalog.{format}")
