"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` makes a new ``redis.Redis`` for every command,
and redis-py (8.x) fills a table of some 170 response callbacks in each: about 0.07 ms
of CPU, as much as the round trip itself, twice on a page-cache hit (the versions and the
page) before ``partnership.caching`` read both at once. A ``redis.Redis`` on a
connection pool is safe to share between threads (each command takes a connection from
the pool and gives it back), so one is made per pool and kept. After a fork the pool
itself drops the connections of the parent (it checks the process id), as before.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's client, with the ``redis.Redis`` of each pool made once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, tuple] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        kept = self._clients.get(id(pool))
        if kept is None or kept[0] is not pool:
            kept = self._clients[id(pool)] = (pool, self._client(connection_pool=pool))
        return kept[1]


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``ReusedRedisCacheClient``
    (settings: ``REDIS_URL``)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
