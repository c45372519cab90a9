"""How ``PG_PREPARE_THRESHOLD`` sets the PostgreSQL connection (partnership/settings.py):
prepared statements by default, off with 0 or empty, never on SQLite."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READ_OPTIONS = (
    "import json; from django.conf import settings; "
    "options = settings.DATABASES['default'].get('OPTIONS', {}); "
    "print(json.dumps({k: options[k] for k in ('server_side_binding', 'prepare_threshold') "
    "if k in options}))"
)


def database_options(database_url: str, **env: str) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PG_PREPARE_THRESHOLD", "DATABASE_URL", "DATABASE_REPLICA_URL")
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "partnership.settings",
        "SECRET_KEY": "test-only",
        "DATABASE_URL": database_url,
        **env,
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", READ_OPTIONS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


POSTGRES = "postgres://portal@db.example.pl:5432/partnership"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"server_side_binding": True, "prepare_threshold": 2}),
        ({"PG_PREPARE_THRESHOLD": "5"}, {"server_side_binding": True, "prepare_threshold": 5}),
        ({"PG_PREPARE_THRESHOLD": "0"}, {}),
        ({"PG_PREPARE_THRESHOLD": ""}, {}),
    ],
)
def test_prepared_statements_on_postgresql_unless_turned_off(env, expected):
    assert database_options(POSTGRES, **env) == expected


def test_no_prepared_statements_on_sqlite():
    assert database_options("sqlite:///portal.sqlite3") == {}
