"""Security middleware (see ``MIDDLEWARE`` in settings for the order).

Both classes sit below the middleware that add the security headers (``SecurityMiddleware``,
``CSPMiddleware``, ``XFrameOptionsMiddleware``), so their own answers carry those headers.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers

from accounts.security import log_event

ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


class AllowedMethodsMiddleware:
    """Answer any method but GET, HEAD, POST and OPTIONS with 405 before a view runs.

    The portal's forms only ever POST; PUT, DELETE, PATCH, TRACE, CONNECT and made-up
    methods reach no view, touch no session and no database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            response = HttpResponseNotAllowed(
                ALLOWED_METHODS,
                content=b"405 Method Not Allowed\n",
                content_type="text/plain; charset=utf-8",
            )
            log_event(
                "method_refused",
                request,
                user_id="-",
                level=logging.INFO,
                method=request.method[:16].encode("ascii", "backslashreplace").decode(),
            )
            return response
        return self.get_response(request)


def _admin_path_pattern() -> re.Pattern:
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(rf"^/(?:(?:{languages})/)?admin/")


class StaffResponseMiddleware:
    """Keep staff pages out of every cache, and log refused requests.

    * ``Cache-Control: no-store`` (and ``private, no-cache, max-age=0``) on every response
      under ``/admin/`` (``/en/admin/``) and on every response to a logged-in user: their
      pages show records and personal data that no browser or proxy cache should keep.
      Anonymous public pages keep their ``public, max-age`` (``partnership.caching``).
    * every 403 response is written to the security log (user id, path, and for a CSRF
      failure its reason), whichever view or middleware refused the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_path = _admin_path_pattern()

    def __call__(self, request):
        response = self.get_response(request)
        if self.admin_path.match(request.path_info) or self._authenticated(request):
            add_never_cache_headers(response)
        if response.status_code == 403:
            log_event(
                "forbidden",
                request,
                level=logging.WARNING,
                reason=getattr(request, "security_refusal", "forbidden"),
            )
        return response

    @staticmethod
    def _authenticated(request) -> bool:
        user = getattr(request, "user", None)
        if user is None:
            return False
        try:
            return user.is_authenticated
        except DatabaseError:
            # The session could not be read (the database is down): whoever this is,
            # the response (a 503 page) must not be cached either.
            return True
