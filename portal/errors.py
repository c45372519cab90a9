"""Error pages: 400, 403, 404, 500, 503 when the database or the Redis cache is
unavailable, CSRF failures.

None of them shows a traceback or echoes the address. The 500 and 503 pages render
without the request's context processors, session or user, so they work whatever broke.
"""

from __future__ import annotations

import sys

import redis.exceptions
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers

#: Seconds a client is asked to wait before retrying when the database is unavailable.
RETRY_AFTER_SECONDS = 30

# Django wraps the driver's connection errors (psycopg's OperationalError when PostgreSQL
# is down or restarting, InterfaceError on a closed connection) in these two; the
# drivers' own classes are recognised too, should one escape unwrapped.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# With REDIS_URL set, pages, reports and (cached_db) sessions go through Redis: a Redis
# server that is down or restarting makes the portal temporarily unavailable too.
CACHE_UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _unavailable_classes() -> tuple[type[BaseException], ...]:
    classes = [*DATABASE_UNAVAILABLE, *CACHE_UNAVAILABLE]
    for connection in connections.all(initialized_only=True):
        driver = connection.Database
        classes += [driver.OperationalError, driver.InterfaceError]
    return tuple(classes)


def page_not_found(request, exception=None):
    """A friendly 404 page in the visitor's language; it never echoes the address."""
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    """403: the request was understood and refused (logged by ``StaffResponseMiddleware``)."""
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    """400: a malformed request (a bad Host header, too many form fields, …)."""
    return _standalone(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """403 for a form posted without a valid CSRF token (``CSRF_FAILURE_VIEW``).

    The reason (e.g. "CSRF cookie not set.") goes to the security log, not to the page.
    """
    request.security_refusal = "csrf"
    return render(request, "403_csrf.html", status=403)


def _database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc``, or an exception it was raised from, is a lost database connection."""
    classes = _unavailable_classes()
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, classes):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _standalone(request, template: str, *, status: int) -> HttpResponse:
    # No request context: context processors, the session and the user may be what failed.
    try:
        body = loader.render_to_string(template)
    except Exception:  # noqa: BLE001 - the error page must not fail in turn
        body = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    return HttpResponse(body, status=status)


def server_error(request):
    """``handler500``: 503 with ``Retry-After`` when the database is unavailable, else 500.

    Django calls it inside the ``except`` block that caught the exception, so
    ``sys.exc_info()`` names it — also when it was raised in a middleware (the session
    or the user read from a database that went away), which a view-level
    ``process_exception`` would miss.
    """
    if _database_unavailable(sys.exc_info()[1]):
        response = _standalone(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = _standalone(request, "500.html", status=500)
    # No cache in front of the portal may keep serving an error after it is over.
    add_never_cache_headers(response)
    return response
