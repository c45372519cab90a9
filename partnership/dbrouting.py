"""Reads from a PostgreSQL streaming replica, writes and their re-reads on the primary.

Active only when ``DATABASE_REPLICA_URL`` is set (settings): the ``replica`` alias, this
router in ``DATABASE_ROUTERS`` and :class:`ReadRoutingMiddleware` in ``MIDDLEWARE``.
Without it none of this is loaded: one database, as before.

Where a query goes (docs/deployment.md, "A read replica"):

- every write, every migration: the primary (``default``);
- reads of accounts, sessions, permissions, second-factor devices, login throttling, the
  admin's log and the task queue: the primary, always. A session written by a login must
  be found by the very next request, and these tables are small;
- reads inside a transaction on the primary (a service reading what it is about to
  change): the primary;
- reads outside a request (management commands, the background worker, the shell): the
  primary;
- reads in a request: the replica, unless the request is *pinned* to the primary. The
  middleware pins a request that is not safe (POST), one under ``/admin/`` (the staff
  screens, whose forms must show what the next save will overwrite), and one from a user
  who wrote in the last ``DATABASE_REPLICA_PIN_SECONDS`` (a signed cookie, set on the
  response to each POST of a logged-in user): **read-your-writes** for staff, whichever
  page they open next, public pages and reports included;
- and a read from the replica is checked, once per request, against the primary's WAL
  position at the last change of public data (:func:`mark_primary_position`, called by
  ``partnership.caching`` just before it replaces the versions of the changed pages): a
  replica that has not replayed that far yet is passed over for the primary. So no
  visitor rebuilds a page invalidated by a write from a replica that lacks the write (and
  caches the old content under the new version), and a replica that does not answer
  sends readers to the primary instead of failing (for ``REPLICA_RETRY_SECONDS``, before
  it is tried again).
"""

from __future__ import annotations

import contextvars
import functools
import logging
import re
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
# Apps whose tables are read from the primary in every case (see the module docstring).
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "admin",
        "auth",
        "axes",
        "contenttypes",
        "django_tasks_database",
        "otp_static",
        "otp_totp",
        "sessions",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PIN_COOKIE = "primary_until"
PIN_SALT = "partnership.dbrouting.pin"
MARK_KEY = "replica:primary-lsn"  # the primary's WAL position at the last public change
# A replica that did not answer is not asked again for this long (each try may wait for
# the connection timeout); until then requests read from the primary.
REPLICA_RETRY_SECONDS = 30
_replica_down_until = 0.0

# This request's reads: None outside a request (the primary); "check" until the first
# read decides; then "primary" or "replica" for the rest of the request.
_reads: contextvars.ContextVar[str | None] = contextvars.ContextVar("reads", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def pin_seconds() -> int:
    return int(getattr(settings, "DATABASE_REPLICA_PIN_SECONDS", 10))


def lsn_value(lsn: str | None) -> int | None:
    """A PostgreSQL WAL position (``16/B374D848``) as a number, or None."""
    if not lsn:
        return None
    high, _, low = lsn.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def _wal_position(alias: str, function: str) -> int | None:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}()::text")  # noqa: S608 (one of two names)
        return lsn_value(cursor.fetchone()[0])


def mark_primary_position() -> None:
    """Note the primary's WAL position after a committed change of public data, before
    the changed pages' versions are replaced: a replica read is trusted only once the
    replica has replayed that far. Nothing without a replica."""
    if not replica_configured():
        return
    try:
        position = _wal_position(PRIMARY, "pg_current_wal_lsn")
    except DatabaseError:
        logger.exception("The primary's WAL position could not be read")
        return
    # Read, compare, set: not atomic. Two writes committing at the same moment may leave
    # the older position, and a page built within the few milliseconds until the replica
    # has the newer write may then miss it (until that page's next change).
    if position is not None and position > (cache.get(MARK_KEY) or 0):
        cache.set(MARK_KEY, position, timeout=None)


def _replica_caught_up() -> bool:
    """Has the replica replayed the last public change? False when it does not answer,
    and then for ``REPLICA_RETRY_SECONDS`` without asking it again."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    try:
        replayed = _wal_position(REPLICA, "pg_last_wal_replay_lsn")
    except DatabaseError:
        # Django closes the failed connection at the end of the request.
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.warning("The read replica does not answer; reading from the primary")
        return False
    if replayed is None:  # not a standby (the tests' mirror): nothing to wait for
        return True
    return replayed >= (cache.get(MARK_KEY) or 0)


def reads_from() -> str:
    """The alias this request reads from, decided at its first read."""
    state = _reads.get()
    if state is None or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    if state == "check":
        state = REPLICA if _replica_caught_up() else PRIMARY
        _reads.set(state)
    return state


class PrimaryReplicaRouter:
    """Writes and migrations to the primary, reads as :func:`reads_from` says."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return reads_from()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        aliases = {PRIMARY, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True  # the same data, seen at two moments
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


@functools.cache
def _admin_path() -> re.Pattern:
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(rf"^/(?:(?:{languages})/)?admin/")


def pinned_until(request) -> float:
    try:
        return float(request.get_signed_cookie(PIN_COOKIE, default="0", salt=PIN_SALT))
    except (ValueError, signing.BadSignature):
        return 0.0


def pinned_to_primary(request) -> bool:
    """Must this request read from the primary (the module docstring says why)?"""
    if request.method not in SAFE_METHODS:
        return True
    if _admin_path().match(request.path_info):
        return True
    return pinned_until(request) > time.time()


class ReadRoutingMiddleware:
    """Pin a request's reads to the primary, or let them go to the replica (checked); on
    the response to a logged-in user's POST, the signed cookie that pins their next
    requests for ``DATABASE_REPLICA_PIN_SECONDS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads.set(PRIMARY if pinned_to_primary(request) else "check")
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        user = getattr(request, "user", None)
        if request.method not in SAFE_METHODS and user is not None and user.is_authenticated:
            response.set_signed_cookie(
                PIN_COOKIE,
                str(time.time() + pin_seconds()),
                salt=PIN_SALT,
                max_age=pin_seconds(),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
