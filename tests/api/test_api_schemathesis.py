"""The API tested from outside by Schemathesis, against its own OpenAPI description.

Every operation of ``/api/v1/schema/`` gets generated requests, valid ones and hostile ones
(Schemathesis' positive and negative modes: wrong types, patterns broken, out-of-range
numbers, odd strings in path and query), sent to the portal's WSGI application. Each
answer must not be a server error and must conform to the description: a documented
status code, the documented content type and headers, a body valid against its schema.
The number of generated cases is printed at the end of the run (the "schemathesis" line).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from partnership.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# The live description, served by the application itself (no database is needed for it).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture(autouse=True)
def unlimited_wsgi_requests(settings):
    # Thousands of requests from one address: the limit is tested elsewhere
    # (tests/api/test_api.py); here it would only turn the answers into 429s.
    settings.API_ANON_RATE = "1000000/m"
    # The WSGI handler would close the test's database connection after each request
    # (Django's test client keeps it open the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield settings
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_and_never_fails(case, fuzz_tally, api_case_tally):
    response = case.call()
    fuzz_tally(response.status_code)
    api_case_tally(f"{case.operation.method.upper()} {case.operation.path}")
    case.validate_response(response, checks=CHECKS)
