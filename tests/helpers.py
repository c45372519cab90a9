"""Small functions many tests share. Fixtures are in ``tests/conftest.py``, objects made
by factories in ``tests/factories.py``, the records' identifiers in ``tests/records.py``."""

import os

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, address, query=None, *, fresh=False) -> int:
    """The database queries one GET of ``address`` (with ``query``) makes; the answer must
    be a 200. ``fresh``: empty the cache first, so the page is computed, not read from it."""
    if fresh:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address, query or {})
    assert response.status_code == 200, (address, response.content[:300])
    return len(captured.captured_queries)


# The Redis server the cache and rate-limit tests share (database 13, keys of their own);
# their tests are skipped, with this address, when none answers (.ci/run starts one).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_answers() -> bool:
    """Whether a Redis server answers at ``REDIS_URL`` (within a second)."""
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False
