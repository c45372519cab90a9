"""The API's documentation page in Chromium, under the portal's Content-Security-Policy:
Swagger UI (drf-spectacular-sidecar's files, served by the portal) loads the OpenAPI
description and shows every operation, in Polish and in English, with not one CSP
violation; "Try it out" gets an answer from the API."""

from __future__ import annotations

import pytest

from .test_security_browser import RECORD_VIOLATIONS

OPERATIONS = 19  # the root, nine lists, nine records


@pytest.fixture
def watched(page):
    console = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.csp_console = console
    return page


@pytest.mark.parametrize(
    ("query", "heading", "summary"),
    [
        ("", "Publiczne API", "Pomysły projektów: lista"),
        ("?lang=en", "Public API", "Project ideas: the list"),
    ],
)
def test_the_documentation_renders_every_operation_without_violations(
    portal, watched, query, heading, summary
):
    page = watched
    response = page.goto(f"{portal}/api/v1/docs/{query}")
    assert response.status == 200
    assert page.locator("h1").first.inner_text() == heading
    page.wait_for_selector(".opblock-summary", state="visible")
    page.wait_for_function(f"document.querySelectorAll('.opblock').length >= {OPERATIONS}")
    assert page.locator(".opblock").count() == OPERATIONS
    assert page.get_by_text(summary).count() >= 1
    # Open the projects list and try it: Swagger UI asks the API from the page.
    page.locator(".opblock-summary-path", has_text="/api/v1/projects/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.wait_for_selector(".live-responses-table tbody .response-col_status")
    status = page.locator(".live-responses-table tbody .response-col_status").first
    assert status.inner_text().strip() == "200"
    assert page.evaluate("window.__cspViolations") == []
    assert page.csp_console == []
