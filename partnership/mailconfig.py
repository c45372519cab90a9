"""Django's e-mail settings from one ``EMAIL_URL`` (read by ``settings.py``).

=====================================  ==============================================
``EMAIL_URL``                          sends through
=====================================  ==============================================
unset or empty, ``console://``         the console: messages are printed, none sent
``smtp://user:password@host:25``       SMTP without encryption (a relay on the host)
``smtp+tls://…`` or ``submission://…``  SMTP with STARTTLS (port 587 unless given)
``smtps://…``                          SMTP over TLS from the first byte (port 465)
``dummy://``                           nowhere: messages are dropped
=====================================  ==============================================

The user name and password are percent-decoded (``%40`` for "@"); ``?timeout=`` sets the
seconds a connection may take (30 by default, so a silent server cannot hang the worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
DUMMY = "django.core.mail.backends.dummy.EmailBackend"

# scheme -> (default port, STARTTLS, implicit TLS)
SMTP_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+tls": (587, True, False),
    "submission": (587, True, False),
    "smtps": (465, False, True),
}
DEFAULT_TIMEOUT = 30


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    timeout: int = DEFAULT_TIMEOUT


def email_config(url: str) -> EmailConfig:
    """The e-mail settings an ``EMAIL_URL`` asks for; ImproperlyConfigured when it is not
    one of the forms above."""
    url = url.strip()
    if not url:
        return EmailConfig(backend=CONSOLE)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid URL: {error}") from None
    scheme = parts.scheme.lower()
    if scheme == "console":
        return EmailConfig(backend=CONSOLE)
    if scheme == "dummy":
        return EmailConfig(backend=DUMMY)
    if scheme not in SMTP_SCHEMES:
        known = ", ".join(["console", "dummy", *SMTP_SCHEMES])
        raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {scheme!r}; use one of {known}.")
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no mail server (smtp://host:port).")
    default_port, use_tls, use_ssl = SMTP_SCHEMES[scheme]
    timeout = parse_qs(parts.query).get("timeout", [str(DEFAULT_TIMEOUT)])[-1]
    if not timeout.isdigit() or int(timeout) < 1:
        raise ImproperlyConfigured("EMAIL_URL: ?timeout= takes a whole number of seconds.")
    return EmailConfig(
        backend=SMTP,
        host=parts.hostname,
        port=port or default_port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        timeout=int(timeout),
    )


def check_portal_base_url(app_configs=None, **kwargs):
    """``manage.py check --deploy``: links in e-mails must lead to the portal as its users
    reach it, not to the development default on this machine."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.core import checks

    parts = urlsplit(settings.PORTAL_BASE_URL)
    warnings = []
    if parts.hostname in {"127.0.0.1", "localhost", "::1"}:
        warnings.append(
            checks.Warning(
                f"PORTAL_BASE_URL is {settings.PORTAL_BASE_URL!r}: the links in e-mails "
                "(certificates, password resets) would lead to this machine.",
                hint="Set PORTAL_BASE_URL to the portal's public address, e.g. "
                "https://partnerstwo.example.pl.",
                id="partnership.W001",
            )
        )
    elif getattr(settings, "SECURE_SSL_REDIRECT", False) and parts.scheme != "https":
        warnings.append(
            checks.Warning(
                "PORTAL_BASE_URL is not https:// while the portal redirects to HTTPS.",
                id="partnership.W002",
            )
        )
    return warnings
