"""Keep certificate codes, password-reset tokens and query strings out of the server's logs.

A certificate's verification code identifies its holder, and query strings may carry
what a visitor typed (a code in the certificate lookup, a search). Django's request
logger writes the path of every 4xx/5xx ("Not Found: /certyfikaty/<code>/") and
runserver writes whole request lines, so a filter on the log handler cuts both out.
``gunicorn.conf.py`` uses the same ``redact`` for its access log. No Django imports:
the gunicorn configuration loads this before Django is set up.
"""

from __future__ import annotations

import logging
import re

# The verification page's path (Polish and English), wherever it appears in a line.
_CERTIFICATE_CODE = re.compile(
    r"((?:^|(?<=[\s\"']))(?:/en)?/(?:certyfikaty|certificates)/)[^/\s?\"']+"
)
# A password-reset link's account and token (accounts/password_reset.py).
_RESET_TOKEN = re.compile(r"((?:^|(?<=[\s\"']))(?:/en)?/admin/reset/)[^/\s?\"']+/[^/\s?\"']+")
_QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


def redact(text: str) -> str:
    """``text`` with certificate codes replaced by "…" and query strings by "?…"."""
    text = _CERTIFICATE_CODE.sub(r"\1…", text)
    text = _RESET_TOKEN.sub(r"\1…/…", text)
    return _QUERY_STRING.sub(r"\1?…", text)


class RedactPaths(logging.Filter):
    """Redacts the formatted message of every record passing through a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
