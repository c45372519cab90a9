"""The page shown when django-axes refuses a login (``AXES_LOCKOUT_CALLABLE``)."""

from __future__ import annotations

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


def lockout(request, original_response=None, credentials=None):
    """429 with the failure limit and the cool-off, in the visitor's language, and the
    cool-off in ``Retry-After``.

    Unlike axes' default response it never repeats the username that was typed, also
    not to scripts (axes answers ``X-Requested-With`` requests with JSON that does).
    """
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    response = render(
        request, "accounts/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    if cool_off:
        # At most this long: the cool-off runs from the lockout, not from this attempt.
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
