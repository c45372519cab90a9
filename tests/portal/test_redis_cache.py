"""Two app servers, one Redis: a page cached through one is invalidated by a change made
through the other.

Each "server" is its own ``RedisCache`` instance (its own client and connection pool), as
two gunicorn instances with the same ``REDIS_URL`` have; the page cache
(``partnership.caching``) is pointed at one or the other for each request. The tests need a
Redis server on 127.0.0.1:6379 (CI starts one; ``TEST_REDIS_URL`` picks another) and are
skipped, with the reason, when none answers. They use database 13 and a key prefix of
their own, and delete only their own keys. ``benchmarks/two_instances.py`` checks the same
with two real gunicorn instances.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from partnership import caching
from partnership.redis_cache import RedisCache
from projects.models import ProjectIdea
from tests.helpers import REDIS_URL, redis_answers

redis = pytest.importorskip("redis", reason="the redis client is not installed")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not redis_answers(), reason=f"no Redis server answers at {REDIS_URL}"),
]


@pytest.fixture
def servers():
    """Two independent Redis cache clients with one key prefix; their keys removed after."""
    prefix = f"test-redis-cache-{uuid.uuid4().hex}"
    pair = {name: RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}) for name in ("A", "B")}
    assert pair["A"]._cache is not pair["B"]._cache
    yield pair
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    for cache in pair.values():
        cache.close()


@pytest.fixture
def on(monkeypatch, servers):
    """``on("A")``: the page cache (and the data version) now live in server A's client."""

    def switch(name: str) -> None:
        monkeypatch.setattr(caching, "cache", servers[name])

    return switch


@pytest.fixture
def idea():
    return ProjectIdea.objects.order_by("pk").first()


def project_url(idea) -> str:
    with translation.override("en"):
        return reverse("projects:detail", kwargs={"slug": idea.slug})


def test_a_page_cached_through_one_server_is_a_hit_on_the_other(
    client, on, idea, django_assert_num_queries
):
    on("A")
    first = client.get(project_url(idea))
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    on("B")
    with django_assert_num_queries(0):
        second = client.get(project_url(idea))
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_a_change_made_through_one_server_invalidates_the_page_on_the_other(
    client, on, idea, django_capture_on_commit_callbacks
):
    on("B")
    client.get(project_url(idea))
    assert client.get(project_url(idea))["X-Cache"] == "hit"
    old_title = idea.title

    on("A")  # the change is made on server A: its commit bumps the data version there
    with django_capture_on_commit_callbacks(execute=True):
        idea.title = f"{old_title} — nowy tytuł"
        idea.save()
        caching.public_data_changed(idea=idea)

    on("B")
    page = client.get(project_url(idea))
    assert page["X-Cache"] == "miss"
    assert "nowy tytuł" in page.content.decode()
    assert client.get(project_url(idea))["X-Cache"] == "hit"


def test_the_data_version_is_one_value_in_redis(on, servers):
    on("A")
    version_a = caching.data_version()
    on("B")
    assert caching.data_version() == version_a
    caching.bump_data_version()
    assert servers["A"].get(caching.VERSION_KEY) != version_a
    on("A")
    assert caching.data_version() == servers["B"].get(caching.VERSION_KEY)


def test_a_logged_in_user_is_neither_served_nor_cached_through_either_server(
    admin_client, client, on, idea, servers
):
    on("A")
    staff_page = admin_client.get(project_url(idea))
    assert staff_page.status_code == 200 and "X-Cache" not in staff_page
    on("B")
    assert client.get(project_url(idea))["X-Cache"] == "miss"


def test_each_server_keeps_one_redis_client_shared_by_its_threads(servers):
    """``partnership.redis_cache``: Django's client made a ``redis.Redis`` a command; ours
    keeps one per connection pool, and threads sharing it each get their own answers."""
    from concurrent.futures import ThreadPoolExecutor

    cache = servers["A"]
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert servers["B"]._cache.get_client() is not client

    def round_trips(n: int) -> bool:
        for i in range(50):
            cache.set(f"thread-{n}-{i}", (n, i))
            if cache.get_many([f"thread-{n}-{i}", "missing"]) != {f"thread-{n}-{i}": (n, i)}:
                return False
        return True

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(round_trips, range(8)))
    assert client.connection_pool is cache._cache.get_client().connection_pool


def test_a_forked_process_opens_its_own_connections(servers):
    """gunicorn forks its workers from a master that imported the portal: a kept client
    used in the child must not share the parent's socket."""
    import os

    cache = servers["A"]
    cache.set("before-fork", 1)
    parent = cache._cache.get_client().connection_pool
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if it answers through connections of its own
        ok = cache.get("before-fork") == 1
        pool = cache._cache.get_client().connection_pool
        mine = pool._available_connections + list(pool._in_use_connections)
        own = bool(mine) and all(connection.pid == os.getpid() for connection in mine)
        os._exit(0 if ok and pool is parent and pool.pid == os.getpid() and own else 1)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get("before-fork") == 1
