"""The security log: logins, logouts, lockouts and refused requests, without personal data.

Every record goes to the ``partnership.security`` logger as one line of ``key=value``
pairs. A record names a user by their numeric id only (never a username or e-mail),
a client by a salted, truncated hash of its IP address (enough to see that several
failures came from one place, not enough to recover the address), and a page by its
path without the query string and without a certificate's verification code.
Passwords never reach this module.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.encoding import escape_uri_path

from partnership.logfilters import redact

logger = logging.getLogger("partnership.security")

_MAX_PATH = 200


def client_ip(request) -> str | None:
    """The client's IP address: ``REMOTE_ADDR``, or ``X-Forwarded-For`` behind trusted proxies.

    With ``TRUSTED_PROXY_COUNT = n`` (n reverse proxies in front of the app, each appending
    the address it saw to ``X-Forwarded-For``), the client is the n-th address from the
    right; anything to its left was written by the client and cannot be trusted. Without
    trusted proxies the header is ignored, so it cannot be used to dodge the lockout.
    Also used by django-axes (``AXES_CLIENT_IP_CALLABLE``).
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies and _is_ip(hops[-proxies]):
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def axes_username(request, credentials=None) -> str | None:
    """The username django-axes records (``AXES_USERNAME_CALLABLE``): as typed, without NUL
    bytes and cut to the 255 characters its table holds. Django's login form does not
    enforce the username's length, so a longer one reached the database (a server error on
    PostgreSQL); no real username is that long."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    if username is None:
        return None
    return str(username).replace("\x00", "")[:255]


def client_token(request) -> str:
    """A salted hash of the client's address, 12 hex digits; ``-`` when there is none."""
    ip = client_ip(request) if request is not None else None
    if not ip:
        return "-"
    return salted_hmac("partnership.security.client", ip).hexdigest()[:12]


def _user_id(request) -> str:
    user = getattr(request, "user", None)
    try:
        if user is not None and user.is_authenticated:
            return str(user.pk)
    except Exception:  # noqa: BLE001 - the database may be down; the log must not fail
        return "?"
    return "-"


def _path(request) -> str:
    # Percent-encoded, so that a crafted address cannot forge a line in the log, and
    # without a certificate's code (the handler's filter misses it after "path=").
    path = redact(escape_uri_path(request.path)[:_MAX_PATH]) if request is not None else ""
    return path or "-"


def log_event(event: str, request, *, user_id=None, level=logging.INFO, **fields) -> None:
    """Write one security event. ``fields`` must carry no personal data."""
    if user_id is None:
        user_id = _user_id(request) if request is not None else "-"
    parts = [
        f"event={event}",
        f"user={user_id}",
        f"client={client_token(request)}",
        f"path={_path(request)}",
    ]
    parts += [f"{key}={value}" for key, value in fields.items()]
    logger.log(level, " ".join(parts), extra={"security_event": event})
