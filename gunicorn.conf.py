"""gunicorn settings for the Local Partnership Portal (``gunicorn -c gunicorn.conf.py``).

Every value can be changed by an environment variable, so the same file serves production,
the load test and the fault scripts in ``benchmarks/``:

* ``GUNICORN_BIND`` (``127.0.0.1:8000``): address or ``unix:/run/portal.sock``;
  comma-separated for several.
* ``GUNICORN_WORKERS`` (``2 × cores + 1``, at most 12): worker processes.
* ``GUNICORN_THREADS`` (``4``): threads per worker (gthread workers); ``1`` gives sync
  workers.
* ``GUNICORN_TIMEOUT`` (``60``): seconds a worker may stay silent before it is killed.
* ``GUNICORN_GRACEFUL`` (``30``): seconds workers get to finish on stop or reload.
* ``GUNICORN_MAX_REQUESTS`` (``10000``): a worker is replaced after this many requests
  (``0``: never), with a jitter of a tenth.
* ``GUNICORN_PRELOAD`` (``1``): import the portal once in the master, before forking.
* ``FORWARDED_ALLOW_IPS`` (``127.0.0.1,::1``): proxies whose ``X-Forwarded-*`` headers
  are trusted.
* ``GUNICORN_ACCESS_LOG`` (``-``, stdout): the access log file; empty turns it off.
* ``LOG_LEVEL`` (``info``): gunicorn's own log level, as for the portal.

Why these choices:

* **gthread workers, 4 threads each.** The load test (``benchmarks/load_test.py``, 5
  processes, 32 clients, on 2 shared cores) measured gthread 1.7–3× the throughput of sync
  workers with the same processes, with the Python client and with wrk, with the
  in-process cache and with Redis (e.g. 1,665 against 502 req/s, 1,227 against 651 with
  Redis); only one run on an idle machine had sync ahead (1,766 against 1,501). Threads
  overlap the waits on PostgreSQL and Redis, keep connections alive, and a worker process
  that the machine deschedules holds up fewer queued connections. Costs: each thread
  keeps its own PostgreSQL connection (``CONN_MAX_AGE``), so the database sees up to
  ``workers × threads`` connections per app server (20 by default: mind
  ``max_connections``); and ``timeout`` only kills a worker that stops answering, not a
  slow request (nginx's ``proxy_read_timeout`` ends the wait, PostgreSQL's
  ``statement_timeout`` the query: README, "Running in production").
  ``GUNICORN_THREADS=1`` gives sync workers.
* **timeout 60 s**: the slowest legitimate requests, a 10,000-row attendee import and the
  PDF of every certificate of a cycle, take a few seconds (5–13 s for the import under
  load); 60 s leaves room while still replacing a hung worker. The import is one
  transaction, so a worker killed mid-way leaves nothing behind (``benchmarks/faults.py
  kill-import`` proves it).
* **max_requests + jitter** replaces workers one by one, bounding any slow memory growth;
  the jitter keeps them from all restarting at once.
* **preload_app**: the portal is imported once in the master and forked, so a replaced
  worker starts in milliseconds instead of re-importing Django. Importing opens no
  database or Redis connection; ``when_ready`` and ``pre_fork`` close any that a future
  import-time query might open, so no worker ever inherits a socket of the master. With
  preloading, new code needs a restart (``systemctl restart``), not ``kill -HUP``.
* **Access log without query strings, referers or cookies**: query strings can carry
  personal data (a certificate code typed into the check form, a search), so the log has
  the path only, and the code in ``/certyfikaty/<code>/`` is replaced by ``…``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = [item.strip() for item in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]
wsgi_app = "partnership.wsgi:application"

workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12))
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL", 30)
keepalive = 5  # seconds an idle keep-alive connection is kept (gthread)
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = max(max_requests // 10, 0)
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() in {"1", "true", "yes"}
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Headers, request line and body limits stay at gunicorn's defaults (8 KB lines, 100 headers).

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Remote address, time, method, path (no query string), protocol, status, bytes, duration,
# user agent. No %(r)s (it has the query string), no %(q)s, no %(f)s (referers carry the
# previous page's query string), no cookie or authorisation header.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

# A certificate's verification code in the URL identifies its holder: never log it.
_CERTIFICATE_CODE = re.compile(r"^((?:/en)?/(?:certyfikaty|certificates)/)[^/]+")


class PrivacyLogger(Logger):
    """gunicorn's logger, with certificate codes cut out of logged paths."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _CERTIFICATE_CODE.sub(r"\1…", atoms.get("U") or "")
        for secret in ("r", "q", "f"):
            atoms[secret] = "-"
        return atoms


logger_class = PrivacyLogger


def _close_connections() -> None:
    """Close database and cache connections the master may hold, before any fork."""
    import sys

    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()
    if "django.core.cache" in sys.modules:
        from django.core.cache import caches

        caches.close_all()


def when_ready(server):
    _close_connections()


def pre_fork(server, worker):
    _close_connections()
    # What the master has imported stays for the worker's life: out of the collector's
    # way (see "The imported portal frozen" above).
    gc.collect()
    gc.freeze()
