"""A real SMTP server for the tests (aiosmtpd), and the background worker run in-process.

``Inbox`` collects what the server received, parsed; addresses in ``refuse`` are answered
with a permanent error at RCPT, as a real server refuses an unknown mailbox.
"""

from __future__ import annotations

import email
import email.policy
import signal
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def attachments(self) -> list[tuple[str, str, bytes]]:
        """(file name, content type, bytes) of each attachment."""
        return [
            (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
            for part in self.message.iter_attachments()
        ]


@dataclass
class Inbox:
    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [received for received in self.messages if address in received.rcpt_tos]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_worker(**options) -> None:
    """``manage.py db_worker --batch``: run every queued task, then return.

    In-process, inside the test's transaction: the worker's checks for stale database
    connections would close the test's connection (its transaction is not in autocommit),
    so they are skipped; the signal handlers it installs are put back afterwards."""
    from unittest import mock

    from django.core.management import call_command

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        with mock.patch(
            "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
        ):
            call_command(
                "db_worker",
                batch=True,
                interval=0,
                reload=False,
                startup_delay=False,
                verbosity=0,
                **options,
            )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
