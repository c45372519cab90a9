import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the Mazovian records loaded once per session."""
    with django_db_blocker.unblock():
        call_command("loadrecords", verbosity=0)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (test data rolls back without signals)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
