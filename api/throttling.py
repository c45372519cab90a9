"""The API's limit per address: ``API_ANON_RATE`` requests (``120/m`` by default), counted
by django-ratelimit in the default cache like the portal's other limits
(``partnership.ratelimits``: the same notion of an address, fixed windows, off with the
dummy cache). Over the limit, DRF answers 429 with ``Retry-After``: the seconds until
the window ends. Every request counts, those the page cache answers too."""

from __future__ import annotations

import logging

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from accounts.security import log_event
from partnership import ratelimits

GROUP = "api"


class AddressRateThrottle(BaseThrottle):
    usage: dict | None = None

    def allow_request(self, request, view) -> bool:
        django_request = getattr(request, "_request", request)
        self.usage = ratelimits.count(django_request, group=GROUP, rate=settings.API_ANON_RATE)
        if self.usage is None or not self.usage["should_limit"]:
            return True
        if self.usage["count"] == self.usage["limit"] + 1:  # once a window
            log_event("api_limited", django_request, user_id="-", level=logging.WARNING)
        return False

    def wait(self) -> float | None:
        return ratelimits.retry_after(self.usage) if self.usage else None
