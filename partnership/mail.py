"""What every e-mail of the portal shares: absolute links and a failure told in words.

E-mails are sent by background tasks (``manage.py db_worker``), which have no request to
take the portal's address from: links are built on ``PORTAL_BASE_URL``.
"""

from __future__ import annotations

import smtplib
import socket

from django.conf import settings

MAX_ERROR_LENGTH = 500


def portal_url(path: str) -> str:
    """An absolute link to ``path`` (as ``reverse`` gives it) on the portal."""
    return f"{settings.PORTAL_BASE_URL}{path}"


def _text(message) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def delivery_error(error: Exception, *, address: str = "") -> str:
    """A sending failure in one line for staff: the server's answer or the kind of
    failure, with the recipient's address cut out (it is on the attendee's record)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [f"{code} {_text(message)}" for code, message in error.recipients.values()]
        text = "; ".join(answers) or "recipient refused"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_text(error.smtp_error)}"
    elif isinstance(error, socket.timeout | TimeoutError):
        text = "timeout"
    else:
        text = f"{type(error).__name__}: {error}"
    if address:
        text = text.replace(address, "…")
    text = " ".join(text.split())
    return text[:MAX_ERROR_LENGTH]
