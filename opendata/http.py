"""HTTP for reusing the public data: validators, conditional requests and CORS.

``public_data_response(last_modified=...)`` makes a view that answers with public data
(an open-data file, its metadata, an API answer) friendly to scripts and caches:

- the answer is cached whole for anonymous visitors, like every public page
  (``partnership.caching.public_cache``; ``cache=False`` leaves that out);
- a 200 carries ``ETag`` (a hash of the body: the same bytes get the same tag, whichever
  server or language answers) and ``Last-Modified`` (what ``last_modified(request,
  *args, **kwargs)`` returns: the date the data last changed, never the time of the
  request); both are computed once and cached with the answer;
- ``If-None-Match`` and ``If-Modified-Since`` are answered ``304 Not Modified`` when the
  data has not changed (and ``If-Match``/``If-Unmodified-Since`` that fail with 412),
  also when the answer comes from the cache, which then costs no database query;
- ``Access-Control-Allow-Origin: *``, with ``ETag``, ``Link`` and
  ``Content-Disposition`` exposed to scripts, and an ``OPTIONS`` preflight answered (a
  script that sends ``If-None-Match`` itself needs one): a web page on any site may read
  the data. Credentials are never allowed.

Only open data and the API use it: staff pages and ordinary public pages never carry CORS
headers. Usage::

    @public_data_response(last_modified=lambda request, slug: dataset_changed(slug))
    def download(request, slug): ...
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from partnership.caching import public_cache

LastModified = Callable[..., datetime.datetime | None]

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Content-Disposition",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
    "Allow": "GET, HEAD, OPTIONS",
}


def allow_any_origin(response: HttpResponse) -> HttpResponse:
    """Let a script on any site read ``response`` (without credentials)."""
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def add_validators(response: HttpResponse, modified: datetime.datetime | None) -> None:
    """``ETag`` from the body, ``Last-Modified`` from ``modified`` (when known)."""
    set_response_etag(response)
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())


def conditional_response(request, response: HttpResponse) -> HttpResponse:
    """``response``, or 304/412 when the request's conditions say so."""
    if response.status_code != 200 or response.streaming:
        return response
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified")),
        response=response,
    )


def preflight_response() -> HttpResponse:
    response = HttpResponse(status=204)
    for name, value in PREFLIGHT_HEADERS.items():
        response[name] = value
    return response


def _with_validators(view, last_modified: LastModified):
    @functools.wraps(view)
    def validated(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            add_validators(response, last_modified(request, *args, **kwargs))
        return response

    return validated


def public_data_response(*, last_modified: LastModified, cache: bool = True):
    """Cache, validators, 304 and CORS for a view answering with public data (above)."""

    def decorator(view):
        inner = _with_validators(view, last_modified)
        if cache:
            inner = public_cache(inner)

        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "OPTIONS":
                return allow_any_origin(preflight_response())
            response = inner(request, *args, **kwargs)
            return allow_any_origin(conditional_response(request, response))

        return wrapped

    return decorator
