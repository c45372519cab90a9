"""Small functions many tests share. Fixtures are in ``tests/conftest.py``, objects made
by factories in ``tests/factories.py``, the records' identifiers in ``tests/records.py``."""

import os
import threading

from django.core.cache import cache
from django.db import connection, connections, transaction
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


def at_once(first_write, second_write) -> None:
    """Two writes in two transactions at the same moment: on PostgreSQL on two
    connections in two threads, the first holding its transaction open until the second
    has waited half a second for it (the second must be waiting for a lock: it is
    checked); SQLite lets one writer in at a time, so there the two run one after the
    other. Neither may fail."""
    written, release, errors = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                first_write()
                written.set()
                release.wait(10)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    def second():
        try:
            written.wait(10)
            with transaction.atomic():
                second_write()
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        written.wait(10)
        threads[1].join(0.5)  # the second is waiting for the first's lock
        assert threads[1].is_alive()
        release.set()
        for thread in threads:
            thread.join(20)
    else:
        release.set()
        first()
        second()
    assert errors == []


def committed_elsewhere(work) -> None:
    """Run ``work`` in a transaction of its own on a connection of its own (a thread),
    committed whatever the test's transaction does: to put back what ``at_once``'s
    threads committed on PostgreSQL."""
    errors = []

    def run():
        try:
            with transaction.atomic():
                work()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(20)
    assert errors == []
