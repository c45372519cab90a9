"""Whole-page caching of anonymous public pages, invalidated whenever the data changes.

Each cached page (and each cached staff report, ``reports.services``) is stored under a
key that includes a *data version*. Every write path replaces the version once its
transaction has committed, by calling ``public_data_changed()``; every page cached before
the change is then simply never read again. The version lives in the cache itself, so all
app servers that share a cache (Redis in production) see a change made through any of
them at once.

The write paths, each of which calls ``public_data_changed()`` itself (model signals are
not used: bulk inserts, updates and deletes never send them):

- the admin: every domain model's admin saves and deletes (``programmes.admin.
  PublicDataAdminMixin``), inlines, bulk deletes and history reverts included;
- the staff screens' services: the attendance register, the attendee import,
  certificates (issue, revoke, re-issue), attendee erasure and the retention job,
  project status changes;
- the management commands that write records (``loadrecords``,
  ``generate_synthetic_data``, ``anonymise_attendees`` through its service).

Invalidating after the commit, not before, matters: a page rendered by another request
between an early bump and the commit would show the old data under the new version.
"""

from __future__ import annotations

import functools
import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

VERSION_KEY = "public-data-version"
PAGE_TIMEOUT = 60 * 60  # an hour; a data change invalidates sooner


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_data_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def public_data_changed(*, using: str = "default") -> None:
    """Invalidate every cached page and report once the current transaction commits
    (at once outside a transaction; never when it rolls back)."""
    transaction.on_commit(bump_data_version, using=using)


def _page_key(request) -> str:
    path = request.get_full_path().encode("utf-8", "surrogateescape")
    digest = hashlib.sha256(path).hexdigest()
    return f"page:{data_version()}:{get_language()}:{request.method}:{digest}"


def public_cache(view):
    """Cache a public view's 200 responses for anonymous GET/HEAD requests."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        cacheable = request.method in ("GET", "HEAD") and not request.user.is_authenticated
        if not cacheable:
            return view(request, *args, **kwargs)
        key = _page_key(request)
        response = cache.get(key)
        if response is not None:
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming:
            patch_cache_control(response, public=True, max_age=300)
            cache.set(key, response, PAGE_TIMEOUT)
            response["X-Cache"] = "miss"
        return response

    return wrapped
