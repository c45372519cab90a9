"""Per-address rate limits, counted by django-ratelimit in the default cache.

A client is its address as ``accounts.security.client_ip`` reads it (``REMOTE_ADDR``, or
``X-Forwarded-For`` behind ``TRUSTED_PROXY_COUNT`` proxies, never a header the client
could forge); an IPv6 client by its /64 network, which one machine usually holds whole.
Counts live in fixed windows of the rate's period (``60/m``: a minute), so a client can
at most double a limit across the edge of two windows. ``RATELIMIT_ENABLE = False`` (set
for the dummy cache) turns every limit off. The refusal is a 429 page with
``Retry-After``, never stored by any cache.
"""

from __future__ import annotations

import ipaddress

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django_ratelimit.core import get_usage

from accounts.security import client_ip

IPV6_PREFIX = 64


def address_key(group: str, request) -> str:
    """The key a client is counted under (django-ratelimit's ``key`` callable)."""
    ip = client_ip(request) or "-"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:  # an IPv4 client of a dual-stack socket
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)


def count(request, *, group: str, rate: str) -> dict | None:
    """Count one more request of ``group`` from this client; django-ratelimit's usage
    (``count``, ``limit``, ``should_limit`` once the count is over the limit,
    ``time_left``), or None when limits are off."""
    return get_usage(request, group=group, key=address_key, rate=rate, increment=True)


def reached(request, *, group: str, rate: str) -> dict | None:
    """The usage without counting, when this client's count has reached the limit."""
    usage = get_usage(request, group=group, key=address_key, rate=rate)
    if usage is None or usage["count"] < usage["limit"]:
        return None
    return usage


def retry_after(usage: dict) -> int:
    """Seconds until the window ends (at least 1)."""
    return max(int(usage["time_left"]), 1)


def too_many_requests(request, template: str, context: dict, *, seconds: int):
    """The 429 page with ``Retry-After``; no cache may keep it and serve it to others."""
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response
