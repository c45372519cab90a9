"""Small functions many tests share. Fixtures are in ``tests/conftest.py``, objects made
by factories in ``tests/factories.py``, the records' identifiers in ``tests/records.py``."""

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
