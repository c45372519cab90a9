"""Cached pages served before the URL is resolved (``partnership.caching.PageHitMiddleware``):
for an anonymous GET or HEAD to an address the process has seen ``public_cache`` keep,
byte for byte the hit the view would answer, only while its versions are current, never
to a visitor with a session, and not for the API (its rate limit counts every request).

Every test runs on the local-memory cache and on a Redis server (``shared_cache``).
"""

from __future__ import annotations

import pytest
import redis
from django.core.handlers.base import BaseHandler
from django.test import Client

from partnership import caching
from tests.portal.test_write_invalidation import (  # noqa: F401 - the fixture runs each test twice
    cached_text,
    fresh_text,
    page_url,
    shared_cache,
)
from tests.records import PLOCK_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db

CYCLE_PAGE = page_url(slug=PLOCK_2017)
ADDRESSES = [
    CYCLE_PAGE,
    "/",
    page_url("portal:home"),
    page_url("portal:county_detail", slug="plocki"),
    page_url("projects:list") + "?page=2",
]


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def resolved(monkeypatch):
    """The addresses the URL resolver was asked for (none for a shortcut's hit)."""
    paths = []
    resolve = BaseHandler.resolve_request

    def counted(self, request):
        paths.append(request.path_info)
        return resolve(self, request)

    monkeypatch.setattr(BaseHandler, "resolve_request", counted)
    return paths


def exact(response) -> tuple:
    return response.status_code, list(response.items()), response.content


@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("address", ADDRESSES)
def test_a_shortcut_hit_is_the_views_hit_byte_for_byte(visitor, resolved, address, method):
    request = getattr(visitor, method)
    assert request(address)["X-Cache"] == "miss"
    caching._addresses.clear()  # the process forgets the address: the view serves the hit
    through_the_view = request(address)
    assert through_the_view["X-Cache"] == "hit" and resolved == [address.split("?")[0]] * 2
    shortcut = request(address)
    assert resolved == [address.split("?")[0]] * 2, "the shortcut resolved the URL"
    assert exact(shortcut) == exact(through_the_view)
    assert shortcut["Content-Security-Policy"] and shortcut["X-Frame-Options"] == "DENY"
    assert "Cookie" in shortcut["Vary"]


def test_a_shortcut_hit_is_not_served_after_a_write(
    visitor, resolved, django_capture_on_commit_callbacks
):
    cycle = WorkshopCycle.objects.select_related("county", "programme").get(slug=PLOCK_2017)
    assert cycle.title in cached_text(visitor)
    assert visitor.get(CYCLE_PAGE)["X-Cache"] == "hit" and len(resolved) == 1
    with django_capture_on_commit_callbacks(execute=True):
        WorkshopCycle.objects.filter(pk=cycle.pk).update(title="Tytuł po zmianie")
        caching.public_data_changed(cycle=cycle)
    assert "Tytuł po zmianie" in fresh_text(visitor)
    assert visitor.get(CYCLE_PAGE)["X-Cache"] == "hit" and len(resolved) == 2


def test_no_shortcut_for_a_logged_in_user(staff_client, resolved):
    for address in ADDRESSES[:2]:
        Client().get(address)
        Client().get(address)  # cached and known to the shortcut
        response = staff_client.get(address)
        assert response.status_code == 200 and "X-Cache" not in response
        assert "no-store" in response["Cache-Control"]
        assert resolved[-1] == address.split("?")[0]


def test_no_shortcut_with_a_session_cookie(visitor, resolved, settings):
    cached_text(visitor)
    visitor.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    count = len(resolved)
    response = visitor.get(CYCLE_PAGE)
    assert response["X-Cache"] == "hit"  # the view's, anonymous
    assert len(resolved) == count + 1


def test_no_shortcut_for_the_api(visitor, resolved):
    """The API counts its rate limit before the cache: its hits go through the view."""
    address = page_url("api:project-list")
    cached_text(visitor, address)
    assert visitor.get(address)["X-Cache"] == "hit"
    assert len(resolved) == 3


@pytest.mark.parametrize("shared_cache", ["redis"], indirect=True)
def test_a_shortcut_hit_and_a_miss_after_a_write_read_redis_once(
    visitor, resolved, monkeypatch, django_capture_on_commit_callbacks
):
    cycle = WorkshopCycle.objects.select_related("county", "programme").get(slug=PLOCK_2017)
    cached_text(visitor)
    commands = []
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        commands.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    count = len(resolved)
    assert visitor.get(CYCLE_PAGE)["X-Cache"] == "hit"
    assert commands == ["MGET"] and len(resolved) == count
    with django_capture_on_commit_callbacks(execute=True):
        caching.public_data_changed(cycle=cycle)
    commands.clear()
    fresh_text(visitor)  # the view reuses what the shortcut read
    assert commands.count("MGET") == 1 and commands[0] == "MGET"
