"""Whole-page caching of anonymous public pages, invalidated whenever the data changes.

Each cached page is stored under a key that includes a *data version*. Any save or
delete of a record in the domain apps (``programmes``, ``workshops``, ``projects``)
replaces the version, so every page cached before the change is simply never read
again. The version lives in the cache itself, so all app servers that share a cache
(Redis in production) see a change made through any of them at once.
"""

from __future__ import annotations

import functools
import hashlib
import uuid

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

VERSION_KEY = "public-data-version"
PAGE_TIMEOUT = 60 * 60  # an hour; a data change invalidates sooner
DOMAIN_APPS = {"programmes", "workshops", "projects"}


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_data_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


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


def _on_change(sender, **kwargs):
    if sender._meta.app_label in DOMAIN_APPS:
        bump_data_version()


def _on_m2m_change(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_data_version()


def connect_signals() -> None:
    post_save.connect(_on_change, dispatch_uid="public-cache-save")
    post_delete.connect(_on_change, dispatch_uid="public-cache-delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="public-cache-m2m")
