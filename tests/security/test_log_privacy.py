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
@pytest.mark.parametrize(
    ("address", "logged"),
    [
        ("/certyfikaty/TAJNY-kod_123/", "/certyfikaty/…/"),
        ("/en/certificates/TAJNY/", "/en/certificates/…/"),
    ],
)
def test_a_security_event_on_a_certificate_page_does_not_carry_its_code(
    client, server_log, address, logged
):
    """The handler's filter misses a code after "path=": the security log cuts it itself."""
    assert client.put(address).status_code == 405
    written = server_log.getvalue()
    assert "event=method_refused" in written
    assert f"path={logged} " in written
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
