"""Failed logins per address (``LOGIN_FAILURES_PER_ADDRESS``), on top of axes' lockout of
one username at one address.

Axes alone never stops someone who tries a password or two on each of many usernames
from one address. Here every password checked and found wrong counts against the
address, whatever the username; once the count reaches the limit, every login posted
from that address is answered 429 without checking a password, until the window ends.
A successful login does not reset the count.

What counts: ``FailedLoginCounter``, the last authentication backend, is reached only
when every backend before it declined the credentials, i.e. ``ModelBackend`` checked the
password and found it wrong (or the account unknown or inactive). A login refused by
axes' lockout stops earlier (axes' backend raises ``PermissionDenied``) and is not
counted, so a clerk who keeps trying a locked account does not use up the allowance of
the whole office. Django's ``user_login_failed`` signal cannot tell the two apart: it is
sent for both, and axes' receiver, which runs before any of ours, flags the failure that
locks an account out just as it flags one refused by the lockout.
"""

from __future__ import annotations

import logging
import math

from django.conf import settings
from django.contrib.auth.backends import BaseBackend

from partnership import ratelimits

from .security import log_event

LOGIN_FAILURES = "login-failures"
#: The views that take a password (their POSTs are refused over the limit).
LOGIN_VIEWS = {"admin:login"}


class FailedLoginCounter(BaseBackend):
    """Counts a failed login against the client's address; authenticates nobody."""

    def authenticate(self, request, **credentials):
        if request is not None:
            count_failure(request)
        return None


def count_failure(request) -> None:
    rate = settings.LOGIN_FAILURES_PER_ADDRESS
    usage = ratelimits.count(request, group=LOGIN_FAILURES, rate=rate)
    if usage is not None and usage["count"] == usage["limit"]:
        # Once a window, when the limit is reached; never the username.
        log_event("login_address_limited", request, user_id="-", level=logging.WARNING)


class LoginAddressLimitMiddleware:
    """Answer a login posted from an address over the limit with 429, before the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match.view_name not in LOGIN_VIEWS:
            return None
        rate = settings.LOGIN_FAILURES_PER_ADDRESS
        usage = ratelimits.reached(request, group=LOGIN_FAILURES, rate=rate)
        if usage is None:
            return None
        seconds = ratelimits.retry_after(usage)
        context = {"failure_limit": usage["limit"], "minutes": math.ceil(seconds / 60)}
        return ratelimits.too_many_requests(
            request, "accounts/address_limited.html", context, seconds=seconds
        )
