"""Certificate codes and query strings never reach the server's log."""

import io
import logging

import pytest

from partnership.logfilters import RedactPaths, redact


@pytest.fixture
def server_log():
    """What the configured console handler writes, captured."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactPaths) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    ["/certyfikaty/TAJNY-kod_123/", "/en/certificates/TAJNY-kod_123/"],
)
def test_an_unknown_certificate_code_is_not_logged(client, server_log, address):
    assert client.get(address).status_code == 404
    written = server_log.getvalue()
    assert "Not Found" in written
    assert "TAJNY" not in written


@pytest.mark.django_db
def test_query_strings_are_not_logged(client, server_log):
    client.get("/projekty/?page=abc&q=Kowalska")
    client.get("/nie-ma-takiej-strony/?q=Kowalska")
    assert "Not Found" in server_log.getvalue()
    assert "Kowalska" not in server_log.getvalue()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/certyfikaty/AbC-12_x/", "/certyfikaty/…/"),
        ("/en/certificates/XYZ/", "/en/certificates/…/"),
        ('"GET /certyfikaty/abc/?x=1 HTTP/1.1" 404', '"GET /certyfikaty/…/?… HTTP/1.1" 404'),
        ("/certyfikaty/?code=SECRET", "/certyfikaty/?…"),
        ("/projekty/?q=Kowalski&page=2", "/projekty/?…"),
        ("/certyfikaty/", "/certyfikaty/"),
        ("/projekty/gminne-centrum/", "/projekty/gminne-centrum/"),
    ],
)
def test_redact(line, expected):
    assert redact(line) == expected
