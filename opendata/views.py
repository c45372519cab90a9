"""The "Open data" page and the dataset downloads."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from partnership.caching import public_cache
from partnership.downloads import as_download

from .datasets import DATASETS, FORMATS
from .exports import render_csv, render_json

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
RENDERERS = {"csv": render_csv, "json": render_json}


@public_cache
def index(request):
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": DATASETS.values(),
            "formats": FORMATS,
            "canonical_url": request.build_absolute_uri(request.path),
        },
    )


@public_cache
def download(request, dataset, format):
    if dataset not in DATASETS or format not in FORMATS:
        raise Http404
    body = RENDERERS[format](DATASETS[dataset])
    response = HttpResponse(body.encode("utf-8"), content_type=CONTENT_TYPES[format])
    return as_download(response, f"partnerstwo-lokalne-{dataset}.{format}")
