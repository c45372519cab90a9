"""Logins, failed logins, lockouts and logouts go to the security log (``security.py``).

Connected in ``AccountsConfig.ready``. The records name the account by its id, never by
the username that was typed, and never carry the password.
"""

from __future__ import annotations

import logging

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .security import log_event
from .twofactor import note_enrolment


def _account_id(credentials: dict) -> str:
    """The id of the account a failed login named, or ``unknown``."""
    model = get_user_model()
    username = credentials.get(model.USERNAME_FIELD) or credentials.get("username")
    if not isinstance(username, str) or not username:
        return "unknown"
    pk = (
        model._default_manager.filter(**{model.USERNAME_FIELD: username})
        .values_list("pk", flat=True)
        .first()
    )
    return str(pk) if pk is not None else "unknown"


def on_logged_in(sender, request, user, **kwargs):
    log_event("login", request, user_id=user.pk)
    if request is not None and hasattr(request, "session"):
        # Whether this login must be followed by a code (twofactor.py).
        note_enrolment(request, user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    log_event("login_failed", request, user_id=_account_id(credentials), level=logging.WARNING)


def on_locked_out(sender, request=None, username=None, **kwargs):
    log_event(
        "login_locked_out",
        request,
        user_id=_account_id({"username": username}),
        level=logging.WARNING,
    )


def on_logged_out(sender, request, user, **kwargs):
    log_event("logout", request, user_id=user.pk if user is not None else "-")


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="security-log-login")
    user_login_failed.connect(on_login_failed, dispatch_uid="security-log-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="security-log-locked-out")
    user_logged_out.connect(on_logged_out, dispatch_uid="security-log-logout")
