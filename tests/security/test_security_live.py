"""A real lost database: the portal started as in production (gunicorn, DEBUG off, HTTPS
behind a proxy) with its PostgreSQL address pointing at a port where nothing listens.

psycopg's own connection error (wrapped by Django into ``django.db.utils.OperationalError``)
must give a 503 with ``Retry-After`` and every security header, not a 500; pages that need
no database keep working.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "portal.example.gov.pl"
SETTINGS = """
from partnership.settings import *  # noqa: F403

# Static files from the source folders: no collectstatic manifest in a test.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def portal_without_database(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("no-database")
    (workdir / "no_database_settings.py").write_text(SETTINGS)
    (workdir / "gunicorn.conf.py").write_text("")  # gunicorn's defaults, not the project's
    nothing_listens = free_port()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    for key in ("DEBUG", "REDIS_URL"):
        env.pop(key, None)
    env.update(
        DJANGO_SETTINGS_MODULE="no_database_settings",
        PYTHONPATH=os.pathsep.join([str(workdir), str(ROOT)]),
        SECRET_KEY="live-security-test-" + "k" * 40,
        HTTPS="1",
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{nothing_listens}/partnership",
    )
    log = (workdir / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "partnership.wsgi:application",
            "--config",
            str(workdir / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("gunicorn did not start")
    if server.poll() is not None:
        pytest.fail((workdir / "server.log").read_text())
    yield port
    server.terminate()
    server.wait(timeout=10)
    log.close()


def get(port, path, *, https=True, cookie=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": HOST}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response, body


@pytest.mark.parametrize(
    ("path", "cookie"),
    [
        ("/", None),
        ("/en/projects/", None),
        ("/en/admin/", "sessionid=abcdefghijklmnopqrstuvwxyz012345"),
    ],
)
def test_a_lost_database_gives_503_with_retry_after(portal_without_database, path, cookie):
    response, body = get(portal_without_database, path, cookie=cookie)
    assert response.status == 503
    assert response.getheader("Retry-After") == "30"
    assert "no-store" in response.getheader("Cache-Control")
    assert response.getheader("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "default-src 'self'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Cross-Origin-Opener-Policy") == "same-origin"
    assert '<section lang="pl">' in body and '<section lang="en">' in body
    assert "Portal jest chwilowo niedostępny" in body
    assert "The portal is temporarily unavailable" in body
    assert "Traceback" not in body and "5432" not in body


def test_pages_without_the_database_still_work(portal_without_database):
    response, body = get(portal_without_database, "/robots.txt")
    assert response.status == 200
    assert "Disallow: /admin/" in body
    response, body = get(portal_without_database, "/ping")
    assert (response.status, body) == (200, "ok")


def test_plain_http_is_redirected_to_https(portal_without_database):
    response, _body = get(portal_without_database, "/en/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/en/"
    # Except the health check, which load balancers poll on the app server directly.
    response, body = get(portal_without_database, "/ping", https=False)
    assert (response.status, body) == (200, "ok")
