"""How the page cache keeps a page (``partnership.caching.public_cache``): one key per
address (its language, method and scope), holding the versions the page was built under
with its status, headers and body, read with the current versions in one round trip. A
page is served only when the versions stored with it are the current ones, so a page from
before a write, or built while a write committed, is never served after it.

Every test runs on the local-memory cache and on a Redis server (``shared_cache``).
"""

from __future__ import annotations

import pytest
import redis
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import translation

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


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def cycle():
    return WorkshopCycle.objects.select_related("county", "programme").get(slug=PLOCK_2017)


def stored(address: str, scope: str):
    """What the cache holds for the English page at ``address``."""
    with translation.override("en"):
        return caching.cache.get(caching._page_key(RequestFactory().get(address), scope))


def test_a_page_is_kept_once_with_the_versions_it_was_built_under(visitor):
    page = cached_text(visitor)
    version, status, headers, body = stored(CYCLE_PAGE, f"cycle:{PLOCK_2017}")
    assert version == caching.scoped_version([f"cycle:{PLOCK_2017}"])
    assert (status, body.decode()) == (200, page)
    assert ("Cache-Control", "public, max-age=300") in headers


def test_a_hit_answers_the_headers_of_the_page_as_built(visitor):
    addresses = [CYCLE_PAGE, page_url("portal:home"), page_url("portal:county_list")]
    addresses.append(page_url("api:project-list"))
    for address in addresses:
        miss, hit = visitor.get(address), visitor.get(address)
        assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
        assert hit.status_code == miss.status_code == 200
        assert hit.content == miss.content
        assert {k: v for k, v in hit.items() if k != "X-Cache"} == {
            k: v for k, v in miss.items() if k != "X-Cache"
        }


def test_a_page_stored_under_old_versions_is_not_served_after_a_write(
    visitor, cycle, django_capture_on_commit_callbacks
):
    scope = f"cycle:{PLOCK_2017}"
    assert cycle.title in cached_text(visitor)
    old = stored(CYCLE_PAGE, scope)
    with django_capture_on_commit_callbacks(execute=True):
        WorkshopCycle.objects.filter(pk=cycle.pk).update(title="Tytuł po zmianie")
        caching.public_data_changed(cycle=cycle)
    # The old page is still under its key: its versions, not its key, keep it from being served.
    assert stored(CYCLE_PAGE, scope) == old
    assert "Tytuł po zmianie" in fresh_text(visitor)
    assert stored(CYCLE_PAGE, scope)[0] == caching.scoped_version([scope]) != old[0]
    assert visitor.get(CYCLE_PAGE)["X-Cache"] == "hit"
    # A slow request from before the write that stores its page last is not served either.
    with translation.override("en"):
        caching.cache.set(caching._page_key(RequestFactory().get(CYCLE_PAGE), scope), old)
    assert "Tytuł po zmianie" in fresh_text(visitor)


def test_a_page_built_while_a_write_commits_is_not_served_after_it(
    cycle, django_capture_on_commit_callbacks
):
    """The versions are read before the page is built: a write that commits (and replaces
    them) while the page is built from the data before it leaves the page stored under
    the versions it replaced."""
    calls = []

    def view(request, slug):
        title = WorkshopCycle.objects.get(slug=slug).title  # the data before the write
        if not calls:
            with django_capture_on_commit_callbacks(execute=True):
                WorkshopCycle.objects.filter(slug=slug).update(title="Tytuł po zmianie")
                caching.public_data_changed(cycle=cycle)
        calls.append(title)
        return HttpResponse(title)

    cached_view = caching.public_cache(view, scope="cycle")
    request = RequestFactory().get("/race/")
    request.user = AnonymousUser()
    first = cached_view(request, slug=cycle.slug)
    assert (first["X-Cache"], first.content.decode()) == ("miss", cycle.title)
    second = cached_view(request, slug=cycle.slug)
    assert (second["X-Cache"], second.content.decode()) == ("miss", "Tytuł po zmianie")
    third = cached_view(request, slug=cycle.slug)
    assert (third["X-Cache"], third.content.decode()) == ("hit", "Tytuł po zmianie")
    assert len(calls) == 2


def test_a_response_setting_a_cookie_is_not_cached():
    def view(request):
        response = HttpResponse("someone's")
        response.set_cookie("someone", "1")
        return response

    cached_view = caching.public_cache(view)
    request = RequestFactory().get("/cookie/")
    request.user = AnonymousUser()
    for _ in range(2):
        response = cached_view(request)
        assert "X-Cache" not in response and response.cookies["someone"].value == "1"


@pytest.mark.parametrize("shared_cache", ["redis"], indirect=True)
@pytest.mark.parametrize(
    "address", [CYCLE_PAGE, page_url("portal:home"), page_url("projects:list") + "?page=2"]
)
def test_a_hit_is_one_round_trip_to_redis(visitor, monkeypatch, address):
    cached_text(visitor, address)
    commands = []
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        commands.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    assert visitor.get(address)["X-Cache"] == "hit"
    assert commands == ["MGET"]
